/*
 * The Clone pattern, client side, without ever waiting. Order matters:
 * the SUB socket is connected before the first page of the snapshot is
 * taken, and is read only once that page has come, so every
 * publication after it is applied and none before it. Each tag keeps
 * the sequence number of the value it holds: a page (taken at its own
 * sequence number) never overwrites a newer publication, and a
 * publication never a newer page. Any hole in the sequence, a new
 * server instance or project generation, or heartbeat silence sends us
 * back to resync. Publications carry every topic; the mirror applies
 * the sequence rule to all of them and ignores topics it does not know.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "i18n.h"
#include "keys.h"
#include "log.h"
#include "mirror.h"
#include "msg.h"
#include "xmalloc.h"

enum mirror_state {
	MIRROR_OFFLINE,		/* waiting to try again */
	MIRROR_HELLO,		/* hello sent */
	MIRROR_FIRST,		/* first page asked for */
	MIRROR_LOADING,		/* pages coming, publications applied */
	MIRROR_ONLINE
};

/* A publication for a tag whose page has not come yet. */
struct mirror_early {
	struct tagval	 tv;
	uint64_t	 seq;
};

struct mirror {
	enum error_code		 refused;	/* the last sync's error */
	int			 new_list;	/* take the tag list again */
	mirror_event_fn		*event_fn;
	void			*event_arg;
	client_t		*client;
	zsock_t			*sub;
	enum mirror_state	 state;
	uint64_t		 req;		/* the hello in flight */
	uint64_t		 pages[MIRROR_DEPTH];	/* pages in flight */
	int			 npages;
	json_int_t		 cursor;	/* of the next page to ask for */
	int			 last_page;	/* the end is known */
	char			*server;
	char			*project;
	json_t			*station;	/* hello's: the project's say */
	char			*pub_endpoint;
	char			*instance;	/* of the tag list we hold */
	uint64_t		 gen;
	char			*sync_instance;	/* of the sync under way */
	uint64_t		 sync_gen;
	int			 want_meta;
	struct mirror_tag	**tags;
	size_t			 ntags;
	size_t			 cap;
	zhashx_t		*index;		/* name -> struct mirror_tag */
	zhashx_t		*early;		/* name -> struct mirror_early */
	uint64_t		 seq;
	size_t			 loaded;
	size_t			 total;
	long long		 last_heard;	/* monotonic ms */
	long long		 silence_ms;
	long long		 next_try;
	unsigned		 resyncs;
	char			 status[160];
	mirror_fn		*fn;
	void			*arg;
};

static void	mirror_hello(mirror_t *);
static void	mirror_cancel(mirror_t *);

static long long
mirror_clock(void)
{
	return zclock_mono();
}

static void
mirror_early_free(void **item)
{
	free(*item);
	*item = NULL;
}

/* The client is borrowed: a station shares it with its writes. */
mirror_t *
mirror_new(client_t *client)
{
	mirror_t *m = xcalloc(1, sizeof *m);

	m->client = client;
	m->index = zhashx_new();
	m->early = zhashx_new();
	zhashx_set_destructor(m->early, mirror_early_free);
	m->silence_ms = MIRROR_SILENCE_MS;
	snprintf(m->status, sizeof m->status, "%s", _("connecting"));
	return m;
}

static void
mirror_tag_free(struct mirror_tag *t)
{
	free(t->name);
	free(t->type);
	free(t->units);
	free(t->description);
	free(t->area);
	free(t);
}

void
mirror_destroy(mirror_t **mp)
{
	mirror_t *m = *mp;
	size_t i;

	if (m == NULL)
		return;
	mirror_cancel(m);
	for (i = 0; i < m->ntags; i++)
		mirror_tag_free(m->tags[i]);
	free(m->tags);
	zhashx_destroy(&m->index);
	zhashx_destroy(&m->early);
	zsock_destroy(&m->sub);
	free(m->server);
	free(m->project);
	json_decref(m->station);
	free(m->pub_endpoint);
	free(m->instance);
	free(m->sync_instance);
	free(m);
	*mp = NULL;
}

/* Publications of other topics (session ends, later alarms) go to fn. */
void
mirror_set_events(mirror_t *m, mirror_event_fn *fn, void *arg)
{
	m->event_fn = fn;
	m->event_arg = arg;
}

void
mirror_set_handler(mirror_t *m, mirror_fn *fn, void *arg)
{
	m->fn = fn;
	m->arg = arg;
}

static void
mirror_notify(mirror_t *m, const struct mirror_tag *t)
{
	if (m->fn != NULL)
		m->fn(m->arg, t);
}

/* Whatever the mirror asked for and has not had. */
static void
mirror_cancel(mirror_t *m)
{
	client_cancel(m->client, m->req);
	m->req = 0;
	while (m->npages > 0)
		client_cancel(m->client, m->pages[--m->npages]);
}

static void
mirror_go_offline(mirror_t *m, const char *why, long long retry_ms)
{
	snprintf(m->status, sizeof m->status, "%s", why);
	mirror_cancel(m);
	m->state = MIRROR_OFFLINE;
	m->next_try = mirror_clock() + retry_ms;
	zhashx_purge(m->early);
	mirror_notify(m, NULL);
}

/*
 * Syncs again from the start, at once: what the server lets this
 * station see changed (a login, a logout).
 */
void
mirror_restart(mirror_t *m, const char *why)
{
	m->refused = ERROR_NONE;
	m->new_list = 1;	/* which tags, and which may be written */
	mirror_go_offline(m, why, 0);
}

static void
mirror_fail(mirror_t *m, json_t *reply)
{
	char why[160];

	m->refused = msg_error_code(reply);
	/* Refused, not lost: the server is there but will not show this. */
	if (m->refused == ERROR_UNAUTHENTICATED ||
	    m->refused == ERROR_PERMISSION_DENIED)
		snprintf(why, sizeof why, "%s", msg_error_message(reply));
	else
		snprintf(why, sizeof why, "%s: %s", _("communication lost"),
		    msg_error_message(reply));
	mirror_go_offline(m, why, MIRROR_RETRY_MS);
}

/* Why the server last refused to sync (ERROR_NONE: it did not). */
enum error_code
mirror_refused(mirror_t *m)
{
	return m->refused;
}

static void
mirror_keep(char **dst, json_t *reply, const char *key)
{
	const char *v = json_string_value(json_object_get(reply, key));

	free(*dst);
	*dst = xstrdup(v != NULL ? v : "");
}

static char *
mirror_strdup(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return xstrdup(s != NULL ? s : "");
}

/* Messages queued before this sync belong to an older one: away. */
static void
mirror_drain(mirror_t *m)
{
	zmsg_t *msg;

	while (m->sub != NULL && (zsock_events(m->sub) & ZMQ_POLLIN) &&
	    (msg = zmsg_recv(m->sub)) != NULL)
		zmsg_destroy(&msg);
}

static int
mirror_subscribe(mirror_t *m, json_t *hello)
{
	json_int_t port = json_integer_value(json_object_get(hello,
	    "pub_port"));
	char *ep;

	if (port <= 0 || port > 65535 ||
	    (ep = client_pub_endpoint(m->client, (int)port)) == NULL)
		return -1;
	if (m->sub != NULL && m->pub_endpoint != NULL &&
	    strcmp(ep, m->pub_endpoint) == 0) {
		free(ep);
		mirror_drain(m);
		return 0;
	}
	zsock_destroy(&m->sub);
	free(m->pub_endpoint);
	m->pub_endpoint = ep;
	if ((m->sub = zsock_new(ZMQ_SUB)) == NULL)
		return -1;
	zsock_set_linger(m->sub, 0);
	keys_apply(client_keys(m->client), m->sub);
	/* What one slow station may hold; a loss means a resync. */
	zsock_set_rcvhwm(m->sub, 1000);
	zsock_set_subscribe(m->sub, "");	/* every topic, known or not */
	return zsock_connect(m->sub, "%s", ep);
}

static void	mirror_page_reply(void *, json_t *);

/*
 * Pages are asked for at fixed cursors, MIRROR_PAGE ids apart, several
 * at a time, so the server builds one while the wire carries another
 * and the station decodes a third. A page of MIRROR_PAGE tags from
 * cursor k spans at least the ids up to the next cursor, so pages
 * overlap where ids have holes but never leave a gap; a tag in two
 * pages takes the newer value, as ever.
 */
static void
mirror_ask_pages(mirror_t *m)
{
	json_t *req;

	while (!m->last_page && m->npages < MIRROR_DEPTH) {
		req = json_pack("{s:s, s:I, s:i, s:b}", "op", "snapshot",
		    "cursor", m->cursor, "limit", MIRROR_PAGE, "meta",
		    m->want_meta);
		m->pages[m->npages++] = client_send(m->client, req,
		    MIRROR_PAGE_MS, 1, mirror_page_reply, m);
		json_decref(req);
		m->cursor += MIRROR_PAGE;
	}
}

/* A new tag list: what we hold stays, stale, until its page comes. */
static void
mirror_start_sync(mirror_t *m)
{
	size_t i;

	for (i = 0; i < m->ntags; i++) {
		m->tags[i]->current = 0;
		m->tags[i]->seq = 0;
		m->tags[i]->present = 0;
	}
	m->loaded = 0;
	m->state = MIRROR_FIRST;
	m->cursor = 0;
	m->last_page = 0;
	mirror_ask_pages(m);
}

static void
mirror_hello_reply(void *arg, json_t *reply)
{
	mirror_t *m = arg;
	json_int_t hb = json_integer_value(json_object_get(reply,
	    "heartbeat_ms"));
	const char *inst = json_string_value(json_object_get(reply,
	    "instance"));

	m->req = 0;
	if (!msg_is_ok(reply) || inst == NULL || mirror_subscribe(m, reply) ==
	    -1) {
		mirror_fail(m, reply);
		return;
	}
	mirror_keep(&m->server, reply, "server");
	mirror_keep(&m->project, reply, "project");
	json_decref(m->station);
	m->station = json_incref(json_object_get(reply, "station"));
	m->silence_ms = hb > 1000 ? 2 * hb + 200 : MIRROR_SILENCE_MS;
	free(m->sync_instance);
	m->sync_instance = xstrdup(inst);
	m->sync_gen = (uint64_t)json_integer_value(json_object_get(reply,
	    "gen"));
	m->want_meta = m->instance == NULL || strcmp(m->instance, inst) != 0 ||
	    m->gen != m->sync_gen || m->ntags == 0 || m->new_list;
	mirror_start_sync(m);
}

/*
 * Resync starts with a hello that may find no server, so it is given
 * one short attempt; pages follow a hello just answered.
 */
static void
mirror_hello(mirror_t *m)
{
	json_t *req = json_pack("{s:s}", "op", "hello");

	m->state = MIRROR_HELLO;
	m->req = client_send(m->client, req, MIRROR_HELLO_MS, 1,
	    mirror_hello_reply, m);
	json_decref(req);
}

static struct mirror_tag *
mirror_add(mirror_t *m, const char *name)
{
	struct mirror_tag *t = xcalloc(1, sizeof *t);

	if (m->ntags == m->cap) {
		m->cap = m->cap == 0 ? 1024 : 2 * m->cap;
		m->tags = xreallocarray(m->tags, m->cap, sizeof *m->tags);
	}
	t->name = xstrdup(name);
	t->tv.quality = QUALITY_BAD;
	t->tv.value = NAN;
	m->tags[m->ntags++] = t;
	zhashx_insert(m->index, t->name, t);
	return t;
}

static void
mirror_meta(struct mirror_tag *t, json_t *o)
{
	json_t *lo = json_object_get(o, "min"), *hi = json_object_get(o, "max");

	free(t->type);
	free(t->units);
	free(t->description);
	free(t->area);
	t->id = (uint32_t)json_integer_value(json_object_get(o, "id"));
	t->type = mirror_strdup(o, "type");
	t->units = mirror_strdup(o, "units");
	t->description = mirror_strdup(o, "description");
	t->area = mirror_strdup(o, "area");
	t->writable = json_is_true(json_object_get(o, "writable"));
	t->critical = json_is_true(json_object_get(o, "critical"));
	/* What this station's user may write; a server before logins: all. */
	t->may_write = json_object_get(o, "may_write") != NULL ?
	    json_is_true(json_object_get(o, "may_write")) : t->writable;
	t->has_range = json_is_number(lo) && json_is_number(hi);
	t->min = json_number_value(lo);
	t->max = json_number_value(hi);
}

/* Sets the value if it is newer than what the tag holds. */
static int
mirror_set(struct mirror_tag *t, const struct tagval *tv, uint64_t seq)
{
	if (t->current && seq <= t->seq)
		return 0;
	t->tv = *tv;
	t->seq = seq;
	t->current = 1;
	return 1;
}

static struct mirror_tag *
mirror_page_tag(mirror_t *m, json_t *o, uint64_t seq)
{
	struct mirror_early *e;
	struct mirror_tag *t;
	struct tagval tv;
	const char *name;

	if (tagval_from_json(o, &name, &tv) == -1)
		return NULL;
	if ((t = zhashx_lookup(m->index, name)) == NULL) {
		if (!m->want_meta)
			return NULL;	/* not in the list we browsed */
		t = mirror_add(m, name);
	}
	if (m->want_meta)
		mirror_meta(t, o);
	if (!t->present) {
		t->present = 1;
		m->loaded++;
	}
	mirror_set(t, &tv, seq);
	if ((e = zhashx_lookup(m->early, name)) != NULL) {
		mirror_set(t, &e->tv, e->seq);
		zhashx_delete(m->early, name);
	}
	return t;
}

/* After a new tag list: tags the server no longer has go. */
static void
mirror_prune(mirror_t *m)
{
	size_t i, k = 0;

	for (i = 0; i < m->ntags; i++) {
		if (m->tags[i]->present) {
			m->tags[k++] = m->tags[i];
			continue;
		}
		zhashx_delete(m->index, m->tags[i]->name);
		mirror_tag_free(m->tags[i]);
	}
	m->ntags = k;
}

static void
mirror_online_now(mirror_t *m)
{
	if (m->want_meta)
		mirror_prune(m);
	zhashx_purge(m->early);
	m->state = MIRROR_ONLINE;
	m->refused = ERROR_NONE;
	m->new_list = 0;
	m->resyncs++;
	snprintf(m->status, sizeof m->status, "%s", _("online"));
	mirror_notify(m, NULL);
}

static int
mirror_same_server(mirror_t *m, json_t *reply)
{
	const char *inst = json_string_value(json_object_get(reply,
	    "instance"));

	return inst != NULL && strcmp(inst, m->sync_instance) == 0 &&
	    (uint64_t)json_integer_value(json_object_get(reply, "gen")) ==
	    m->sync_gen;
}

static void
mirror_page_reply(void *arg, json_t *reply)
{
	mirror_t *m = arg;
	json_t *list = json_object_get(reply, "tags"), *o;
	json_t *next = json_object_get(reply, "next");
	uint64_t seq = (uint64_t)json_integer_value(json_object_get(reply,
	    "seq"));
	struct mirror_tag **page;
	size_t i;

	/* Replies come in the order asked: this is the oldest. */
	memmove(m->pages, m->pages + 1, (size_t)--m->npages * sizeof *m->pages);
	if (!msg_is_ok(reply) || !json_is_array(list)) {
		mirror_fail(m, reply);
		return;
	}
	if (!mirror_same_server(m, reply)) {
		/* Restarted or reloaded since the hello: again, at once. */
		mirror_go_offline(m, _("project reloaded"), 0);
		return;
	}
	if (m->state == MIRROR_FIRST) {
		free(m->instance);
		m->instance = xstrdup(m->sync_instance);
		m->gen = m->sync_gen;
		m->seq = seq;
		m->state = MIRROR_LOADING;
		m->last_heard = mirror_clock();
	}
	m->total = (size_t)json_integer_value(json_object_get(reply,
	    "total"));
	/* The whole page first, so a handler sees the list as it is. */
	page = xcalloc(json_array_size(list) + 1, sizeof *page);
	json_array_foreach(list, i, o)
		page[i] = mirror_page_tag(m, o, seq);
	/* Nothing beyond this page: those asked for ahead are empty. */
	if (!json_is_integer(next)) {
		m->last_page = 1;
		while (m->npages > 0)
			client_cancel(m->client, m->pages[--m->npages]);
	}
	mirror_ask_pages(m);
	mirror_notify(m, NULL);
	for (i = 0; i < json_array_size(list); i++)
		if (page[i] != NULL)
			mirror_notify(m, page[i]);
	free(page);
	if (m->last_page && m->npages == 0)
		mirror_online_now(m);
}

static void
mirror_apply_tags(mirror_t *m, json_t *o, uint64_t seq)
{
	json_t *list = json_object_get(o, "tags"), *t;
	struct mirror_early *e;
	struct mirror_tag *mt;
	struct tagval tv;
	const char *name;
	size_t i;

	json_array_foreach(list, i, t) {
		if (tagval_from_json(t, &name, &tv) == -1)
			continue;
		if ((mt = zhashx_lookup(m->index, name)) != NULL &&
		    (mt->present || !m->want_meta)) {
			if (mirror_set(mt, &tv, seq))
				mirror_notify(m, mt);
		} else if (m->state == MIRROR_LOADING) {
			e = xcalloc(1, sizeof *e);
			e->tv = tv;
			e->seq = seq;
			zhashx_update(m->early, name, e);
		}
	}
}

/* One publication, in order; returns -1 if the mirror went offline. */
static int
mirror_dispatch(mirror_t *m, const char *topic, json_t *o)
{
	const char *inst = json_string_value(json_object_get(o, "instance"));
	uint64_t seq = (uint64_t)json_integer_value(json_object_get(o, "seq"));
	uint64_t gen = (uint64_t)json_integer_value(json_object_get(o, "gen"));

	m->last_heard = mirror_clock();
	if (inst == NULL || strcmp(inst, m->instance) != 0) {
		mirror_go_offline(m, _("server restarted"), 0);
		return -1;
	}
	if (gen != m->gen) {
		mirror_go_offline(m, _("project reloaded"), 0);
		return -1;
	}
	if (strcmp(topic, MSG_TOPIC_HEARTBEAT) == 0) {
		if (seq > m->seq) {
			mirror_go_offline(m, _("updates lost"), 0);
			return -1;
		}
		return 0;
	}
	if (seq <= m->seq)
		return 0;	/* already in the snapshot */
	if (seq != m->seq + 1) {
		mirror_go_offline(m, _("updates lost"), 0);
		return -1;
	}
	m->seq = seq;
	if (strcmp(topic, MSG_TOPIC_TAGS) == 0)
		mirror_apply_tags(m, o, seq);
	else if (strcmp(topic, MSG_TOPIC_SHUTDOWN) == 0) {
		mirror_go_offline(m, _("server shut down"), MIRROR_RETRY_MS / 4);
		return -1;
	} else if (strcmp(topic, MSG_TOPIC_RELOAD) == 0) {
		mirror_go_offline(m, _("project reloaded"), 0);
		return -1;
	} else if (m->event_fn != NULL)
		m->event_fn(m->event_arg, topic, o);
	return 0;		/* a topic nobody asked for: ignored */
}

/* While offline, a heartbeat says the server is back: try at once. */
static void
mirror_discard(mirror_t *m)
{
	json_t *o;
	char *topic;

	while (m->sub != NULL && (zsock_events(m->sub) & ZMQ_POLLIN)) {
		o = msg_recv_publication(m->sub, &topic);
		if (o != NULL && m->state == MIRROR_OFFLINE &&
		    strcmp(topic, MSG_TOPIC_HEARTBEAT) == 0)
			m->next_try = 0;
		json_decref(o);
		zstr_free(&topic);
	}
}

/*
 * Applies what the SUB socket holds, without blocking, for at most
 * CLIENT_SLICE_MS; the rest stays for the next call.
 */
void
mirror_handle(mirror_t *m)
{
	long long end = zclock_mono() + CLIENT_SLICE_MS;
	json_t *o;
	char *topic;

	if (m->state != MIRROR_LOADING && m->state != MIRROR_ONLINE) {
		mirror_discard(m);
		mirror_tick(m);
		return;
	}
	while (m->sub != NULL && (zsock_events(m->sub) & ZMQ_POLLIN) &&
	    zclock_mono() < end) {
		o = msg_recv_publication(m->sub, &topic);
		if (o != NULL && mirror_dispatch(m, topic, o) == -1) {
			json_decref(o);
			zstr_free(&topic);
			break;
		}
		json_decref(o);
		zstr_free(&topic);
	}
}

/* Call at least four times a second: detects silence and retries. */
void
mirror_tick(mirror_t *m)
{
	long long now = mirror_clock();

	/* Silence is nothing to read: what waits unread is no silence. */
	if ((m->state == MIRROR_LOADING || m->state == MIRROR_ONLINE) &&
	    now - m->last_heard > m->silence_ms && (m->sub == NULL ||
	    !(zsock_events(m->sub) & ZMQ_POLLIN)))
		mirror_go_offline(m, _("communication lost: no heartbeat"),
		    MIRROR_RETRY_MS / 4);
	if (m->state == MIRROR_OFFLINE && now >= m->next_try)
		mirror_hello(m);
}

/*
 * The SUB socket to wait on, or NULL. Between the hello and the first
 * page it must not be read, so it is not offered then.
 */
zsock_t *
mirror_sock(mirror_t *m)
{
	return m->state == MIRROR_FIRST ? NULL : m->sub;
}

/* Every tag current. */
int
mirror_online(mirror_t *m)
{
	return m->state == MIRROR_ONLINE;
}

/* Publications flowing: the tags loaded so far are current. */
int
mirror_connected(mirror_t *m)
{
	return m->state == MIRROR_LOADING || m->state == MIRROR_ONLINE;
}

/* Shown as it is: the link is up and the tag's value is of this sync. */
int
mirror_fresh(mirror_t *m, const struct mirror_tag *t)
{
	return mirror_connected(m) && t->current;
}

/* Returns 1 while pages are coming, with how many tags have come. */
int
mirror_loading(mirror_t *m, size_t *loaded, size_t *total)
{
	*loaded = m->loaded;
	*total = m->total;
	return m->state == MIRROR_LOADING || m->state == MIRROR_FIRST;
}

const char *
mirror_status(mirror_t *m)
{
	return m->status;
}

size_t
mirror_count(mirror_t *m)
{
	return m->ntags;
}

const struct mirror_tag *
mirror_at(mirror_t *m, size_t i)
{
	return i < m->ntags ? m->tags[i] : NULL;
}

const struct mirror_tag *
mirror_find(mirror_t *m, const char *name)
{
	return zhashx_lookup(m->index, name);
}

uint64_t
mirror_seq(mirror_t *m)
{
	return m->seq;
}

uint64_t
mirror_gen(mirror_t *m)
{
	return m->gen;
}

unsigned
mirror_resyncs(mirror_t *m)
{
	return m->resyncs;
}

/* From the last hello: "scadad 0.1.0", or "" before the first. */
const char *
mirror_server(mirror_t *m)
{
	return m->server != NULL ? m->server : "";
}

const char *
mirror_project(mirror_t *m)
{
	return m->project != NULL ? m->project : "";
}

/* What the project sets for this station (borrowed), or NULL before. */
json_t *
mirror_station(mirror_t *m)
{
	return m->station;
}

/*
 * The selftest plays the server: a ROUTER that answers the mirror's
 * requests as scripted, and a PUB whose publications it sequences.
 */
struct mirror_selftest {
	zsock_t		*router;
	zsock_t		*pub;
	client_t	*client;
	mirror_t	*m;
	int		 notes;		/* handler calls */
};

static void
mirror_selftest_note(void *arg, const struct mirror_tag *t)
{
	((struct mirror_selftest *)arg)->notes++;
}

/* Lets the mirror work for a while: replies and publications in. */
static void
mirror_selftest_pump(struct mirror_selftest *st, int ms)
{
	long long end = zclock_mono() + ms;
	zpoller_t *p;
	zsock_t *sub;

	while (zclock_mono() < end) {
		p = zpoller_new(client_sock(st->client), NULL);
		if ((sub = mirror_sock(st->m)) != NULL)
			zpoller_add(p, sub);
		zpoller_wait(p, 5);
		zpoller_destroy(&p);
		client_handle(st->client);
		mirror_handle(st->m);
		client_tick(st->client);
		mirror_tick(st->m);
	}
}

/*
 * The next request the mirror sent: its op (with the cursor of a
 * snapshot, "snapshot@1000"), and the frames to answer.
 */
static char *
mirror_selftest_request(struct mirror_selftest *st, zmsg_t **m, char **rid)
{
	zpoller_t *p = zpoller_new(st->router, NULL);
	zframe_t *f;
	json_t *o;
	char *op;

	for (*m = NULL; *m == NULL; ) {
		if (zpoller_wait(p, 5) == st->router)
			*m = zmsg_recv(st->router);
		else
			mirror_selftest_pump(st, 1);
	}
	zpoller_destroy(&p);
	f = zmsg_last(*m);
	o = json_loadb((const char *)zframe_data(f), zframe_size(f), 0, NULL);
	if (json_object_get(o, "cursor") != NULL)
		op = xasprintf("%s@%lld", json_string_value(json_object_get(o,
		    "op")), (long long)json_integer_value(json_object_get(o,
		    "cursor")));
	else
		op = xstrdup(json_string_value(json_object_get(o, "op")));
	*rid = xstrdup(json_string_value(json_object_get(o, "rid")));
	json_decref(o);
	zmsg_remove(*m, f);
	zframe_destroy(&f);
	return op;
}

/*
 * Answers the request op with the JSON body. Requests of a sync given
 * up on (pages still out when the mirror went offline) are dropped
 * unanswered, as a server would answer a client no longer listening.
 */
static void
mirror_selftest_answer(struct mirror_selftest *st, const char *op,
    const char *fmt, ...)
{
	char *got, *rid, *body, *text;
	va_list ap;
	zmsg_t *m;

	for (;;) {
		got = mirror_selftest_request(st, &m, &rid);
		if (strcmp(got, op) == 0 || strncmp(got, "snapshot@", 9) != 0)
			break;
		free(got);
		free(rid);
		zmsg_destroy(&m);
	}
	if (strcmp(got, op) != 0)
		fprintf(stderr, "mirror_selftest: %s, status %s\n", got,
		    mirror_status(st->m));
	CHECK_STR(got, op);
	va_start(ap, fmt);
	CHECK(vasprintf(&body, fmt, ap) != -1);
	va_end(ap);
	text = xasprintf("{\"ok\":true,\"rid\":\"%s\",%s}", rid, body);
	zmsg_addstr(m, text);
	zmsg_send(&m, st->router);
	free(got);
	free(rid);
	free(body);
	free(text);
	mirror_selftest_pump(st, 20);
}

static void
mirror_selftest_publish(struct mirror_selftest *st, const char *topic,
    const char *fmt, ...)
{
	char *body;
	va_list ap;

	va_start(ap, fmt);
	CHECK(vasprintf(&body, fmt, ap) != -1);
	va_end(ap);
	zstr_sendm(st->pub, topic);
	zstr_send(st->pub, body);
	free(body);
	mirror_selftest_pump(st, 20);
}

#define MIRROR_SELFTEST_INSTANCE	"\"instance\":\"I1\",\"gen\":1"

static double
mirror_selftest_value(struct mirror_selftest *st, const char *name)
{
	const struct mirror_tag *t = mirror_find(st->m, name);

	CHECK(t != NULL && mirror_fresh(st->m, t));
	return t->tv.value;
}

static void
mirror_selftest_sync(struct mirror_selftest *st)
{
	char *pub = zsock_last_endpoint(st->pub);

	mirror_selftest_answer(st, "hello", "\"version\":2,\"server\":\"t\","
	    "\"project\":\"p\"," MIRROR_SELFTEST_INSTANCE ",\"pub_port\":%s,"
	    "\"seq\":10,\"heartbeat_ms\":1000", strrchr(pub, ':') + 1);
	zstr_free(&pub);
	/* The SUB socket is not read before the first page has come. */
	CHECK(mirror_sock(st->m) == NULL);
	mirror_selftest_answer(st, "snapshot@0", "\"seq\":10,"
	    MIRROR_SELFTEST_INSTANCE ",\"total\":3,\"next\":2,\"tags\":["
	    "{\"id\":0,\"name\":\"a\",\"value\":1,\"quality\":\"good\","
	    "\"ts\":1,\"type\":\"uint16\"},{\"id\":1,\"name\":\"b\","
	    "\"value\":2,\"quality\":\"good\",\"ts\":1,\"type\":\"uint16\"}]");
	CHECK(mirror_connected(st->m) && !mirror_online(st->m));
	CHECK(mirror_selftest_value(st, "a") == 1);
}

void
mirror_selftest(void)
{
	struct mirror_selftest st = { 0 };
	size_t loaded, total;
	long long t0;
	char *ep;

	st.router = zsock_new_router("tcp://127.0.0.1:*");
	st.pub = zsock_new_pub("tcp://127.0.0.1:*");
	CHECK(st.router != NULL && st.pub != NULL);
	ep = zsock_last_endpoint(st.router);
	st.client = client_new(ep, 500, 1);
	zstr_free(&ep);
	st.m = mirror_new(st.client);
	mirror_set_handler(st.m, mirror_selftest_note, &st);
	mirror_selftest_sync(&st);
	CHECK(mirror_count(st.m) == 2);
	/* Connected, while the last page is still out: publications apply. */
	t0 = zclock_mono();
	do {		/* until the subscription is live */
		mirror_selftest_publish(&st, MSG_TOPIC_HEARTBEAT, "{\"seq\":10,"
		    MIRROR_SELFTEST_INSTANCE "}");
	} while (st.m->last_heard < t0);
	mirror_selftest_publish(&st, MSG_TOPIC_TAGS, "{\"seq\":11,"
	    MIRROR_SELFTEST_INSTANCE ",\"tags\":[{\"name\":\"a\",\"value\":5,"
	    "\"quality\":\"good\",\"ts\":2},{\"name\":\"c\",\"value\":7,"
	    "\"quality\":\"good\",\"ts\":2}]}");
	CHECK(mirror_selftest_value(&st, "a") == 5);
	CHECK(mirror_find(st.m, "c") == NULL);	/* not browsed yet: kept */
	/* A topic of a later version takes its number and nothing else. */
	mirror_selftest_publish(&st, "alarm", "{\"seq\":12,"
	    MIRROR_SELFTEST_INSTANCE "}");
	CHECK(mirror_seq(st.m) == 12 && mirror_connected(st.m));
	/* c's page is older than its update: the update wins. */
	mirror_selftest_answer(&st, "snapshot@1000", "\"seq\":10,"
	    MIRROR_SELFTEST_INSTANCE ",\"total\":3,\"tags\":[{\"id\":2,"
	    "\"name\":\"c\",\"value\":6,\"quality\":\"good\",\"ts\":1,"
	    "\"type\":\"uint16\"}]");
	if (!mirror_online(st.m) || mirror_count(st.m) != 3)
		fprintf(stderr, "mirror_selftest: %s, %zu tags\n",
		    mirror_status(st.m), mirror_count(st.m));
	CHECK(mirror_online(st.m) && mirror_count(st.m) == 3);
	CHECK(mirror_selftest_value(&st, "c") == 7);
	CHECK(!mirror_loading(st.m, &loaded, &total) && loaded == 3 &&
	    total == 3);
	/* A hole in the sequence: offline, and a new hello. */
	mirror_selftest_publish(&st, MSG_TOPIC_TAGS, "{\"seq\":14,"
	    MIRROR_SELFTEST_INSTANCE ",\"tags\":[]}");
	CHECK(!mirror_connected(st.m));
	CHECK_STR(mirror_status(st.m), "updates lost");
	CHECK(!mirror_fresh(st.m, mirror_find(st.m, "a")));
	mirror_selftest_sync(&st);
	/* The same list: c stays, stale until its page comes again. */
	CHECK(mirror_count(st.m) == 3 &&
	    !mirror_fresh(st.m, mirror_find(st.m, "c")));
	/* Another instance: the server restarted. */
	mirror_selftest_publish(&st, MSG_TOPIC_HEARTBEAT, "{\"seq\":10,"
	    "\"instance\":\"I2\",\"gen\":1}");
	CHECK(!mirror_connected(st.m) && st.notes > 0);
	CHECK_STR(mirror_status(st.m), "server restarted");
	mirror_destroy(&st.m);
	mirror_destroy(&st.m);
	client_destroy(&st.client);
	zsock_destroy(&st.router);
	zsock_destroy(&st.pub);
}
