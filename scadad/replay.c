/*
 * A bounded memory of replies by request id. The oldest entry goes first:
 * a client retries within seconds, so a few thousand entries cover every
 * station's retries many times over.
 */
#include "config.h"

#include <czmq.h>
#include <string.h>

#include "check.h"
#include "replay.h"
#include "xmalloc.h"

struct replay {
	zhashx_t	*replies;	/* rid -> reply text */
	zlistx_t	*age;		/* rids, oldest first */
	size_t		 capacity;
};

static void
replay_free_item(void **item)
{
	free(*item);
	*item = NULL;
}

replay_t *
replay_new(size_t capacity)
{
	replay_t *r = xcalloc(1, sizeof *r);

	r->capacity = capacity > 0 ? capacity : 1;
	r->replies = zhashx_new();
	r->age = zlistx_new();
	zhashx_set_destructor(r->replies, replay_free_item);
	zlistx_set_destructor(r->age, replay_free_item);
	return r;
}

void
replay_destroy(replay_t **rp)
{
	replay_t *r = *rp;

	if (r == NULL)
		return;
	zhashx_destroy(&r->replies);
	zlistx_destroy(&r->age);
	free(r);
	*rp = NULL;
}

const char *
replay_lookup(replay_t *r, const char *rid)
{
	return zhashx_lookup(r->replies, rid);
}

void
replay_store(replay_t *r, const char *rid, const char *reply)
{
	char *oldest;

	if (zhashx_lookup(r->replies, rid) != NULL)
		return;
	while (zhashx_size(r->replies) >= r->capacity &&
	    (oldest = zlistx_first(r->age)) != NULL) {
		zhashx_delete(r->replies, oldest);
		zlistx_delete(r->age, zlistx_cursor(r->age));
	}
	zhashx_insert(r->replies, rid, xstrdup(reply));
	zlistx_add_end(r->age, xstrdup(rid));
}

size_t
replay_size(replay_t *r)
{
	return zhashx_size(r->replies);
}

void
replay_selftest(void)
{
	replay_t *r = replay_new(2);

	CHECK(r != NULL);
	CHECK(replay_lookup(r, "a") == NULL);
	replay_store(r, "a", "one");
	replay_store(r, "a", "changed");	/* first reply wins */
	CHECK(strcmp(replay_lookup(r, "a"), "one") == 0);
	replay_store(r, "b", "two");
	replay_store(r, "c", "three");		/* evicts a */
	CHECK(replay_lookup(r, "a") == NULL);
	CHECK(strcmp(replay_lookup(r, "c"), "three") == 0);
	CHECK(replay_size(r) == 2);
	replay_destroy(&r);
	replay_destroy(&r);
}
