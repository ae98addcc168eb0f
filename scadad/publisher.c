/*
 * Publishing, Clone-pattern style. Every publication but the heartbeat
 * takes the next sequence number, whatever its topic; the heartbeat
 * repeats the last one, so a subscriber that missed anything notices
 * within a second. The instance id changes with every start, so a
 * restart is never mistaken for continuity even though the sequence
 * starts again.
 *
 * Tag updates are gathered into one publication until the caller
 * flushes (after each driver message, so a lone change leaves at once)
 * or the batch is full. Each update is encoded straight into the batch,
 * without a JSON tree; the header, which needs the sequence number, is
 * written in front of the updates when the batch goes out.
 */
#include "config.h"

#include <czmq.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "log.h"
#include "msg.h"
#include "publisher.h"
#include "zap.h"
#include "xmalloc.h"

#define PUBLISHER_HEAD_MAX	160	/* {"seq":..,"gen":..,"instance":..,"tags":[ */

struct publisher {
	zsock_t		*pub;
	void		*raw;		/* pub's libzmq socket */
	zactor_t	*monitor;
	char		*endpoint;
	char		 instance[33];
	uint64_t	 seq;
	uint64_t	 gen;
	int		 stations;
	unsigned long	 count;		/* publications */
	unsigned long	 updates;	/* tag updates in them */
	char		*batch;		/* head room, then the updates */
	size_t		 used;		/* bytes of updates */
	size_t		 nbatch;	/* updates in the batch */
};

static void
publisher_watch(publisher_t *p)
{
	p->monitor = zactor_new(zmonitor, p->pub);
	if (p->monitor == NULL)
		return;
	zstr_sendx(p->monitor, "LISTEN", "ACCEPTED", "DISCONNECTED", NULL);
	zstr_sendx(p->monitor, "START", NULL);
	zsock_wait(p->monitor);
}

publisher_t *
publisher_new(const char *endpoint, zcert_t *cert, char *err, size_t errlen)
{
	publisher_t *p = xcalloc(1, sizeof *p);
	zuuid_t *uuid = zuuid_new();

	snprintf(p->instance, sizeof p->instance, "%s", zuuid_str(uuid));
	zuuid_destroy(&uuid);
	p->gen = 1;
	p->batch = xmalloc(PUBLISHER_HEAD_MAX + PUBLISHER_BATCH_MAX + 2);
	if ((p->pub = zsock_new(ZMQ_PUB)) == NULL) {
		snprintf(err, errlen, "cannot create PUB socket");
		publisher_destroy(&p);
		return NULL;
	}
	/* Slow stations lose updates (and resync), never slow the server. */
	zsock_set_sndhwm(p->pub, PUBLISHER_HWM);
	zsock_set_linger(p->pub, 200);
	if (cert != NULL)
		zap_secure(p->pub, cert);
	if (zsock_bind(p->pub, "%s", endpoint) == -1) {
		snprintf(err, errlen, "cannot bind publish endpoint %s: %s",
		    endpoint, zmq_strerror(zmq_errno()));
		publisher_destroy(&p);
		return NULL;
	}
	p->endpoint = zsock_last_endpoint(p->pub);
	p->raw = zsock_resolve(p->pub);
	publisher_watch(p);
	return p;
}

void
publisher_destroy(publisher_t **pp)
{
	publisher_t *p = *pp;

	if (p == NULL)
		return;
	zactor_destroy(&p->monitor);
	zsock_destroy(&p->pub);
	zstr_free(&p->endpoint);
	free(p->batch);
	free(p);
	*pp = NULL;
}

void
publisher_set_gen(publisher_t *p, uint64_t gen)
{
	p->gen = gen;
}

const char *
publisher_endpoint(publisher_t *p)
{
	return p->endpoint;
}

int
publisher_port(publisher_t *p)
{
	const char *colon = strrchr(p->endpoint, ':');

	return colon != NULL ? atoi(colon + 1) : 0;
}

const char *
publisher_instance(publisher_t *p)
{
	return p->instance;
}

uint64_t
publisher_seq(publisher_t *p)
{
	return p->seq;
}

unsigned long
publisher_count(publisher_t *p)
{
	return p->count;
}

unsigned long
publisher_updates(publisher_t *p)
{
	return p->updates;
}

/*
 * Subscriber connections, from the socket monitor's events. What a
 * station that left had queued is freed by libzmq, but the C library
 * keeps it for reuse: give it back to the system.
 */
int
publisher_stations(publisher_t *p)
{
	zmsg_t *m;
	char *event;
	int left = 0;

	while (p->monitor != NULL &&
	    (zsock_events(zactor_sock(p->monitor)) & ZMQ_POLLIN)) {
		if ((m = zmsg_recv(p->monitor)) == NULL)
			break;
		event = zmsg_popstr(m);
		if (event != NULL && strcmp(event, "ACCEPTED") == 0)
			p->stations++;
		else if (event != NULL && strcmp(event, "DISCONNECTED") == 0 &&
		    p->stations > 0) {
			p->stations--;
			left = 1;
		}
		zstr_free(&event);
		zmsg_destroy(&m);
	}
	if (left)
		malloc_trim(0);
	return p->stations;
}

static void
publisher_send(publisher_t *p, const char *topic, const char *body,
    size_t len)
{
	p->count++;
	if (zmq_send(p->raw, topic, strlen(topic), ZMQ_SNDMORE) == -1 ||
	    zmq_send(p->raw, body, len, 0) == -1)
		log_warnx("publish %s failed: %s", topic, zmq_strerror(errno));
}

/* The batch goes out, if it holds anything. */
void
publisher_flush(publisher_t *p)
{
	char head[PUBLISHER_HEAD_MAX];
	char *body;
	int n;

	if (p->nbatch == 0)
		return;
	n = snprintf(head, sizeof head, "{\"seq\":%llu,\"gen\":%llu,"
	    "\"instance\":\"%s\",\"tags\":[", (unsigned long long)++p->seq,
	    (unsigned long long)p->gen, p->instance);
	body = p->batch + PUBLISHER_HEAD_MAX - n;
	memcpy(body, head, (size_t)n);
	memcpy(p->batch + PUBLISHER_HEAD_MAX + p->used, "]}", 2);
	publisher_send(p, MSG_TOPIC_TAGS, body, (size_t)n + p->used + 2);
	p->updates += p->nbatch;
	p->used = 0;
	p->nbatch = 0;
}

/* Encodes one update into the batch; -1 if it does not fit there. */
static int
publisher_add(publisher_t *p, const char *name, const struct tagval *tv)
{
	char *at = p->batch + PUBLISHER_HEAD_MAX + p->used;
	size_t comma = p->nbatch > 0, room = PUBLISHER_BATCH_MAX - p->used;
	int n;

	if (room <= comma + 1 || (n = tagval_encode(name, tv, at + comma,
	    room - comma)) == -1)
		return -1;
	if (comma)
		*at = ',';
	p->used += (size_t)n + comma;
	p->nbatch++;
	return 0;
}

/* Adds one update to the batch; a full batch goes out first. */
void
publisher_tag(publisher_t *p, const char *name, const struct tagval *tv)
{
	if (publisher_add(p, name, tv) == 0)
		return;
	publisher_flush(p);
	/* Names and texts are bounded so that one always fits alone. */
	if (publisher_add(p, name, tv) == -1)
		log_warnx("tag %s: value too long to publish", name);
}

/* Body members every publication has; the body is borrowed. */
static char *
publisher_stamp(publisher_t *p, json_t *body, uint64_t seq)
{
	json_t *o = body != NULL ? json_deep_copy(body) : json_object();
	char *text;

	json_object_set_new(o, "seq", json_integer((json_int_t)seq));
	json_object_set_new(o, "gen", json_integer((json_int_t)p->gen));
	json_object_set_new(o, "instance", json_string(p->instance));
	text = msg_encode(o);
	json_decref(o);
	return text;
}

/* Repeats the last sequence number; pending updates go first. */
void
publisher_heartbeat(publisher_t *p)
{
	json_t *o;
	char *text;

	publisher_flush(p);
	o = json_pack("{s:I}", "time", (json_int_t)tagval_now_ms());
	text = publisher_stamp(p, o, p->seq);
	if (zmq_send(p->raw, MSG_TOPIC_HEARTBEAT, strlen(MSG_TOPIC_HEARTBEAT),
	    ZMQ_SNDMORE) == -1 || zmq_send(p->raw, text, strlen(text), 0) == -1)
		log_warnx("publish heartbeat failed: %s", zmq_strerror(errno));
	free(text);
	json_decref(o);
}

/* A sequenced publication of its own topic; the body is borrowed. */
void
publisher_event(publisher_t *p, const char *topic, json_t *body)
{
	char *text;

	publisher_flush(p);
	text = publisher_stamp(p, body, ++p->seq);
	publisher_send(p, topic, text, strlen(text));
	free(text);
}

/* Receives one publication of the selftest's subscriber. */
static json_t *
publisher_selftest_recv(zsock_t *sub, char **topic)
{
	zpoller_t *poller = zpoller_new(sub, NULL);
	json_t *o = NULL;

	if (zpoller_wait(poller, 2000) == sub)
		o = msg_recv_publication(sub, topic);
	zpoller_destroy(&poller);
	CHECK(o != NULL);
	return o;
}

/*
 * A real PUB and SUB: updates batch until flushed or full, every
 * publication carries seq, gen and instance, the heartbeat repeats the
 * last seq, and an event takes the next.
 */
void
publisher_selftest(void)
{
	char err[128], *topic = NULL, name[32];
	publisher_t *p = publisher_new("tcp://127.0.0.1:*", NULL, err, sizeof err);
	struct tagval tv = { .value = 1.5, .quality = QUALITY_GOOD,
	    .ts_ms = 1000 };
	zsock_t *sub;
	zmsg_t *m;
	json_t *o;
	size_t n = 0;
	int i;

	CHECK(p != NULL);
	sub = zsock_new_sub(publisher_endpoint(p), "");
	CHECK(sub != NULL);
	publisher_set_gen(p, 7);
	do {		/* until the subscription is live */
		publisher_heartbeat(p);
		zclock_sleep(20);
	} while (!(zsock_events(sub) & ZMQ_POLLIN));
	while ((zsock_events(sub) & ZMQ_POLLIN) && (m = zmsg_recv(sub)) !=
	    NULL)
		zmsg_destroy(&m);
	publisher_tag(p, "a", &tv);
	publisher_tag(p, "b", &tv);
	CHECK(publisher_seq(p) == 0);		/* not sent before a flush */
	publisher_flush(p);
	publisher_flush(p);			/* an empty batch is nothing */
	o = publisher_selftest_recv(sub, &topic);
	CHECK_STR(topic, MSG_TOPIC_TAGS);
	CHECK(json_integer_value(json_object_get(o, "seq")) == 1);
	CHECK(json_integer_value(json_object_get(o, "gen")) == 7);
	CHECK_STR(json_string_value(json_object_get(o, "instance")),
	    publisher_instance(p));
	CHECK(json_array_size(json_object_get(o, "tags")) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(
	    json_object_get(o, "tags"), 1), "name")), "b");
	json_decref(o);
	zstr_free(&topic);
	/* A batch that would outgrow its limit goes out by itself. */
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof name, "area.tag%04d", i);
		publisher_tag(p, name, &tv);
	}
	publisher_heartbeat(p);
	for (i = 2; ; i++) {
		o = publisher_selftest_recv(sub, &topic);
		if (strcmp(topic, MSG_TOPIC_HEARTBEAT) == 0) {
			CHECK(json_integer_value(json_object_get(o, "seq")) ==
			    i - 1);
			json_decref(o);
			zstr_free(&topic);
			break;
		}
		CHECK(json_integer_value(json_object_get(o, "seq")) == i);
		n += json_array_size(json_object_get(o, "tags"));
		json_decref(o);
		zstr_free(&topic);
	}
	CHECK(n == 1000 && i > 3 && publisher_updates(p) == 1002);
	publisher_event(p, MSG_TOPIC_SHUTDOWN, NULL);
	o = publisher_selftest_recv(sub, &topic);
	CHECK_STR(topic, MSG_TOPIC_SHUTDOWN);
	CHECK(json_integer_value(json_object_get(o, "seq")) == i);
	json_decref(o);
	zstr_free(&topic);
	zsock_destroy(&sub);
	publisher_destroy(&p);
	publisher_destroy(&p);
}
