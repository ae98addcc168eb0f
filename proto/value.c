/*
 * One reading of values for every program. A screen shows a level as
 * 50.23, never as 50.229999542236328; a script reads every digit the
 * tag's type holds. Whatever an operator types is checked here, before
 * anything is sent, so a typo gets a clear message instead of a round
 * trip; whether a value is in range is the server's call alone.
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

#include "check.h"
#include "i18n.h"
#include "value.h"
#include "xmalloc.h"

#define VALUE_DIGITS	6	/* significant digits an operator sees */
#define VALUE_DECIMALS	4	/* at most, for small numbers */
#define VALUE_INPUT_MAX	256	/* longest text an operator types */

/* The words for a switch, in every program; the first of each is shown. */
static const struct {
	const char	*word;
	int		 on;
} value_words[] = {
	{ "on", 1 }, { "true", 1 }, { "yes", 1 }, { "1", 1 },
	{ "off", 0 }, { "false", 0 }, { "no", 0 }, { "0", 0 },
};

int
value_type_is_bool(const char *type)
{
	return type != NULL && strcmp(type, "bool") == 0;
}

int
value_type_is_string(const char *type)
{
	return type != NULL && strcmp(type, "string") == 0;
}

/*
 * Sets *on from a switch word, in any case: the English words, and the
 * operator's own words for on and off, as the screens show them.
 * Returns -1 if s is no such word.
 */
int
value_word(const char *s, int *on)
{
	size_t i;

	for (i = 0; i < sizeof value_words / sizeof *value_words; i++)
		if (strcasecmp(s, value_words[i].word) == 0) {
			*on = value_words[i].on;
			return 0;
		}
	if (strcasecmp(s, _("on")) == 0 || strcasecmp(s, value_bool_text(1)) ==
	    0) {
		*on = 1;
		return 0;
	}
	if (strcasecmp(s, _("off")) == 0 || strcasecmp(s, value_bool_text(0)) ==
	    0) {
		*on = 0;
		return 0;
	}
	return -1;
}

const char *
value_bool_text(int on)
{
	return on ? _("ON") : _("OFF");
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
 * About six significant digits with trailing zeros dropped, so float
 * noise like 0.30000000000000004 shows as 0.3; huge and tiny values in
 * exponent form rather than a wall of digits.
 */
static void
value_number_operator(double v, char *buf, size_t len)
{
	double a = fabs(v);
	int digits, decimals;

	if (a >= 1e9 || (a < 1e-4 && a != 0))
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

/*
 * Whole numbers in full, a float32 with the 7 digits it holds (47.3, not
 * 47.29999924), anything else with the 15 the wire carries.
 */
/* The shortest text that reads back as v: what a client sent, echoed. */
void
value_shortest(double v, char *buf, size_t len)
{
	snprintf(buf, len, "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, len, "%.17g", v);
}

static void
value_number_exact(double v, const char *type, char *buf, size_t len)
{
	if (v == floor(v) && fabs(v) < 9.2e18)
		snprintf(buf, len, "%.0f", v);
	else if (type != NULL && strcmp(type, "float32") == 0)
		snprintf(buf, len, "%.7g", v);
	else
		snprintf(buf, len, "%.15g", v);
}

/* A number of a tag of the given type ("bool" shows ON or OFF). */
void
value_number(double v, const char *type, enum value_style style, char *buf,
    size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (value_type_is_bool(type))
		snprintf(buf, len, "%s", value_bool_text(v != 0));
	else if (isinf(v))
		snprintf(buf, len, "%s", v > 0 ? "inf" : "-inf");
	else if (style == VALUE_EXACT)
		value_number_exact(v, type, buf, len);
	else
		value_number_operator(v, buf, len);
}

/* A tag's value; the type may be NULL, then the value says what it is. */
void
value_format(const struct tagval *tv, const char *type,
    enum value_style style, char *buf, size_t len)
{
	if (tv->is_string)
		snprintf(buf, len, "%s", tv->str);
	else
		value_number(tv->value, tv->is_bool ? "bool" : type, style,
		    buf, len);
}

/* A value as sent in a write: true, 42, 4.5 or "text". */
void
value_format_json(json_t *v, const char *type, enum value_style style,
    char *buf, size_t len)
{
	if (json_is_boolean(v))
		value_number(json_is_true(v), "bool", style, buf, len);
	else if (json_is_number(v))
		value_number(json_number_value(v), type, style, buf, len);
	else if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else
		snprintf(buf, len, "-");
}

/* Local time of a value; "-" if the tag was never read. */
void
value_time(long long ms, int flags, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	size_t n;

	if (ms <= 0 || localtime_r(&t, &tm) == NULL ||
	    (n = strftime(buf, len, flags & VALUE_TIME_DATE ?
	    "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm)) == 0) {
		snprintf(buf, len, "-");
		return;
	}
	if (flags & VALUE_TIME_MS)
		snprintf(buf + n, len - n, ".%03lld", ms % 1000);
}

/*
 * A time as ms since the epoch: "2026-12-03 17:30", "2026-12-03", or
 * an age: "90s", "15m", "2h", "7d". -1 if it is neither.
 */
long long
value_when(const char *s)
{
	static const char *const formats[] = { "%Y-%m-%d %H:%M:%S",
	    "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
	    "%Y-%m-%d" };
	struct tm tm;
	char *end;
	double n;
	size_t i;
	const char *rest;

	errno = 0;
	n = strtod(s, &end);
	if (end != s && errno == 0 && n >= 0 && strchr("smhd", *end) != NULL &&
	    *end != '\0' && end[1] == '\0')
		return tagval_now_ms() - (long long)(n * 1000 *
		    (*end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 :
		    86400));
	for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		memset(&tm, 0, sizeof tm);
		tm.tm_isdst = -1;
		if ((rest = strptime(s, formats[i], &tm)) != NULL &&
		    *rest == '\0')
			return (long long)mktime(&tm) * 1000;
	}
	return -1;
}

/* What a write prompt offers: "on/off", "5..95 %", or the units. */
void
value_range(const char *type, int has_range, double min, double max,
    const char *units, char *buf, size_t len)
{
	char lo[32], hi[32];

	if (units == NULL)
		units = "";
	if (value_type_is_bool(type))
		snprintf(buf, len, "%s", _("on/off"));
	else if (value_type_is_string(type))
		snprintf(buf, len, "%s", _("text"));
	else if (has_range) {
		value_number(min, type, VALUE_OPERATOR, lo, sizeof lo);
		value_number(max, type, VALUE_OPERATOR, hi, sizeof hi);
		snprintf(buf, len, "%s..%s%s%s", lo, hi, *units ? " " : "",
		    units);
	} else
		snprintf(buf, len, "%s", units);
}

static int
value_parse_number(const char *s, json_t **out, char *err, size_t errlen)
{
	char *end;
	double v;

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
	/* Whole numbers travel as integers, exactly as typed. */
	if (v == floor(v) && fabs(v) < 9.0e15)
		*out = json_integer((json_int_t)v);
	else
		*out = json_real(v);
	return 0;
}

/*
 * What an operator typed, as the JSON value to write to a tag of the
 * given type (NULL if unknown: a switch word or a number then), or -1
 * with the reason in err. A string tag takes the text as it is; for
 * the others, blanks around it are forgiven, anything else that is not
 * a number (or a switch word for a bool) is not.
 */
int
value_parse(const char *type, const char *text, json_t **out, char *err,
    size_t errlen)
{
	char buf[VALUE_INPUT_MAX], *s;
	size_t n;
	int on;

	*out = NULL;
	if (value_type_is_string(type)) {
		if ((*out = json_string(text)) != NULL)
			return 0;
		snprintf(err, errlen, "%s", _("not valid UTF-8"));
		return -1;
	}
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
	/* Untyped, "1" is a number: only a bool reads it as on. */
	if (value_word(s, &on) == 0 && (value_type_is_bool(type) ||
	    (type == NULL && !isdigit((unsigned char)*s)))) {
		*out = json_boolean(on);
		return 0;
	}
	if (value_type_is_bool(type)) {
		snprintf(err, errlen, _("\"%s\" is not on or off (try on, off, "
		    "1, 0, true or false)"), s);
		return -1;
	}
	return value_parse_number(s, out, err, errlen);
}

static void
value_selftest_parse(const char *type, const char *text, const char *want)
{
	char err[128], *got;
	json_t *v;

	if (value_parse(type, text, &v, err, sizeof err) == -1)
		got = xstrdup(err);
	else {
		got = json_dumps(v, JSON_ENCODE_ANY);
		json_decref(v);
	}
	CHECK_STR(got, want);
	free(got);
}

static void
value_selftest_number(double v, const char *type, enum value_style style,
    const char *want)
{
	char buf[64];

	value_number(v, type, style, buf, sizeof buf);
	CHECK_STR(buf, want);
}

void
value_selftest(void)
{
	int on = -1;

	value_selftest_number(0.30000000000000004, "float64", VALUE_OPERATOR,
	    "0.3");
	value_selftest_number(50.229999542236328, "float32", VALUE_OPERATOR,
	    "50.23");
	value_selftest_number(47.29999924, "float32", VALUE_EXACT, "47.3");
	value_selftest_number(3.14159265358979, "float64", VALUE_EXACT,
	    "3.14159265358979");
	value_selftest_number(9007199254740993.0, "uint64", VALUE_EXACT,
	    "9007199254740992");
	value_selftest_number(42, "uint16", VALUE_OPERATOR, "42");
	value_selftest_number(1e12, "float64", VALUE_OPERATOR, "1.0000e+12");
	value_selftest_number(NAN, "float64", VALUE_EXACT, "-");
	value_selftest_number(1, "bool", VALUE_EXACT, "ON");
	value_selftest_number(0, "bool", VALUE_OPERATOR, "OFF");
	value_selftest_parse("uint16", " 42 ", "42");
	value_selftest_parse("float32", "4.5", "4.5");
	value_selftest_parse("float32", "4x2", "\"4x2\" is not a number");
	value_selftest_parse("float32", "1e999",
	    "\"1e999\" is too large or too small");
	value_selftest_parse("float32", "  ", "no value entered");
	value_selftest_parse("bool", "Yes", "true");
	value_selftest_parse("bool", "OFF", "false");
	value_selftest_parse("bool", "0", "false");
	value_selftest_parse("bool", "2", "\"2\" is not on or off (try on, "
	    "off, 1, 0, true or false)");
	value_selftest_parse("string", " 42 ", "\" 42 \"");
	value_selftest_parse(NULL, "on", "true");
	value_selftest_parse(NULL, "7", "7");
	value_selftest_parse(NULL, "1", "1");
	CHECK(value_word("TRUE", &on) == 0 && on == 1);
	CHECK(value_word("maybe", &on) == -1);
}
