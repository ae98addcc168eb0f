/*
 * Fan-out: tag updates delivered per second to 1, 10 and 100 subscribers.
 *
 * The project side is scadad's own publishing code (publisher_tag, which
 * encodes each tagval to JSON and sends [topic][body] on a PUB socket).
 * Baseline A sends the very same bytes, encoded beforehand, through a
 * bare libzmq PUB socket with the same high-water marks. Baseline B
 * publishes the same topics and bodies through a Mosquitto broker at
 * QoS 0. Subscribers run in one thread of this process; the rate is
 * deliveries received divided by the time from the first send to the
 * last delivery, so anything dropped is not counted as delivered.
 */
#include "config.h"

#include <errno.h>
#include <mosquitto.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "i18n.h"
#include "log.h"
#include "msg.h"
#include "publisher.h"
#include "tagval.h"
#include "util.h"

#define FANOUT_HWM		100000	/* as scadad's publisher sets it */
#define FANOUT_IDLE_US		2000000	/* no delivery this long: done */
#define FANOUT_WARM_US		15000000
#define FANOUT_FLUSH_US		120000000
#define FANOUT_MAX_SUBS		1000
#define FANOUT_NAME_MAX		64

enum fanout_kind {
	FANOUT_SCADA,
	FANOUT_ZMQ,
	FANOUT_MQTT,
	FANOUT_NKINDS
};

static const char *const fanout_kind_names[] = {
	"scada", "zmq", "mosquitto"
};

/* The updates, as tagvals and as the bytes scadad puts on the wire. */
struct fanout_data {
	long		  n;
	int		  ntags;
	char		(*names)[FANOUT_NAME_MAX];
	struct tagval	 *tv;
	char		**topic;
	char		**body;
	size_t		 *blen;
	size_t		  bytes;
};

/* One measurement: shared by the publisher and the subscriber thread. */
struct fanout_run {
	enum fanout_kind	 kind;
	const char		*endpoint;	/* zmq */
	int			 mqtt_port;
	int			 nsubs;
	long			 expect;	/* per subscriber */
	void			*zctx;
	atomic_int		 ready;		/* every subscriber warm */
	atomic_int		 go;		/* t0 is set */
	atomic_int		 failed;
	long long		 t0;
	long long		 t_last;
	long			 received;
};

struct fanout_result {
	double		rate;
	long		received;
	long		expected;
};

/* Per MQTT subscriber, the callbacks' user data. */
struct fanout_mqtt_sub {
	struct fanout_run	*run;
	long			 count;
	int			 warm;
	int			*nwarm;
};

static void
fanout_tagval(long i, struct tagval *tv)
{
	memset(tv, 0, sizeof *tv);
	/* Scaled registers: two decimals, like a level in % or a flow. */
	tv->value = (double)((i * 7919) % 10000) / 100.0;
	tv->quality = QUALITY_GOOD;
	tv->ts_ms = 1763800000000LL + i / 10;
}

static int
fanout_data_build(struct fanout_data *d, long n, int ntags)
{
	json_t *o;
	long i;

	d->n = n;
	d->ntags = ntags;
	d->names = calloc((size_t)ntags, sizeof *d->names);
	d->tv = calloc((size_t)n, sizeof *d->tv);
	d->topic = calloc((size_t)n, sizeof *d->topic);
	d->body = calloc((size_t)n, sizeof *d->body);
	d->blen = calloc((size_t)n, sizeof *d->blen);
	if (d->names == NULL || d->tv == NULL || d->topic == NULL ||
	    d->body == NULL || d->blen == NULL)
		return -1;
	for (i = 0; i < ntags; i++)
		snprintf(d->names[i], sizeof d->names[i],
		    "area%02ld.ai%03ld.pv", i / 100, i % 100);
	for (i = 0; i < n; i++) {
		const char *name = d->names[i % ntags];

		fanout_tagval(i, &d->tv[i]);
		/* Exactly what publisher_tag() encodes: seq starts at 1. */
		o = tagval_to_json(name, &d->tv[i]);
		json_object_set_new(o, "seq", json_integer(i + 1));
		d->body[i] = msg_encode(o);
		json_decref(o);
		d->topic[i] = zsys_sprintf("%s%s", MSG_TOPIC_TAG, name);
		if (d->body[i] == NULL || d->topic[i] == NULL)
			return -1;
		d->blen[i] = strlen(d->body[i]);
		d->bytes += d->blen[i] + strlen(d->topic[i]);
	}
	return 0;
}

static void
fanout_data_free(struct fanout_data *d)
{
	long i;

	for (i = 0; i < d->n; i++) {
		free(d->body[i]);
		zstr_free(&d->topic[i]);
	}
	free(d->names);
	free(d->tv);
	free(d->topic);
	free(d->body);
	free(d->blen);
}

static int
fanout_done(struct fanout_run *r, long total)
{
	long long now, since;

	if (total >= r->expect * r->nsubs)
		return 1;
	if (!atomic_load(&r->go))
		return util_now_us() - r->t_last > FANOUT_WARM_US;
	now = util_now_us();
	since = r->received > 0 && r->t_last > r->t0 ? r->t_last : r->t0;
	return now - since > FANOUT_IDLE_US;
}

/* Drains one SUB socket without blocking. */
static void
fanout_zmq_drain(struct fanout_run *r, void *s, long *count, int *warm,
    int *nwarm)
{
	zmq_msg_t topic, body;
	int k;

	for (k = 0; k < 4096; k++) {
		zmq_msg_init(&topic);
		if (zmq_msg_recv(&topic, s, ZMQ_DONTWAIT) == -1) {
			zmq_msg_close(&topic);
			return;
		}
		zmq_msg_init(&body);
		zmq_msg_recv(&body, s, 0);
		if (zmq_msg_size(&topic) > 0 &&
		    *(char *)zmq_msg_data(&topic) == 't') {
			(*count)++;
			r->received++;
			r->t_last = util_now_us();
		} else if (!*warm) {
			*warm = 1;
			if (++*nwarm == r->nsubs)
				atomic_store(&r->ready, 1);
		}
		zmq_msg_close(&body);
		zmq_msg_close(&topic);
	}
}

static void *
fanout_zmq_subs(void *arg)
{
	struct fanout_run *r = arg;
	zmq_pollitem_t *items = calloc((size_t)r->nsubs, sizeof *items);
	long *count = calloc((size_t)r->nsubs, sizeof *count);
	int *warm = calloc((size_t)r->nsubs, sizeof *warm);
	int hwm = FANOUT_HWM, zero = 0, i, nwarm = 0;

	if (items == NULL || count == NULL || warm == NULL) {
		atomic_store(&r->failed, 1);
		goto out;
	}
	for (i = 0; i < r->nsubs; i++) {
		items[i].socket = zmq_socket(r->zctx, ZMQ_SUB);
		items[i].events = ZMQ_POLLIN;
		zmq_setsockopt(items[i].socket, ZMQ_RCVHWM, &hwm, sizeof hwm);
		zmq_setsockopt(items[i].socket, ZMQ_LINGER, &zero, sizeof zero);
		zmq_setsockopt(items[i].socket, ZMQ_SUBSCRIBE, "tag/", 4);
		zmq_setsockopt(items[i].socket, ZMQ_SUBSCRIBE, "hb", 2);
		if (zmq_connect(items[i].socket, r->endpoint) == -1) {
			atomic_store(&r->failed, 1);
			goto out;
		}
	}
	r->t_last = util_now_us();
	while (!fanout_done(r, r->received)) {
		if (zmq_poll(items, r->nsubs, 20) <= 0)
			continue;
		for (i = 0; i < r->nsubs; i++)
			if (items[i].revents & ZMQ_POLLIN)
				fanout_zmq_drain(r, items[i].socket, &count[i],
				    &warm[i], &nwarm);
	}
out:
	for (i = 0; items != NULL && i < r->nsubs; i++)
		if (items[i].socket != NULL)
			zmq_close(items[i].socket);
	free(items);
	free(count);
	free(warm);
	return NULL;
}

static void
fanout_mqtt_on_connect(struct mosquitto *m, void *arg, int rc)
{
	if (rc != 0)
		return;
	/* In this order: once "hb" flows, so does "tag/#". */
	mosquitto_subscribe(m, NULL, "tag/#", 0);
	mosquitto_subscribe(m, NULL, "hb", 0);
}

static void
fanout_mqtt_on_message(struct mosquitto *m, void *arg,
    const struct mosquitto_message *msg)
{
	struct fanout_mqtt_sub *s = arg;
	struct fanout_run *r = s->run;

	if (msg->topic[0] == 't') {
		s->count++;
		r->received++;
		r->t_last = util_now_us();
	} else if (!s->warm) {
		s->warm = 1;
		if (++*s->nwarm == r->nsubs)
			atomic_store(&r->ready, 1);
	}
}

static struct mosquitto *
fanout_mqtt_client(const char *id, void *arg, int port)
{
	struct mosquitto *m = mosquitto_new(id, true, arg);

	if (m == NULL)
		return NULL;
	mosquitto_connect_callback_set(m, fanout_mqtt_on_connect);
	mosquitto_message_callback_set(m, fanout_mqtt_on_message);
	if (mosquitto_connect(m, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS) {
		mosquitto_destroy(m);
		return NULL;
	}
	return m;
}

/*
 * libmosquitto reads one QoS 0 packet per call; keep reading until the
 * socket runs dry, as its own threaded loop would.
 */
static void
fanout_mqtt_read(struct mosquitto *m)
{
	int k, rc;

	for (k = 0; k < 4096; k++) {
		errno = 0;
		rc = mosquitto_loop_read(m, 1);
		if (rc != MOSQ_ERR_SUCCESS || errno == EAGAIN ||
		    errno == EWOULDBLOCK)
			break;
	}
}

static void
fanout_mqtt_loop(struct fanout_run *r, struct mosquitto **m,
    struct pollfd *pfd)
{
	long long misc = 0, now;
	int i;

	r->t_last = util_now_us();
	while (!fanout_done(r, r->received)) {
		for (i = 0; i < r->nsubs; i++) {
			pfd[i].fd = mosquitto_socket(m[i]);
			pfd[i].events = POLLIN |
			    (mosquitto_want_write(m[i]) ? POLLOUT : 0);
		}
		if (poll(pfd, (nfds_t)r->nsubs, 20) > 0)
			for (i = 0; i < r->nsubs; i++) {
				if (pfd[i].revents &
				    (POLLIN | POLLERR | POLLHUP))
					fanout_mqtt_read(m[i]);
				if (pfd[i].revents & POLLOUT)
					mosquitto_loop_write(m[i], 1);
			}
		if ((now = util_now_us()) - misc > 500000) {
			for (i = 0; i < r->nsubs; i++)
				mosquitto_loop_misc(m[i]);
			misc = now;
		}
	}
}

static void *
fanout_mqtt_subs(void *arg)
{
	struct fanout_run *r = arg;
	struct mosquitto **m = calloc((size_t)r->nsubs, sizeof *m);
	struct fanout_mqtt_sub *s = calloc((size_t)r->nsubs, sizeof *s);
	struct pollfd *pfd = calloc((size_t)r->nsubs, sizeof *pfd);
	char id[64];
	int i, nwarm = 0;

	if (m == NULL || s == NULL || pfd == NULL) {
		atomic_store(&r->failed, 1);
		goto out;
	}
	for (i = 0; i < r->nsubs; i++) {
		s[i].run = r;
		s[i].nwarm = &nwarm;
		snprintf(id, sizeof id, "bench-sub-%d-%d", (int)getpid(), i);
		if ((m[i] = fanout_mqtt_client(id, &s[i], r->mqtt_port)) ==
		    NULL) {
			atomic_store(&r->failed, 1);
			goto out;
		}
	}
	fanout_mqtt_loop(r, m, pfd);
out:
	for (i = 0; m != NULL && i < r->nsubs; i++)
		if (m[i] != NULL)
			mosquitto_destroy(m[i]);
	free(m);
	free(s);
	free(pfd);
	return NULL;
}

/* Warm-up: send heartbeats until every subscriber has one. */
static int
fanout_warm(struct fanout_run *r, void (*beat)(void *), void *arg)
{
	long long start = util_now_us();

	while (!atomic_load(&r->ready)) {
		if (atomic_load(&r->failed) ||
		    util_now_us() - start > FANOUT_WARM_US)
			return -1;
		beat(arg);
		usleep(5000);
	}
	return 0;
}

static void
fanout_scada_beat(void *arg)
{
	publisher_heartbeat(arg);
}

static void
fanout_zmq_beat(void *arg)
{
	zmq_send(arg, "hb", 2, ZMQ_SNDMORE);
	zmq_send(arg, "{}", 2, 0);
}

static void
fanout_mqtt_beat(void *arg)
{
	mosquitto_publish(arg, NULL, "hb", 2, "{}", 0, false);
	mosquitto_loop(arg, 0, 1);
}

static int
fanout_start(struct fanout_run *r, pthread_t *th)
{
	void *(*fn)(void *) = r->kind == FANOUT_MQTT ? fanout_mqtt_subs :
	    fanout_zmq_subs;

	if (r->kind != FANOUT_MQTT && (r->zctx = zmq_ctx_new()) == NULL)
		return -1;
	if (pthread_create(th, NULL, fn, r) != 0) {
		if (r->zctx != NULL)
			zmq_ctx_term(r->zctx);
		return -1;
	}
	return 0;
}

static void
fanout_finish(struct fanout_run *r, pthread_t th, struct fanout_result *res)
{
	pthread_join(th, NULL);
	if (r->zctx != NULL)
		zmq_ctx_term(r->zctx);
	res->received = r->received;
	res->expected = r->expect * r->nsubs;
	res->rate = r->t_last > r->t0 && r->received > 0 ?
	    (double)r->received * 1e6 / (double)(r->t_last - r->t0) : 0;
}

static int
fanout_scada(const struct fanout_data *d, int nsubs, struct fanout_result *res)
{
	struct fanout_run r = { .kind = FANOUT_SCADA, .nsubs = nsubs,
	    .expect = d->n };
	publisher_t *p;
	pthread_t th;
	char err[256];
	long i;

	if ((p = publisher_new("tcp://127.0.0.1:*", err, sizeof err)) == NULL) {
		fprintf(stderr, "fanout: %s\n", err);
		return -1;
	}
	r.endpoint = publisher_endpoint(p);
	if (fanout_start(&r, &th) == -1) {
		publisher_destroy(&p);
		return -1;
	}
	if (fanout_warm(&r, fanout_scada_beat, p) == 0) {
		r.t0 = util_now_us();
		atomic_store(&r.go, 1);
		for (i = 0; i < d->n; i++)
			publisher_tag(p, d->names[i % d->ntags], &d->tv[i]);
	} else
		atomic_store(&r.failed, 1);
	fanout_finish(&r, th, res);
	publisher_destroy(&p);
	return atomic_load(&r.failed) ? -1 : 0;
}

static void *
fanout_zmq_pub(void *ctx, char *endpoint, size_t len)
{
	void *pub = zmq_socket(ctx, ZMQ_PUB);
	int hwm = FANOUT_HWM, linger = 200;

	if (pub == NULL)
		return NULL;
	zmq_setsockopt(pub, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(pub, ZMQ_LINGER, &linger, sizeof linger);
	if (zmq_bind(pub, "tcp://127.0.0.1:*") == -1 ||
	    zmq_getsockopt(pub, ZMQ_LAST_ENDPOINT, endpoint, &len) == -1) {
		zmq_close(pub);
		return NULL;
	}
	return pub;
}

static int
fanout_zmq(const struct fanout_data *d, int nsubs, struct fanout_result *res)
{
	struct fanout_run r = { .kind = FANOUT_ZMQ, .nsubs = nsubs,
	    .expect = d->n };
	void *ctx, *pub;
	char endpoint[256];
	pthread_t th;
	long i;

	if ((ctx = zmq_ctx_new()) == NULL)
		return -1;
	if ((pub = fanout_zmq_pub(ctx, endpoint, sizeof endpoint)) == NULL) {
		zmq_ctx_term(ctx);
		return -1;
	}
	r.endpoint = endpoint;
	if (fanout_start(&r, &th) == 0) {
		if (fanout_warm(&r, fanout_zmq_beat, pub) == 0) {
			r.t0 = util_now_us();
			atomic_store(&r.go, 1);
			for (i = 0; i < d->n; i++) {
				zmq_send(pub, d->topic[i], strlen(d->topic[i]),
				    ZMQ_SNDMORE);
				zmq_send(pub, d->body[i], d->blen[i], 0);
			}
		} else
			atomic_store(&r.failed, 1);
		fanout_finish(&r, th, res);
	} else
		atomic_store(&r.failed, 1);
	zmq_close(pub);
	zmq_ctx_term(ctx);
	return atomic_load(&r.failed) ? -1 : 0;
}

static void
fanout_mqtt_flag(struct mosquitto *m, void *arg, int rc)
{
	*(int *)arg = rc == 0 ? 1 : -1;
}

static struct mosquitto *
fanout_mqtt_publisher(int port, int *connected)
{
	struct mosquitto *m;
	char id[64];
	int k;

	snprintf(id, sizeof id, "bench-pub-%d", (int)getpid());
	if ((m = mosquitto_new(id, true, connected)) == NULL)
		return NULL;
	mosquitto_connect_callback_set(m, fanout_mqtt_flag);
	if (mosquitto_connect(m, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS) {
		mosquitto_destroy(m);
		return NULL;
	}
	for (k = 0; k < 500 && *connected == 0; k++)
		mosquitto_loop(m, 10, 1);
	if (*connected != 1) {
		mosquitto_destroy(m);
		return NULL;
	}
	return m;
}

/*
 * Pushes out whatever libmosquitto still holds, as its loop would; a
 * busy broker may leave our socket unread for seconds.
 */
static void
fanout_mqtt_flush(struct mosquitto *m)
{
	long long deadline = util_now_us() + FANOUT_FLUSH_US;
	struct pollfd pfd;

	while (mosquitto_want_write(m) && util_now_us() < deadline) {
		pfd.fd = mosquitto_socket(m);
		pfd.events = POLLOUT | POLLIN;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if (pfd.revents & POLLIN)
			mosquitto_loop_read(m, 1);
		if (pfd.revents & POLLOUT &&
		    mosquitto_loop_write(m, 1) != MOSQ_ERR_SUCCESS)
			break;
	}
}

static int
fanout_mqtt(const struct fanout_data *d, int port, int nsubs,
    struct fanout_result *res)
{
	struct fanout_run r = { .kind = FANOUT_MQTT, .nsubs = nsubs,
	    .expect = d->n, .mqtt_port = port };
	struct mosquitto *m;
	int connected = 0;
	pthread_t th;
	long i, failed = 0;

	if ((m = fanout_mqtt_publisher(port, &connected)) == NULL) {
		fprintf(stderr, _("fanout: cannot connect to mosquitto on "
		    "port %d\n"), port);
		return -1;
	}
	if (fanout_start(&r, &th) == -1) {
		mosquitto_destroy(m);
		return -1;
	}
	if (fanout_warm(&r, fanout_mqtt_beat, m) == 0) {
		r.t0 = util_now_us();
		atomic_store(&r.go, 1);
		for (i = 0; i < d->n; i++)
			if (mosquitto_publish(m, NULL, d->topic[i],
			    (int)d->blen[i], d->body[i], 0, false) != 0)
				failed++;
		fanout_mqtt_flush(m);
		if (failed > 0)
			fprintf(stderr, _("fanout: mosquitto_publish "
			    "failed %ld times\n"), failed);
	} else
		atomic_store(&r.failed, 1);
	fanout_finish(&r, th, res);
	mosquitto_disconnect(m);
	mosquitto_destroy(m);
	return atomic_load(&r.failed) ? -1 : 0;
}

static int
fanout_cmp_result(const void *a, const void *b)
{
	double x = ((const struct fanout_result *)a)->rate;
	double y = ((const struct fanout_result *)b)->rate;

	return x < y ? -1 : x > y;
}

/* The median of reps runs; a failed run counts as rate 0. */
static void
fanout_measure(enum fanout_kind kind, const struct fanout_data *d,
    int mqtt_port, int nsubs, int reps, struct fanout_result *out)
{
	struct fanout_result res[16];
	int i, rc;

	for (i = 0; i < reps; i++) {
		memset(&res[i], 0, sizeof res[i]);
		if (kind == FANOUT_SCADA)
			rc = fanout_scada(d, nsubs, &res[i]);
		else if (kind == FANOUT_ZMQ)
			rc = fanout_zmq(d, nsubs, &res[i]);
		else
			rc = fanout_mqtt(d, mqtt_port, nsubs, &res[i]);
		if (rc == -1)
			fprintf(stderr, _("fanout: %s with %d subscribers "
			    "failed\n"), fanout_kind_names[kind], nsubs);
	}
	qsort(res, (size_t)reps, sizeof *res, fanout_cmp_result);
	*out = res[reps / 2];
}

static void
fanout_report(int nsubs, const struct fanout_result *res, int have_mqtt)
{
	const struct fanout_result *s = &res[FANOUT_SCADA];
	const struct fanout_result *z = &res[FANOUT_ZMQ];
	const struct fanout_result *q = &res[FANOUT_MQTT];

	/* A fixed format, read by bench/run.sh: not translated. */
	printf("fanout subs=%d: scada %.0f msg/s, zmq %.0f msg/s "
	    "(ratio %.2f)", nsubs, s->rate, z->rate,
	    z->rate > 0 ? s->rate / z->rate : 0);
	if (have_mqtt)
		printf(", mosquitto %.0f msg/s (scada/mosquitto %.1fx)",
		    q->rate, q->rate > 0 ? s->rate / q->rate : 0);
	printf("; received scada %ld/%ld (dropped %ld), zmq %ld/%ld "
	    "(dropped %ld)", s->received, s->expected,
	    s->expected - s->received, z->received, z->expected,
	    z->expected - z->received);
	if (have_mqtt)
		printf(", mosquitto %ld/%ld (dropped %ld)", q->received,
		    q->expected, q->expected - q->received);
	printf("\n");
	fflush(stdout);
}

static void
fanout_usage(void)
{
	fprintf(stderr, "%s", _("usage: fanout [-k kinds] [-M repetitions] "
	    "[-m mqtt-port] [-n updates] [-r repetitions]\n"
	    "              [-s subscribers] [-t tags]\n"));
	exit(2);
}

int
main(int argc, char **argv)
{
	struct fanout_data d = { 0 };
	struct fanout_result res[FANOUT_NKINDS];
	int subs[8] = { 1, 10, 100 }, nsubcounts = 3;
	const char *kinds = "scada,zmq,mosquitto";
	int ch, mqtt_port = 0, reps = 1, ntags = 1000, custom = 0, i, k;
	int mqtt_reps = 0;
	long n = 100000;

	i18n_init();
	log_init("fanout", 0, 0);
	while ((ch = getopt(argc, argv, "k:M:m:n:r:s:t:")) != -1) {
		switch (ch) {
		case 'M':
			mqtt_reps = (int)util_number(optarg, 1, 15,
			    _("repetitions"));
			break;
		case 'm':
			mqtt_port = (int)util_number(optarg, 1, 65535,
			    _("port"));
			break;
		case 'n':
			n = util_number(optarg, 1, 10000000, _("update count"));
			break;
		case 'r':
			reps = (int)util_number(optarg, 1, 15,
			    _("repetitions"));
			break;
		case 's':
			/* The first -s replaces the defaults. */
			if (!custom) {
				custom = 1;
				nsubcounts = 0;
			}
			if (nsubcounts == 8)
				fanout_usage();
			subs[nsubcounts++] = (int)util_number(optarg, 1,
			    FANOUT_MAX_SUBS, _("subscriber count"));
			break;
		case 'k':
			kinds = optarg;
			break;
		case 't':
			ntags = (int)util_number(optarg, 1, 1000000,
			    _("tag count"));
			break;
		default:
			fanout_usage();
		}
	}
	if (optind != argc)
		fanout_usage();
	util_raise_nofile(8192);
	mosquitto_lib_init();
	if (fanout_data_build(&d, n, ntags) == -1) {
		fprintf(stderr, "%s", _("fanout: out of memory\n"));
		return 1;
	}
	printf("fanout: %ld updates over %d tags, %.0f bytes each on "
	    "average (topic + body)\n", n, ntags, (double)d.bytes / n);
	for (k = 0; k < nsubcounts; k++) {
		memset(res, 0, sizeof res);
		for (i = 0; i < FANOUT_NKINDS; i++)
			if ((i != FANOUT_MQTT || mqtt_port != 0) &&
			    strstr(kinds, fanout_kind_names[i]) != NULL)
				fanout_measure(i, &d, mqtt_port, subs[k],
				    i == FANOUT_MQTT && mqtt_reps > 0 ?
				    mqtt_reps : reps, &res[i]);
		fanout_report(subs[k], res, mqtt_port != 0);
	}
	fanout_data_free(&d);
	mosquitto_lib_cleanup();
	zsys_shutdown();
	return 0;
}
