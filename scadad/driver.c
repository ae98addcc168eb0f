/*
 * The per-device actor: connect, scan on the poll period, reconnect with
 * exponential backoff, and carry out writes ahead of the next scan. Only
 * changed values cross to the server, so a quiet plant costs nothing.
 *
 * Pipe messages, actor to server:
 *   "UPDATE" <binary array of struct driver_update>
 *   "STATUS" <JSON device status>
 *   "WROTE" <token> <error code> <message>
 * server to actor:
 *   "WRITE" <token> <tag index> <value as JSON>
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "log.h"

#define DRIVER_BACKOFF_MIN_MS	250
#define DRIVER_STATUS_MS	1000

static const struct driver_ops *const driver_table[] = {
	&driver_modbus_tcp,
	&driver_modbus_rtu,
};

struct driver_actor {
	zsock_t			*pipe;
	struct driver_device	 dev;
	struct driver_stats	 stats;
	const struct driver_ops	*ops;
	void			*impl;
	size_t			*tags;
	struct tagval		*last;	/* as last sent to the server */
	struct tagval		*cur;
	struct driver_update	*updates;	/* room for every change */
	size_t			 status[PROJECT_STATUS_COUNT];
	struct tagval		 status_last[PROJECT_STATUS_COUNT];
	int			 has_status;
	int			 backoff_ms;
	long long		 next_scan;
	long long		 next_connect;
	long long		 status_sent;
	int			 status_dirty;
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
	if (text != NULL)
		zsock_send(a->pipe, "ss", "STATUS", text);
	free(text);
	json_decref(o);
	a->status_dirty = 0;
	a->status_sent = zclock_mono();
}

/* The device's status tags, from its counters. */
static void
driver_status_tag(struct driver_actor *a, enum project_status k,
    struct tagval *tv)
{
	memset(tv, 0, sizeof *tv);
	tv->quality = QUALITY_GOOD;
	tv->ts_ms = tagval_now_ms();
	switch (k) {
	case PROJECT_STATUS_CONNECTED:
		tv->is_bool = 1;
		tv->value = a->stats.connected;
		break;
	case PROJECT_STATUS_LAST_ERROR:
		tv->is_string = 1;
		snprintf(tv->str, sizeof tv->str, "%s", a->stats.last_error);
		break;
	case PROJECT_STATUS_RTT_MS:
		tv->value = a->stats.rtt_ms;
		break;
	case PROJECT_STATUS_REQUESTS:
		tv->value = (double)a->stats.requests;
		break;
	case PROJECT_STATUS_ERRORS:
		tv->value = (double)a->stats.errors;
		break;
	default:
		tv->value = (double)a->stats.reconnects;
		break;
	}
}

static size_t
driver_status_changes(struct driver_actor *a, struct driver_update *u)
{
	struct tagval tv;
	size_t n = 0;
	int k;

	for (k = 0; a->has_status && k < PROJECT_STATUS_COUNT; k++) {
		driver_status_tag(a, k, &tv);
		if (tagval_same(&a->status_last[k], &tv))
			continue;
		a->status_last[k] = tv;
		u[n].tag = (uint32_t)a->status[k];
		u[n].tv = tv;
		n++;
	}
	return n;
}

/* Sends the tags whose value or quality changed since the last send. */
static void
driver_send_changes(struct driver_actor *a)
{
	struct driver_update *u = a->updates;
	size_t i, n = 0;
	int status_due = a->status_dirty ||
	    zclock_mono() - a->status_sent >= DRIVER_STATUS_MS;

	for (i = 0; i < a->dev.ntags; i++) {
		if (tagval_same(&a->last[i], &a->cur[i]))
			continue;
		a->last[i] = a->cur[i];
		u[n].tag = (uint32_t)a->tags[i];
		u[n].tv = a->cur[i];
		n++;
	}
	/* Counters move every scan; once a second is news enough. */
	if (status_due)
		n += driver_status_changes(a, u + n);
	if (n > 0)
		zsock_send(a->pipe, "sb", "UPDATE", u, n * sizeof *u);
	if (status_due)
		driver_send_status(a);
}

static void
driver_mark_bad(struct driver_actor *a, const char *why)
{
	long long now = tagval_now_ms();
	size_t i;

	for (i = 0; i < a->dev.ntags; i++) {
		a->cur[i] = a->last[i];
		a->cur[i].quality = QUALITY_BAD;
		a->cur[i].ts_ms = now;
		snprintf(a->cur[i].reason, sizeof a->cur[i].reason,
		    "comm failure: %s", why);
	}
}

static void
driver_link_failed(struct driver_actor *a, const char *why)
{
	/* Once per outage, whether or not the device ever answered. */
	if (a->stats.connected || !a->down_logged)
		log_warnx("device %s: %s", a->dev.conf->name, why);
	a->down_logged = 1;
	a->ops->disconnect(a->impl);
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

static int
driver_ensure_link(struct driver_actor *a)
{
	char err[TAGVAL_REASON_MAX];

	if (a->stats.connected)
		return 0;
	if (zclock_mono() < a->next_connect)
		return -1;
	if (a->ops->connect(a->impl, err, sizeof err) == -1) {
		driver_link_failed(a, err);
		return -1;
	}
	if (a->ever_connected)
		a->stats.reconnects++;
	a->ever_connected = 1;
	a->down_logged = 0;
	log_info("device %s: connected", a->dev.conf->name);
	a->stats.connected = 1;
	a->stats.last_error[0] = '\0';
	a->backoff_ms = 0;
	a->status_dirty = 1;
	return 0;
}

/* Scans what is due; returns when to come back (monotonic ms). */
static long long
driver_scan(struct driver_actor *a, long long now)
{
	char err[TAGVAL_REASON_MAX];
	long long next = now + a->dev.conf->poll_ms;

	if (driver_ensure_link(a) == 0 &&
	    a->ops->scan(a->impl, a->cur, now, &next, err, sizeof err) == -1)
		driver_link_failed(a, err);
	if (!a->stats.connected && next < a->next_connect)
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

static ssize_t
driver_position(struct driver_actor *a, size_t tag)
{
	size_t i;

	for (i = 0; i < a->dev.ntags; i++)
		if (a->tags[i] == tag)
			return (ssize_t)i;
	return -1;
}

static void
driver_do_write(struct driver_actor *a, const char *token, size_t tag,
    json_t *value)
{
	char err[256] = "", msg[384] = "";
	enum error_code rc;
	struct tagval tv;
	ssize_t pos = driver_position(a, tag);

	if (pos == -1)
		rc = ERROR_INTERNAL;
	else if (driver_ensure_link(a) == -1) {
		rc = ERROR_DEVICE_OFFLINE;
		snprintf(err, sizeof err, "device %s offline: %s",
		    a->dev.conf->name, a->stats.last_error);
	} else {
		rc = a->ops->write(a->impl, (size_t)pos, value, &tv, err,
		    sizeof err);
		if (rc == ERROR_NONE)
			a->cur[pos] = tv;	/* the read-back */
		else if (rc == ERROR_DEVICE_OFFLINE || rc == ERROR_TIMEOUT)
			driver_link_failed(a, err);
	}
	driver_send_changes(a);
	/* A write of many tags fails by one: say which. */
	if (rc != ERROR_NONE)
		snprintf(msg, sizeof msg, "%s: %s",
		    a->dev.project->tags[tag].name, err);
	zsock_send(a->pipe, "ssis", "WROTE", token, (int)rc, msg);
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
			driver_do_write(a, token, strtoul(tag, NULL, 10), v);
		json_decref(v);
		zstr_free(&token);
		zstr_free(&tag);
		zstr_free(&value);
	}
	zstr_free(&cmd);
	zmsg_destroy(&m);
	return term ? -1 : 0;
}

/* Set up in the caller's thread, so a bad device fails driver_start. */
static int
driver_actor_init(struct driver_actor *a, const struct project *p,
    size_t device)
{
	size_t i, n = 0;

	a->dev.project = p;
	a->dev.conf = &p->devices[device];
	a->dev.stats = &a->stats;
	for (i = 0; i < p->ntags; i++)
		n += p->tags[i].device == device;
	a->tags = calloc(n + 1, sizeof *a->tags);
	a->last = calloc(n + 1, sizeof *a->last);
	a->cur = calloc(n + 1, sizeof *a->cur);
	a->updates = calloc(n + PROJECT_STATUS_COUNT, sizeof *a->updates);
	if (a->tags == NULL || a->last == NULL || a->cur == NULL ||
	    a->updates == NULL)
		return -1;
	n = 0;
	for (i = 0; i < p->ntags; i++) {
		if (p->tags[i].device != device)
			continue;
		if (p->tags[i].space == PROJECT_SYSTEM) {
			a->status[p->tags[i].status] = i;
			a->has_status = 1;
			continue;
		}
		a->last[n].quality = QUALITY_BAD;
		a->last[n].value = NAN;
		a->cur[n] = a->last[n];
		a->tags[n++] = i;
	}
	a->dev.tags = a->tags;
	a->dev.ntags = n;
	a->dev.interrupted = driver_pipe_ready;
	a->dev.arg = a;
	for (i = 0; i < PROJECT_STATUS_COUNT; i++)
		a->status_last[i].quality = QUALITY_BAD;	/* send all once */
	a->ops = driver_lookup(a->dev.conf->protocol);
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
	free(a->tags);
	free(a->last);
	free(a->cur);
	free(a->updates);
	free(a);
	*ap = NULL;
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
		if (zpoller_wait(poller, (int)(a->next_scan - now)) == NULL &&
		    zpoller_terminated(poller))
			break;
	}
	zpoller_destroy(&poller);
	driver_actor_free(&a);
}

/* Returns NULL if the device could not be set up. */
zactor_t *
driver_start(const struct project *p, size_t device)
{
	struct driver_actor *a = calloc(1, sizeof *a);
	zactor_t *actor;

	if (a == NULL)
		return NULL;
	if (driver_actor_init(a, p, device) == -1) {
		driver_actor_free(&a);
		return NULL;
	}
	if ((actor = zactor_new(driver_actor, a)) == NULL)
		driver_actor_free(&a);
	return actor;
}

/* The value is borrowed. */
int
driver_write(zactor_t *actor, uint64_t token, size_t tag, json_t *value)
{
	char t[32], i[32], *v;
	int rc;

	snprintf(t, sizeof t, "%llu", (unsigned long long)token);
	snprintf(i, sizeof i, "%zu", tag);
	if ((v = json_dumps(value, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17)))
	    == NULL)
		return -1;
	rc = zstr_sendx(actor, "WRITE", t, i, v, NULL);
	free(v);
	return rc;
}
