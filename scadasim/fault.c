/*
 * Fault state and its command language. One command is one line of
 * words; the reply is one line, "ok ..." or "error: ...". The words
 * "ok" and "error:" and the status keys are protocol and stay English;
 * the explanations after them are translated.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "i18n.h"
#include "fault.h"
#include "pdu.h"

#define FAULT_MAX_WORDS	5

void
fault_init(struct fault *f)
{
	memset(f, 0, sizeof *f);
	f->exc_area = -1;
}

/* Splits s in place at blanks; returns the number of words, or -1. */
static int
fault_split(char *s, char **w)
{
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		if (*s == '\0')
			return n;
		if (n == FAULT_MAX_WORDS)
			return -1;
		w[n++] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\r' &&
		    *s != '\n')
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
}

static int
fault_number(const char *s, long lo, long hi, int *out)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* on|off into *flag; -1 for anything else. */
static int
fault_switch(const char *s, int *flag)
{
	if (strcmp(s, "on") == 0)
		*flag = 1;
	else if (strcmp(s, "off") == 0)
		*flag = 0;
	else
		return -1;
	return 0;
}

static int fault_error(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
fault_error(char *reply, size_t size, const char *fmt, ...)
{
	char msg[FAULT_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(reply, size, "error: %s", msg);
	return FAULT_ERROR;
}

static int
fault_flag(int *flag, int argc, char **w, char *reply, size_t size)
{
	if (argc != 2 || fault_switch(w[1], flag) == -1)
		return fault_error(reply, size, _("usage: %s on|off"), w[0]);
	snprintf(reply, size, "ok %s %s", w[0], *flag ? "on" : "off");
	return FAULT_CHANGED;
}

static int
fault_delay(struct fault *f, int argc, char **w, char *reply, size_t size)
{
	int ms;

	if (argc != 2 || fault_number(w[1], 0, FAULT_MAX_DELAY_MS, &ms) == -1)
		return fault_error(reply, size,
		    _("usage: delay MS, from 0 to %d"), FAULT_MAX_DELAY_MS);
	f->delay_ms = ms;
	snprintf(reply, size, "ok delay %d", ms);
	return FAULT_CHANGED;
}

static int
fault_set_exception(struct fault *f, int argc, char **w, char *reply,
    size_t size)
{
	int code, area = -1, address = 0;

	if (argc == 2 && strcmp(w[1], "off") == 0) {
		f->exception = 0;
		f->exc_area = -1;
		f->exc_address = 0;
		snprintf(reply, size, "ok exception off");
		return FAULT_CHANGED;
	}
	if (argc != 2 && argc != 4)
		return fault_error(reply, size, "%s", _("usage: exception "
		    "CODE [AREA ADDRESS], or exception off"));
	if (fault_number(w[1], 1, 11, &code) == -1)
		return fault_error(reply, size, _("invalid exception code "
		    "'%s': expected 1 to 11"), w[1]);
	if (argc == 4) {
		if ((area = pdu_area_parse(w[2])) == -1)
			return fault_error(reply, size, _("invalid area '%s': "
			    "expected coil, discrete, input or holding"),
			    w[2]);
		if (fault_number(w[3], 0, 65535, &address) == -1)
			return fault_error(reply, size, _("invalid address "
			    "'%s': expected 0 to 65535"), w[3]);
	}
	f->exception = code;
	f->exc_area = area;
	f->exc_address = address;
	if (area == -1)
		snprintf(reply, size, "ok exception %d", code);
	else
		snprintf(reply, size, "ok exception %d %s %d", code,
		    pdu_area_name((enum pdu_area)area), address);
	return FAULT_CHANGED;
}

/* The fault state as key=value words, so a script can pick one out. */
void
fault_status(const struct fault *f, char *buf, size_t size)
{
	char exc[64];

	if (f->exception == 0)
		snprintf(exc, sizeof exc, "off");
	else if (f->exc_area == -1)
		snprintf(exc, sizeof exc, "%d", f->exception);
	else
		snprintf(exc, sizeof exc, "%d:%s:%d", f->exception,
		    pdu_area_name((enum pdu_area)f->exc_area),
		    f->exc_address);
	snprintf(buf, size, "mute=%s delay=%d exception=%s freeze=%s "
	    "refuse=%s drops=%u", f->mute ? "on" : "off", f->delay_ms, exc,
	    f->freeze ? "on" : "off", f->refuse ? "on" : "off", f->drops);
}

/*
 * Carries out one command line and writes the one-line reply (without
 * newline) to reply. Returns FAULT_CHANGED, FAULT_QUERY or FAULT_ERROR.
 */
int
fault_command(struct fault *f, const char *line, char *reply, size_t size)
{
	char buf[FAULT_LINE_MAX], status[128];
	char *w[FAULT_MAX_WORDS];
	int argc;

	if (strlen(line) >= sizeof buf)
		return fault_error(reply, size, "%s", _("command too long"));
	memcpy(buf, line, strlen(line) + 1);
	if ((argc = fault_split(buf, w)) == -1)
		return fault_error(reply, size, "%s", _("too many words"));
	if (argc == 0)
		return fault_error(reply, size, "%s", _("empty command"));

	if (strcmp(w[0], "drop") == 0 && argc == 1) {
		f->drops++;
		snprintf(reply, size, "ok drop");
		return FAULT_CHANGED;
	}
	if (strcmp(w[0], "mute") == 0)
		return fault_flag(&f->mute, argc, w, reply, size);
	if (strcmp(w[0], "delay") == 0)
		return fault_delay(f, argc, w, reply, size);
	if (strcmp(w[0], "exception") == 0)
		return fault_set_exception(f, argc, w, reply, size);
	if (strcmp(w[0], "freeze") == 0)
		return fault_flag(&f->freeze, argc, w, reply, size);
	if (strcmp(w[0], "refuse") == 0)
		return fault_flag(&f->refuse, argc, w, reply, size);
	if (strcmp(w[0], "status") == 0 && argc == 1) {
		fault_status(f, status, sizeof status);
		snprintf(reply, size, "ok %s", status);
		return FAULT_QUERY;
	}
	if (strcmp(w[0], "clear") == 0 && argc == 1) {
		f->mute = 0;
		f->delay_ms = 0;
		f->exception = 0;
		f->exc_area = -1;
		f->exc_address = 0;
		f->freeze = 0;
		f->refuse = 0;
		snprintf(reply, size, "ok clear");
		return FAULT_CHANGED;
	}
	if (strcmp(w[0], "help") == 0 && argc == 1) {
		snprintf(reply, size, "ok drop | mute on|off | delay MS | "
		    "exception CODE [AREA ADDRESS] | exception off | "
		    "freeze on|off | refuse on|off | status | clear");
		return FAULT_QUERY;
	}
	if (strcmp(w[0], "drop") == 0 || strcmp(w[0], "status") == 0 ||
	    strcmp(w[0], "clear") == 0 || strcmp(w[0], "help") == 0)
		return fault_error(reply, size, _("'%s' takes no arguments"),
		    w[0]);
	return fault_error(reply, size, _("unknown command '%s' (try help)"),
	    w[0]);
}

/*
 * The exception code to answer the request in pdu (function code
 * first) with, or 0 to answer it normally.
 */
int
fault_exception(const struct fault *f, const uint8_t *pdu, int len)
{
	struct pdu_range r[PDU_MAX_RANGES];
	int i, n;

	if (f->exception == 0)
		return 0;
	if (f->exc_area == -1)
		return f->exception;
	n = pdu_ranges(pdu, len, r);
	for (i = 0; i < n; i++)
		if ((int)r[i].area == f->exc_area &&
		    f->exc_address >= r[i].address &&
		    f->exc_address < r[i].address + r[i].count)
			return f->exception;
	return 0;
}

static int
fault_try(struct fault *f, const char *line, const char *want)
{
	char reply[FAULT_LINE_MAX];
	int rc;

	rc = fault_command(f, line, reply, sizeof reply);
	if (want != NULL && strncmp(reply, want, strlen(want)) != 0) {
		fprintf(stderr, "'%s' -> '%s', want '%s'\n", line, reply,
		    want);
		assert(0);
	}
	return rc;
}

void
fault_selftest(void)
{
	const uint8_t read_hr[] = { 0x03, 0x00, 0x02, 0x00, 0x04 };
	const uint8_t write_coil[] = { 0x05, 0x00, 0x03, 0xff, 0x00 };
	struct fault f;
	char buf[256];

	printf(" * fault: ");
	fault_init(&f);
	fault_status(&f, buf, sizeof buf);
	CHECK(strcmp(buf, "mute=off delay=0 exception=off freeze=off "
	    "refuse=off drops=0") == 0);
	CHECK(fault_exception(&f, read_hr, sizeof read_hr) == 0);

	CHECK(fault_try(&f, "mute on", "ok mute on") == FAULT_CHANGED);
	CHECK(f.mute == 1);
	CHECK(fault_try(&f, "  mute\toff\r\n", "ok mute off") ==
	    FAULT_CHANGED && f.mute == 0);
	CHECK(fault_try(&f, "mute", "error: ") == FAULT_ERROR);
	CHECK(fault_try(&f, "mute maybe", "error: ") == FAULT_ERROR);
	CHECK(fault_try(&f, "mute on off", "error: ") == FAULT_ERROR);

	CHECK(fault_try(&f, "delay 200", "ok delay 200") == FAULT_CHANGED);
	CHECK(f.delay_ms == 200);
	CHECK(fault_try(&f, "delay -1", "error: ") == FAULT_ERROR);
	CHECK(fault_try(&f, "delay 600001", "error: ") == FAULT_ERROR);
	CHECK(fault_try(&f, "delay 2x", "error: ") == FAULT_ERROR);
	CHECK(fault_try(&f, "delay +5", "error: ") == FAULT_ERROR);
	CHECK(f.delay_ms == 200);	/* a bad command changes nothing */
	CHECK(fault_try(&f, "delay 0", "ok delay 0") == FAULT_CHANGED);

	/* Everywhere, then only where the request touches the address. */
	CHECK(fault_try(&f, "exception 4", "ok exception 4") ==
	    FAULT_CHANGED);
	CHECK(fault_exception(&f, read_hr, sizeof read_hr) == 4);
	CHECK(fault_exception(&f, write_coil, sizeof write_coil) == 4);
	CHECK(fault_try(&f, "exception 2 holding 5",
	    "ok exception 2 holding 5") == FAULT_CHANGED);
	CHECK(fault_exception(&f, read_hr, sizeof read_hr) == 2); /* 2..5 */
	CHECK(fault_exception(&f, write_coil, sizeof write_coil) == 0);
	CHECK(fault_try(&f, "exception 2 holding 6", "ok") ==
	    FAULT_CHANGED);
	CHECK(fault_exception(&f, read_hr, sizeof read_hr) == 0);
	CHECK(fault_try(&f, "exception 6 coil 3", "ok") == FAULT_CHANGED);
	CHECK(fault_exception(&f, write_coil, sizeof write_coil) == 6);
	fault_status(&f, buf, sizeof buf);
	CHECK(strstr(buf, "exception=6:coil:3") != NULL);
	CHECK(fault_try(&f, "exception 12", "error: ") == FAULT_ERROR);
	CHECK(fault_try(&f, "exception 0", "error: ") == FAULT_ERROR);
	CHECK(fault_try(&f, "exception 2 register 5", "error: ") ==
	    FAULT_ERROR);
	CHECK(fault_try(&f, "exception 2 coil 65536", "error: ") ==
	    FAULT_ERROR);
	CHECK(fault_try(&f, "exception 2 coil", "error: ") == FAULT_ERROR);
	CHECK(f.exception == 6);
	CHECK(fault_try(&f, "exception off", "ok exception off") ==
	    FAULT_CHANGED);
	CHECK(fault_exception(&f, write_coil, sizeof write_coil) == 0);

	CHECK(fault_try(&f, "freeze on", "ok freeze on") == FAULT_CHANGED);
	CHECK(fault_try(&f, "refuse on", "ok refuse on") == FAULT_CHANGED);
	CHECK(fault_try(&f, "drop", "ok drop") == FAULT_CHANGED);
	CHECK(fault_try(&f, "drop", "ok drop") == FAULT_CHANGED);
	CHECK(f.drops == 2);
	CHECK(fault_try(&f, "drop now", "error: ") == FAULT_ERROR);
	CHECK(fault_try(&f, "delay 50", "ok") == FAULT_CHANGED);
	CHECK(fault_try(&f, "status", "ok mute=off delay=50 exception=off "
	    "freeze=on refuse=on drops=2") == FAULT_QUERY);
	CHECK(fault_try(&f, "clear", "ok clear") == FAULT_CHANGED);
	CHECK(fault_try(&f, "status", "ok mute=off delay=0 exception=off "
	    "freeze=off refuse=off drops=2") == FAULT_QUERY);
	CHECK(fault_try(&f, "help", "ok ") == FAULT_QUERY);

	CHECK(fault_try(&f, "", "error: ") == FAULT_ERROR);
	CHECK(fault_try(&f, "reboot", "error: ") == FAULT_ERROR);
	CHECK(fault_try(&f, "a b c d e f", "error: ") == FAULT_ERROR);
	memset(buf, 'x', sizeof buf - 1);
	buf[sizeof buf - 1] = '\0';
	CHECK(fault_try(&f, buf, "error: ") == FAULT_ERROR);

	printf("OK\n");
}
