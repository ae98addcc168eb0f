/*
 * Helpers shared by the benchmarks. Times come from the monotonic clock,
 * memory from the kernel's own count of resident pages.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <pty.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "util.h"

long long
util_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* VmRSS of a process in kB (0 for ourselves), or -1. */
long
util_rss_kb(pid_t pid)
{
	char path[64], line[256];
	FILE *f;
	long kb = -1;

	if (pid == 0)
		snprintf(path, sizeof path, "/proc/self/status");
	else
		snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Every station costs a few descriptors; take what the hard limit allows. */
int
util_raise_nofile(long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return -1;
	if (rl.rlim_max != RLIM_INFINITY && (rlim_t)want > rl.rlim_max)
		want = (long)rl.rlim_max;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= (rlim_t)want)
		return 0;
	rl.rlim_cur = (rlim_t)want;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

static int
util_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts v in place; p in 0..100, nearest rank. */
double
util_percentile(double *v, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, util_cmp_double);
	rank = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

/* A command-line number in lo..hi, or exit with a clear message. */
long
util_number(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi) {
		fprintf(stderr, _("invalid %s '%s': expected a number from "
		    "%ld to %ld\n"), what, s, lo, hi);
		exit(2);
	}
	return v;
}

/* Through a rename, so a reader never sees half a file. */
int
util_write_file(const char *path, const char *text)
{
	char tmp[PATH_MAX];
	FILE *f;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return -1;
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	if (fputs(text, f) == EOF) {
		fclose(f);
		return -1;
	}
	if (fclose(f) == EOF || rename(tmp, path) == -1)
		return -1;
	return 0;
}

/* Reads "command EP\npublish EP\n" as written by scadad -E. */
int
util_read_endpoints(const char *path, char *cmd, size_t cmdlen, char *pub,
    size_t publen)
{
	char line[512], key[32], val[480];
	FILE *f;
	int found = 0;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%31s %479s", key, val) != 2)
			continue;
		if (strcmp(key, "command") == 0) {
			snprintf(cmd, cmdlen, "%s", val);
			found |= 1;
		} else if (strcmp(key, "publish") == 0) {
			snprintf(pub, publen, "%s", val);
			found |= 2;
		}
	}
	fclose(f);
	return found == 3 ? 0 : -1;
}

/*
 * What bigplc holds in holding register addr, for readers to check; the
 * last one, 65535, counts requests instead.
 */
uint16_t
util_holding_value(int addr)
{
	return (uint16_t)(addr * 40503u + 12345u);
}

/*
 * A real scadatui on a new pty of cols x rows, as an operator over SSH
 * runs it; master is the operator's side. Returns its pid, or -1.
 */
pid_t
util_station(const char *scadatui, const char *endpoint, int cols, int rows,
    int *master)
{
	struct winsize ws = { .ws_row = (unsigned short)rows,
	    .ws_col = (unsigned short)cols };
	pid_t pid = forkpty(master, NULL, NULL, &ws);

	if (pid == 0) {
		setenv("TERM", "xterm", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		execl(scadatui, scadatui, "-s", endpoint, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Keeps the last of what the screen got, to look for text in it. */
void
util_keep(char *seen, size_t cap, size_t *len, const char *buf, size_t n)
{
	if (n >= cap) {
		buf += n - cap + 1;
		n = cap - 1;
	}
	if (*len + n >= cap) {
		memmove(seen, seen + (*len + n - cap + 1),
		    cap - 1 - n);
		*len = cap - 1 - n;
	}
	memcpy(seen + *len, buf, n);
	*len += n;
	seen[*len] = '\0';
}
