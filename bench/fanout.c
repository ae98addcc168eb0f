/*
 * Fan-out: tag updates delivered per second to 1, 10 and 100 subscribers.
 *
 * The project side is scadad's own publisher (publisher_tag() for each
 * update of a batch, then publisher_flush(), as the server does with
 * each message of a driver, which holds up to DRIVER_BATCH updates: a
 * scan that changes many tags). Measured in the same run against:
 *  - v1: the version-1 publisher, one message per update
 *    ([tag/NAME][body] encoded by tagval_encode(), two zmq_send()s);
 *  - zmq: a bare libzmq PUB sending the very same batch frames, encoded
 *    beforehand, with the same high-water mark;
 *  - mosquitto: a Mosquitto broker at QoS 0 carrying one update per
 *    message, as most MQTT gateways publish;
 *  - mosquitto-batch: the same broker fed the same batch frames.
 * Subscribers run in one thread of this process and count the updates
 * they get (the tag objects in a batch); the rate is updates received
 * divided by the time from the first send to the last delivery, so
 * anything dropped is not counted as delivered.
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
#include "driver.h"
#include "publisher.h"
#include "tagval.h"
#include "util.h"
#include "xmalloc.h"

#define FANOUT_V1_HWM		100000	/* what the version-1 publisher set */
#define FANOUT_IDLE_US		2000000	/* no delivery this long: done */
#define FANOUT_WARM_US		15000000
#define FANOUT_FLUSH_US		120000000
#define FANOUT_MAX_SUBS		1000
#define FANOUT_NAME_MAX		64

enum fanout_kind {
	FANOUT_SCADA,
	FANOUT_V1,
	FANOUT_ZMQ,
	FANOUT_MQTT,
	FANOUT_MQTT_BATCH,
	FANOUT_SCADA_CURVE,	/* the same two with CurveZMQ on */
	FANOUT_ZMQ_CURVE,
	FANOUT_NKINDS
};

static const char *const fanout_kind_names[] = {
	"scada", "v1", "zmq", "mosquitto", "mosquitto-batch", "scada-curve",
	"zmq-curve"
};

/*
 * The keys of the CurveZMQ runs, as scadad's publisher and a registered
 * station hold them. No ZAP handler runs here: libzmq then lets every
 * key in, so what is measured is the encryption, not the key check a
 * station makes once when it connects.
 */
static zcert_t *fanout_server_cert, *fanout_client_cert;

/* One message as it goes on the wire. */
struct fanout_frame {
	char		*topic;
	char		*body;
	size_t		 blen;
};

/*
 * The updates: as tagvals for the publishers, one message each as the
 * version-1 publisher sent them, and in batches as scadad sends them.
 */
struct fanout_data {
	long			  n;
	int			  ntags;
	int			  batch;
	char			(*names)[FANOUT_NAME_MAX];
	struct tagval		 *tv;
	struct fanout_frame	 *single;	/* n of them */
	struct fanout_frame	 *batches;	/* nbatches of them */
	long			  nbatches;
	size_t			  single_bytes;
	size_t			  batch_bytes;
};

/* One measurement: shared by the publisher and the subscriber thread. */
struct fanout_run {
	enum fanout_kind	 kind;
	const char		*endpoint;	/* zmq */
	int			 mqtt_port;
	const char		*mqtt_topic;	/* to subscribe to */
	int			 nsubs;
	int			 curve;
	long			 expect;	/* updates, per subscriber */
	void			*zctx;
	atomic_int		 ready;		/* every subscriber warm */
	atomic_int		 go;		/* t0 is set */
	atomic_int		 failed;
	long long		 t0;
	long long		 t_last;
	long			 received;	/* updates */
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

/* What the version-1 publisher sent for one update. */
static void
fanout_single(struct fanout_data *d, long i)
{
	char body[PUBLISHER_TAG_MAX + 32];
	int n;

	n = tagval_encode(d->names[i % d->ntags], &d->tv[i], body,
	    sizeof body - 32);
	/* Version 1 had the sequence number in the tag's own object. */
	n += snprintf(body + n - 1, 32, ",\"seq\":%ld}", i + 1) - 1;
	d->single[i].topic = xasprintf("tag/%s", d->names[i % d->ntags]);
	d->single[i].body = xstrdup(body);
	d->single[i].blen = (size_t)n;
	d->single_bytes += (size_t)n + strlen(d->single[i].topic);
}

/* A batch as publisher_flush() sends it; the body is taken. */
static void
fanout_batch_add(struct fanout_data *d, char *body, size_t len)
{
	struct fanout_frame *f;

	d->batches = xreallocarray(d->batches, (size_t)d->nbatches + 1,
	    sizeof *d->batches);
	f = &d->batches[d->nbatches++];
	f->topic = xstrdup(MSG_TOPIC_TAGS);
	f->body = body;
	f->blen = len;
	d->batch_bytes += len + strlen(MSG_TOPIC_TAGS);
}

/*
 * The very bytes publisher_flush() sends for the updates, split where
 * the publisher splits them: after each driver message of d->batch
 * updates, and where one more would not fit PUBLISHER_BATCH_MAX.
 */
static void
fanout_batches(struct fanout_data *d)
{
	char *body = NULL, one[PUBLISHER_TAG_MAX];
	size_t len = 0, used = 0, add;
	FILE *fp = NULL;
	long i, inbatch = 0;

	for (i = 0; i <= d->n; i++) {
		add = 0;
		if (i < d->n)
			add = (size_t)tagval_encode(d->names[i % d->ntags],
			    &d->tv[i], one, sizeof one) + (inbatch > 0);
		if (fp != NULL && (i == d->n || i % d->batch == 0 ||
		    used + add > PUBLISHER_BATCH_MAX)) {
			fprintf(fp, "]}");
			fclose(fp);
			fanout_batch_add(d, body, len);
			fp = NULL;
			inbatch = 0;
			add -= add > 0 && i < d->n;	/* no comma now */
		}
		if (i == d->n)
			break;
		if (fp == NULL) {
			fp = open_memstream(&body, &len);
			fprintf(fp, "{\"seq\":%ld,\"gen\":1,\"instance\":"
			    "\"8BB3BD83D61D465086AC3AC867C23673\",\"tags\":[",
			    d->nbatches + 1);
			used = 0;
		}
		fprintf(fp, "%s%s", inbatch++ > 0 ? "," : "", one);
		used += add;
	}
}

static void
fanout_data_build(struct fanout_data *d, long n, int ntags, int batch)
{
	long i;

	d->n = n;
	d->ntags = ntags;
	d->batch = batch;
	d->names = xcalloc((size_t)ntags, sizeof *d->names);
	d->tv = xcalloc((size_t)n, sizeof *d->tv);
	d->single = xcalloc((size_t)n, sizeof *d->single);
	for (i = 0; i < ntags; i++)
		snprintf(d->names[i], sizeof d->names[i],
		    "area%02ld.ai%03ld.pv", i / 100, i % 100);
	for (i = 0; i < n; i++) {
		fanout_tagval(i, &d->tv[i]);
		fanout_single(d, i);
	}
	fanout_batches(d);
}

static void
fanout_frames_free(struct fanout_frame *f, long n)
{
	long i;

	for (i = 0; i < n; i++) {
		free(f[i].topic);
		free(f[i].body);
	}
	free(f);
}

static void
fanout_data_free(struct fanout_data *d)
{
	fanout_frames_free(d->single, d->n);
	fanout_frames_free(d->batches, d->nbatches);
	free(d->names);
	free(d->tv);
}

/* The updates in one message: the tag objects of a batch, or one. */
static long
fanout_updates(const char *topic, size_t tlen, const char *body, size_t blen)
{
	static const char key[] = "{\"name\":";
	const char *p = body, *end = body + blen;
	long n = 0;

	if (tlen == 4 && memcmp(topic, "tags", 4) == 0) {
		while ((p = memmem(p, (size_t)(end - p), key,
		    sizeof key - 1)) != NULL) {
			n++;
			p += sizeof key - 1;
		}
		return n;
	}
	return tlen > 4 && memcmp(topic, "tag/", 4) == 0;
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

static void
fanout_delivered(struct fanout_run *r, long n, long *count, int *warm,
    int *nwarm)
{
	if (n > 0) {
		*count += n;
		r->received += n;
		r->t_last = util_now_us();
	} else if (!*warm) {
		*warm = 1;
		if (++*nwarm == r->nsubs)
			atomic_store(&r->ready, 1);
	}
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
		fanout_delivered(r, fanout_updates(zmq_msg_data(&topic),
		    zmq_msg_size(&topic), zmq_msg_data(&body),
		    zmq_msg_size(&body)), count, warm, nwarm);
		zmq_msg_close(&body);
		zmq_msg_close(&topic);
	}
}

static void
fanout_curve_client(void *sock)
{
	zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY,
	    zcert_public_txt(fanout_server_cert), 40);
	zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY,
	    zcert_public_txt(fanout_client_cert), 40);
	zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY,
	    zcert_secret_txt(fanout_client_cert), 40);
}

static void *
fanout_zmq_subs(void *arg)
{
	struct fanout_run *r = arg;
	zmq_pollitem_t *items = xcalloc((size_t)r->nsubs, sizeof *items);
	long *count = xcalloc((size_t)r->nsubs, sizeof *count);
	int *warm = xcalloc((size_t)r->nsubs, sizeof *warm);
	int hwm = r->kind == FANOUT_V1 ? FANOUT_V1_HWM : PUBLISHER_HWM;
	int zero = 0, i, nwarm = 0;

	for (i = 0; i < r->nsubs; i++) {
		items[i].socket = zmq_socket(r->zctx, ZMQ_SUB);
		items[i].events = ZMQ_POLLIN;
		zmq_setsockopt(items[i].socket, ZMQ_RCVHWM, &hwm, sizeof hwm);
		zmq_setsockopt(items[i].socket, ZMQ_LINGER, &zero, sizeof zero);
		zmq_setsockopt(items[i].socket, ZMQ_SUBSCRIBE, "", 0);
		if (r->curve)
			fanout_curve_client(items[i].socket);
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
	for (i = 0; i < r->nsubs; i++)
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
	struct fanout_mqtt_sub *s = arg;

	if (rc != 0)
		return;
	/* In this order: once "hb" flows, so do the updates. */
	mosquitto_subscribe(m, NULL, s->run->mqtt_topic, 0);
	mosquitto_subscribe(m, NULL, "hb", 0);
}

static void
fanout_mqtt_on_message(struct mosquitto *m, void *arg,
    const struct mosquitto_message *msg)
{
	struct fanout_mqtt_sub *s = arg;

	fanout_delivered(s->run, fanout_updates(msg->topic, strlen(msg->topic),
	    msg->payload, (size_t)msg->payloadlen), &s->count, &s->warm,
	    s->nwarm);
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
	struct mosquitto **m = xcalloc((size_t)r->nsubs, sizeof *m);
	struct fanout_mqtt_sub *s = xcalloc((size_t)r->nsubs, sizeof *s);
	struct pollfd *pfd = xcalloc((size_t)r->nsubs, sizeof *pfd);
	char id[64];
	int i, nwarm = 0;

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
	for (i = 0; i < r->nsubs; i++)
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
	int mqtt = r->kind == FANOUT_MQTT || r->kind == FANOUT_MQTT_BATCH;
	void *(*fn)(void *) = mqtt ? fanout_mqtt_subs : fanout_zmq_subs;

	if (!mqtt && (r->zctx = zmq_ctx_new()) == NULL)
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

/* scadad's publisher, a batch at a time as the server sends them. */
static void
fanout_send_scada(const struct fanout_data *d, publisher_t *p)
{
	long i;

	for (i = 0; i < d->n; i++) {
		publisher_tag(p, d->names[i % d->ntags], &d->tv[i]);
		if ((i + 1) % d->batch == 0)
			publisher_flush(p);
	}
	publisher_flush(p);
}

static int
fanout_scada(const struct fanout_data *d, int curve, int nsubs,
    struct fanout_result *res)
{
	struct fanout_run r = { .kind = FANOUT_SCADA, .nsubs = nsubs,
	    .expect = d->n, .curve = curve };
	publisher_t *p;
	pthread_t th;
	char err[256];

	if ((p = publisher_new("tcp://127.0.0.1:*", curve ? fanout_server_cert :
	    NULL, err, sizeof err)) == NULL) {
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
		fanout_send_scada(d, p);
	} else
		atomic_store(&r.failed, 1);
	fanout_finish(&r, th, res);
	publisher_destroy(&p);
	return atomic_load(&r.failed) ? -1 : 0;
}

static void *
fanout_zmq_pub(void *ctx, int hwm, int curve, char *endpoint, size_t len)
{
	void *pub = zmq_socket(ctx, ZMQ_PUB);
	int linger = 200, one = 1;

	if (pub == NULL)
		return NULL;
	if (curve) {
		zmq_setsockopt(pub, ZMQ_CURVE_SERVER, &one, sizeof one);
		zmq_setsockopt(pub, ZMQ_CURVE_SECRETKEY,
		    zcert_secret_txt(fanout_server_cert), 40);
	}
	zmq_setsockopt(pub, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(pub, ZMQ_LINGER, &linger, sizeof linger);
	if (zmq_bind(pub, "tcp://127.0.0.1:*") == -1 ||
	    zmq_getsockopt(pub, ZMQ_LAST_ENDPOINT, endpoint, &len) == -1) {
		zmq_close(pub);
		return NULL;
	}
	return pub;
}

/*
 * The version-1 publisher encoded each update as it went, into a
 * message of its own; the bare zmq baseline sends the batches, encoded
 * beforehand.
 */
static void
fanout_send_zmq(const struct fanout_data *d, enum fanout_kind kind, void *pub)
{
	char topic[FANOUT_NAME_MAX + 8], body[PUBLISHER_TAG_MAX + 32];
	const struct fanout_frame *f;
	long i;
	int n, tn;

	if (kind == FANOUT_ZMQ) {
		for (i = 0; i < d->nbatches; i++) {
			f = &d->batches[i];
			zmq_send(pub, f->topic, strlen(f->topic), ZMQ_SNDMORE);
			zmq_send(pub, f->body, f->blen, 0);
		}
		return;
	}
	for (i = 0; i < d->n; i++) {
		tn = snprintf(topic, sizeof topic, "tag/%s",
		    d->names[i % d->ntags]);
		n = tagval_encode(d->names[i % d->ntags], &d->tv[i], body,
		    sizeof body - 32);
		n += snprintf(body + n - 1, 32, ",\"seq\":%ld}", i + 1) - 1;
		zmq_send(pub, topic, (size_t)tn, ZMQ_SNDMORE);
		zmq_send(pub, body, (size_t)n, 0);
	}
}

static int
fanout_zmq(const struct fanout_data *d, enum fanout_kind kind, int curve,
    int nsubs, struct fanout_result *res)
{
	struct fanout_run r = { .kind = kind, .nsubs = nsubs,
	    .expect = d->n, .curve = curve };
	void *ctx, *pub;
	char endpoint[256];
	pthread_t th;

	if ((ctx = zmq_ctx_new()) == NULL)
		return -1;
	if ((pub = fanout_zmq_pub(ctx, kind == FANOUT_V1 ? FANOUT_V1_HWM :
	    PUBLISHER_HWM, curve, endpoint, sizeof endpoint)) == NULL) {
		zmq_ctx_term(ctx);
		return -1;
	}
	r.endpoint = endpoint;
	if (fanout_start(&r, &th) == 0) {
		if (fanout_warm(&r, fanout_zmq_beat, pub) == 0) {
			r.t0 = util_now_us();
			atomic_store(&r.go, 1);
			fanout_send_zmq(d, kind, pub);
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
fanout_mqtt(const struct fanout_data *d, enum fanout_kind kind, int port,
    int nsubs, struct fanout_result *res)
{
	struct fanout_run r = { .kind = kind, .nsubs = nsubs,
	    .expect = d->n, .mqtt_port = port };
	const struct fanout_frame *f = kind == FANOUT_MQTT ? d->single :
	    d->batches;
	long i, n = kind == FANOUT_MQTT ? d->n : d->nbatches, failed = 0;
	struct mosquitto *m;
	int connected = 0;
	pthread_t th;

	r.mqtt_topic = kind == FANOUT_MQTT ? "tag/#" : MSG_TOPIC_TAGS;
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
		for (i = 0; i < n; i++)
			if (mosquitto_publish(m, NULL, f[i].topic,
			    (int)f[i].blen, f[i].body, 0, false) != 0)
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
		if (kind == FANOUT_SCADA || kind == FANOUT_SCADA_CURVE)
			rc = fanout_scada(d, kind == FANOUT_SCADA_CURVE, nsubs,
			    &res[i]);
		else if (kind == FANOUT_V1 || kind == FANOUT_ZMQ)
			rc = fanout_zmq(d, kind, 0, nsubs, &res[i]);
		else if (kind == FANOUT_ZMQ_CURVE)
			rc = fanout_zmq(d, FANOUT_ZMQ, 1, nsubs, &res[i]);
		else
			rc = fanout_mqtt(d, kind, mqtt_port, nsubs, &res[i]);
		if (rc == -1)
			fprintf(stderr, _("fanout: %s with %d subscribers "
			    "failed\n"), fanout_kind_names[kind], nsubs);
	}
	qsort(res, (size_t)reps, sizeof *res, fanout_cmp_result);
	*out = res[reps / 2];
}

static double
fanout_ratio(const struct fanout_result *a, const struct fanout_result *b)
{
	return b->rate > 0 ? a->rate / b->rate : 0;
}

/* A fixed format, read by bench/run.sh: not translated. */
static void
fanout_report(int nsubs, const struct fanout_result *res, const int *ran)
{
	const struct fanout_result *s = &res[FANOUT_SCADA];
	int k;

	printf("fanout subs=%d: scada %.0f upd/s", nsubs, s->rate);
	if (ran[FANOUT_V1])
		printf(", %.1fx v1 (%.0f)", fanout_ratio(s, &res[FANOUT_V1]),
		    res[FANOUT_V1].rate);
	if (ran[FANOUT_ZMQ])
		printf(", %.2f of zmq (%.0f)", fanout_ratio(s,
		    &res[FANOUT_ZMQ]), res[FANOUT_ZMQ].rate);
	if (ran[FANOUT_MQTT])
		printf(", %.1fx mosquitto (%.0f)", fanout_ratio(s,
		    &res[FANOUT_MQTT]), res[FANOUT_MQTT].rate);
	if (ran[FANOUT_MQTT_BATCH])
		printf(", %.1fx mosquitto-batch (%.0f)", fanout_ratio(s,
		    &res[FANOUT_MQTT_BATCH]), res[FANOUT_MQTT_BATCH].rate);
	if (ran[FANOUT_SCADA_CURVE])
		printf("; curve: scada %.2f of plain (%.0f)", fanout_ratio(
		    &res[FANOUT_SCADA_CURVE], s), res[FANOUT_SCADA_CURVE].rate);
	if (ran[FANOUT_ZMQ_CURVE])
		printf(", zmq %.2f of plain (%.0f), scada %.2f of zmq",
		    fanout_ratio(&res[FANOUT_ZMQ_CURVE], &res[FANOUT_ZMQ]),
		    res[FANOUT_ZMQ_CURVE].rate, fanout_ratio(
		    &res[FANOUT_SCADA_CURVE], &res[FANOUT_ZMQ_CURVE]));
	printf("; dropped");
	for (k = 0; k < FANOUT_NKINDS; k++)
		if (ran[k])
			printf(" %s %ld", fanout_kind_names[k],
			    res[k].expected - res[k].received);
	printf("\n");
	fflush(stdout);
}

static void
fanout_usage(void)
{
	fprintf(stderr, "%s", _("usage: fanout [-b batch] [-k kinds] "
	    "[-M repetitions] [-m mqtt-port] [-n updates]\n"
	    "              [-r repetitions] [-s subscribers] [-t tags]\n"));
	exit(2);
}

static int
fanout_wanted(const char *kinds, enum fanout_kind k, int mqtt_port)
{
	char list[256], *w, *last;

	if (mqtt_port == 0 && (k == FANOUT_MQTT || k == FANOUT_MQTT_BATCH))
		return 0;
	snprintf(list, sizeof list, "%s", kinds);
	for (w = strtok_r(list, ",", &last); w != NULL;
	    w = strtok_r(NULL, ",", &last))
		if (strcmp(w, fanout_kind_names[k]) == 0)
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct fanout_data d = { 0 };
	struct fanout_result res[FANOUT_NKINDS];
	int subs[8] = { 1, 10 }, nsubcounts = 2, ran[FANOUT_NKINDS];
	const char *kinds = "scada,v1,zmq,mosquitto,mosquitto-batch";
	int ch, mqtt_port = 0, reps = 1, ntags = 1000, custom = 0, i, k;
	int mqtt_reps = 0, batch = DRIVER_BATCH;
	long n = 400000;

	i18n_init();
	xmalloc_init();
	log_init("fanout", 0, 0);
	while ((ch = getopt(argc, argv, "b:k:M:m:n:r:s:t:")) != -1) {
		switch (ch) {
		case 'b':
			batch = (int)util_number(optarg, 1, 10000,
			    _("batch size"));
			break;
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
	fanout_server_cert = zcert_new();
	fanout_client_cert = zcert_new();
	fanout_data_build(&d, n, ntags, batch);
	printf("fanout: %ld updates over %d tags; one a message: %.0f bytes "
	    "each (topic + body); in batches of %d: %.0f bytes a batch, %.1f "
	    "an update\n", n, ntags, (double)d.single_bytes / n, batch,
	    (double)d.batch_bytes / d.nbatches, (double)d.batch_bytes / n);
	for (k = 0; k < nsubcounts; k++) {
		memset(res, 0, sizeof res);
		for (i = 0; i < FANOUT_NKINDS; i++) {
			ran[i] = fanout_wanted(kinds, i, mqtt_port);
			if (ran[i])
				fanout_measure(i, &d, mqtt_port, subs[k],
				    (i == FANOUT_MQTT || i == FANOUT_MQTT_BATCH)
				    && mqtt_reps > 0 ? mqtt_reps : reps,
				    &res[i]);
		}
		fanout_report(subs[k], res, ran);
	}
	fanout_data_free(&d);
	zcert_destroy(&fanout_server_cert);
	zcert_destroy(&fanout_client_cert);
	mosquitto_lib_cleanup();
	zsys_shutdown();
	return 0;
}
