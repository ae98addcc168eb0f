/*
 * A plant of 100,000 tags, as its operators get it.
 *
 * The station: a real scadatui on a pty, as an operator over SSH runs
 * it. From the moment it starts: when its first screen of tags is
 * drawn, when every tag is current (the status line says ONLINE), and
 * meanwhile, a key pressed every 20 ms, how long each waits until the
 * screen answers (a screen that does not answer is frozen). The pages
 * it loads, fetched alone on a raw REQ socket: what they cost the
 * server and the wire, and their decoding; the baseline is a bare
 * libzmq REQ/REP carrying the same number of bytes. The server's
 * memory per tag, at rest before any station, against a project of
 * one tag (run.sh measures that and passes it in).
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/wait.h>

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "i18n.h"
#include "log.h"
#include "msg.h"
#include "util.h"
#include "xmalloc.h"

#define BIGTAGS_TIMEOUT_MS	30000
#define BIGTAGS_PAGE		1000	/* as the station asks for them */
#define BIGTAGS_KEY_US		20000
#define BIGTAGS_STATION_S	60
#define BIGTAGS_KEYS_MAX	10000

/* All the pages of a snapshot with metadata, fetched one after another. */
struct bigtags_pages {
	size_t		bytes;
	size_t		pages;
	size_t		tags;
	size_t		good;
	double		recv_us;	/* requests out to replies in, summed */
	double		decode_us;
};

/* One station's run. */
struct bigtags_station {
	double		first_ms;	/* first tag row on the screen */
	double		online_ms;	/* ONLINE: every tag current */
	double		keys[BIGTAGS_KEYS_MAX];	/* each key's wait, ms */
	int		nkeys;
};

static int
bigtags_page(zsock_t *req, json_int_t cursor, struct bigtags_pages *pg,
    json_int_t *next)
{
	zpoller_t *p = zpoller_new(req, NULL);
	json_t *reply, *list, *o, *n;
	long long t0, t1;
	zframe_t *f = NULL;
	size_t i;

	t0 = util_now_us();
	zstr_sendf(req, "{\"v\":2,\"op\":\"snapshot\",\"meta\":true,"
	    "\"limit\":%d,\"cursor\":%lld}", BIGTAGS_PAGE, (long long)cursor);
	if (zpoller_wait(p, BIGTAGS_TIMEOUT_MS) == req)
		f = zframe_recv(req);
	t1 = util_now_us();
	zpoller_destroy(&p);
	if (f == NULL)
		return -1;
	pg->bytes += zframe_size(f);
	pg->recv_us += (double)(t1 - t0);
	reply = json_loadb((const char *)zframe_data(f), zframe_size(f),
	    JSON_REJECT_DUPLICATES, NULL);
	pg->decode_us += (double)(util_now_us() - t1);
	zframe_destroy(&f);
	if (!msg_is_ok(reply)) {
		json_decref(reply);
		return -1;
	}
	list = json_object_get(reply, "tags");
	pg->pages++;
	pg->tags += json_array_size(list);
	json_array_foreach(list, i, o)
		if (json_is_string(json_object_get(o, "quality")) &&
		    strcmp(json_string_value(json_object_get(o, "quality")),
		    "good") == 0)
			pg->good++;
	n = json_object_get(reply, "next");
	*next = json_is_integer(n) ? json_integer_value(n) : -1;
	json_decref(reply);
	return 0;
}

static int
bigtags_pages(const char *endpoint, struct bigtags_pages *pg)
{
	zsock_t *req = zsock_new_req(endpoint);
	json_int_t cursor = 0;
	int rc = 0;

	memset(pg, 0, sizeof *pg);
	if (req == NULL)
		return -1;
	while (cursor >= 0 && (rc = bigtags_page(req, cursor, pg,
	    &cursor)) == 0)
		;
	zsock_destroy(&req);
	return rc;
}

static void
bigtags_echo(zsock_t *pipe, void *arg)
{
	zsock_t *rep = arg;
	zpoller_t *p = zpoller_new(pipe, rep, NULL);
	zframe_t *payload = NULL, *f;
	char *size;

	zsock_signal(pipe, 0);
	while (zpoller_wait(p, -1) == rep) {
		if ((f = zframe_recv(rep)) == NULL)
			continue;
		if (payload == NULL) {
			/* The first request names the payload's size. */
			size = zframe_strdup(f);
			payload = zframe_new(NULL, strtoul(size, NULL, 10));
			memset(zframe_data(payload), 'x', zframe_size(payload));
			zstr_free(&size);
		}
		zframe_destroy(&f);
		f = zframe_dup(payload);
		zframe_send(&f, rep, 0);
	}
	zframe_destroy(&payload);
	zpoller_destroy(&p);
}

/* A bare REQ/REP transfer of bytes, median of reps, in microseconds. */
static double
bigtags_bare(size_t bytes, int reps)
{
	zsock_t *rep = zsock_new_rep("tcp://127.0.0.1:*"), *req = NULL;
	zactor_t *echo = NULL;
	char *endpoint = NULL;
	double t[32], med = -1;
	zframe_t *f;
	long long t0;
	int i;

	if (rep == NULL)
		return -1;
	endpoint = zsock_last_endpoint(rep);
	if ((echo = zactor_new(bigtags_echo, rep)) == NULL ||
	    (req = zsock_new_req(endpoint)) == NULL)
		goto out;
	for (i = -1; i < reps; i++) {	/* the first is a warm-up */
		t0 = util_now_us();
		zstr_sendf(req, "%zu", bytes);
		if ((f = zframe_recv(req)) == NULL)
			goto out;
		zframe_destroy(&f);
		if (i >= 0)
			t[i] = (double)(util_now_us() - t0);
	}
	med = util_percentile(t, (size_t)reps, 50);
out:
	zsock_destroy(&req);
	zactor_destroy(&echo);
	zsock_destroy(&rep);
	zstr_free(&endpoint);
	return med;
}

/*
 * Reads the station's screen until every tag is current, pressing a
 * key (j: the next tag) every BIGTAGS_KEY_US once the first screen is
 * up and timing the screen's answer to each.
 */
static int
bigtags_watch(int master, const char *first_tag, struct bigtags_station *st)
{
	char buf[65536], seen[8192];
	long long t0 = util_now_us(), now, key_sent = 0, next_key = 0;
	size_t len = 0;
	struct pollfd pfd = { .fd = master, .events = POLLIN };
	ssize_t n;

	seen[0] = '\0';
	st->first_ms = st->online_ms = -1;
	st->nkeys = 0;
	while ((now = util_now_us()) - t0 < BIGTAGS_STATION_S * 1000000LL) {
		if (st->first_ms >= 0 && key_sent == 0 && now >= next_key) {
			if (write(master, "j", 1) == 1)
				key_sent = now;
		}
		if (poll(&pfd, 1, 2) <= 0)
			continue;
		if ((n = read(master, buf, sizeof buf)) <= 0)
			return -1;
		now = util_now_us();
		if (key_sent != 0) {
			if (st->nkeys < BIGTAGS_KEYS_MAX)
				st->keys[st->nkeys++] =
				    (double)(now - key_sent) / 1000;
			key_sent = 0;
			next_key = now + BIGTAGS_KEY_US;
		}
		util_keep(seen, sizeof seen, &len, buf, (size_t)n);
		if (st->first_ms < 0 && strstr(seen, first_tag) != NULL)
			st->first_ms = (double)(now - t0) / 1000;
		if (st->first_ms >= 0 && strstr(seen, " ONLINE ") != NULL) {
			st->online_ms = (double)(now - t0) / 1000;
			return 0;
		}
	}
	return -1;
}

static int
bigtags_station(const char *scadatui, const char *endpoint,
    const char *first_tag, struct bigtags_station *st)
{
	int master, status, rc;
	pid_t pid = util_station(scadatui, endpoint, 120, 40, &master);

	if (pid == -1)
		return -1;
	rc = bigtags_watch(master, first_tag, st);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	close(master);
	return rc;
}

static void
bigtags_usage(void)
{
	fprintf(stderr, "%s", _("usage: bigtags -c endpoint -n tags -p pid "
	    "-t scadatui -z idle-rss-kb [-r repetitions]\n"));
	exit(2);
}

struct bigtags_opts {
	const char	*endpoint;
	const char	*scadatui;
	long		 ntags;
	pid_t		 pid;
	long		 rss0;
	int		 reps;
};

static void
bigtags_parse(int argc, char **argv, struct bigtags_opts *o)
{
	int ch;

	while ((ch = getopt(argc, argv, "c:n:p:r:t:z:")) != -1) {
		switch (ch) {
		case 'c':
			o->endpoint = optarg;
			break;
		case 'n':
			o->ntags = util_number(optarg, 1, 10000000,
			    _("tag count"));
			break;
		case 'p':
			o->pid = (pid_t)util_number(optarg, 1, 1 << 30,
			    _("pid"));
			break;
		case 'r':
			o->reps = (int)util_number(optarg, 1, 31,
			    _("repetitions"));
			break;
		case 't':
			o->scadatui = optarg;
			break;
		case 'z':
			o->rss0 = util_number(optarg, 0, 1L << 40, _("RSS"));
			break;
		default:
			bigtags_usage();
		}
	}
	if (optind != argc || o->endpoint == NULL || o->ntags == 0 ||
	    o->pid == 0 || o->rss0 < 0 || o->scadatui == NULL)
		bigtags_usage();
}

/* Runs reps stations; medians of their times, every key's wait. */
static int
bigtags_stations(const struct bigtags_opts *o, double *first, double *online,
    double *keys, int *nkeys)
{
	static struct bigtags_station st;
	double f[31], on[31];
	int i, k;

	*nkeys = 0;
	for (i = 0; i < o->reps; i++) {
		if (bigtags_station(o->scadatui, o->endpoint,
		    "area00.ti00000.pv", &st) == -1) {
			fprintf(stderr, _("bigtags: station %d did not come "
			    "online\n"), i + 1);
			return -1;
		}
		f[i] = st.first_ms;
		on[i] = st.online_ms;
		for (k = 0; k < st.nkeys && *nkeys < BIGTAGS_KEYS_MAX; k++)
			keys[(*nkeys)++] = st.keys[k];
		printf("bigtags: station %d: first screen %.0f ms, all current "
		    "%.0f ms, %d keys while it loaded\n", i + 1, st.first_ms,
		    st.online_ms, st.nkeys);
	}
	*first = util_percentile(f, (size_t)o->reps, 50);
	*online = util_percentile(on, (size_t)o->reps, 50);
	return 0;
}

int
main(int argc, char **argv)
{
	struct bigtags_opts o = { .rss0 = -1, .reps = 3 };
	static double keys[BIGTAGS_KEYS_MAX];
	struct bigtags_pages pg;
	double first, online, bare_us, per_tag;
	long rss;
	int nkeys;

	i18n_init();
	xmalloc_init();
	log_init("bigtags", 0, 0);
	bigtags_parse(argc, argv, &o);
	signal(SIGPIPE, SIG_IGN);
	/* At rest: bench/run.sh saw the last tag of every device good. */
	sleep(2);
	rss = util_rss_kb(o.pid);
	per_tag = (double)(rss - o.rss0) * 1024 / (double)o.ntags;
	if (bigtags_pages(o.endpoint, &pg) == -1 ||
	    pg.good < (size_t)o.ntags) {
		fprintf(stderr, _("bigtags: the pages hold %zu tags, %zu good; "
		    "expected at least %ld good\n"), pg.tags, pg.good, o.ntags);
		return 1;
	}
	bare_us = bigtags_bare(pg.bytes / pg.pages, 5) * (double)pg.pages;
	if (bigtags_stations(&o, &first, &online, keys, &nkeys) == -1)
		return 1;
	printf("bigtags: scadad RSS %ld kB with 1 tag, %ld kB with %ld tags; "
	    "%zu pages of %d tags with metadata, %zu bytes\n", o.rss0, rss,
	    o.ntags, pg.pages, BIGTAGS_PAGE, pg.bytes);
	/* A fixed format, read by bench/run.sh: not translated. */
	printf("tags n=%ld: station first screen %.0f ms, all current %.0f ms, "
	    "longest wait for a key %.1f ms (p99 %.1f ms, %d keys); pages "
	    "server+transfer %.0f ms, decode %.0f ms, bare zmq %.0f ms "
	    "(ratio %.1fx); memory %.0f bytes/tag\n", o.ntags, first, online,
	    nkeys > 0 ? util_percentile(keys, (size_t)nkeys, 100) : -1,
	    nkeys > 0 ? util_percentile(keys, (size_t)nkeys, 99) : -1, nkeys,
	    pg.recv_us / 1000, pg.decode_us / 1000, bare_us / 1000,
	    bare_us > 0 ? pg.recv_us / bare_us : 0, per_tag);
	zsys_shutdown();
	return 0;
}
