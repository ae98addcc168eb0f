/*
 * The per-device actor: connect, scan on the poll period, reconnect with
 * exponential backoff, and carry out writes ahead of the next scan. Only
 * changed values cross to the server, so a quiet plant costs nothing,
 * and they cross in batches of up to DRIVER_BATCH.
 *
 * Pipe messages, actor to server:
 *   "UPDATE" <binary array of struct driver_update>
 *   "STATUS" <JSON device status>, at least every DRIVER_STATUS_MS
 *   "WROTE" <token> <error code> <message>
 * server to actor:
 *   "WRITE" <token> <tag id> <value as JSON>
 *   "RESEND": the server lost track; send every value read from now on
 *
 * The actor holds a reference to the project it was started with, so
 * the server may load a new generation while it runs.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "driver.h"
#include "log.h"
#include "xmalloc.h"

#define DRIVER_BACKOFF_MIN_MS	250
#define DRIVER_STATUS_MS	1000

static const struct driver_ops *const driver_table[] = {
	&driver_modbus_tcp,
	&driver_modbus_rtu,
};

/*
 * What the server last got of a tag, in 24 bytes instead of a whole
 * tagval: the texts (a string value, a reason) only as their hash.
 */
struct driver_last {
	double		 value;
	uint64_t	 texts;
	uint8_t		 quality;
	uint8_t		 kind;		/* 1 bool, 2 string */
	uint8_t		 valid;		/* 0: send whatever comes */
};

struct driver_actor {
	zsock_t			*pipe;
	struct project		*project;	/* a reference of our own */
	struct driver_device	 dev;
	struct driver_stats	 stats;
	const struct driver_ops	*ops;
	void			*impl;
	struct driver_last	*last;
	struct driver_update	*batch;
	size_t			 nbatch;
	struct tagval		 status_last[DEVICE_STATUS_COUNT];
	int			 backoff_ms;
	long long		 next_scan;
	long long		 next_connect;
	long long		 status_sent;
	int			 status_dirty;
	int			 linked;	/* connected, perhaps not answered */
	int			 ever_connected;
	int			 down_logged;
};

static const struct driver_ops *
driver_lookup(const char *protocol)
{
	size_t i;

	for (i = 0; i < sizeof driver_table / sizeof *driver_table; i++)
		if (strcmp(driver_table[i]->protocol, protocol) == 0)
			return driver_table[i];
	return NULL;
}

/* FNV-1a over the texts that make a value differ. */
static uint64_t
driver_texts(const struct tagval *tv)
{
	uint64_t h = 14695981039346656037ULL;
	const unsigned char *s;

	if (tv->is_string)
		for (s = (const unsigned char *)tv->str; *s != '\0'; s++)
			h = (h ^ *s) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	if (tv->quality != QUALITY_GOOD)
		for (s = (const unsigned char *)tv->reason; *s != '\0'; s++)
			h = (h ^ *s) * 1099511628211ULL;
	return h;
}

/* Is tv what the server has already? As tagval_same() has it. */
static int
driver_same(const struct driver_last *l, const struct tagval *tv,
    uint64_t texts)
{
	uint8_t kind = tv->is_bool ? 1 : tv->is_string ? 2 : 0;

	if (!l->valid || l->quality != tv->quality || l->kind != kind ||
	    l->texts != texts)
		return 0;
	if (tv->is_string)
		return 1;
	if (isnan(l->value) || isnan(tv->value))
		return isnan(l->value) && isnan(tv->value);
	return l->value == tv->value;
}

static void
driver_send_batch(struct driver_actor *a)
{
	if (a->nbatch == 0)
		return;
	zsock_send(a->pipe, "sb", "UPDATE", a->batch,
	    a->nbatch * sizeof *a->batch);
	a->nbatch = 0;
}

static void
driver_queue(struct driver_actor *a, uint32_t id, const struct tagval *tv)
{
	a->batch[a->nbatch].id = id;
	a->batch[a->nbatch].tv = *tv;
	if (++a->nbatch == DRIVER_BATCH)
		driver_send_batch(a);
}

/* The driver read a value: it goes to the server if it changed. */
static void
driver_emit(void *arg, size_t pos, const struct tagval *tv)
{
	struct driver_actor *a = arg;
	struct driver_last *l = &a->last[pos];
	uint64_t texts = driver_texts(tv);

	if (driver_same(l, tv, texts))
		return;
	l->value = tv->value;
	l->texts = texts;
	l->quality = (uint8_t)tv->quality;
	l->kind = tv->is_bool ? 1 : tv->is_string ? 2 : 0;
	l->valid = 1;
	driver_queue(a, a->dev.tags[pos]->id, tv);
}

static void
driver_send_status(struct driver_actor *a)
{
	json_t *o;
	char *text;

	o = json_pack("{s:s, s:b, s:s, s:f, s:I, s:I, s:I}",
	    "name", a->dev.conf->name, "connected", a->stats.connected,
	    "last_error", a->stats.last_error, "rtt_ms", a->stats.rtt_ms,
	    "requests", (json_int_t)a->stats.requests,
	    "errors", (json_int_t)a->stats.errors,
	    "reconnects", (json_int_t)a->stats.reconnects);
	text = json_dumps(o, JSON_COMPACT);
	zsock_send(a->pipe, "ss", "STATUS", text);
	free(text);
	json_decref(o);
	a->status_dirty = 0;
	a->status_sent = zclock_mono();
}

/* A status tag's value, from the device's counters. */
static void
driver_status_tag(struct driver_actor *a, enum device_status k,
    struct tagval *tv)
{
	memset(tv, 0, sizeof *tv);
	tv->quality = QUALITY_GOOD;
	tv->ts_ms = tagval_now_ms();
	switch (k) {
	case DEVICE_STATUS_CONNECTED:
		tv->is_bool = 1;
		tv->value = a->stats.connected;
		break;
	case DEVICE_STATUS_LAST_ERROR:
		tv->is_string = 1;
		snprintf(tv->str, sizeof tv->str, "%s", a->stats.last_error);
		break;
	case DEVICE_STATUS_RTT_MS:
		tv->value = a->stats.rtt_ms;
		break;
	case DEVICE_STATUS_REQUESTS:
		tv->value = (double)a->stats.requests;
		break;
	case DEVICE_STATUS_ERRORS:
		tv->value = (double)a->stats.errors;
		break;
	default:
		tv->value = (double)a->stats.reconnects;
		break;
	}
}

static void
driver_status_changes(struct driver_actor *a)
{
	const struct project_tag *t;
	struct tagval tv;
	int k;

	for (k = 0; k < DEVICE_STATUS_COUNT; k++) {
		if ((t = a->dev.conf->status[k]) == NULL)
			continue;
		driver_status_tag(a, k, &tv);
		if (tagval_same(&a->status_last[k], &tv))
			continue;
		a->status_last[k] = tv;
		driver_queue(a, t->id, &tv);
	}
}

/*
 * What a scan or write found goes out; the counters, which move every
 * scan, once a second, which is news enough.
 */
static void
driver_send_changes(struct driver_actor *a)
{
	int status_due = a->status_dirty ||
	    zclock_mono() - a->status_sent >= DRIVER_STATUS_MS;

	if (status_due)
		driver_status_changes(a);
	driver_send_batch(a);
	if (status_due)
		driver_send_status(a);
}

static void
driver_mark_bad(struct driver_actor *a, const char *why)
{
	struct tagval tv;
	size_t i;

	memset(&tv, 0, sizeof tv);
	tv.quality = QUALITY_BAD;
	tv.ts_ms = tagval_now_ms();
	snprintf(tv.reason, sizeof tv.reason, "comm failure: %s", why);
	for (i = 0; i < a->dev.ntags; i++) {
		/* The last value stays, for what it is worth: now bad. */
		tv.value = a->last[i].valid ? a->last[i].value : NAN;
		tv.is_bool = a->dev.tags[i]->type == TAGCODEC_BOOL;
		tv.is_string = a->dev.tags[i]->type == TAGCODEC_STRING;
		driver_emit(a, i, &tv);
	}
}

/*
 * Once per outage, whether or not the device ever answered: a hung PLC
 * whose TCP stack still accepts connections fails after each one, and
 * is neither logged nor retried any faster for it.
 */
static void
driver_link_failed(struct driver_actor *a, const char *why)
{
	if (a->stats.connected || !a->down_logged)
		log_warnx("device %s: %s", a->dev.conf->name, why);
	a->down_logged = 1;
	a->ops->disconnect(a->impl);
	a->linked = 0;
	a->stats.connected = 0;
	a->stats.errors++;
	snprintf(a->stats.last_error, sizeof a->stats.last_error, "%s", why);
	a->status_dirty = 1;
	driver_mark_bad(a, why);
	a->backoff_ms = a->backoff_ms == 0 ? DRIVER_BACKOFF_MIN_MS :
	    a->backoff_ms * 2;
	if (a->backoff_ms > a->dev.conf->backoff_max_ms)
		a->backoff_ms = a->dev.conf->backoff_max_ms;
	a->next_connect = zclock_mono() + a->backoff_ms;
}

/* Opens the connection (or the serial line) when it is time to try. */
static int
driver_ensure_link(struct driver_actor *a)
{
	char err[TAGVAL_REASON_MAX];

	if (a->linked)
		return 0;
	if (zclock_mono() < a->next_connect)
		return -1;
	if (a->ops->connect(a->impl, err, sizeof err) == -1) {
		driver_link_failed(a, err);
		return -1;
	}
	a->linked = 1;
	return 0;
}

/*
 * A link is up when the device has answered a request, not when TCP
 * connected: only then is it logged, counted and its backoff reset.
 */
static void
driver_answered(struct driver_actor *a, unsigned long before)
{
	if (a->stats.connected || a->stats.answers == before)
		return;
	if (a->ever_connected)
		a->stats.reconnects++;
	a->ever_connected = 1;
	a->down_logged = 0;
	log_info("device %s: connected", a->dev.conf->name);
	a->stats.connected = 1;
	a->stats.last_error[0] = '\0';
	a->backoff_ms = 0;
	a->status_dirty = 1;
}

/* Scans what is due; returns when to come back (monotonic ms). */
static long long
driver_scan(struct driver_actor *a, long long now)
{
	char err[TAGVAL_REASON_MAX];
	long long next = now + a->dev.conf->poll_ms;
	unsigned long before = a->stats.answers;

	if (driver_ensure_link(a) == 0) {
		if (a->ops->scan(a->impl, now, &next, err, sizeof err) == -1)
			driver_link_failed(a, err);
		else
			driver_answered(a, before);
	}
	if (!a->linked && next < a->next_connect)
		next = a->next_connect;
	driver_send_changes(a);
	return next;
}

static int
driver_pipe_ready(void *arg)
{
	struct driver_actor *a = arg;

	return (zsock_events(a->pipe) & ZMQ_POLLIN) != 0;
}

/* The tags are in id order: a binary search finds the position. */
static ssize_t
driver_position(struct driver_actor *a, uint32_t id)
{
	size_t lo = 0, hi = a->dev.ntags, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (a->dev.tags[mid]->id == id)
			return (ssize_t)mid;
		if (a->dev.tags[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void
driver_do_write(struct driver_actor *a, const char *token, uint32_t id,
    json_t *value)
{
	char err[256] = "", msg[384] = "";
	enum error_code rc;
	ssize_t pos = driver_position(a, id);
	unsigned long before = a->stats.answers;

	if (pos == -1) {
		rc = ERROR_INTERNAL;
		snprintf(err, sizeof err, "tag id %u is not on device %s", id,
		    a->dev.conf->name);
	} else if (driver_ensure_link(a) == -1) {
		rc = ERROR_DEVICE_OFFLINE;
		snprintf(err, sizeof err, "device %s offline: %s",
		    a->dev.conf->name, a->stats.last_error);
	} else {
		rc = a->ops->write(a->impl, (size_t)pos, value, err,
		    sizeof err);
		if (rc == ERROR_DEVICE_OFFLINE || rc == ERROR_TIMEOUT)
			driver_link_failed(a, err);
		else
			driver_answered(a, before);
	}
	/* The read-back reaches the server before the answer does. */
	driver_send_changes(a);
	if (rc != ERROR_NONE)
		snprintf(msg, sizeof msg, "%s: %s", pos == -1 ? "?" :
		    a->dev.tags[pos]->name, err);
	zsock_send(a->pipe, "ssis", "WROTE", token, (int)rc, msg);
}

static void
driver_resend_all(struct driver_actor *a)
{
	size_t i;

	for (i = 0; i < a->dev.ntags; i++)
		a->last[i].valid = 0;
	for (i = 0; i < DEVICE_STATUS_COUNT; i++)
		a->status_last[i].quality = QUALITY_BAD;
	a->status_dirty = 1;
}

static int
driver_command(struct driver_actor *a)
{
	zmsg_t *m = zmsg_recv(a->pipe);
	char *cmd, *token, *tag, *value;
	json_t *v;
	int term;

	if (m == NULL)
		return -1;
	cmd = zmsg_popstr(m);
	term = cmd == NULL || strcmp(cmd, "$TERM") == 0;
	if (!term && strcmp(cmd, "WRITE") == 0) {
		token = zmsg_popstr(m);
		tag = zmsg_popstr(m);
		value = zmsg_popstr(m);
		v = value != NULL ? json_loads(value, JSON_DECODE_ANY, NULL) :
		    NULL;
		if (token != NULL && tag != NULL && v != NULL)
			driver_do_write(a, token,
			    (uint32_t)strtoul(tag, NULL, 10), v);
		json_decref(v);
		zstr_free(&token);
		zstr_free(&tag);
		zstr_free(&value);
	} else if (!term && strcmp(cmd, "RESEND") == 0)
		driver_resend_all(a);
	zstr_free(&cmd);
	zmsg_destroy(&m);
	return term ? -1 : 0;
}

/* Set up in the caller's thread, so a bad device fails driver_start. */
static int
driver_actor_init(struct driver_actor *a, struct project *p,
    const struct device_conf *d)
{
	size_t i;

	a->project = project_ref(p);
	a->dev.conf = d;
	a->dev.tags = d->tags;
	a->dev.ntags = d->ntags;
	a->dev.stats = &a->stats;
	a->dev.interrupted = driver_pipe_ready;
	a->dev.emit = driver_emit;
	a->dev.arg = a;
	a->last = xcalloc(d->ntags + 1, sizeof *a->last);
	a->batch = xcalloc(DRIVER_BATCH, sizeof *a->batch);
	for (i = 0; i < DEVICE_STATUS_COUNT; i++)
		a->status_last[i].quality = QUALITY_BAD;	/* send all once */
	a->ops = driver_lookup(d->protocol);
	if (a->ops == NULL || (a->impl = a->ops->open(&a->dev)) == NULL)
		return -1;
	a->status_dirty = 1;
	return 0;
}

static void
driver_actor_free(struct driver_actor **ap)
{
	struct driver_actor *a = *ap;

	if (a->ops != NULL && a->impl != NULL)
		a->ops->close(&a->impl);
	free(a->last);
	free(a->batch);
	project_unref(&a->project);
	free(a);
	*ap = NULL;
}

/* How long to sleep: until the next scan, or the next status. */
static int
driver_wait_ms(struct driver_actor *a, long long now)
{
	long long until = a->next_scan;

	if (a->status_sent + DRIVER_STATUS_MS < until)
		until = a->status_sent + DRIVER_STATUS_MS;
	return until > now ? (int)(until - now) : 0;
}

static void
driver_actor(zsock_t *pipe, void *arg)
{
	struct driver_actor *a = arg;
	zpoller_t *poller;
	long long now;

	a->pipe = pipe;
	zsock_signal(pipe, 0);
	poller = zpoller_new(pipe, NULL);
	for (;;) {
		/* Writes first: they wait ahead of any poll. */
		if (driver_pipe_ready(a)) {
			if (driver_command(a) == -1)
				break;
			continue;
		}
		now = zclock_mono();
		if (now >= a->next_scan) {
			a->next_scan = driver_scan(a, now);
			continue;
		}
		/* A slow poll still tells the server it lives. */
		if (now >= a->status_sent + DRIVER_STATUS_MS) {
			driver_send_changes(a);
			continue;
		}
		if (zpoller_wait(poller, driver_wait_ms(a, now)) == NULL &&
		    zpoller_terminated(poller))
			break;
	}
	zpoller_destroy(&poller);
	driver_actor_free(&a);
}

/* Returns NULL if the device could not be set up. */
zactor_t *
driver_start(struct project *p, const struct device_conf *d)
{
	struct driver_actor *a = xcalloc(1, sizeof *a);
	zactor_t *actor;

	if (driver_actor_init(a, p, d) == -1) {
		driver_actor_free(&a);
		return NULL;
	}
	if ((actor = zactor_new(driver_actor, a)) == NULL) {
		driver_actor_free(&a);
		return NULL;
	}
	/*
	 * The server never waits for a driver: a driver busy with a slow
	 * PLC whose pipe is full makes a send fail, not block, so the
	 * loop cannot deadlock with an actor waiting to send it updates.
	 */
	zsock_set_sndtimeo(zactor_sock(actor), 0);
	return actor;
}

/* The value is borrowed. Returns -1 if the actor cannot take it now. */
int
driver_write(zactor_t *actor, uint64_t token, uint32_t id, json_t *value)
{
	char t[32], i[32], *v;
	int rc;

	snprintf(t, sizeof t, "%llu", (unsigned long long)token);
	snprintf(i, sizeof i, "%u", id);
	if ((v = json_dumps(value, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17)))
	    == NULL)
		return -1;
	rc = zstr_sendx(actor, "WRITE", t, i, v, NULL);
	free(v);
	return rc;
}

int
driver_resend(zactor_t *actor)
{
	return zstr_send(actor, "RESEND");
}

/* The change check, which decides what crosses to the server. */
void
driver_selftest(void)
{
	struct driver_last l = { 0 };
	struct tagval tv = { .value = 1, .quality = QUALITY_GOOD };
	uint64_t h = driver_texts(&tv);

	CHECK(!driver_same(&l, &tv, h));	/* never sent: send */
	l.valid = 1;
	l.value = 1;
	l.texts = h;
	CHECK(driver_same(&l, &tv, h));
	tv.ts_ms = 99;				/* time alone: no change */
	CHECK(driver_same(&l, &tv, driver_texts(&tv)));
	tv.quality = QUALITY_BAD;
	snprintf(tv.reason, sizeof tv.reason, "comm failure: x");
	CHECK(!driver_same(&l, &tv, driver_texts(&tv)));
	l.quality = QUALITY_BAD;
	l.texts = driver_texts(&tv);
	CHECK(driver_same(&l, &tv, driver_texts(&tv)));
	snprintf(tv.reason, sizeof tv.reason, "comm failure: y");
	CHECK(!driver_same(&l, &tv, driver_texts(&tv)));
	tv.quality = QUALITY_GOOD;
	tv.value = NAN;
	l.quality = QUALITY_GOOD;
	l.value = NAN;
	l.texts = driver_texts(&tv);
	CHECK(driver_same(&l, &tv, driver_texts(&tv)));
	tv.is_string = 1;
	snprintf(tv.str, sizeof tv.str, "A");
	CHECK(!driver_same(&l, &tv, driver_texts(&tv)));
}
