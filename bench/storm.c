/*
 * An alarm storm to many stations: a PLC comes on line with 10,000
 * tags whose alarms all rise in its first scan, and each of 10 stations
 * (SUB sockets here, each decoding every publication as a station does)
 * must hold all 10,000 activations, in the sequence, and the same list
 * as the server's. Timed from the first activation any station sees to
 * the last station complete.
 *
 * The baseline is a bare libzmq PUB sending the same 10,000 bodies, as
 * captured from scadad, to the same number of SUBs that decode them the
 * same way: what the network and the decoding cost, without a server.
 * run.sh starts scadad; this program writes the ready file once its
 * stations are subscribed, and run.sh then starts the PLC.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "i18n.h"
#include "log.h"
#include "msg.h"
#include "util.h"
#include "xmalloc.h"

#define STORM_STATIONS_MAX	100
#define STORM_WAIT_US		(120LL * 1000000)

struct storm_station {
	zsock_t		*sub;
	zhashx_t	*active;	/* ids seen active */
	uint64_t	 last_seq;
	unsigned long	 gaps;
	long long	 done_us;	/* when it held them all */
};

struct storm {
	struct storm_station	 st[STORM_STATIONS_MAX];
	int			 n;		/* stations */
	long			 alarms;
	long long		 first_us;
	zlistx_t		*captured;	/* station 0's alarm bodies */
};

static void
storm_open(struct storm *s, const char *endpoint, int capture)
{
	int i;

	for (i = 0; i < s->n; i++) {
		memset(&s->st[i], 0, sizeof s->st[i]);
		s->st[i].sub = zsock_new(ZMQ_SUB);
		zsock_set_rcvhwm(s->st[i].sub, 0);
		zsock_set_subscribe(s->st[i].sub, "");
		if (zsock_connect(s->st[i].sub, "%s", endpoint) == -1) {
			fprintf(stderr, "storm: cannot connect to %s\n",
			    endpoint);
			exit(1);
		}
		s->st[i].active = zhashx_new();
	}
	s->first_us = 0;
	if (capture) {
		s->captured = zlistx_new();
		zlistx_set_destructor(s->captured,
		    (zlistx_destructor_fn *)zstr_free);
	}
}

static void
storm_close(struct storm *s)
{
	int i;

	for (i = 0; i < s->n; i++) {
		zsock_destroy(&s->st[i].sub);
		zhashx_destroy(&s->st[i].active);
	}
}

/* One publication to station i, decoded as a station decodes it. */
static void
storm_take(struct storm *s, int i, zmsg_t *m)
{
	struct storm_station *st = &s->st[i];
	zframe_t *tf = zmsg_first(m), *bf = zmsg_next(m);
	char err[128];
	json_t *o, *a;
	uint64_t seq;

	if (bf == NULL || (o = msg_decode(zframe_data(bf), zframe_size(bf),
	    MSG_REPLY_MAX_BYTES, err, sizeof err)) == NULL)
		return;
	seq = (uint64_t)json_integer_value(json_object_get(o, "seq"));
	if (st->last_seq != 0 && seq != st->last_seq + 1 &&
	    !zframe_streq(tf, MSG_TOPIC_HEARTBEAT))
		st->gaps++;
	if (!zframe_streq(tf, MSG_TOPIC_HEARTBEAT))
		st->last_seq = seq;
	a = json_object_get(o, "alarm");
	if (zframe_streq(tf, MSG_TOPIC_ALARM) && json_is_object(a) &&
	    strcmp(json_string_value(json_object_get(o, "event")), "active") ==
	    0) {
		if (s->first_us == 0)
			s->first_us = util_now_us();
		zhashx_update(st->active, json_string_value(json_object_get(a,
		    "id")), (void *)1);
		if (s->captured != NULL && i == 0)
			zlistx_add_end(s->captured, zframe_strdup(bf));
		if (st->done_us == 0 && (long)zhashx_size(st->active) ==
		    s->alarms)
			st->done_us = util_now_us();
	}
	json_decref(o);
}

/* Until every station holds every alarm; the time it took, or -1. */
static double
storm_watch(struct storm *s)
{
	zmq_pollitem_t items[STORM_STATIONS_MAX];
	long long deadline = util_now_us() + STORM_WAIT_US, last = 0;
	int i, done = 0;
	zmsg_t *m;

	for (i = 0; i < s->n; i++)
		items[i] = (zmq_pollitem_t){ zsock_resolve(s->st[i].sub), 0,
		    ZMQ_POLLIN, 0 };
	while (done < s->n && util_now_us() < deadline) {
		if (zmq_poll(items, s->n, 100) <= 0)
			continue;
		for (i = 0; i < s->n; i++)
			while ((items[i].revents & ZMQ_POLLIN) &&
			    (zsock_events(s->st[i].sub) & ZMQ_POLLIN) &&
			    (m = zmsg_recv(s->st[i].sub)) != NULL) {
				storm_take(s, i, m);
				zmsg_destroy(&m);
			}
		for (done = 0, i = 0; i < s->n; i++)
			if (s->st[i].done_us != 0) {
				done++;
				if (s->st[i].done_us > last)
					last = s->st[i].done_us;
			}
	}
	return done == s->n ? (double)(last - s->first_us) / 1000.0 : -1;
}

/* The server's list, against what each station holds. */
static int
storm_consistent(struct storm *s, const char *endpoint)
{
	client_t *c = client_new(endpoint, 30000, 1);
	json_t *r, *a;
	size_t k;
	int i, bad = 0;

	r = client_call(c, json_pack("{s:s}", "op", "alarms"));
	if (!msg_is_ok(r) || (long)json_array_size(json_object_get(r,
	    "alarms")) != s->alarms)
		bad++;
	json_array_foreach(json_object_get(r, "alarms"), k, a)
		for (i = 0; i < s->n; i++)
			if (zhashx_lookup(s->st[i].active, json_string_value(
			    json_object_get(a, "id"))) == NULL)
				bad++;
	for (i = 0; i < s->n; i++)
		bad += s->st[i].gaps > 0;
	json_decref(r);
	client_destroy(&c);
	return bad;
}

struct storm_pub {
	zsock_t		*pub;
	zlistx_t	*bodies;
};

static void *
storm_bare_send(void *arg)
{
	struct storm_pub *p = arg;
	const char *b;

	for (b = zlistx_first(p->bodies); b != NULL; b = zlistx_next(p->bodies))
		zsock_send(p->pub, "ss", MSG_TOPIC_ALARM, b);
	return NULL;
}

/* The same bodies through a bare PUB to the same number of SUBs. */
static double
storm_bare(struct storm *s, zlistx_t *bodies)
{
	struct storm_pub p = { zsock_new(ZMQ_PUB), bodies };
	pthread_t th;
	const char *ep;
	double ms;

	zsock_set_sndhwm(p.pub, 0);
	if (zsock_bind(p.pub, "tcp://127.0.0.1:*") == -1)
		return -1;
	ep = zsock_last_endpoint(p.pub);
	storm_open(s, ep, 0);
	zclock_sleep(500);	/* the slow joiners' time */
	pthread_create(&th, NULL, storm_bare_send, &p);
	ms = storm_watch(s);
	pthread_join(th, NULL);
	storm_close(s);
	zsock_destroy(&p.pub);
	return ms;
}

static void __attribute__((noreturn))
storm_usage(void)
{
	fprintf(stderr, "usage: storm -c endpoint -P publish -r ready_file "
	    "[-n alarms] [-s stations]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *cmd = NULL, *pub = NULL, *ready = NULL;
	struct storm s = { .n = 10, .alarms = 10000 };
	double ours, bare;
	int ch, bad;

	i18n_init();
	xmalloc_init();
	log_init("storm", 0, 0);
	while ((ch = getopt(argc, argv, "c:n:P:r:s:")) != -1)
		switch (ch) {
		case 'c': cmd = optarg; break;
		case 'n': s.alarms = util_number(optarg, 1, 1000000, "-n"); break;
		case 'P': pub = optarg; break;
		case 'r': ready = optarg; break;
		case 's': s.n = (int)util_number(optarg, 1, STORM_STATIONS_MAX,
		    "-s"); break;
		default: storm_usage();
		}
	if (cmd == NULL || pub == NULL || ready == NULL)
		storm_usage();
	storm_open(&s, pub, 1);
	zclock_sleep(500);
	if (util_write_file(ready, "go\n") == -1)
		return 1;
	ours = storm_watch(&s);
	bad = ours < 0 ? -1 : storm_consistent(&s, cmd);
	storm_close(&s);
	if (ours < 0) {
		fprintf(stderr, "storm: not every station got every alarm\n");
		return 1;
	}
	bare = storm_bare(&s, s.captured);
	/* A fixed format, read by bench/run.sh: not translated. */
	printf("alarms storm stations=%d alarms=%ld: scadad %.0f ms, bare zmq "
	    "%.0f ms (ratio %.2f); %d inconsistent\n", s.n, s.alarms, ours,
	    bare, ours > 0 ? bare / ours : 0, bad);
	zlistx_destroy(&s.captured);
	zsys_shutdown();
	return bad == 0 && bare > 0 ? 0 : 1;
}
