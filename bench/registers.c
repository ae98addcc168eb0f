/*
 * Driver throughput: 10,000 contiguous uint16 holding registers in tags
 * on one device, read through scadad's Modbus driver, in registers per
 * second, against a bare libmodbus loop reading the same registers in
 * 125-register blocks from the same bigplc in the same run.
 *
 * The driver side is the object scadad runs (driver_modbus_tcp from
 * libscadad.a: block planning, libmodbus reads, decoding every tag into
 * its tagval and emitting it), called as its actor calls it, on a
 * project loaded by project_load(). What it emits is kept, a few bytes a
 * tag, for the check. The clock handed to scan() advances by a poll
 * period per call, so every block is due at every call, and every scan
 * must emit every tag. The driver's own request counter gives the
 * requests per scan.
 *
 * A third side is the whole actor thread (driver_start()), which also
 * compares every tag with what it last sent and reports its status: its
 * poll period is set to 1 ms in memory (a project may not go below 10),
 * so it scans back to back, and its rate comes from the request counter
 * in its STATUS messages, about one a second.
 *
 * Rounds alternate between the sides so machine noise hits all of them;
 * the medians are compared.
 */
#include "config.h"

#include <errno.h>
#include <modbus.h>
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

#define REGISTERS_BLOCK		MODBUS_MAX_READ_REGISTERS
#define REGISTERS_POLL_MS	10	/* in the file: the lowest allowed */
#define REGISTERS_FAST_MS	1	/* in memory: always due */
#define REGISTERS_TIMEOUT_S	2
/* For three STATUS messages of the actor, which come a second apart. */
#define REGISTERS_WAIT_US	15000000
#define REGISTERS_TARGET	0.90
#define REGISTERS_MAX_ROUNDS	100

/*
 * What the driver emitted of a tag: only what the check looks at, so
 * keeping it costs the driver side little next to the actor's compare.
 */
struct registers_value {
	double		 value;
	enum quality	 quality;
	unsigned long	 scan;		/* the last scan that emitted it */
};

struct registers_driver {
	struct project		*project;
	struct driver_stats	 stats;
	struct driver_device	 dev;
	void			*impl;
	struct registers_value	*out;	/* by position in dev.tags */
	size_t			 emitted;	/* values, in this scan */
	unsigned long		 scans;
	long long		 now;	/* the clock scan() is given */
};

struct registers_bare {
	modbus_t		*ctx;
	uint16_t		*regs;
	int			 n;
	unsigned long		 requests;
};

/* A round: registers per second and requests per scan. */
struct registers_result {
	double	rate;
	double	requests;
};

/* What the actor's pipe told us. */
struct registers_heard {
	int		 good;		/* tags read good with the right value */
	int		 statuses;
	unsigned long	 req[2];	/* the last two request counters */
	long long	 at[2];		/* when they came */
};

static int
registers_project(const char *dir, int port, int n)
{
	FILE *f;
	int i;

	if ((f = drvbench_create(dir, "project.ini")) == NULL)
		return -1;
	fprintf(f, "[project]\nname = Registers\ntags = tags.csv\n"
	    "[device plc]\nprotocol = tcp\nhost = 127.0.0.1\nport = %d\n"
	    "poll_ms = %d\ntimeout_ms = %d\n", port, REGISTERS_POLL_MS,
	    REGISTERS_TIMEOUT_S * 1000);
	if (fclose(f) == EOF || (f = drvbench_create(dir, "tags.csv")) == NULL)
		return -1;
	fprintf(f, "name,device,space,address,type\n");
	for (i = 0; i < n; i++)
		fprintf(f, "hr%05d,plc,holding,%d,uint16\n", i, i);
	return fclose(f) == EOF ? -1 : 0;
}

/*
 * Every block due at every scan, in the driver and in its actor. A
 * loaded project is never to change, but this one is ours alone and no
 * driver has seen it yet; the loader would refuse 1 ms in the file.
 */
static void
registers_fast(struct project *p)
{
	struct device_conf *d = (struct device_conf *)driver_conf_device(p, 0);
	struct tag_io *io;
	size_t i;

	d->poll_ms = REGISTERS_FAST_MS;
	for (i = 0; i < d->ntags; i++) {
		io = d->tags[i]->io;
		io->poll_ms = REGISTERS_FAST_MS;
	}
}

/* No write ever waits here, so a scan is never cut short. */
static int
registers_never(void *arg)
{
	return 0;
}

/* What the driver read, as it read it: kept for the check, counted. */
static void
registers_emit(void *arg, size_t pos, const struct tagval *tv)
{
	struct registers_driver *d = arg;

	d->out[pos].value = tv->value;
	d->out[pos].quality = tv->quality;
	d->out[pos].scan = d->scans;
	d->emitted++;
}

static int
registers_driver_open(struct registers_driver *d, const char *dir)
{
	const struct device_conf *conf;
	char err[TAGVAL_REASON_MAX];

	if ((d->project = drvbench_load(dir)) == NULL)
		return -1;
	registers_fast(d->project);
	/* The polled tags in id order, as driver_start() gives them. */
	conf = driver_conf_device(d->project, 0);
	d->out = xcalloc(conf->ntags + 1, sizeof *d->out);
	d->dev.conf = conf;
	d->dev.tags = conf->tags;
	d->dev.ntags = conf->ntags;
	d->dev.stats = &d->stats;
	d->dev.interrupted = registers_never;
	d->dev.emit = registers_emit;
	d->dev.arg = d;
	if ((d->impl = driver_modbus_tcp.open(&d->dev)) == NULL)
		return -1;
	if (driver_modbus_tcp.connect(d->impl, err, sizeof err) == -1) {
		fprintf(stderr, "registers: driver: %s\n", err);
		return -1;
	}
	d->now = 1;
	return 0;
}

static void
registers_driver_close(struct registers_driver *d)
{
	if (d->impl != NULL)
		driver_modbus_tcp.close(&d->impl);
	free(d->out);
	project_unref(&d->project);
}

static int
registers_driver_run(struct registers_driver *d, int scans,
    struct registers_result *r)
{
	char err[TAGVAL_REASON_MAX];
	unsigned long req0 = d->stats.requests;
	long long next, t0 = util_now_us();
	int i;

	for (i = 0; i < scans; i++) {
		d->scans++;
		d->emitted = 0;
		if (driver_modbus_tcp.scan(d->impl, d->now, &next, err,
		    sizeof err) == -1) {
			fprintf(stderr, "registers: driver scan: %s\n", err);
			return -1;
		}
		/* Else the rate would count tags the driver never decoded. */
		if (d->emitted != d->dev.ntags) {
			fprintf(stderr, "registers: driver scan emitted %zu "
			    "values for %zu tags\n", d->emitted, d->dev.ntags);
			return -1;
		}
		d->now += REGISTERS_FAST_MS;
	}
	r->rate = (double)d->dev.ntags * scans * 1e6 /
	    (double)(util_now_us() - t0);
	r->requests = (double)(d->stats.requests - req0) / scans;
	return 0;
}

/*
 * Every tag emitted by the last scan, good, with the value bigplc holds
 * at its address.
 */
static int
registers_driver_check(const struct registers_driver *d)
{
	const struct registers_value *v;
	const struct project_tag *t;
	int address;
	size_t i;

	for (i = 0; i < d->dev.ntags; i++) {
		t = d->dev.tags[i];
		address = driver_conf_io(t)->address;
		v = &d->out[i];
		if (v->scan != d->scans) {
			fprintf(stderr, "registers: driver did not read %s in "
			    "its last scan\n", t->name);
			return -1;
		}
		if (v->quality != QUALITY_GOOD ||
		    v->value != util_holding_value(address)) {
			fprintf(stderr, "registers: driver read %s as %g (%s), "
			    "want %u\n", t->name, v->value,
			    tagval_quality_name(v->quality),
			    util_holding_value(address));
			return -1;
		}
	}
	return 0;
}

/* Counts the tags of an UPDATE read good, with bigplc's value. */
static int
registers_actor_update(const struct project *p, zframe_t *f)
{
	const struct project_tag *t;
	const struct tag_io *io;
	struct driver_update u;
	size_t i, n;
	int good = 0;

	n = f != NULL ? zframe_size(f) / sizeof u : 0;
	for (i = 0; i < n; i++) {
		/* The frame's bytes need not be aligned for the struct. */
		memcpy(&u, zframe_data(f) + i * sizeof u, sizeof u);
		if ((t = drvbench_polled(p, u.id)) == NULL)
			continue;
		io = driver_conf_io(t);
		good += u.tv.quality == QUALITY_GOOD &&
		    u.tv.value == util_holding_value(io->address);
	}
	return good;
}

static void
registers_actor_receive(const struct project *p, zactor_t *a,
    struct registers_heard *h)
{
	zmsg_t *m = zmsg_recv(a);
	char *kind = m != NULL ? zmsg_popstr(m) : NULL;
	char *text = NULL;
	zframe_t *f = NULL;
	json_t *o = NULL;

	if (kind != NULL && strcmp(kind, "UPDATE") == 0) {
		f = zmsg_pop(m);
		h->good += registers_actor_update(p, f);
	} else if (kind != NULL && strcmp(kind, "STATUS") == 0 &&
	    (text = zmsg_popstr(m)) != NULL &&
	    (o = json_loads(text, 0, NULL)) != NULL &&
	    json_is_integer(json_object_get(o, "requests"))) {
		h->req[0] = h->req[1];
		h->at[0] = h->at[1];
		h->req[1] = (unsigned long)json_integer_value(
		    json_object_get(o, "requests"));
		h->at[1] = util_now_us();
		h->statuses++;
	}
	json_decref(o);
	zstr_free(&text);
	zframe_destroy(&f);
	zstr_free(&kind);
	zmsg_destroy(&m);
}

/*
 * The actor scanning back to back: the rate between two of its STATUS
 * messages, once it has read every tag and reported once. Its first scan
 * sends every tag, in UPDATEs of up to DRIVER_BATCH each.
 */
static int
registers_actor_run(struct project *p, size_t ntags, double requests,
    struct registers_result *r)
{
	struct registers_heard h = { 0 };
	zactor_t *a = driver_start(p, driver_conf_device(p, 0));
	zpoller_t *poller = a != NULL ? zpoller_new(a, NULL) : NULL;
	long long deadline = util_now_us() + REGISTERS_WAIT_US;
	int rc = -1;

	while (poller != NULL && h.statuses < 3 &&
	    util_now_us() < deadline)
		if (zpoller_wait(poller, 100) == a)
			registers_actor_receive(p, a, &h);
	if (h.statuses < 3 || h.good != (int)ntags)
		fprintf(stderr, "registers: actor: %d statuses, %d of %zu tags "
		    "good\n", h.statuses, h.good, ntags);
	else {
		r->requests = requests;
		r->rate = (double)(h.req[1] - h.req[0]) / requests *
		    (double)ntags * 1e6 / (double)(h.at[1] - h.at[0]);
		rc = 0;
	}
	zpoller_destroy(&poller);
	zactor_destroy(&a);
	return rc;
}

static int
registers_bare_open(struct registers_bare *b, int port, int n)
{
	b->n = n;
	b->regs = xcalloc((size_t)n + 1, sizeof *b->regs);
	if ((b->ctx = modbus_new_tcp("127.0.0.1", port)) == NULL)
		return -1;
	modbus_set_response_timeout(b->ctx, REGISTERS_TIMEOUT_S, 0);
	if (modbus_connect(b->ctx) == -1) {
		fprintf(stderr, "registers: bare: connect: %s\n",
		    modbus_strerror(errno));
		return -1;
	}
	return 0;
}

static void
registers_bare_close(struct registers_bare *b)
{
	if (b->ctx != NULL) {
		modbus_close(b->ctx);
		modbus_free(b->ctx);
	}
	free(b->regs);
}

static int
registers_bare_run(struct registers_bare *b, int scans,
    struct registers_result *r)
{
	unsigned long req0 = b->requests;
	long long t0 = util_now_us();
	int i, a, count;

	for (i = 0; i < scans; i++)
		for (a = 0; a < b->n; a += REGISTERS_BLOCK) {
			count = b->n - a < REGISTERS_BLOCK ? b->n - a :
			    REGISTERS_BLOCK;
			b->requests++;
			if (modbus_read_registers(b->ctx, a, count,
			    b->regs + a) != count) {
				fprintf(stderr, "registers: bare read: %s\n",
				    modbus_strerror(errno));
				return -1;
			}
		}
	r->rate = (double)b->n * scans * 1e6 / (double)(util_now_us() - t0);
	r->requests = (double)(b->requests - req0) / scans;
	return 0;
}

static int
registers_bare_check(const struct registers_bare *b)
{
	int a;

	for (a = 0; a < b->n; a++)
		if (b->regs[a] != util_holding_value(a)) {
			fprintf(stderr, "registers: bare read %d as %u, want "
			    "%u\n", a, b->regs[a], util_holding_value(a));
			return -1;
		}
	return 0;
}

static double
registers_median(const struct registers_result *r, int n, int requests)
{
	double v[REGISTERS_MAX_ROUNDS];
	int i;

	for (i = 0; i < n; i++)
		v[i] = requests ? r[i].requests : r[i].rate;
	return util_percentile(v, (size_t)n, 50);
}

/* A percentile of the rounds' ratios of x to y. */
static double
registers_ratio(const struct registers_result *x,
    const struct registers_result *y, int n, double p)
{
	double v[REGISTERS_MAX_ROUNDS];
	int i;

	for (i = 0; i < n; i++)
		v[i] = y[i].rate > 0 ? x[i].rate / y[i].rate : 0;
	return util_percentile(v, (size_t)n, p);
}

static const char *
registers_met(int met)
{
	return met ? "met" : "NOT met";
}

static void
registers_report(const struct registers_result *dr,
    const struct registers_result *ar, const struct registers_result *br,
    int rounds, int n)
{
	double drv = registers_median(dr, rounds, 0);
	double actor = registers_median(ar, rounds, 0);
	double bare = registers_median(br, rounds, 0);
	double req = registers_median(dr, rounds, 1);
	double ratio = bare > 0 ? drv / bare : 0;
	double aratio = bare > 0 ? actor / bare : 0;
	int minimum = (n + REGISTERS_BLOCK - 1) / REGISTERS_BLOCK;

	printf("registers: round ratios to bare: driver %.2f to %.2f, actor "
	    "%.2f to %.2f\n", registers_ratio(dr, br, rounds, 0),
	    registers_ratio(dr, br, rounds, 100),
	    registers_ratio(ar, br, rounds, 0),
	    registers_ratio(ar, br, rounds, 100));
	printf("registers: per scan: driver %.3f ms, actor %.3f ms, bare "
	    "%.3f ms; per register the driver costs %.0f ns more than bare, "
	    "the actor %.0f ns more than the driver\n", n * 1e3 / drv,
	    n * 1e3 / actor, n * 1e3 / bare, (1 / drv - 1 / bare) * 1e9,
	    (1 / actor - 1 / drv) * 1e9);
	/* A fixed format, read by bench/run.sh: not translated. */
	printf("modbus regs=%d: driver %.0f regs/s, bare libmodbus %.0f "
	    "regs/s (ratio %.2f, target >= %.2f: %s); whole actor %.0f "
	    "regs/s (ratio %.2f: %s); requests per scan %.2f (minimum %d: "
	    "%s)\n", n, drv, bare, ratio, REGISTERS_TARGET,
	    registers_met(ratio >= REGISTERS_TARGET), actor, aratio,
	    registers_met(aratio >= REGISTERS_TARGET), req, minimum,
	    registers_met(req == minimum));
}

static void
registers_usage(void)
{
	fprintf(stderr, "%s", _("usage: registers -p bigplc-port -D dir "
	    "[-n registers] [-s scans] [-r rounds]\n"));
	exit(2);
}

int
main(int argc, char **argv)
{
	struct registers_result dr[REGISTERS_MAX_ROUNDS];
	struct registers_result br[REGISTERS_MAX_ROUNDS];
	struct registers_result ar[REGISTERS_MAX_ROUNDS];
	struct registers_driver d = { 0 };
	struct registers_bare b = { 0 };
	const char *dir = NULL;
	int ch, i, port = 0, n = 10000, scans = 100, rounds = 7, rc = 1;

	i18n_init();
	log_init("registers", 0, -1);
	while ((ch = getopt(argc, argv, "D:n:p:r:s:")) != -1) {
		switch (ch) {
		case 'D':
			dir = optarg;
			break;
		case 'n':
			/* bigplc's last one is a counter. */
			n = (int)util_number(optarg, 1, 65535, _("registers"));
			break;
		case 'p':
			port = (int)util_number(optarg, 1, 65535, _("port"));
			break;
		case 'r':
			rounds = (int)util_number(optarg, 1,
			    REGISTERS_MAX_ROUNDS, _("rounds"));
			break;
		case 's':
			scans = (int)util_number(optarg, 1, 1000000,
			    _("scans"));
			break;
		default:
			registers_usage();
		}
	}
	if (optind != argc || dir == NULL || port == 0)
		registers_usage();
	if (registers_project(dir, port, n) == -1 ||
	    registers_driver_open(&d, dir) == -1 ||
	    registers_bare_open(&b, port, n) == -1)
		goto out;
	printf("registers: %d uint16 holding registers in %zu tags, %d scans "
	    "per round, %d rounds\n", n, d.dev.ntags, scans, rounds);
	/* A warm-up scan each, whose values are checked. */
	if (registers_driver_run(&d, 1, &dr[0]) == -1 ||
	    registers_driver_check(&d) == -1 ||
	    registers_bare_run(&b, 1, &br[0]) == -1 ||
	    registers_bare_check(&b) == -1)
		goto out;
	for (i = 0; i < rounds; i++) {
		if (registers_driver_run(&d, scans, &dr[i]) == -1 ||
		    registers_bare_run(&b, scans, &br[i]) == -1 ||
		    registers_actor_run(d.project, d.dev.ntags, dr[i].requests,
		    &ar[i]) == -1)
			goto out;
		printf("registers: round %d: driver %.0f regs/s (%.2f requests "
		    "per scan), bare %.0f regs/s (%.2f), actor %.0f regs/s; "
		    "ratios %.2f, %.2f\n", i + 1, dr[i].rate, dr[i].requests,
		    br[i].rate, br[i].requests, ar[i].rate,
		    dr[i].rate / br[i].rate, ar[i].rate / br[i].rate);
	}
	if (registers_driver_check(&d) == -1 || registers_bare_check(&b) == -1)
		goto out;
	registers_report(dr, ar, br, rounds, n);
	rc = 0;
out:
	registers_driver_close(&d);
	registers_bare_close(&b);
	zsys_shutdown();
	return rc;
}
