/*
 * The Clone pattern, client side. Order matters: the SUB socket is
 * connected before the snapshot is taken, updates at or below the
 * snapshot's sequence are dropped, and any hole in the sequence, a new
 * server instance, or heartbeat silence sends us back to resync. The
 * mirror subscribes to every tag so that a hole always means a loss.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "i18n.h"
#include "log.h"
#include "mirror.h"
#include "msg.h"

struct mirror {
	client_t		*client;
	zsock_t			*sub;
	zsock_t			*probe;		/* hello in flight */
	long long		 probe_deadline;
	char			*server;
	char			*project;
	char			*pub_endpoint;
	char			*instance;
	struct mirror_tag	*tags;
	size_t			 ntags;
	zhashx_t		*index;		/* name -> struct mirror_tag */
	uint64_t		 seq;
	int			 online;
	int			 want_sync;
	long long		 last_heard;	/* monotonic ms */
	long long		 silence_ms;	/* two heartbeats, and some */
	long long		 next_try;
	unsigned		 resyncs;
	char			 status[160];
	mirror_fn		*fn;
	void			*arg;
};

static long long
mirror_clock(void)
{
	return zclock_mono();
}

mirror_t *
mirror_new(const char *endpoint)
{
	mirror_t *m;

	if ((m = calloc(1, sizeof *m)) == NULL)
		return NULL;
	m->client = client_new(endpoint, MIRROR_BULK_MS, 1);
	m->index = zhashx_new();
	if (m->client == NULL || m->index == NULL) {
		mirror_destroy(&m);
		return NULL;
	}
	m->want_sync = 1;
	snprintf(m->status, sizeof m->status, "%s", _("connecting"));
	return m;
}

static void
mirror_free_tags(mirror_t *m)
{
	size_t i;

	for (i = 0; i < m->ntags; i++) {
		free(m->tags[i].name);
		free(m->tags[i].type);
		free(m->tags[i].units);
		free(m->tags[i].description);
		free(m->tags[i].area);
	}
	free(m->tags);
	m->tags = NULL;
	m->ntags = 0;
	zhashx_purge(m->index);
}

void
mirror_destroy(mirror_t **mp)
{
	mirror_t *m = *mp;

	if (m == NULL)
		return;
	mirror_free_tags(m);
	zhashx_destroy(&m->index);
	zsock_destroy(&m->sub);
	zsock_destroy(&m->probe);
	client_destroy(&m->client);
	free(m->server);
	free(m->project);
	free(m->pub_endpoint);
	free(m->instance);
	free(m);
	*mp = NULL;
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

static void
mirror_go_offline(mirror_t *m, const char *why)
{
	snprintf(m->status, sizeof m->status, "%s", why);
	m->want_sync = 1;
	if (!m->online)
		return;
	m->online = 0;
	m->next_try = mirror_clock() + MIRROR_RETRY_MS / 4;
	mirror_notify(m, NULL);
}

static char *
mirror_strdup(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return strdup(s != NULL ? s : "");
}

/* Rebuilds the tag table from a browse reply. */
static int
mirror_load_browse(mirror_t *m, json_t *reply)
{
	json_t *list = json_object_get(reply, "tags"), *o;
	size_t i;

	if (!json_is_array(list))
		return -1;
	mirror_free_tags(m);
	m->tags = calloc(json_array_size(list) + 1, sizeof *m->tags);
	if (m->tags == NULL)
		return -1;
	json_array_foreach(list, i, o) {
		struct mirror_tag *t = &m->tags[m->ntags];
		json_t *lo = json_object_get(o, "min");
		json_t *hi = json_object_get(o, "max");

		if (!json_is_string(json_object_get(o, "name")))
			continue;
		t->name = mirror_strdup(o, "name");
		t->type = mirror_strdup(o, "type");
		t->units = mirror_strdup(o, "units");
		t->description = mirror_strdup(o, "description");
		t->area = mirror_strdup(o, "area");
		t->writable = json_is_true(json_object_get(o, "writable"));
		t->has_range = json_is_number(lo) && json_is_number(hi);
		t->min = json_number_value(lo);
		t->max = json_number_value(hi);
		t->tv.quality = QUALITY_BAD;
		t->tv.value = NAN;
		zhashx_insert(m->index, t->name, t);
		m->ntags++;
	}
	return 0;
}

static void
mirror_apply(mirror_t *m, json_t *o, uint64_t seq)
{
	struct mirror_tag *t;
	struct tagval tv;
	const char *name;

	if (tagval_from_json(o, &name, &tv) == -1)
		return;
	if ((t = zhashx_lookup(m->index, name)) == NULL)
		return;
	t->tv = tv;
	t->seq = seq;
	mirror_notify(m, t);
}

static int
mirror_subscribe(mirror_t *m, json_t *hello)
{
	json_int_t port = json_integer_value(json_object_get(hello,
	    "pub_port"));
	char *ep;

	if (port <= 0 || port > 65535)
		return -1;
	if ((ep = client_pub_endpoint(m->client, (int)port)) == NULL)
		return -1;
	if (m->sub != NULL && m->pub_endpoint != NULL &&
	    strcmp(ep, m->pub_endpoint) == 0) {
		free(ep);
		return 0;
	}
	zsock_destroy(&m->sub);
	free(m->pub_endpoint);
	m->pub_endpoint = ep;
	m->sub = zsock_new(ZMQ_SUB);
	if (m->sub == NULL)
		return -1;
	zsock_set_linger(m->sub, 0);
	zsock_set_rcvhwm(m->sub, 100000);
	zsock_set_subscribe(m->sub, MSG_TOPIC_TAG);
	zsock_set_subscribe(m->sub, MSG_TOPIC_HEARTBEAT);
	zsock_set_subscribe(m->sub, MSG_TOPIC_SYSTEM);
	return zsock_connect(m->sub, "%s", ep);
}

static int
mirror_fail(mirror_t *m, json_t *reply)
{
	char why[160];

	snprintf(why, sizeof why, "%s: %s", _("communication lost"),
	    msg_error_message(reply));
	json_decref(reply);
	mirror_go_offline(m, why);
	m->next_try = mirror_clock() + MIRROR_RETRY_MS;
	return -1;
}

static void
mirror_keep(char **dst, json_t *reply, const char *key)
{
	const char *v = json_string_value(json_object_get(reply, key));

	free(*dst);
	*dst = strdup(v != NULL ? v : "");
}

/*
 * The server answered hello, so it is alive: browse if it is new to us,
 * then snapshot. These calls wait for a live server, up to
 * MIRROR_BULK_MS; hello, which may find none, is never waited for (see
 * mirror_probe).
 */
static int
mirror_sync(mirror_t *m, json_t *reply)
{
	json_t *list, *o;
	const char *inst;
	size_t i;

	if (!msg_is_ok(reply) || mirror_subscribe(m, reply) == -1)
		return mirror_fail(m, reply);
	mirror_keep(&m->server, reply, "server");
	m->silence_ms = MIRROR_SILENCE_MS;
	if (json_integer_value(json_object_get(reply, "heartbeat_ms")) > 1000)
		m->silence_ms = 2 * json_integer_value(json_object_get(reply,
		    "heartbeat_ms")) + 200;
	mirror_keep(&m->project, reply, "project");
	inst = json_string_value(json_object_get(reply, "instance"));
	if (inst == NULL)
		inst = "";
	if (m->instance == NULL || strcmp(m->instance, inst) != 0) {
		free(m->instance);
		m->instance = strdup(inst);
		json_decref(reply);
		reply = client_callf(m->client, "{s:s}", "op", "browse");
		if (!msg_is_ok(reply) || mirror_load_browse(m, reply) == -1) {
			free(m->instance);
			m->instance = NULL;
			return mirror_fail(m, reply);
		}
	}
	json_decref(reply);
	reply = client_callf(m->client, "{s:s}", "op", "snapshot");
	if (!msg_is_ok(reply))
		return mirror_fail(m, reply);
	m->seq = json_integer_value(json_object_get(reply, "seq"));
	list = json_object_get(reply, "tags");
	json_array_foreach(list, i, o)
		mirror_apply(m, o, m->seq);
	json_decref(reply);
	m->online = 1;
	m->want_sync = 0;
	m->resyncs++;
	m->last_heard = mirror_clock();
	snprintf(m->status, sizeof m->status, "%s", _("online"));
	mirror_notify(m, NULL);
	return 0;
}

/*
 * Resync starts with a hello on a socket of its own, checked without
 * waiting, so a station whose server is gone stays responsive.
 */
static void
mirror_probe(mirror_t *m)
{
	long long now = mirror_clock();
	char err[128];
	zframe_t *f;
	json_t *reply;

	if (m->probe == NULL) {
		if (now < m->next_try)
			return;
		m->probe = zsock_new(ZMQ_REQ);
		if (m->probe == NULL)
			return;
		zsock_set_linger(m->probe, 0);
		if (zsock_connect(m->probe, "%s", client_endpoint(m->client))
		    == -1 || zstr_sendf(m->probe, "{\"op\":\"hello\","
		    "\"version\":%d}", MSG_VERSION) == -1) {
			zsock_destroy(&m->probe);
			m->next_try = now + MIRROR_RETRY_MS;
			return;
		}
		m->probe_deadline = now + MIRROR_PROBE_MS;
	}
	if (zsock_events(m->probe) & ZMQ_POLLIN) {
		f = zframe_recv(m->probe);
		zsock_destroy(&m->probe);
		reply = f != NULL ? msg_decode(zframe_data(f), zframe_size(f),
		    MSG_REPLY_MAX_BYTES, err, sizeof err) : NULL;
		zframe_destroy(&f);
		mirror_sync(m, reply != NULL ? reply :
		    msg_error(ERROR_BAD_REQUEST, "malformed hello reply"));
	} else if (now >= m->probe_deadline) {
		zsock_destroy(&m->probe);
		mirror_fail(m, msg_error(ERROR_UNREACHABLE,
		    "no reply from %s", client_endpoint(m->client)));
	}
}

static void
mirror_heartbeat(mirror_t *m, json_t *o)
{
	const char *inst = json_string_value(json_object_get(o, "instance"));
	uint64_t seq = json_integer_value(json_object_get(o, "seq"));

	m->last_heard = mirror_clock();
	if (!m->online) {
		m->next_try = 0;	/* the server is back: sync now */
		return;
	}
	if (inst == NULL || m->instance == NULL ||
	    strcmp(inst, m->instance) != 0)
		mirror_go_offline(m, _("server restarted"));
	else if (seq > m->seq)
		mirror_go_offline(m, _("updates lost"));
}

static void
mirror_dispatch(mirror_t *m, const char *topic, json_t *o)
{
	uint64_t seq;

	if (strcmp(topic, MSG_TOPIC_HEARTBEAT) == 0) {
		mirror_heartbeat(m, o);
		return;
	}
	if (!m->online)
		return;
	m->last_heard = mirror_clock();
	seq = json_integer_value(json_object_get(o, "seq"));
	if (seq <= m->seq)
		return;		/* already in the snapshot */
	if (seq != m->seq + 1) {
		mirror_go_offline(m, _("updates lost"));
		return;
	}
	m->seq = seq;
	if (strncmp(topic, MSG_TOPIC_TAG, strlen(MSG_TOPIC_TAG)) == 0)
		mirror_apply(m, o, seq);
	else if (strcmp(topic, MSG_TOPIC_SYSTEM "shutdown") == 0)
		mirror_go_offline(m, _("server shut down"));
	else if (strcmp(topic, MSG_TOPIC_SYSTEM "reload") == 0) {
		free(m->instance);	/* forces a fresh browse */
		m->instance = NULL;
		mirror_go_offline(m, _("project reloaded"));
	}
}

/* Drains whatever the SUB socket holds, without blocking. */
void
mirror_handle(mirror_t *m)
{
	json_t *o;
	char *topic;

	while (m->sub != NULL && (zsock_events(m->sub) & ZMQ_POLLIN)) {
		o = msg_recv_publication(m->sub, &topic);
		if (o != NULL)
			mirror_dispatch(m, topic, o);
		json_decref(o);
		zstr_free(&topic);
	}
	if (m->want_sync)
		mirror_probe(m);
}

/* Call at least four times a second: detects silence and retries. */
void
mirror_tick(mirror_t *m)
{
	long long now = mirror_clock();

	if (m->online && now - m->last_heard > m->silence_ms)
		mirror_go_offline(m, _("communication lost: no heartbeat"));
	if (m->want_sync)
		mirror_probe(m);
}

zsock_t *
mirror_sock(mirror_t *m)
{
	return m->sub;
}

int
mirror_online(mirror_t *m)
{
	return m->online;
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
	return i < m->ntags ? &m->tags[i] : NULL;
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
