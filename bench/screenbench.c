/*
 * A process screen as a terminal gets it: a real scadatui on a pty,
 * showing a screen of 100 fields, each a tag of a real PLC (scadasim's
 * scratch registers, through a real scadad), while 10 of them change a
 * second, written by this program as an operator would. Measured: the
 * bytes the terminal receives a second, the station's CPU time per
 * change, and how long a key (Tab: the next field) waits for the screen
 * to answer. The baseline, in the same run: what a full redraw costs
 * (Ctrl-L makes scadatui repaint the whole screen), once per change.
 */
#include "config.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client.h"
#include "i18n.h"
#include "log.h"
#include "msg.h"
#include "util.h"
#include "xmalloc.h"

#define SB_CHANGES_S	10	/* changes a second */
#define SB_SECONDS	10
#define SB_KEYS		20

struct sb {
	int		 master;
	pid_t		 pid;
	client_t	*client;
	const char	*prefix;	/* of the tags: "b.t" */
	int		 tags;
	char		 seen[16384];
	size_t		 len;
};

/* What the pty has for us within ms; returns the bytes read. */
static long
sb_drain(struct sb *s, int ms)
{
	struct pollfd pfd = { .fd = s->master, .events = POLLIN };
	long long end = util_now_us() + (long long)ms * 1000;
	char buf[65536];
	long total = 0;
	ssize_t n;

	while (util_now_us() < end) {
		if (poll(&pfd, 1, (int)((end - util_now_us()) / 1000) + 1) <= 0)
			continue;
		if ((n = read(s->master, buf, sizeof buf)) <= 0)
			break;
		total += n;
		util_keep(s->seen, sizeof s->seen, &s->len, buf, (size_t)n);
	}
	return total;
}

static long long
sb_cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;
	int i;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof buf, f) == NULL || (p = strrchr(buf, ')')) ==
	    NULL) {
		fclose(f);
		return -1;
	}
	fclose(f);
	/* After the name: state is field 3; utime and stime 14 and 15. */
	for (i = 3, p += 2; i < 14 && p != NULL; i++)
		p = strchr(p, ' ') != NULL ? strchr(p, ' ') + 1 : NULL;
	if (p == NULL || sscanf(p, "%llu %llu", &ut, &st) != 2)
		return -1;
	return (long long)(ut + st);
}

/* One change: tag i to v, as an operator writes it. */
static void
sb_write(struct sb *s, int i, int v)
{
	char name[64];
	json_t *req;

	snprintf(name, sizeof name, "%s%03d", s->prefix, i);
	req = json_pack("{s:s, s:s, s:i}", "op", "write", "tag", name, "value",
	    v);
	client_send(s->client, req, 5000, 1, NULL, NULL);
	json_decref(req);
}

/* SB_CHANGES_S changes a second for SB_SECONDS; the bytes a second. */
static double
sb_changes(struct sb *s, int round, long *changes)
{
	long long t0 = util_now_us(), next = t0;
	long total = 0;
	int k = 0;

	*changes = 0;
	while (util_now_us() - t0 < SB_SECONDS * 1000000LL) {
		if (util_now_us() >= next) {
			sb_write(s, (k * 7) % s->tags, 100 + round * 50 + k % 50);
			k++;
			(*changes)++;
			next += 1000000 / SB_CHANGES_S;
		}
		client_handle(s->client);
		total += sb_drain(s, 10);
	}
	return (double)total / SB_SECONDS;
}

/* Key to screen: Tab, and the time to the first byte of the answer. */
static double
sb_keys(struct sb *s)
{
	struct pollfd pfd = { .fd = s->master, .events = POLLIN };
	double ms[SB_KEYS];
	char buf[65536];
	long long t;
	int i;

	for (i = 0; i < SB_KEYS; i++) {
		sb_drain(s, 150);
		t = util_now_us();
		if (write(s->master, "\t", 1) != 1)
			return -1;
		if (poll(&pfd, 1, 2000) <= 0 || read(s->master, buf,
		    sizeof buf) <= 0)
			return -1;
		ms[i] = (double)(util_now_us() - t) / 1000;
	}
	return util_percentile(ms, SB_KEYS, 50);
}

static void __attribute__((noreturn))
sb_usage(void)
{
	fprintf(stderr, "usage: screenbench -c endpoint -t scadatui "
	    "[-n tags] [-p prefix]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct sb s = { .prefix = "b.t", .tags = 100 };
	const char *endpoint = NULL, *tui = NULL;
	double bps, full, cpu, key;
	long long c0, c1;
	long changes, repaint;
	int ch;

	i18n_init();
	xmalloc_init();
	log_init("screenbench", 0, 0);
	while ((ch = getopt(argc, argv, "c:n:p:t:")) != -1)
		switch (ch) {
		case 'c': endpoint = optarg; break;
		case 'n': s.tags = (int)util_number(optarg, 1, 1000, "-n"); break;
		case 'p': s.prefix = optarg; break;
		case 't': tui = optarg; break;
		default: sb_usage();
		}
	if (endpoint == NULL || tui == NULL)
		sb_usage();
	s.client = client_new(endpoint, 5000, 1);
	if ((s.pid = util_station(tui, endpoint, 100, 30, &s.master)) < 0)
		return 1;
	/* The screen drawn and current, and quiet. */
	sb_drain(&s, 5000);
	if (strstr(s.seen, "ONLINE") == NULL) {
		fprintf(stderr, "screenbench: the station did not come "
		    "online\n");
		kill(s.pid, SIGTERM);
		return 1;
	}
	sb_drain(&s, 2000);
	c0 = sb_cpu_ticks(s.pid);
	bps = sb_changes(&s, 0, &changes);
	c1 = sb_cpu_ticks(s.pid);
	sb_drain(&s, 1000);
	/* Ctrl-L: the whole screen, repainted once. */
	if (write(s.master, "\x0c", 1) != 1)
		return 1;
	repaint = sb_drain(&s, 1000);
	full = (double)repaint * SB_CHANGES_S;
	cpu = changes > 0 ? (double)(c1 - c0) * 1e6 /
	    (double)sysconf(_SC_CLK_TCK) / (double)changes : 0;
	key = sb_keys(&s);
	kill(s.pid, SIGTERM);
	waitpid(s.pid, NULL, 0);
	client_destroy(&s.client);
	/* A fixed format, read by bench/run.sh: not translated. */
	printf("screens fields=%d changes=%d/s: %.0f B/s to the terminal "
	    "(target 500), a full redraw per change %.0f B/s (ratio %.3f); "
	    "%.0f us CPU per change; key to screen median %.1f ms\n",
	    s.tags, SB_CHANGES_S, bps, full, full > 0 ? bps / full : 0, cpu,
	    key);
	zsys_shutdown();
	return 0;
}
