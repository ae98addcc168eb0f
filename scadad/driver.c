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
 *   "WRITE" <token> <tag index> <value as %.17g>
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
	int			 backoff_ms;
	long long		 next_scan;
	long long		 next_connect;
	long long		 status_sent;
	int			 status_dirty;
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

/* Sends the tags whose value or quality changed since the last send. */
static void
driver_send_changes(struct driver_actor *a)
{
	struct driver_update *u;
	size_t i, n = 0;

	if ((u = calloc(a->dev.ntags + 1, sizeof *u)) == NULL)
		return;
	for (i = 0; i < a->dev.ntags; i++) {
		if (tagval_same(&a->last[i], &a->cur[i]))
			continue;
		a->last[i] = a->cur[i];
		u[n].tag = (uint32_t)a->tags[i];
		u[n].tv = a->cur[i];
		n++;
	}
	if (n > 0)
		zsock_send(a->pipe, "sb", "UPDATE", u, n * sizeof *u);
	free(u);
	/* Counters move every scan; once a second is news enough. */
	if (a->status_dirty ||
	    zclock_mono() - a->status_sent >= DRIVER_STATUS_MS)
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
	if (a->stats.connected)
		log_warnx("device %s: %s", a->dev.conf->name, why);
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
	if (a->stats.requests > 0 || a->stats.errors > 0)
		a->stats.reconnects++;
	log_info("device %s: connected", a->dev.conf->name);
	a->stats.connected = 1;
	a->stats.last_error[0] = '\0';
	a->backoff_ms = 0;
	a->status_dirty = 1;
	return 0;
}

static void
driver_scan(struct driver_actor *a)
{
	char err[TAGVAL_REASON_MAX];

	if (driver_ensure_link(a) == 0 &&
	    a->ops->scan(a->impl, a->cur, err, sizeof err) == -1)
		driver_link_failed(a, err);
	driver_send_changes(a);
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
    double value)
{
	char err[256] = "";
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
	zsock_send(a->pipe, "ssis", "WROTE", token, (int)rc, err);
}

static int
driver_command(struct driver_actor *a)
{
	zmsg_t *m = zmsg_recv(a->pipe);
	char *cmd, *token, *tag, *value;
	int term;

	if (m == NULL)
		return -1;
	cmd = zmsg_popstr(m);
	term = cmd == NULL || strcmp(cmd, "$TERM") == 0;
	if (!term && strcmp(cmd, "WRITE") == 0) {
		token = zmsg_popstr(m);
		tag = zmsg_popstr(m);
		value = zmsg_popstr(m);
		if (token != NULL && tag != NULL && value != NULL)
			driver_do_write(a, token, strtoul(tag, NULL, 10),
			    strtod(value, NULL));
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
	a->tags = calloc(p->ntags + 1, sizeof *a->tags);
	a->last = calloc(p->ntags + 1, sizeof *a->last);
	a->cur = calloc(p->ntags + 1, sizeof *a->cur);
	if (a->tags == NULL || a->last == NULL || a->cur == NULL)
		return -1;
	for (i = 0; i < p->ntags; i++)
		if (p->tags[i].device == device) {
			a->last[n].quality = QUALITY_BAD;
			a->last[n].value = NAN;
			a->tags[n++] = i;
		}
	a->dev.tags = a->tags;
	a->dev.ntags = n;
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
		now = zclock_mono();
		if (now >= a->next_scan) {
			/* Keep the period; skip scans that overran it. */
			if (a->next_scan == 0)
				a->next_scan = now;
			a->next_scan += a->dev.conf->poll_ms *
			    ((now - a->next_scan) / a->dev.conf->poll_ms + 1);
			driver_scan(a);
			continue;
		}
		if (zpoller_wait(poller, (int)(a->next_scan - now)) == pipe &&
		    driver_command(a) == -1)
			break;
		if (zpoller_terminated(poller))
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

int
driver_write(zactor_t *actor, uint64_t token, size_t tag, double value)
{
	char t[32], i[32], v[64];

	snprintf(t, sizeof t, "%llu", (unsigned long long)token);
	snprintf(i, sizeof i, "%zu", tag);
	snprintf(v, sizeof v, "%.17g", value);
	return zstr_sendx(actor, "WRITE", t, i, v, NULL);
}
