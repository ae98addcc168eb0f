/*
 * Formatting and parsing of values. Parsing happens here, before
 * anything is sent, so a typo gets a clear message instead of a round
 * trip; whether the value is in range is the server's call alone.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "i18n.h"
#include "value.h"

#define VALUE_DIGITS	6	/* significant digits shown */
#define VALUE_DECIMALS	4	/* at most, for small numbers */

int
value_is_bool(const struct mirror_tag *t)
{
	if (t->tv.is_bool)
		return 1;
	return t->type != NULL && (strcmp(t->type, "bool") == 0 ||
	    strcmp(t->type, "boolean") == 0 || strcmp(t->type, "coil") == 0 ||
	    strcmp(t->type, "discrete") == 0);
}

static void
value_trim_zeros(char *buf)
{
	char *dot = strpbrk(buf, ".,"), *end;

	if (dot == NULL || strpbrk(buf, "eE") != NULL)
		return;
	end = buf + strlen(buf) - 1;
	while (end > dot && *end == '0')
		*end-- = '\0';
	if (end == dot)
		*end = '\0';
}

/*
 * Whole numbers print whole; others get about six significant digits
 * with trailing zeros dropped, so float noise like 0.30000000000000004
 * shows as 0.3 and a level as 50.23. Huge and tiny values go to
 * exponent form rather than a wall of digits.
 */
void
value_format(double v, int is_bool, char *buf, size_t len)
{
	double a = fabs(v);
	int digits, decimals;

	if (isnan(v))
		snprintf(buf, len, "-");
	else if (is_bool)
		snprintf(buf, len, "%s", v != 0 ? _("ON") : _("OFF"));
	else if (isinf(v))
		snprintf(buf, len, "%s", v > 0 ? "inf" : "-inf");
	else if (a >= 1e9 || (a < 1e-4 && a != 0))
		snprintf(buf, len, "%.4e", v);
	else if (v == floor(v))
		snprintf(buf, len, "%.0f", v);
	else {
		digits = a < 1 ? 1 : (int)floor(log10(a)) + 1;
		decimals = VALUE_DIGITS - digits;
		if (decimals > VALUE_DECIMALS)
			decimals = VALUE_DECIMALS;
		if (decimals < 1)
			decimals = 1;
		snprintf(buf, len, "%.*f", decimals, v);
		value_trim_zeros(buf);
	}
}

void
value_format_json(json_t *o, char *buf, size_t len)
{
	if (json_is_boolean(o))
		value_format(json_is_true(o), 1, buf, len);
	else if (json_is_number(o))
		value_format(json_number_value(o), 0, buf, len);
	else
		snprintf(buf, len, "-");
}

/* HH:MM:SS in local time; "-" if the tag was never read. */
void
value_time(long long ts_ms, char *buf, size_t len)
{
	time_t t = (time_t)(ts_ms / 1000);
	struct tm tm;

	if (ts_ms <= 0 || localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%H:%M:%S", &tm) == 0)
		snprintf(buf, len, "-");
}

/* The hint in the write prompt: "0..100 %", "on/off" or the units. */
void
value_range(const struct mirror_tag *t, char *buf, size_t len)
{
	char lo[32], hi[32];
	const char *units = t->units != NULL ? t->units : "";

	if (value_is_bool(t))
		snprintf(buf, len, "%s", _("on/off"));
	else if (t->has_range) {
		value_format(t->min, 0, lo, sizeof lo);
		value_format(t->max, 0, hi, sizeof hi);
		snprintf(buf, len, "%s..%s%s%s", lo, hi, *units ? " " : "",
		    units);
	} else
		snprintf(buf, len, "%s", units);
}

static int
value_parse_bool(const char *s, json_t **out)
{
	static const char *const on[] = { "on", "1", "true", "yes", NULL };
	static const char *const off[] = { "off", "0", "false", "no", NULL };
	int i;

	for (i = 0; on[i] != NULL; i++)
		if (strcasecmp(s, on[i]) == 0) {
			*out = json_true();
			return 0;
		}
	for (i = 0; off[i] != NULL; i++)
		if (strcasecmp(s, off[i]) == 0) {
			*out = json_false();
			return 0;
		}
	/* The operator's own language, as offered in the prompt. */
	if (strcasecmp(s, _("on")) == 0) {
		*out = json_true();
		return 0;
	}
	if (strcasecmp(s, _("off")) == 0) {
		*out = json_false();
		return 0;
	}
	return -1;
}

/*
 * Turns what the operator typed into the JSON value to send, or returns
 * -1 with the reason in err. Leading and trailing blanks are forgiven,
 * anything else that is not a number (or on/off for a switch) is not.
 */
int
value_parse(const struct mirror_tag *t, const char *text, json_t **out,
    char *err, size_t errlen)
{
	char buf[128], *s, *end;
	size_t n;
	double v;

	*out = NULL;
	snprintf(buf, sizeof buf, "%s", text);
	for (s = buf; isspace((unsigned char)*s); s++)
		;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	if (*s == '\0') {
		snprintf(err, errlen, "%s", _("no value entered"));
		return -1;
	}
	if (t != NULL && strcmp(t->type, "string") == 0) {
		if ((*out = json_string(s)) != NULL)
			return 0;
		snprintf(err, errlen, "%s", _("not valid UTF-8"));
		return -1;
	}
	if (t != NULL && value_is_bool(t)) {
		if (value_parse_bool(s, out) == 0)
			return 0;
		snprintf(err, errlen, _("\"%s\" is not on or off (try on, off, "
		    "1, 0, true or false)"), s);
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || isnan(v)) {
		snprintf(err, errlen, _("\"%s\" is not a number"), s);
		return -1;
	}
	if (!isfinite(v) || errno == ERANGE) {
		snprintf(err, errlen, _("\"%s\" is too large or too small"),
		    s);
		return -1;
	}
	if (v == floor(v) && fabs(v) < 9.0e15)
		*out = json_integer((json_int_t)v);
	else
		*out = json_real(v);
	if (*out == NULL) {
		snprintf(err, errlen, "%s", _("out of memory"));
		return -1;
	}
	return 0;
}
