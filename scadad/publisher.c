/*
 * Publishing, Clone-pattern style: every message but the heartbeat takes
 * the next sequence number; the heartbeat repeats the last one, so a
 * subscriber that missed anything notices within a second. The instance
 * id changes with every start, so a restart is never mistaken for
 * continuity even though the sequence starts again.
 */
#include "config.h"

#include <czmq.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "msg.h"
#include "publisher.h"

/*
 * A tag publication that fits these goes out without jansson or czmq
 * copies; anything bigger (a name or text of hundreds of bytes) takes
 * the slow path, so nothing is ever lost.
 */
#define PUBLISHER_TOPIC_MAX	256
#define PUBLISHER_BODY_MAX	2048

struct publisher {
	zsock_t		*pub;
	void		*raw;		/* pub's libzmq socket */
	zactor_t	*monitor;
	char		*endpoint;
	char		 instance[33];
	uint64_t	 seq;
	int		 stations;
	unsigned long	 count;
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
publisher_new(const char *endpoint, char *err, size_t errlen)
{
	publisher_t *p;
	zuuid_t *uuid;

	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	if ((uuid = zuuid_new()) == NULL) {
		publisher_destroy(&p);
		return NULL;
	}
	snprintf(p->instance, sizeof p->instance, "%s", zuuid_str(uuid));
	zuuid_destroy(&uuid);
	p->pub = zsock_new(ZMQ_PUB);
	if (p->pub == NULL) {
		snprintf(err, errlen, "cannot create PUB socket");
		publisher_destroy(&p);
		return NULL;
	}
	/* Slow stations lose updates (and resync), never slow the server. */
	zsock_set_sndhwm(p->pub, 100000);
	zsock_set_linger(p->pub, 200);
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
	free(p);
	*pp = NULL;
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

/* Subscriber connections, from the socket monitor's events. */
int
publisher_stations(publisher_t *p)
{
	zmsg_t *m;
	char *event;

	while (p->monitor != NULL &&
	    (zsock_events(zactor_sock(p->monitor)) & ZMQ_POLLIN)) {
		if ((m = zmsg_recv(p->monitor)) == NULL)
			break;
		event = zmsg_popstr(m);
		if (event != NULL && strcmp(event, "ACCEPTED") == 0)
			p->stations++;
		else if (event != NULL && strcmp(event, "DISCONNECTED") == 0 &&
		    p->stations > 0)
			p->stations--;
		zstr_free(&event);
		zmsg_destroy(&m);
	}
	return p->stations;
}

static uint64_t
publisher_send(publisher_t *p, const char *prefix, const char *name,
    json_t *body)
{
	json_object_set_new(body, "seq", json_integer((json_int_t)++p->seq));
	if (msg_publish(p->pub, prefix, name, body) == -1)
		log_warnx("publish %s%s failed", prefix, name ? name : "");
	p->count++;
	return p->seq;
}

/* The hot path: one update is two zmq_send()s from the stack. */
static int
publisher_tag_direct(publisher_t *p, const char *name,
    const struct tagval *tv)
{
	char topic[PUBLISHER_TOPIC_MAX], body[PUBLISHER_BODY_MAX];
	const size_t plen = sizeof MSG_TOPIC_TAG - 1;
	size_t nlen;
	int blen;

	if (name == NULL || plen + (nlen = strlen(name)) > sizeof topic ||
	    (blen = tagval_encode(name, tv, p->seq + 1, body,
	    sizeof body)) == -1)
		return -1;
	memcpy(topic, MSG_TOPIC_TAG, plen);
	memcpy(topic + plen, name, nlen);
	p->seq++;
	p->count++;
	if (zmq_send(p->raw, topic, plen + nlen, ZMQ_SNDMORE) == -1 ||
	    zmq_send(p->raw, body, (size_t)blen, 0) == -1)
		log_warnx("publish %s%s failed", MSG_TOPIC_TAG, name);
	return 0;
}

uint64_t
publisher_tag(publisher_t *p, const char *name, const struct tagval *tv)
{
	json_t *o;
	uint64_t seq;

	if (publisher_tag_direct(p, name, tv) == 0)
		return p->seq;
	if ((o = tagval_to_json(name, tv)) == NULL)
		return p->seq;
	seq = publisher_send(p, MSG_TOPIC_TAG, name, o);
	json_decref(o);
	return seq;
}

void
publisher_heartbeat(publisher_t *p)
{
	json_t *o = json_pack("{s:I, s:s, s:I}", "seq", (json_int_t)p->seq,
	    "instance", p->instance, "time", (json_int_t)tagval_now_ms());

	if (o != NULL && msg_publish(p->pub, MSG_TOPIC_HEARTBEAT, NULL, o) == -1)
		log_warnx("publish heartbeat failed");
	json_decref(o);
}

/* Publishes sys/EVENT; the body is borrowed (NULL for an empty one). */
void
publisher_system(publisher_t *p, const char *event, json_t *body)
{
	json_t *o = body != NULL ? json_deep_copy(body) : json_object();

	json_object_set_new(o, "instance", json_string(p->instance));
	publisher_send(p, MSG_TOPIC_SYSTEM, event, o);
	json_decref(o);
}
