/*
 * The server loop's side of the driver actors. Every message an actor
 * sends proves it alive; one that has sent nothing for longer than its
 * slowest poll allows (a hung driver, or a loop too busy to read it) has
 * its tags reported as uncertain, and is asked to send every value again
 * as it reads them, so a value is never shown as good when it is older
 * than its poll says.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices.h"
#include "log.h"
#include "xmalloc.h"

#define DEVICES_STATUS_MS	1000	/* an actor reports at least this often */
#define DEVICES_WRITES_MAX	100	/* waiting for one device at a time */

struct devices_one {
	devices_t		*owner;
	const struct device_conf *conf;
	zactor_t		*actor;
	json_t			*status;
	long long		 heard;		/* monotonic ms */
	long long		 quiet_ms;	/* silence that means trouble */
	int			 quiet;
	int			 writes;	/* sent, not yet done */
};

struct devices {
	struct project		*project;
	zloop_t			*loop;
	struct devices_events	 ev;
	struct devices_one	*dev;
	size_t			 n;
};

/* Longest a healthy actor may be silent: two polls, and a failed read. */
static long long
devices_quiet_ms(const struct device_conf *d)
{
	long long poll = DEVICES_STATUS_MS;
	size_t i;

	for (i = 0; i < d->ntags; i++) {
		const struct tag_io *io = driver_conf_io(d->tags[i]);

		if (io->poll_ms > poll)
			poll = io->poll_ms;
	}
	return 2 * poll + (long long)d->timeout_ms * (d->retries + 1) + 1000;
}

static void
devices_on_update(struct devices_one *o, zmsg_t *m)
{
	zframe_t *f = zmsg_pop(m);
	size_t size = f != NULL ? zframe_size(f) : 0;

	if (size > 0 && size % sizeof(struct driver_update) == 0)
		o->owner->ev.update(o->owner->ev.arg,
		    (const struct driver_update *)zframe_data(f),
		    size / sizeof(struct driver_update));
	zframe_destroy(&f);
}

static void
devices_on_status(struct devices_one *o, zmsg_t *m)
{
	char *text = zmsg_popstr(m);
	json_t *j = text != NULL ? json_loads(text, 0, NULL) : NULL;

	if (j != NULL) {
		json_decref(o->status);
		o->status = j;
	}
	zstr_free(&text);
}

static void
devices_on_wrote(struct devices_one *o, zmsg_t *m)
{
	char *token = zmsg_popstr(m), *rc = zmsg_popstr(m);
	char *message = zmsg_popstr(m);

	if (o->writes > 0)
		o->writes--;
	if (token != NULL && rc != NULL)
		o->owner->ev.wrote(o->owner->ev.arg, strtoull(token, NULL, 10),
		    (enum error_code)atoi(rc), message != NULL ? message : "");
	zstr_free(&token);
	zstr_free(&rc);
	zstr_free(&message);
}

static int
devices_on_pipe(zloop_t *loop, zsock_t *pipe, void *arg)
{
	struct devices_one *o = arg;
	zmsg_t *m = zmsg_recv(pipe);
	char *kind;

	if (m == NULL)
		return 0;
	o->heard = zclock_mono();
	if (o->quiet) {
		log_info("device %s: its driver reports again",
		    o->conf->name);
		o->quiet = 0;
	}
	kind = zmsg_popstr(m);
	if (kind != NULL && strcmp(kind, "UPDATE") == 0)
		devices_on_update(o, m);
	else if (kind != NULL && strcmp(kind, "STATUS") == 0)
		devices_on_status(o, m);
	else if (kind != NULL && strcmp(kind, "WROTE") == 0)
		devices_on_wrote(o, m);
	zstr_free(&kind);
	zmsg_destroy(&m);
	return 0;
}

/* Returns NULL, after logging why, if a device cannot be started. */
devices_t *
devices_new(struct project *p, zloop_t *loop, const struct devices_events *ev)
{
	devices_t *ds = xcalloc(1, sizeof *ds);
	struct devices_one *o;
	size_t i;

	ds->project = project_ref(p);
	ds->loop = loop;
	ds->ev = *ev;
	ds->n = driver_conf_count(p);
	ds->dev = xcalloc(ds->n + 1, sizeof *ds->dev);
	for (i = 0; i < ds->n; i++) {
		o = &ds->dev[i];
		o->owner = ds;
		o->conf = driver_conf_device(p, i);
		o->status = json_pack("{s:s, s:b}", "name", o->conf->name,
		    "connected", 0);
		o->heard = zclock_mono();
		o->quiet_ms = devices_quiet_ms(o->conf);
		if ((o->actor = driver_start(p, o->conf)) == NULL) {
			log_errx("device %s: cannot start its driver",
			    o->conf->name);
			devices_destroy(&ds);
			return NULL;
		}
		zloop_reader(loop, zactor_sock(o->actor), devices_on_pipe, o);
	}
	return ds;
}

void
devices_destroy(devices_t **dsp)
{
	devices_t *ds = *dsp;
	size_t i;

	if (ds == NULL)
		return;
	for (i = 0; i < ds->n; i++) {
		if (ds->dev[i].actor != NULL)
			zloop_reader_end(ds->loop,
			    zactor_sock(ds->dev[i].actor));
		zactor_destroy(&ds->dev[i].actor);
		json_decref(ds->dev[i].status);
	}
	free(ds->dev);
	project_unref(&ds->project);
	free(ds);
	*dsp = NULL;
}

/*
 * The value is borrowed; the token comes back with the result. Returns
 * -1 with the reason in why if the device cannot take the write now.
 */
int
devices_write(devices_t *ds, const struct project_tag *t, json_t *value,
    uint64_t token, char *why, size_t len)
{
	size_t i = t->device->ord;
	struct devices_one *o;

	if (i >= ds->n || ds->dev[i].conf != t->device) {
		snprintf(why, len, "%s: not a device of this project",
		    t->device->name);
		return -1;
	}
	o = &ds->dev[i];
	if (o->writes >= DEVICES_WRITES_MAX ||
	    driver_write(o->actor, token, t->id, value) == -1) {
		snprintf(why, len, "%s: device %s has %d writes waiting; try "
		    "again shortly", t->name, o->conf->name, o->writes);
		return -1;
	}
	o->writes++;
	return 0;
}

/*
 * How long a write may take: four times what one request may take
 * with all its retries, and a second to spare.
 */
long long
devices_write_ms(const struct project_tag *t)
{
	const struct device_conf *d = t->device;

	return 4LL * d->timeout_ms * (d->retries + 1) + 1000;
}

/* Every device's status: a new array. */
json_t *
devices_status(devices_t *ds)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; i < ds->n; i++)
		json_array_append(list, ds->dev[i].status);
	return list;
}

/* Called now and then: devices not heard of for too long. */
void
devices_check(devices_t *ds, long long now)
{
	struct devices_one *o;
	size_t i;

	for (i = 0; i < ds->n; i++) {
		o = &ds->dev[i];
		if (o->quiet || now - o->heard <= o->quiet_ms)
			continue;
		o->quiet = 1;
		log_warnx("device %s: its driver has not reported for %lld ms",
		    o->conf->name, now - o->heard);
		ds->ev.quiet(ds->ev.arg, o->conf, now - o->heard);
		driver_resend(o->actor);
	}
}
