/*
 * Concurrent devices: N PLCs (one bigplc -d 5 each, started by run.sh)
 * that answer every request after 5 ms. scadad polls each device in an
 * actor thread of its own, with its own connection, so one scan of all
 * of them should take about one device's time, not N times as long.
 *
 * The project side is scadad's driver actors themselves (driver_start()
 * from libscadad.a, on a project loaded by project_load()), read over
 * their actor pipes as the server loop reads them. Each device has 125
 * uint16 holding registers in tags: one full read request per scan. The
 * last of them is bigplc's request counter, so every scan changes a tag
 * and ends in an UPDATE.
 *
 * - One scan: the actors run, polling every 100 ms, and have scanned
 *   for a while. Then the PLCs are stopped (SIGSTOP); within two poll
 *   periods every actor's next read waits in its PLC's socket, and the
 *   pipes are drained. Then every PLC is continued at once (SIGCONT) and
 *   the time runs until every device has sent an UPDATE: all N scans
 *   start together. A PLC is only ever stopped idle, waiting in
 *   select(), never in the middle of an answer (its system call in
 *   /proc/PID/syscall tells). For N devices and for one.
 * - Baselines, same run: a bare libmodbus loop reading the same 125
 *   registers one device after another, on connections made beforehand,
 *   for all N devices (what a serial poller costs) and for one; and
 *   bare libmodbus reads in one thread per device, started and timed as
 *   the actors' scan is (the best a concurrent poller does on this
 *   machine, where the N PLCs share its cores).
 * - Steady state: polling every 10 ms, the requests per second each
 *   device gets, from the request counters of the actors' STATUS
 *   messages, with N devices and with one.
 * - Also shown: the first scan after driver_start(), and what starting
 *   the actors took.
 *
 * Rounds alternate between the one-scan cases; medians are shown.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <limits.h>
#include <modbus.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "drvbench.h"
#include "i18n.h"
#include "log.h"
#include "util.h"
#include "xmalloc.h"

#define DEVICES_MAX		1000
#define DEVICES_TAGS		MODBUS_MAX_READ_REGISTERS
#define DEVICES_FIRST		(65536 - DEVICES_TAGS)	/* up to the counter */
#define DEVICES_SCAN_POLL_MS	100
#define DEVICES_STEADY_POLL_MS	10
/* Long enough for a read to wait out a stopped PLC. */
#define DEVICES_TIMEOUT_MS	10000
#define DEVICES_WAIT_US		10000000	/* for a device to answer */
#define DEVICES_WARM_US		200000		/* of scans before timing */
/* For every actor's next read to wait on its stopped PLC. */
#define DEVICES_DRAIN_US	(2 * DEVICES_SCAN_POLL_MS * 1000)
#define DEVICES_QUIET_US	50000	/* for PLCs to answer stopped actors */
#define DEVICES_STOP_TRIES	100	/* to find every PLC idle */
#define DEVICES_MAX_ROUNDS	100
#define DEVICES_TARGET		1.5

struct devices_opts {
	const char	*dir;
	int		 ports[DEVICES_MAX];
	pid_t		 pids[DEVICES_MAX];	/* of the PLCs */
	size_t		 n;
	int		 rounds;
	double		 seconds;	/* of steady state */
	int		 delay_ms;	/* of the PLCs' answers */
};

/* What one device's actor told us. */
struct devices_seen {
	int		 updated;	/* an UPDATE of a polled tag came */
	int		 statuses;
	long long	 first_us, last_us;
	double		 first_req, last_req;
};

/* Running actors for devices 0..k-1, and poll items for their pipes. */
struct devices_fleet {
	struct project		*p;
	size_t			 k;
	zactor_t		*a[DEVICES_MAX];
	zmq_pollitem_t		 items[DEVICES_MAX];
	struct devices_seen	 s[DEVICES_MAX];
	int			 count_status;
};

/* A bare concurrent poller's reader: one read on its own connection. */
struct devices_reader {
	modbus_t	*ctx;
	pthread_t	 thread;
	int		 started;
	int		 rc;
	long long	 done_us;
};

/* Every round's figures, in ms. */
struct devices_round {
	double	scan_all, scan_one;
	double	threads_all, threads_one;
	double	serial_all, serial_one;
	double	first_all, first_one;	/* after driver_start() */
	double	start_all, start_one;	/* the driver_start() calls */
};

struct devices_steady {
	double	rate;		/* requests per second per device */
	double	lowest;
};

static int
devices_read_ports(const char *path, struct devices_opts *o)
{
	FILE *f = fopen(path, "r");
	long pid;
	int port;

	if (f == NULL) {
		fprintf(stderr, "devices: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (o->n < DEVICES_MAX && fscanf(f, "%d %ld", &port, &pid) == 2) {
		o->ports[o->n] = port;
		o->pids[o->n++] = (pid_t)pid;
	}
	fclose(f);
	if (o->n == 0)
		fprintf(stderr, "devices: no \"port pid\" line in %s\n", path);
	return o->n > 0 ? 0 : -1;
}

/* Writes the project into dir/name and loads it. */
static struct project *
devices_project(const struct devices_opts *o, const char *name, int poll_ms)
{
	char dir[PATH_MAX];
	FILE *f;
	size_t d;
	int i;

	snprintf(dir, sizeof dir, "%s/%s", o->dir, name);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "devices: %s: %s\n", dir, strerror(errno));
		return NULL;
	}
	if ((f = drvbench_create(dir, "project.ini")) == NULL)
		return NULL;
	fprintf(f, "[project]\nname = Devices\ntags = tags.csv\n");
	for (d = 0; d < o->n; d++)
		fprintf(f, "[device plc%zu]\nprotocol = tcp\nhost = 127.0.0.1\n"
		    "port = %d\npoll_ms = %d\ntimeout_ms = %d\n", d + 1,
		    o->ports[d], poll_ms, DEVICES_TIMEOUT_MS);
	if (fclose(f) == EOF || (f = drvbench_create(dir, "tags.csv")) == NULL)
		return NULL;
	fprintf(f, "name,device,space,address,type\n");
	for (d = 0; d < o->n; d++)
		for (i = DEVICES_FIRST; i < DEVICES_FIRST + DEVICES_TAGS; i++)
			fprintf(f, "plc%zu.hr%05d,plc%zu,holding,%d,uint16\n",
			    d + 1, i, d + 1, i);
	if (fclose(f) == EOF)
		return NULL;
	return drvbench_load(dir);
}

/*
 * Also lets the PLCs finish the reads the actors left, before the next
 * measurement.
 */
static void
devices_fleet_stop(struct devices_fleet **fp)
{
	struct devices_fleet *f = *fp;
	size_t d;

	if (f == NULL)
		return;
	for (d = 0; d < f->k; d++)
		zactor_destroy(&f->a[d]);
	free(f);
	*fp = NULL;
	usleep(DEVICES_QUIET_US);
}

/* Starts the actors of devices 0..k-1; *start_ms is what that took. */
static struct devices_fleet *
devices_fleet_start(struct project *p, size_t k, double *start_ms)
{
	struct devices_fleet *f = xcalloc(1, sizeof *f);
	const struct device_conf *d;
	long long t0 = util_now_us();

	f->p = p;
	for (f->k = 0; f->k < k; f->k++) {
		d = driver_conf_device(p, f->k);
		if ((f->a[f->k] = driver_start(p, d)) == NULL) {
			fprintf(stderr, "devices: cannot start %s\n",
			    d->name);
			devices_fleet_stop(&f);
			return NULL;
		}
		f->items[f->k].socket = zsock_resolve(f->a[f->k]);
		f->items[f->k].events = ZMQ_POLLIN;
	}
	*start_ms = (double)(util_now_us() - t0) / 1000;
	return f;
}

/* True if the UPDATE frame carries a good value of a polled tag. */
static int
devices_update_good(const struct project *p, zframe_t *frame)
{
	struct driver_update u;
	size_t i, n;

	if (frame == NULL)
		return 0;
	n = zframe_size(frame) / sizeof u;
	for (i = 0; i < n; i++) {
		/* The frame's bytes need not be aligned for the struct. */
		memcpy(&u, zframe_data(frame) + i * sizeof u, sizeof u);
		if (u.tv.quality == QUALITY_GOOD &&
		    drvbench_polled(p, u.id) != NULL)
			return 1;
	}
	return 0;
}

static void
devices_status(const char *text, struct devices_seen *s)
{
	json_t *o = json_loads(text, 0, NULL);
	json_t *req = json_object_get(o, "requests");
	long long now = util_now_us();

	if (json_is_integer(req)) {
		if (s->statuses++ == 0) {
			s->first_us = now;
			s->first_req = (double)json_integer_value(req);
		}
		s->last_us = now;
		s->last_req = (double)json_integer_value(req);
	}
	json_decref(o);
}

/* Takes one message from device d's pipe into what we saw of it. */
static void
devices_receive(struct devices_fleet *f, size_t d)
{
	zmsg_t *m = zmsg_recv(f->a[d]);
	char *kind = m != NULL ? zmsg_popstr(m) : NULL;
	char *text;
	zframe_t *frame;

	if (kind != NULL && strcmp(kind, "UPDATE") == 0) {
		frame = zmsg_pop(m);
		if (devices_update_good(f->p, frame))
			f->s[d].updated = 1;
		zframe_destroy(&frame);
	} else if (kind != NULL && strcmp(kind, "STATUS") == 0 &&
	    f->count_status) {
		text = zmsg_popstr(m);
		if (text != NULL)
			devices_status(text, &f->s[d]);
		zstr_free(&text);
	}
	zstr_free(&kind);
	zmsg_destroy(&m);
}

/*
 * Takes one message from every pipe that has one, so no device waits
 * behind another. Returns how many devices sent their first UPDATE
 * since the reset.
 */
static size_t
devices_drain(struct devices_fleet *f, long long *last)
{
	size_t d, n = 0;
	int was;

	for (d = 0; d < f->k; d++) {
		if (!(f->items[d].revents & ZMQ_POLLIN))
			continue;
		was = f->s[d].updated;
		devices_receive(f, d);
		if (!was && f->s[d].updated) {
			n++;
			*last = util_now_us();
		}
	}
	return n;
}

/*
 * Reads the pipes until every device has sent an UPDATE of a polled
 * tag since the last reset (until is 0), or until the clock reaches until
 * (µs). Returns when the last device did, or -1 if one never did.
 */
static long long
devices_listen(struct devices_fleet *f, long long until)
{
	long long now, last = 0, deadline;
	size_t left = 0, d;

	for (d = 0; d < f->k; d++)
		left += !f->s[d].updated;
	deadline = until != 0 ? until : util_now_us() + DEVICES_WAIT_US;
	while ((left > 0 || until != 0) && (now = util_now_us()) < deadline) {
		if (zmq_poll(f->items, (int)f->k,
		    (long)((deadline - now) / 1000) + 1) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		left -= devices_drain(f, &last);
	}
	if (left > 0) {
		fprintf(stderr, "devices: %zu of %zu devices sent no good "
		    "tags\n", left, f->k);
		return -1;
	}
	return last;
}

static void
devices_reset(struct devices_fleet *f)
{
	size_t d;

	for (d = 0; d < f->k; d++)
		f->s[d].updated = 0;
}

static void
devices_signal(const struct devices_opts *o, size_t k, int sig)
{
	size_t d;

	for (d = 0; d < k; d++)
		kill(o->pids[d], sig);
}

/* True once the process is stopped: state T in /proc/PID/stat. */
static int
devices_is_stopped(pid_t pid)
{
	char path[64], line[512], *s;
	FILE *f;
	int stopped = 0;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(line, sizeof line, f) != NULL &&
	    (s = strrchr(line, ')')) != NULL)
		stopped = s[1] == ' ' && s[2] == 'T';
	fclose(f);
	return stopped;
}

/* True if the process waits in select(), as bigplc does between requests. */
static int
devices_is_idle(pid_t pid)
{
	char path[64];
	FILE *f;
	long nr = -1;

	snprintf(path, sizeof path, "/proc/%ld/syscall", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 1;	/* cannot tell: trust it */
	if (fscanf(f, "%ld", &nr) != 1)
		nr = -1;
	fclose(f);
#ifdef SYS_select
	if (nr == SYS_select)
		return 1;
#endif
	return nr == SYS_pselect6;
}

static int
devices_wait_stopped(const struct devices_opts *o, size_t k)
{
	long long deadline = util_now_us() + DEVICES_WAIT_US;
	size_t d;

	for (d = 0; d < k; d++)
		while (!devices_is_stopped(o->pids[d])) {
			if (util_now_us() > deadline) {
				fprintf(stderr, "devices: PLC %ld did not "
				    "stop\n", (long)o->pids[d]);
				return -1;
			}
			usleep(1000);
		}
	return 0;
}

/*
 * Stops the PLCs of devices 0..k-1 between two answers: one stopped in
 * the middle of an answer is continued until it has given it (its next
 * request comes a poll period later), then stopped again.
 */
static int
devices_stop_idle(const struct devices_opts *o, size_t k)
{
	size_t d, busy;
	int try;

	devices_signal(o, k, SIGSTOP);
	for (try = 0; try < DEVICES_STOP_TRIES; try++) {
		if (devices_wait_stopped(o, k) == -1)
			return -1;
		for (d = busy = 0; d < k; d++)
			if (!devices_is_idle(o->pids[d])) {
				kill(o->pids[d], SIGCONT);
				busy++;
			}
		if (busy == 0)
			return 0;
		usleep((useconds_t)(o->delay_ms + 2) * 1000);
		devices_signal(o, k, SIGSTOP);
	}
	fprintf(stderr, "devices: PLCs always busy\n");
	return -1;
}

/*
 * One scan of the fleet's devices with all reads in flight when their
 * PLCs go on, in ms. The PLCs are always continued.
 */
static double
devices_scan(const struct devices_opts *o, struct devices_fleet *f)
{
	long long t0, last = -1;

	if (devices_stop_idle(o, f->k) == 0 &&
	    devices_listen(f, util_now_us() + DEVICES_DRAIN_US) != -1) {
		devices_reset(f);
		t0 = util_now_us();
		devices_signal(o, f->k, SIGCONT);
		if ((last = devices_listen(f, 0)) != -1)
			last -= t0;
	}
	devices_signal(o, f->k, SIGCONT);
	return last == -1 ? -1 : (double)last / 1000;
}

/*
 * Starts the actors of devices 0..k-1, times their first scan, lets them
 * scan for a while and times one scan of all with the PLCs in step.
 */
static int
devices_driver(const struct devices_opts *o, struct project *p, size_t k,
    double *scan, double *first, double *start)
{
	struct devices_fleet *f;
	long long t0 = util_now_us(), last;
	int rc = -1;

	if ((f = devices_fleet_start(p, k, start)) == NULL)
		return -1;
	if ((last = devices_listen(f, 0)) != -1 &&
	    devices_listen(f, util_now_us() + DEVICES_WARM_US) != -1 &&
	    (*scan = devices_scan(o, f)) >= 0) {
		*first = (double)(last - t0) / 1000;
		rc = 0;
	}
	devices_fleet_stop(&f);
	return rc;
}

/*
 * Listens on until every device has sent two STATUS messages, or for
 * DEVICES_WAIT_US at most; the caller tells which did not.
 */
static int
devices_two_statuses(struct devices_fleet *f)
{
	long long deadline = util_now_us() + DEVICES_WAIT_US;
	size_t d = 0;

	while (d < f->k && util_now_us() < deadline) {
		if (f->s[d].statuses >= 2) {
			d++;
			continue;
		}
		if (devices_listen(f, util_now_us() + 100000) == -1)
			return -1;
	}
	return 0;
}

/*
 * Requests per second per device over the window from each device's
 * first STATUS to its last: the mean, and the lowest.
 */
static int
devices_steady(struct project *p, size_t k, double seconds,
    struct devices_steady *r)
{
	struct devices_fleet *f;
	struct devices_seen *s;
	double rate, sum = 0, start;
	size_t d;
	int rc = -1;

	if ((f = devices_fleet_start(p, k, &start)) == NULL)
		return -1;
	if (devices_listen(f, 0) == -1)
		goto out;
	f->count_status = 1;
	if (devices_listen(f, util_now_us() + (long long)(seconds * 1e6)) ==
	    -1 || devices_two_statuses(f) == -1)
		goto out;
	for (d = 0; d < k; d++) {
		s = &f->s[d];
		if (s->statuses < 2 || s->last_us <= s->first_us) {
			fprintf(stderr, "devices: %s sent %d statuses\n",
			    driver_conf_device(p, d)->name, s->statuses);
			goto out;
		}
		rate = (s->last_req - s->first_req) * 1e6 /
		    (double)(s->last_us - s->first_us);
		sum += rate;
		if (d == 0 || rate < r->lowest)
			r->lowest = rate;
	}
	r->rate = sum / (double)k;
	rc = 0;
out:
	devices_fleet_stop(&f);
	return rc;
}

static void
devices_disconnect(modbus_t **ctx, size_t k)
{
	size_t d;

	for (d = 0; d < k && ctx[d] != NULL; d++) {
		modbus_close(ctx[d]);
		modbus_free(ctx[d]);
	}
}

/* Bare libmodbus connections to the first k PLCs, for the baselines. */
static int
devices_connect(const struct devices_opts *o, size_t k, modbus_t **ctx)
{
	size_t d;

	for (d = 0; d < k; d++) {
		if ((ctx[d] = modbus_new_tcp("127.0.0.1", o->ports[d])) ==
		    NULL)
			return -1;
		modbus_set_response_timeout(ctx[d], DEVICES_TIMEOUT_MS / 1000,
		    0);
		if (modbus_connect(ctx[d]) == -1) {
			fprintf(stderr, "devices: port %d: %s\n", o->ports[d],
			    modbus_strerror(errno));
			return -1;
		}
	}
	return 0;
}

/*
 * A serial poller's scan: one read of each device in turn, on
 * connections made beforehand, in ms.
 */
static double
devices_serial(const struct devices_opts *o, size_t k)
{
	modbus_t *ctx[DEVICES_MAX] = { 0 };
	uint16_t regs[DEVICES_TAGS];
	long long t0 = -1, t1 = -1;
	size_t d;

	if (devices_connect(o, k, ctx) == -1)
		goto out;
	t0 = util_now_us();
	for (d = 0; d < k; d++)
		if (modbus_read_registers(ctx[d], DEVICES_FIRST, DEVICES_TAGS,
		    regs) != DEVICES_TAGS)
			goto fail;
	t1 = util_now_us();
	goto out;
fail:
	fprintf(stderr, "devices: serial: port %d: %s\n", o->ports[d],
	    modbus_strerror(errno));
out:
	devices_disconnect(ctx, k);
	return t1 == -1 ? -1 : (double)(t1 - t0) / 1000;
}

static void *
devices_reader_run(void *arg)
{
	struct devices_reader *r = arg;
	uint16_t regs[DEVICES_TAGS];

	r->rc = modbus_read_registers(r->ctx, DEVICES_FIRST, DEVICES_TAGS,
	    regs);
	r->done_us = util_now_us();
	return NULL;
}

/* Sends every reader's request to the stopped PLCs: the threads wait. */
static int
devices_readers_start(struct devices_reader *r, size_t k)
{
	size_t d;

	for (d = 0; d < k; d++) {
		if (pthread_create(&r[d].thread, NULL, devices_reader_run,
		    &r[d]) != 0) {
			fprintf(stderr, "devices: cannot start a thread\n");
			return -1;
		}
		r[d].started = 1;
	}
	usleep(DEVICES_DRAIN_US);
	return 0;
}

/* Joins the readers; returns when the last one was done, or -1. */
static long long
devices_readers_join(struct devices_reader *r, size_t k)
{
	long long last = 0;
	size_t d;

	for (d = 0; d < k && r[d].started; d++) {
		pthread_join(r[d].thread, NULL);
		if (r[d].rc != DEVICES_TAGS)
			last = -1;
		else if (last != -1 && r[d].done_us > last)
			last = r[d].done_us;
	}
	return last;
}

/*
 * One read of each of devices 0..k-1, each in a thread of its own, all
 * waiting on their stopped PLCs when these go on, in ms.
 */
static double
devices_threads(const struct devices_opts *o, size_t k)
{
	static struct devices_reader r[DEVICES_MAX];
	modbus_t *ctx[DEVICES_MAX] = { 0 };
	long long t0 = 0, last = -1;
	size_t d;

	memset(r, 0, sizeof r);
	if (devices_connect(o, k, ctx) == -1)
		goto out;
	for (d = 0; d < k; d++)
		r[d].ctx = ctx[d];
	if (devices_stop_idle(o, k) == 0 && devices_readers_start(r, k) == 0)
		t0 = util_now_us();
	devices_signal(o, k, SIGCONT);
	if ((last = devices_readers_join(r, k)) == -1)
		fprintf(stderr, "devices: a concurrent bare read failed\n");
out:
	devices_disconnect(ctx, k);
	return last == -1 || t0 == 0 ? -1 : (double)(last - t0) / 1000;
}

static int
devices_round(const struct devices_opts *o, struct project *p, int i,
    struct devices_round *r)
{
	if (devices_driver(o, p, o->n, &r->scan_all, &r->first_all,
	    &r->start_all) == -1 || devices_driver(o, p, 1, &r->scan_one,
	    &r->first_one, &r->start_one) == -1 ||
	    (r->threads_all = devices_threads(o, o->n)) < 0 ||
	    (r->threads_one = devices_threads(o, 1)) < 0 ||
	    (r->serial_all = devices_serial(o, o->n)) < 0 ||
	    (r->serial_one = devices_serial(o, 1)) < 0)
		return -1;
	printf("devices: round %d: one scan of %zu devices, and of 1: "
	    "driver %.2f, %.2f ms; bare threads %.2f, %.2f ms; serial %.2f, "
	    "%.2f ms; first scan after start %.1f, %.1f ms, of which "
	    "starting the actors %.1f, %.1f ms\n", i + 1, o->n, r->scan_all,
	    r->scan_one, r->threads_all, r->threads_one, r->serial_all,
	    r->serial_one, r->first_all, r->first_one, r->start_all,
	    r->start_one);
	return 0;
}

/* The median over the rounds of the figure at offset off. */
static double
devices_median(const struct devices_round *r, int rounds, size_t off)
{
	double v[DEVICES_MAX_ROUNDS];
	int i;

	for (i = 0; i < rounds; i++)
		memcpy(&v[i], (const char *)&r[i] + off, sizeof v[i]);
	return util_percentile(v, (size_t)rounds, 50);
}

#define DEVICES_MEDIAN(r, n, field) \
	devices_median((r), (n), offsetof(struct devices_round, field))

static void
devices_report(const struct devices_opts *o, const struct devices_round *r,
    const struct devices_steady *all, const struct devices_steady *one)
{
	double scan = DEVICES_MEDIAN(r, o->rounds, scan_all);
	double scan1 = DEVICES_MEDIAN(r, o->rounds, scan_one);
	double threads = DEVICES_MEDIAN(r, o->rounds, threads_all);
	double threads1 = DEVICES_MEDIAN(r, o->rounds, threads_one);
	double serial = DEVICES_MEDIAN(r, o->rounds, serial_all);
	double serial1 = DEVICES_MEDIAN(r, o->rounds, serial_one);
	double ratio = scan1 > 0 ? scan / scan1 : 0;

	/* A fixed format, read by bench/run.sh: not translated. */
	printf("devices n=%zu delay=%dms: one scan of all by the driver "
	    "%.2f ms, of 1 device %.2f ms (ratio %.2f, target <= %.1f: %s); "
	    "bare libmodbus, a thread per device: %.2f ms, 1 device %.2f ms "
	    "(ratio %.2f; driver/threads %.2f); serial libmodbus %.1f ms, "
	    "1 device %.2f ms (ratio %.1f; driver %.0fx faster); poll %d ms: "
	    "%.1f requests/s per device with %zu (lowest %.1f), %.1f alone "
	    "(ratio %.2f); first scan after start %.1f ms, 1 device %.1f ms "
	    "(starting the actors %.1f ms, %.1f ms)\n", o->n, o->delay_ms,
	    scan, scan1, ratio, DEVICES_TARGET,
	    ratio <= DEVICES_TARGET ? "met" : "NOT met", threads, threads1,
	    threads1 > 0 ? threads / threads1 : 0,
	    threads > 0 ? scan / threads : 0, serial, serial1,
	    serial1 > 0 ? serial / serial1 : 0, scan > 0 ? serial / scan : 0,
	    DEVICES_STEADY_POLL_MS, all->rate, o->n, all->lowest, one->rate,
	    one->rate > 0 ? all->rate / one->rate : 0,
	    DEVICES_MEDIAN(r, o->rounds, first_all),
	    DEVICES_MEDIAN(r, o->rounds, first_one),
	    DEVICES_MEDIAN(r, o->rounds, start_all),
	    DEVICES_MEDIAN(r, o->rounds, start_one));
}

static void
devices_usage(void)
{
	fprintf(stderr, "%s", _("usage: devices -P port-pid-file -D dir "
	    "[-d delay-ms] [-r rounds] [-s seconds]\n"));
	exit(2);
}

int
main(int argc, char **argv)
{
	static struct devices_opts o = { .rounds = 7, .seconds = 3 };
	static struct devices_round r[DEVICES_MAX_ROUNDS];
	struct devices_steady all = { 0 }, one = { 0 };
	const char *ports = NULL;
	struct project *ps = NULL, *pp = NULL;
	int ch, i, rc = 1;

	i18n_init();
	log_init("devices", 0, -1);
	while ((ch = getopt(argc, argv, "D:d:P:r:s:")) != -1) {
		switch (ch) {
		case 'D':
			o.dir = optarg;
			break;
		case 'd':
			o.delay_ms = (int)util_number(optarg, 0, 60000,
			    _("delay in milliseconds"));
			break;
		case 'P':
			ports = optarg;
			break;
		case 'r':
			o.rounds = (int)util_number(optarg, 1,
			    DEVICES_MAX_ROUNDS, _("rounds"));
			break;
		case 's':
			o.seconds = (double)util_number(optarg, 2, 3600,
			    _("seconds"));
			break;
		default:
			devices_usage();
		}
	}
	if (optind != argc || o.dir == NULL || ports == NULL)
		devices_usage();
	util_raise_nofile(4096);
	if (devices_read_ports(ports, &o) == -1 ||
	    (ps = devices_project(&o, "scan", DEVICES_SCAN_POLL_MS)) == NULL ||
	    (pp = devices_project(&o, "steady", DEVICES_STEADY_POLL_MS)) ==
	    NULL)
		goto out;
	printf("devices: %zu devices, %d registers each, %d rounds, %.0f s "
	    "of steady state\n", o.n, DEVICES_TAGS, o.rounds, o.seconds);
	/* A warm-up round: the first threads and connections cost more. */
	if (devices_driver(&o, ps, o.n, &r[0].scan_all, &r[0].first_all,
	    &r[0].start_all) == -1)
		goto out;
	for (i = 0; i < o.rounds; i++)
		if (devices_round(&o, ps, i, &r[i]) == -1)
			goto out;
	if (devices_steady(pp, o.n, o.seconds, &all) == -1 ||
	    devices_steady(pp, 1, o.seconds, &one) == -1)
		goto out;
	devices_report(&o, r, &all, &one);
	rc = 0;
out:
	project_unref(&ps);
	project_unref(&pp);
	zsys_shutdown();
	return rc;
}
