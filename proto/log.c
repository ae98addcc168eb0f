/*
 * Levelled logging. log_warn appends strerror(errno), log_warnx does not;
 * fatal is for start-up only, when there is nothing yet to lose.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *log_ident = "scada";
static int log_to_syslog;
static int log_level = (int)LOG_LEVEL_INFO;
static FILE *log_file;		/* -L: wins over stderr and syslog */

void
log_init(const char *ident, int to_syslog, int verbosity)
{
	log_ident = ident;
	log_to_syslog = to_syslog;
	log_level = LOG_LEVEL_INFO + verbosity;
	if (log_level < LOG_LEVEL_ERR)
		log_level = LOG_LEVEL_ERR;
	if (to_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/*
 * From now on, lines go to the file at path, appended, each with the
 * time and the process id. Appending lets logrotate's copytruncate cut
 * it under us. Returns -1 (errno set) if it cannot be opened.
 */
int
log_to_file(const char *path)
{
	FILE *f;

	if ((f = fopen(path, "ae")) == NULL)
		return -1;
	setvbuf(f, NULL, _IOLBF, 0);
	if (log_file != NULL)
		fclose(log_file);
	log_file = f;
	return 0;
}

static void
log_file_write(const char *tag, const char *msg)
{
	struct timespec ts;
	struct tm tm;
	char when[32], zone[8];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof zone, "%z", &tm);
	fprintf(log_file, "%s.%03ld%s %s[%ld]: %s: %s\n", when,
	    ts.tv_nsec / 1000000, zone, log_ident, (long)getpid(), tag, msg);
}

int
log_verbosity(void)
{
	return log_level - LOG_LEVEL_INFO;
}

static void
log_vwrite(enum log_level level, int with_errno, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char *const tag[] = { "error", "warning", "info", "debug" };
	char buf[1024];
	int saved = errno;

	if ((int)level > log_level)
		return;
	vsnprintf(buf, sizeof buf, fmt, ap);
	if (with_errno) {
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof buf - n, ": %s", strerror(saved));
	}
	if (log_file != NULL)
		log_file_write(tag[level], buf);
	else if (log_to_syslog)
		syslog(prio[level], "%s", buf);
	else
		fprintf(stderr, "%s: %s: %s\n", log_ident, tag[level], buf);
	errno = saved;
}

#define LOG_BODY(level, with_errno) do {		\
	va_list ap;					\
	va_start(ap, fmt);				\
	log_vwrite(level, with_errno, fmt, ap);		\
	va_end(ap);					\
} while (0)

/* An error the process does not survive, reported by its caller. */
void
log_err(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_ERR, 1);
}

void
log_errx(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_ERR, 0);
}

void
log_warn(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_WARN, 1);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_WARN, 0);
}

void
log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_INFO, 0);
}

void
log_debug(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_DEBUG, 0);
}

void
fatal(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_ERR, 1);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_ERR, 0);
	exit(1);
}

/*
 * Returns 1 when a rate-limited message may be logged now, so a flood of
 * bad input costs one line per interval rather than one per message.
 */
int
log_ratelimit(long long *last_ms, int interval_ms)
{
	struct timespec ts;
	long long now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (*last_ms != 0 && now - *last_ms < interval_ms)
		return 0;
	*last_ms = now;
	return 1;
}
