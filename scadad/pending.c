/*
 * The waiting room, bounded: a server with too much pending work says
 * "busy" rather than grow without end. A client that retries a request
 * still waiting (same request id) is not a second piece of work: the
 * reply, when it comes, goes to the newest copy, whose sender is the one
 * still listening.
 */
#include "config.h"

#include <czmq.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "msg.h"
#include "pending.h"
#include "xmalloc.h"

struct pending_item {
	uint64_t		 id;
	struct request		*request;
	long long		 deadline;	/* monotonic ms */
	const struct pending_ops *ops;
	void			*data;
};

struct pending {
	zhashx_t		*items;		/* id -> item */
	zhashx_t		*by_rid;	/* request_key -> item, for retries */
	uint64_t		 next;
	size_t			 max;
};

static void
pending_key(uint64_t id, char *buf, size_t len)
{
	snprintf(buf, len, "%llu", (unsigned long long)id);
}

pending_t *
pending_new(size_t max)
{
	pending_t *p = xcalloc(1, sizeof *p);

	p->items = zhashx_new();
	p->by_rid = zhashx_new();
	p->max = max;
	return p;
}

static void
pending_free_item(pending_t *p, struct pending_item *it)
{
	char key[24];

	pending_key(it->id, key, sizeof key);
	zhashx_delete(p->items, key);
	if (request_key(it->request) != NULL &&
	    zhashx_lookup(p->by_rid, request_key(it->request)) == it)
		zhashx_delete(p->by_rid, request_key(it->request));
	if (it->ops->free != NULL)
		it->ops->free(it->data);
	request_destroy(&it->request);
	free(it);
}

void
pending_destroy(pending_t **pp)
{
	pending_t *p = *pp;
	struct pending_item *it;

	if (p == NULL)
		return;
	while ((it = zhashx_first(p->items)) != NULL)
		pending_free_item(p, it);
	zhashx_destroy(&p->items);
	zhashx_destroy(&p->by_rid);
	free(p);
	*pp = NULL;
}

/*
 * Takes the request (*r is NULLed) and its data until done or expired.
 * Returns the id to finish it by, or 0 if too much is waiting already:
 * the request and data are then still the caller's.
 */
uint64_t
pending_add(pending_t *p, struct request **r, long long deadline,
    const struct pending_ops *ops, void *data)
{
	struct pending_item *it;
	char key[24];

	if (zhashx_size(p->items) >= p->max)
		return 0;
	it = xcalloc(1, sizeof *it);
	it->id = ++p->next;
	it->request = *r;
	it->deadline = deadline;
	it->ops = ops;
	it->data = data;
	*r = NULL;
	pending_key(it->id, key, sizeof key);
	zhashx_insert(p->items, key, it);
	if (request_key(it->request) != NULL)
		zhashx_update(p->by_rid, request_key(it->request), it);
	return it->id;
}

/* The data of a waiting request, and the request; NULL if none. */
void *
pending_data(pending_t *p, uint64_t id, struct request **r)
{
	struct pending_item *it;
	char key[24];

	pending_key(id, key, sizeof key);
	if ((it = zhashx_lookup(p->items, key)) == NULL)
		return NULL;
	if (r != NULL)
		*r = it->request;
	return it->data;
}

/* Answered: forget it. */
void
pending_done(pending_t *p, uint64_t id)
{
	struct pending_item *it;
	char key[24];

	pending_key(id, key, sizeof key);
	if ((it = zhashx_lookup(p->items, key)) != NULL)
		pending_free_item(p, it);
}

/*
 * A retried request whose first copy still waits: its envelope replaces
 * the first one's. Returns 1 if it did (the caller then drops the retry
 * without a reply), 0 if nothing with its rid waits.
 */
int
pending_retarget(pending_t *p, struct request *r)
{
	struct pending_item *it;

	if (request_key(r) == NULL || (it = zhashx_lookup(p->by_rid,
	    request_key(r))) == NULL)
		return 0;
	zmsg_destroy(&it->request->envelope);
	it->request->envelope = zmsg_dup(r->envelope);
	return 1;
}

/* Requests whose deadline has passed get their expiry reply. */
void
pending_expire(pending_t *p, long long now, void *arg)
{
	struct pending_item *it;
	zlistx_t *late = zlistx_new();

	for (it = zhashx_first(p->items); it != NULL;
	    it = zhashx_next(p->items))
		if (it->deadline <= now)
			zlistx_add_end(late, it);
	for (it = zlistx_first(late); it != NULL; it = zlistx_next(late)) {
		it->ops->expire(it->data, it->request, arg);
		pending_free_item(p, it);
	}
	zlistx_destroy(&late);
}

size_t
pending_count(pending_t *p)
{
	return zhashx_size(p->items);
}

static int pending_selftest_freed;

static void
pending_selftest_expire(void *data, struct request *r, void *arg)
{
	(*(int *)arg)++;
	request_reply(r, msg_error(ERROR_TIMEOUT, "late"));
}

static void
pending_selftest_free(void *data)
{
	pending_selftest_freed++;
	free(data);
}

static const struct pending_ops pending_selftest_ops = {
	.kind = "test",
	.expire = pending_selftest_expire,
	.free = pending_selftest_free,
};

static struct request *
pending_selftest_request(zsock_t *router, const char *rid, const char *who)
{
	char *text = xasprintf("{\"v\":2,\"op\":\"x\",\"rid\":\"%s\"}", rid);
	zframe_t *f = zframe_new(text, strlen(text));
	zmsg_t *env = zmsg_new();
	struct request *r;
	json_t *e;

	zmsg_addstr(env, who);
	r = request_new(router, env, f, 1, &e);
	CHECK(r != NULL);
	zframe_destroy(&f);
	free(text);
	return r;
}

void
pending_selftest(void)
{
	zsock_t *router = zsock_new(ZMQ_ROUTER);
	pending_t *p = pending_new(2);
	struct request *r, *got = NULL;
	uint64_t a, b;
	int expired = 0;

	r = pending_selftest_request(router, "r1", "one");
	a = pending_add(p, &r, zclock_mono() + 60000, &pending_selftest_ops,
	    xstrdup("a"));
	CHECK(a != 0 && r == NULL);
	r = pending_selftest_request(router, "r2", "two");
	b = pending_add(p, &r, 0, &pending_selftest_ops, xstrdup("b"));
	CHECK(b != 0 && b != a);
	/* Full: the caller keeps what it offered. */
	r = pending_selftest_request(router, "r3", "three");
	CHECK(pending_add(p, &r, 0, &pending_selftest_ops, NULL) == 0 &&
	    r != NULL);
	request_destroy(&r);
	CHECK(strcmp(pending_data(p, a, &got), "a") == 0 &&
	    strcmp(got->rid, "r1") == 0);
	/* A retry of r1 from elsewhere: its envelope takes over. */
	r = pending_selftest_request(router, "r1", "retry");
	CHECK(pending_retarget(p, r) == 1);
	request_destroy(&r);
	pending_data(p, a, &got);
	CHECK(zmsg_size(got->envelope) == 1 &&
	    zframe_streq(zmsg_first(got->envelope), "retry"));
	r = pending_selftest_request(router, "r9", "none");
	CHECK(pending_retarget(p, r) == 0);
	request_destroy(&r);
	pending_expire(p, zclock_mono(), &expired);
	CHECK(expired == 1 && pending_count(p) == 1 &&
	    pending_data(p, b, NULL) == NULL);
	pending_done(p, a);
	CHECK(pending_count(p) == 0 && pending_selftest_freed == 2);
	pending_destroy(&p);
	pending_destroy(&p);
	zsock_destroy(&router);
}
