/*
 * What the commands share: the request helper, the one way an error
 * reaches the user and becomes an exit status, and value formatting.
 */
#include "config.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "i18n.h"
#include "msg.h"
#include "scadactl.h"

void
ctl_warnx(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);		/* keep the order of a mixed terminal */
	fprintf(stderr, "%s: ", CTL_NAME);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Opens the request client; says so if the endpoint is no endpoint. */
int
ctl_open(struct ctl *ctl)
{
	if (ctl->client != NULL)
		return 0;
	ctl->client = client_new(ctl->endpoint, ctl->timeout_ms,
	    CLIENT_RETRIES);
	if (ctl->client == NULL) {
		ctl_warnx(_("invalid server endpoint: %s"), ctl->endpoint);
		return -1;
	}
	return 0;
}

/*
 * Builds a request with json_pack(fmt, ...) and sends it. Like
 * client_call it always returns a reply, so callers have one path for
 * every failure.
 */
json_t *
ctl_call(struct ctl *ctl, const char *fmt, ...)
{
	json_error_t jerr;
	json_t *req, *reply;
	va_list ap;

	assert(ctl->client != NULL);	/* the entry lacks CMD_CLIENT */
	va_start(ap, fmt);
	req = json_vpack_ex(&jerr, 0, fmt, ap);
	va_end(ap);
	if (req == NULL)
		return msg_error(ERROR_INTERNAL, "%s: %s",
		    _("cannot build request"), jerr.text);
	reply = client_call(ctl->client, req);
	json_decref(req);
	return reply;
}

/*
 * Reports an error reply and returns the exit status for it. The
 * server's message usually names the error already ("unknown tag:
 * x"), so the generic text is added only when it does not.
 */
int
ctl_fail(json_t *reply)
{
	enum error_code code = msg_error_code(reply);
	const char *text = error_text(code);
	const char *message = msg_error_message(reply);

	if (code == ERROR_NONE)
		code = ERROR_INTERNAL;
	if (strncasecmp(message, text, strlen(text)) == 0)
		ctl_warnx("%s", message);
	else
		ctl_warnx("%s: %s", text, message);
	return error_exit_status(code);
}

/* A reply that says ok but lacks what the protocol promises. */
int
ctl_malformed(void)
{
	ctl_warnx("%s", _("malformed reply from server"));
	return 1;
}

/* One compact JSON object per line, flushed: made for pipes. */
void
ctl_print_json(json_t *o)
{
	char *text = msg_encode(o);

	if (text != NULL) {
		puts(text);
		free(text);
	}
	fflush(stdout);
}

/* Returns 0, or -1 if stdout is gone (closed pipe, full disk). */
int
ctl_flush(void)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		return -1;
	return 0;
}

/* Local time of a value: "HH:MM:SS.mmm", with the date in front if asked. */
void
ctl_time(long long ms, int with_date, char *buf, size_t len)
{
	struct tm tm;
	time_t t;
	size_t n;

	if (ms <= 0) {
		snprintf(buf, len, "-");
		return;
	}
	t = (time_t)(ms / 1000);
	if (localtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "-");
		return;
	}
	n = strftime(buf, len, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S",
	    &tm);
	snprintf(buf + n, len - n, ".%03lld", ms % 1000);
}

/*
 * Values as an engineer reads them: enough digits to see the raw
 * value, but a float32 shows only the digits it really holds, so
 * 47.3 does not print as 47.29999924.
 */
void
ctl_value(const char *type, const struct tagval *tv, char *buf, size_t len)
{
	if (tv->is_string)
		snprintf(buf, len, "%s", tv->str);
	else if (isnan(tv->value))
		snprintf(buf, len, "-");
	else if (tv->is_bool)
		snprintf(buf, len, "%s", tv->value != 0 ? _("ON") : _("OFF"));
	else if (type != NULL && strcmp(type, "float32") == 0)
		snprintf(buf, len, "%.7g", tv->value);
	else
		snprintf(buf, len, "%.10g", tv->value);
}
