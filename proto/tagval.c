/*
 * Tag values on the wire. One encoder and one decoder serve the server,
 * every client and the fuzz target, so they cannot drift apart.
 */
#include "config.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "msg.h"
#include "tagval.h"
#include "xmalloc.h"

#define TAGVAL_REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD in UTF-8 */

enum tagval_kind {
	TAGVAL_KIND_NULL,
	TAGVAL_KIND_BOOL,
	TAGVAL_KIND_INTEGER,
	TAGVAL_KIND_REAL,
	TAGVAL_KIND_STRING
};

static const char *const tagval_quality_names[] = {
	[QUALITY_GOOD] = "good",
	[QUALITY_UNCERTAIN] = "uncertain",
	[QUALITY_BAD] = "bad",
};

const char *
tagval_quality_name(enum quality q)
{
	if ((unsigned)q > QUALITY_BAD)
		return "bad";
	return tagval_quality_names[q];
}

int
tagval_quality_from_name(const char *name, enum quality *q)
{
	unsigned i;

	for (i = 0; name != NULL && i <= QUALITY_BAD; i++) {
		if (strcmp(tagval_quality_names[i], name) == 0) {
			*q = i;
			return 0;
		}
	}
	return -1;
}

/*
 * At 15 digits, reals within about 5e292 of DBL_MAX would print as
 * 1.79769313486232e308, which no decoder can hold (jansson refuses the
 * whole message): they travel as the largest 15-digit value below it.
 */
#define TAGVAL_REAL_MAX		1.79769313486231e308

static double
tagval_wire_real(double v)
{
	return fabs(v) > TAGVAL_REAL_MAX ? copysign(TAGVAL_REAL_MAX, v) : v;
}

/*
 * What a value travels as. The direct encoder and the jansson path both
 * ask here, so they cannot disagree on integer versus real.
 */
static enum tagval_kind
tagval_kind(const struct tagval *tv)
{
	if (tv->is_string)
		return tv->quality == QUALITY_BAD && tv->str[0] == '\0' ?
		    TAGVAL_KIND_NULL : TAGVAL_KIND_STRING;
	if (tv->is_bool)
		return TAGVAL_KIND_BOOL;
	if (tv->value == floor(tv->value) && fabs(tv->value) < 9.2e18)
		return TAGVAL_KIND_INTEGER;	/* exact */
	if (isfinite(tv->value))
		return TAGVAL_KIND_REAL;
	return TAGVAL_KIND_NULL;
}

/*
 * The length of the well-formed UTF-8 sequence at s, or 0 if there is
 * none there; *bad is then the length of its maximal subpart, the bytes
 * one U+FFFD replaces (Unicode's recommended practice, as Python's
 * "replace" and every browser do). A NUL ends any sequence.
 */
static size_t
tagval_utf8_seq(const unsigned char *s, size_t *bad)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t i, n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		*bad = 1;
		return 0;
	}
	for (i = 1; i < n; i++) {
		if (s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return n;
}

/*
 * json_string() refuses invalid UTF-8, which would lose the whole
 * update; a stray byte (a cut PLC or locale string) becomes U+FFFD
 * instead, exactly as in tagval_encode().
 */
static json_t *
tagval_json_string(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n, bad;
	char *clean, *d;
	json_t *v;

	if ((v = json_string(s)) != NULL || s == NULL)
		return v;
	clean = xmalloc(3 * strlen(s) + 1);
	for (d = clean; *u != '\0'; ) {
		if ((n = tagval_utf8_seq(u, &bad)) > 0) {
			memcpy(d, u, n);
			d += n;
			u += n;
		} else {
			memcpy(d, TAGVAL_REPLACEMENT, 3);
			d += 3;
			u += bad;
		}
	}
	*d = '\0';
	v = json_string(clean);
	free(clean);
	return v;
}

json_t *
tagval_to_json(const char *name, const struct tagval *tv)
{
	json_t *o, *v;

	switch (tagval_kind(tv)) {
	case TAGVAL_KIND_STRING:
		v = tagval_json_string(tv->str);
		break;
	case TAGVAL_KIND_BOOL:
		v = json_boolean(tv->value != 0);
		break;
	case TAGVAL_KIND_INTEGER:
		v = json_integer((json_int_t)tv->value);
		break;
	case TAGVAL_KIND_REAL:
		v = json_real(tagval_wire_real(tv->value));
		break;
	default:
		v = json_null();
		break;
	}
	o = json_pack("{s:o, s:o, s:s, s:I}", "name", tagval_json_string(name),
	    "value", v, "quality", tagval_quality_name(tv->quality), "ts",
	    (json_int_t)tv->ts_ms);
	if (o != NULL && tv->quality != QUALITY_GOOD && tv->reason[0] != '\0')
		json_object_set_new(o, "reason",
		    tagval_json_string(tv->reason));
	return o;
}

/*
 * The direct encoder's output: it writes while there is room and
 * remembers when there was not, so the caller checks once at the end.
 */
struct tagval_out {
	char	*p;
	char	*end;		/* keeps one byte for the NUL */
	int	 full;
};

static void
tagval_put(struct tagval_out *o, const void *s, size_t n)
{
	if ((size_t)(o->end - o->p) < n) {
		o->full = 1;
		o->p = o->end;
		return;
	}
	memcpy(o->p, s, n);
	o->p += n;
}

#define tagval_put_lit(o, lit)	tagval_put((o), (lit), sizeof (lit) - 1)

/* "00" to "99": two digits a division, the hot loop of every number. */
static const char tagval_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

/* Writes u's digits to end at d; returns where they start. */
static char *
tagval_digits(char *d, unsigned long long u)
{
	while (u >= 100) {
		d -= 2;
		memcpy(d, &tagval_pairs[u % 100 * 2], 2);
		u /= 100;
	}
	if (u >= 10) {
		d -= 2;
		memcpy(d, &tagval_pairs[u * 2], 2);
	} else
		*--d = (char)('0' + u);
	return d;
}

static void
tagval_put_int(struct tagval_out *o, long long v)
{
	char tmp[24], *d;
	unsigned long long u = v < 0 ? -(unsigned long long)v :
	    (unsigned long long)v;

	d = tagval_digits(tmp + sizeof tmp, u);
	if (v < 0)
		*--d = '-';
	tagval_put(o, d, (size_t)(tmp + sizeof tmp - d));
}

/*
 * A real as jansson dumps it with MSG_DUMP_FLAGS' JSON_REAL_PRECISION(15):
 * "%.15g"; a '.' whatever LC_NUMERIC says; ".0" after anything that
 * would read back as an integer; no '+' and no leading zeros in the
 * exponent.
 */
static void
tagval_put_real_printf(struct tagval_out *o, double v)
{
	char tmp[64], out[64], *d = out;
	int n, i, dot = 0, exp = 0;

	n = snprintf(tmp, sizeof tmp, "%.15g", v);
	for (i = 0; i < n && n < (int)sizeof tmp; i++) {
		if ((tmp[i] >= '0' && tmp[i] <= '9') || tmp[i] == '-')
			*d++ = tmp[i];
		else if (tmp[i] == 'e') {
			*d++ = 'e';
			exp = 1;
			if (tmp[i + 1] == '-')
				*d++ = tmp[++i];
			else if (tmp[i + 1] == '+')
				i++;
			while (tmp[i + 1] == '0' && tmp[i + 2] != '\0')
				i++;
		} else if (tmp[i] != '+' && !dot) {
			*d++ = '.';	/* the locale's point, of any length */
			dot = 1;
		}
	}
	if (!dot && !exp) {
		*d++ = '.';
		*d++ = '0';
	}
	tagval_put(o, out, (size_t)(d - out));
}

/*
 * The same for 1e-4 <= |v| < 1e15, where "%.15g" writes no exponent,
 * without printf, which works out the exact decimal expansion and so
 * costs more than all the rest of a publication. With 10^e <= |v| <
 * 10^(e+1), the product |v| * 10^(14-e) lies in [10^14, 10^15); 10^(14-e)
 * is exact, rounding the product to a double is monotonic, and every
 * k + 0.5 there is a double, so the computed product rounds to the
 * right 15-digit integer unless it landed on k + 0.5 itself (a tie,
 * which printf rounds to even, or near one). Returns -1 then and
 * outside the range, for printf to do it.
 */
static int
tagval_put_real_fast(struct tagval_out *o, double v)
{
	/* Each of 1e-4..1e-1 rounds up, so a < p10[k] iff a < 10^(k-4). */
	static const double p10[] = { 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1,
	    1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
	    1e14, 1e15, 1e16, 1e17, 1e18 };
	char dig[15], out[40], *d = out;
	double a = fabs(v), x, frac;
	unsigned long long r;
	uint64_t bits;
	int e, i, last;

	if (!(a >= 1e-4 && a < 1e15))
		return -1;
	/* log10(2) is about 1233 / 4096: e from the binary exponent. */
	memcpy(&bits, &a, sizeof bits);
	e = ((int)((bits >> 52) & 0x7ff) - 1023) * 1233 >> 12;
	if (e < -4)
		e = -4;
	if (e > 14)
		e = 14;
	while (e < 14 && a >= p10[e + 5])
		e++;
	while (e > -4 && a < p10[e + 4])
		e--;
	x = a * p10[14 - e + 4];
	r = (unsigned long long)x;
	frac = x - (double)r;		/* exact */
	if (frac == 0.5)
		return -1;
	if (frac > 0.5 && ++r == 1000000000000000ULL) {
		r /= 10;		/* 9.99...95 became 10.0... */
		if (++e == 15)
			return -1;	/* that takes an exponent */
	}
	tagval_digits(dig + sizeof dig, r);	/* always 15 digits */
	for (last = 14; last > e && dig[last] == '0'; last--)
		;
	if (v < 0)
		*d++ = '-';
	if (e < 0) {
		*d++ = '0';
		*d++ = '.';
		for (i = e + 1; i < 0; i++)
			*d++ = '0';
		memcpy(d, dig, (size_t)last + 1);
		d += last + 1;
	} else {
		memcpy(d, dig, (size_t)e + 1);
		d += e + 1;
		*d++ = '.';
		if (last == e)
			*d++ = '0';	/* jansson's ".0" */
		else {
			memcpy(d, dig + e + 1, (size_t)(last - e));
			d += last - e;
		}
	}
	tagval_put(o, out, (size_t)(d - out));
	return 0;
}

/*
 * Most plant values are scaled integers: a level of 52.37 %, a flow of
 * 12.5 m3/h. When v is the double nearest k / 10^4 for an integer k
 * (the division is correctly rounded, so that is the test), v lies
 * within half an ulp of that decimal, far less than "%.15g" resolves
 * below 1e10, and k's digits with the point put back are the very text
 * printf writes. Returns -1 for any other value.
 */
static int
tagval_put_real_decimal(struct tagval_out *o, double v)
{
	char tmp[32], *end = tmp + sizeof tmp, *d;
	double a = fabs(v);
	unsigned long long k;
	int frac = 4;

	if (!(a >= 1e-4 && a < 1e10))
		return -1;
	k = (unsigned long long)(a * 1e4 + 0.5);
	if ((double)k / 1e4 != a)
		return -1;
	while (k % 10 == 0) {		/* not all: v is no integer */
		k /= 10;
		frac--;
	}
	d = tagval_digits(end, k);
	while (end - d <= frac)
		*--d = '0';		/* 0.05: the integer part's 0 */
	memmove(d - 1, d, (size_t)(end - d - frac));
	d--;
	end[-frac - 1] = '.';
	if (v < 0)
		*--d = '-';
	tagval_put(o, d, (size_t)(end - d));
	return 0;
}

static void
tagval_put_real(struct tagval_out *o, double v)
{
	if (tagval_put_real_decimal(o, v) == -1 &&
	    tagval_put_real_fast(o, v) == -1)
		tagval_put_real_printf(o, v);
}

/*
 * The updates of one scan share their time: its text is kept, per
 * thread, and written again as long as it is the same.
 */
static void
tagval_put_ts(struct tagval_out *o, long long ts)
{
	static __thread long long last = -1;
	static __thread char text[24];
	static __thread size_t len;
	struct tagval_out t;

	if (ts != last || len == 0) {
		t.p = text;
		t.end = text + sizeof text - 1;
		t.full = 0;
		tagval_put_int(&t, ts);
		len = (size_t)(t.p - text);
		last = ts;
	}
	tagval_put(o, text, len);
}

static void
tagval_put_escape(struct tagval_out *o, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char u[6] = { '\\', 'u', '0', '0' };

	switch (c) {
	case '"':
		tagval_put_lit(o, "\\\"");
		break;
	case '\\':
		tagval_put_lit(o, "\\\\");
		break;
	case '\b':
		tagval_put_lit(o, "\\b");
		break;
	case '\f':
		tagval_put_lit(o, "\\f");
		break;
	case '\n':
		tagval_put_lit(o, "\\n");
		break;
	case '\r':
		tagval_put_lit(o, "\\r");
		break;
	case '\t':
		tagval_put_lit(o, "\\t");
		break;
	default:
		u[4] = hex[c >> 4];
		u[5] = hex[c & 0xf];
		tagval_put(o, u, sizeof u);
		break;
	}
}

/* Bytes a JSON string takes as they are: printable ASCII, no " or \. */
#define TAGVAL_PLAIN(c)	((c) >= 0x20 && (c) < 0x80 && (c) != '"' && \
			    (c) != '\\')
#define TAGVAL_PLAIN4(c)	TAGVAL_PLAIN(c), TAGVAL_PLAIN((c) + 1), \
			    TAGVAL_PLAIN((c) + 2), TAGVAL_PLAIN((c) + 3)
#define TAGVAL_PLAIN16(c)	TAGVAL_PLAIN4(c), TAGVAL_PLAIN4((c) + 4), \
			    TAGVAL_PLAIN4((c) + 8), TAGVAL_PLAIN4((c) + 12)

static const unsigned char tagval_plain[256] = {
	TAGVAL_PLAIN16(0), TAGVAL_PLAIN16(16), TAGVAL_PLAIN16(32),
	TAGVAL_PLAIN16(48), TAGVAL_PLAIN16(64), TAGVAL_PLAIN16(80),
	TAGVAL_PLAIN16(96), TAGVAL_PLAIN16(112),
};

/* A JSON string as jansson dumps it, invalid UTF-8 replaced. */
static void
tagval_put_string(struct tagval_out *o, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n, bad;

	tagval_put_lit(o, "\"");
	for (;;) {
		for (n = 0; tagval_plain[u[n]]; n++)
			;
		tagval_put(o, u, n);
		u += n;
		if (*u == '\0')
			break;
		if (*u < 0x80)
			tagval_put_escape(o, *u++);
		else if ((n = tagval_utf8_seq(u, &bad)) > 0) {
			tagval_put(o, u, n);
			u += n;
		} else {
			tagval_put_lit(o, TAGVAL_REPLACEMENT);
			u += bad;
		}
	}
	tagval_put_lit(o, "\"");
}

static void
tagval_put_value(struct tagval_out *o, const struct tagval *tv)
{
	switch (tagval_kind(tv)) {
	case TAGVAL_KIND_STRING:
		tagval_put_string(o, tv->str);
		break;
	case TAGVAL_KIND_BOOL:
		if (tv->value != 0)
			tagval_put_lit(o, "true");
		else
			tagval_put_lit(o, "false");
		break;
	case TAGVAL_KIND_INTEGER:
		tagval_put_int(o, (long long)tv->value);
		break;
	case TAGVAL_KIND_REAL:
		tagval_put_real(o, tagval_wire_real(tv->value));
		break;
	default:
		tagval_put_lit(o, "null");
		break;
	}
}

/*
 * A tag value written straight into buf: the very bytes
 * json_dumps(MSG_DUMP_FLAGS) makes of tagval_to_json(), members in the
 * same order, without building a tree (the tree cost ten times the rest
 * of a publication). Returns the length, buf then NUL-terminated, or -1
 * if it does not fit in len bytes.
 */
int
tagval_encode(const char *name, const struct tagval *tv, char *buf,
    size_t len)
{
	struct tagval_out o;
	const char *q = tagval_quality_name(tv->quality);

	if (len == 0 || len > INT_MAX)
		return -1;
	o.p = buf;
	o.end = buf + len - 1;
	o.full = 0;
	tagval_put_lit(&o, "{\"name\":");
	tagval_put_string(&o, name);
	tagval_put_lit(&o, ",\"value\":");
	tagval_put_value(&o, tv);
	tagval_put_lit(&o, ",\"quality\":\"");
	tagval_put(&o, q, strlen(q));
	tagval_put_lit(&o, "\",\"ts\":");
	tagval_put_ts(&o, tv->ts_ms);
	if (tv->quality != QUALITY_GOOD && tv->reason[0] != '\0') {
		tagval_put_lit(&o, ",\"reason\":");
		tagval_put_string(&o, tv->reason);
	}
	tagval_put_lit(&o, "}");
	if (o.full)
		return -1;
	*o.p = '\0';
	return (int)(o.p - buf);
}

/* Cuts a decoded string that is too long between two characters. */
static void
tagval_copy_text(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len) {
		n = len - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Returns -1 on any malformed field; *tv is then unspecified. */
int
tagval_from_json(json_t *o, const char **name, struct tagval *tv)
{
	json_t *v, *q, *ts, *reason;

	memset(tv, 0, sizeof *tv);
	if (!json_is_object(o))
		return -1;
	*name = json_string_value(json_object_get(o, "name"));
	v = json_object_get(o, "value");
	q = json_object_get(o, "quality");
	ts = json_object_get(o, "ts");
	if (*name == NULL || v == NULL || !json_is_string(q) ||
	    !json_is_integer(ts))
		return -1;
	if (json_is_boolean(v)) {
		tv->is_bool = 1;
		tv->value = json_is_true(v);
	} else if (json_is_string(v)) {
		tv->is_string = 1;
		tv->value = NAN;
		tagval_copy_text(tv->str, sizeof tv->str,
		    json_string_value(v));
	} else if (json_is_number(v))
		tv->value = json_number_value(v);
	else if (json_is_null(v))
		tv->value = NAN;
	else
		return -1;
	if (tagval_quality_from_name(json_string_value(q), &tv->quality) == -1)
		return -1;
	tv->ts_ms = json_integer_value(ts);
	reason = json_object_get(o, "reason");
	if (json_is_string(reason))
		tagval_copy_text(tv->reason, sizeof tv->reason,
		    json_string_value(reason));
	return 0;
}

/* Same value and quality; the timestamp alone is no reason to publish. */
int
tagval_same(const struct tagval *a, const struct tagval *b)
{
	if (a->quality != b->quality || a->is_bool != b->is_bool ||
	    a->is_string != b->is_string)
		return 0;
	if (a->quality != QUALITY_GOOD && strcmp(a->reason, b->reason) != 0)
		return 0;
	if (a->is_string)
		return strcmp(a->str, b->str) == 0;
	if (isnan(a->value) || isnan(b->value))
		return isnan(a->value) && isnan(b->value);
	return a->value == b->value;
}

long long
tagval_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* xorshift64*: the same cases on every run, so a failure reproduces. */
static uint64_t
tagval_selftest_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/*
 * One case: the direct encoder must write the very text jansson dumps,
 * both must parse back to equal trees, and the encoder must refuse any
 * buffer one byte too short. A difference aborts with both texts,
 * whatever NDEBUG says.
 */
static void
tagval_selftest_same(const char *name, const struct tagval *tv,
    int every_len)
{
	char buf[4096], small[4096], *ref = NULL;
	const char *why = NULL;
	json_t *o, *a = NULL, *b = NULL;
	json_error_t err;
	int n, k;

	o = tagval_to_json(name, tv);
	if (o != NULL)
		ref = json_dumps(o, MSG_DUMP_FLAGS);
	n = tagval_encode(name, tv, buf, sizeof buf);
	if (ref == NULL)
		why = "the jansson path failed";
	else if (n == -1)
		why = "the encoder found no room";
	else if ((size_t)n != strlen(buf))
		why = "wrong length";
	else if (strcmp(ref, buf) != 0)
		why = "different text";
	else if ((a = json_loads(ref, JSON_REJECT_DUPLICATES, &err)) == NULL)
		why = "not valid JSON";
	else if ((b = json_loads(buf, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		why = "does not parse back";
	else if (!json_equal(a, b))
		why = "different values";
	for (k = every_len ? 0 : n; why == NULL && k <= n; k++)
		if (tagval_encode(name, tv, small, (size_t)k) != -1)
			why = "fits a buffer too short";
	if (why == NULL && (tagval_encode(name, tv, small,
	    (size_t)n + 1) != n || memcmp(small, buf, (size_t)n + 1) != 0))
		why = "does not fit its own length";
	if (why != NULL) {
		fprintf(stderr, "tagval_encode: %s (value %.17g)\n"
		    "  jansson: %s\n  encoder: %s\n", why, tv->value,
		    ref != NULL ? ref : "-", n != -1 ? buf : "-");
		abort();
	}
	json_decref(a);
	json_decref(b);
	json_decref(o);
	free(ref);
}

/* The encoder alone, against text written out by hand. */
static void
tagval_selftest_expect(const char *name, const struct tagval *tv,
    const char *want)
{
	char buf[512];

	if (tagval_encode(name, tv, buf, sizeof buf) == -1 ||
	    strcmp(buf, want) != 0) {
		fprintf(stderr, "tagval_encode: want %s\n  got %s\n", want,
		    buf);
		abort();
	}
}

static const char *const tagval_selftest_texts[] = {
	"", "t1", "area01.ai001.pv", "quo\"te", "back\\slash", "sl/ash",
	"\b\f\n\r\t", "\x01\x02\x1b\x1f", "del\x7f", "caf\xc3\xa9",
	"\xe2\x82\xac 5", "\xf0\x9f\x98\x80", "\xef\xbf\xbd",
	"\xf4\x8f\xbf\xbf",			/* U+10FFFF */
	"a\xff" "b", "\x80", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\x80",
	"\xe0\x9f\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x8f\xbf\xbf",
	"\xf4\x90\x80\x80", "\xf5\x80", "\xf0\x9f\x98", "\xe2\x82",
	"\xc3", "x\xe2\x82y\xf0\x9f",
	"comm failure: Connection reset by peer",
};

static const double tagval_selftest_values[] = {
	0, -0.0, 1, -1, 0.1, -0.1, 0.5, 52.5, 53.2, 1.0 / 3, 2.0 / 3,
	0.30000000000000004, 1e-4, 1.234e-4, 1e-5, 1e-7, 5e-324,
	2.2250738585072014e-308,
	1.7976931348623157e308, -1.7976931348623157e308, 1e14 + 0.5,
	1e15 + 0.5, 123456789012345.6, 99999999999999.99, 999999999999999.9,
	9007199254740991.0, 9007199254740992.0, 9007199254740994.0,
	-9007199254740992.0, 9.2e18, 9199999999999998976.0,
	9200000000000001024.0, -9.2e18, -9199999999999998976.0,
	9223372036854775807.0, -9223372036854775808.0, 1e19, 1e21, 1e22,
	1e100, -1e-100, 4.35, 65535, -32768, 4294967295.0,
	/* the decimal fast path: scaled integers, and next to its edges */
	0.05, -12.5, 0.0001, -0.0123, 1234.5678, 9999999999.9999,
	9999999999.99999, 1e10 - 0.5, 0.00015, 0.123456789,
	3.4028234663852886e38,
	NAN, -NAN, INFINITY, -INFINITY,
};

/* Every fixed value and text, in every role and quality. */
static void
tagval_selftest_fixed(void)
{
	const size_t nv = sizeof tagval_selftest_values /
	    sizeof *tagval_selftest_values;
	const size_t nt = sizeof tagval_selftest_texts /
	    sizeof *tagval_selftest_texts;
	static const long long ts[] = { 0, 1795328211161LL, -1, LLONG_MIN,
	    LLONG_MAX };
	struct tagval tv;
	size_t i, q;

	for (i = 0; i < nv * 3 * 3; i++) {
		memset(&tv, 0, sizeof tv);
		tv.value = tagval_selftest_values[i % nv];
		tv.is_bool = i / nv % 3 == 1;
		tv.quality = (enum quality)(i / nv / 3);
		tv.ts_ms = ts[i % 5];
		snprintf(tv.reason, sizeof tv.reason, "%s",
		    tagval_selftest_texts[i % nt]);
		tagval_selftest_same(tagval_selftest_texts[i % nt], &tv, 1);
	}
	for (i = 0; i < nt; i++)
		for (q = QUALITY_GOOD; q <= QUALITY_BAD; q++) {
			memset(&tv, 0, sizeof tv);
			tv.is_string = 1;
			tv.quality = (enum quality)q;
			snprintf(tv.str, sizeof tv.str, "%s",
			    tagval_selftest_texts[i]);
			snprintf(tv.reason, sizeof tv.reason, "%s",
			    tagval_selftest_texts[nt - 1 - i]);
			tagval_selftest_same(tagval_selftest_texts[i], &tv, 1);
		}
}

/*
 * Doubles of every kind: any bit pattern, the edges, plant-like
 * decimals. Built from bits, so the library needs nothing from libm.
 */
static double
tagval_selftest_double(uint64_t *s)
{
	static const double p10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
	    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17 };
	uint64_t r = tagval_selftest_rand(s), bits = tagval_selftest_rand(s);
	double v;

	switch (r % 8) {
	case 0:
		break;				/* NaN, Inf, subnormals too */
	case 1:
		return (double)(int64_t)bits / p10[r / 8 % 18];
	case 2:
		return 9007199254740992.0 + (double)((int64_t)(bits % 64) - 32);
	case 3:
		v = r & 8 ? 9.2e18 : -9.2e18;	/* and its neighbours */
		memcpy(&bits, &v, sizeof bits);
		bits += (r / 16 % 16) - 8;
		break;
	case 4:
		v = (double)(bits % (uint64_t)p10[r / 8 % 18]) /
		    p10[r / 256 % 12];
		return r & 1024 ? -v : v;
	case 5:
		return (double)(bits % 10000) / 100.0;
	case 6:					/* 1e-18 to 1e18 */
		bits = (bits & 0x800fffffffffffffULL) |
		    (uint64_t)(1023 - 60 + r / 8 % 120) << 52;
		break;
	default:
		return 1.0 / (double)((int64_t)bits >> (r / 8 % 64) | 1);
	}
	memcpy(&v, &bits, sizeof v);
	return v;
}

/* Text of every kind, valid or not, up to len - 1 bytes. */
static void
tagval_selftest_text(uint64_t *s, char *buf, size_t len)
{
	const size_t nt = sizeof tagval_selftest_texts /
	    sizeof *tagval_selftest_texts;
	size_t used = 0, want = tagval_selftest_rand(s) % len, n;
	uint64_t r;
	const char *piece;
	char byte[2] = { 0 };

	while (used < want) {
		r = tagval_selftest_rand(s);
		if (r % 4 == 0) {
			byte[0] = (char)(r / 4 % 255 + 1);
			piece = byte;
		} else
			piece = tagval_selftest_texts[r / 4 % nt];
		n = strlen(piece);
		if (used + n >= len)
			break;
		memcpy(buf + used, piece, n);
		used += n;
	}
	buf[used] = '\0';
}

static void
tagval_selftest_random(void)
{
	uint64_t s = 0x5ca1ab1e5eedULL, r;
	struct tagval tv;
	char name[80];
	int i;

	for (i = 0; i < 20000; i++) {
		memset(&tv, 0, sizeof tv);
		r = tagval_selftest_rand(&s);
		tv.value = tagval_selftest_double(&s);
		tv.is_bool = r % 8 == 0;
		tv.is_string = r % 8 == 1;
		if (tv.is_string)
			tagval_selftest_text(&s, tv.str, sizeof tv.str);
		tv.quality = (enum quality)(r / 8 % 3);
		if (r & 32)
			tagval_selftest_text(&s, tv.reason, sizeof tv.reason);
		tv.ts_ms = (long long)(tagval_selftest_rand(&s) >> (r / 64 %
		    64));
		tagval_selftest_text(&s, name, sizeof name);
		tagval_selftest_same(name, &tv, 0);
	}
}

/* Reals alone, many more of them: the fast path against jansson. */
static void
tagval_selftest_reals(void)
{
	uint64_t s = 0xdec1a1ULL;
	char buf[64], *ref;
	struct tagval_out o;
	struct tagval tv = { .value = 0 };
	json_t *j;
	double v;
	int i;

	for (i = 0; i < 200000; i++) {
		v = tv.value = tagval_selftest_double(&s);
		if (tagval_kind(&tv) != TAGVAL_KIND_REAL ||
		    (j = json_real(v)) == NULL)
			continue;
		o.p = buf;
		o.end = buf + sizeof buf - 1;
		o.full = 0;
		tagval_put_real(&o, v);
		*o.p = '\0';
		ref = json_dumps(j, MSG_DUMP_FLAGS | JSON_ENCODE_ANY);
		if (ref == NULL || strcmp(ref, buf) != 0) {
			fprintf(stderr, "tagval_put_real: %.17g is %s, jansson "
			    "says %s\n", v, buf, ref != NULL ? ref : "-");
			abort();
		}
		free(ref);
		json_decref(j);
	}
}

/* With a comma as decimal point, jansson and we still write a '.'. */
static void
tagval_selftest_locale(void)
{
	struct tagval tv = { .value = 52.5, .ts_ms = 1 };
	char *old = xstrdup(setlocale(LC_NUMERIC, NULL));
	size_t i;

	if (setlocale(LC_NUMERIC, "de_DE.UTF-8") == NULL) {
		free(old);
		return;
	}
	tagval_selftest_expect("t", &tv, "{\"name\":\"t\",\"value\":52.5,"
	    "\"quality\":\"good\",\"ts\":1}");
	for (i = 0; i < sizeof tagval_selftest_values /
	    sizeof *tagval_selftest_values; i++) {
		tv.value = tagval_selftest_values[i];
		tagval_selftest_same("t", &tv, 0);
	}
	setlocale(LC_NUMERIC, old);
	free(old);
}

/* The direct encoder: exact text, hand-checked and against jansson. */
static void
tagval_selftest_encode(void)
{
	struct tagval tv = { .value = 52.5, .ts_ms = 1000 };
	static char longname[3000], buf[2048];

	tagval_selftest_expect("t1", &tv, "{\"name\":\"t1\",\"value\":52.5,"
	    "\"quality\":\"good\",\"ts\":1000}");
	tv.value = 1e21;
	tv.quality = QUALITY_BAD;
	snprintf(tv.reason, sizeof tv.reason, "comm \"x\"\n\xff!");
	tagval_selftest_expect("a\xc3\xa9\x01", &tv, "{\"name\":\"a\xc3\xa9"
	    "\\u0001\",\"value\":1e21,\"quality\":\"bad\",\"ts\":1000,"
	    "\"reason\":\"comm \\\"x\\\"\\n\xef\xbf\xbd!\"}");
	tv.value = 1e14 + 0.5;
	tv.quality = QUALITY_GOOD;
	tagval_selftest_expect("t", &tv, "{\"name\":\"t\",\"value\":"
	    "100000000000000.0,\"quality\":\"good\",\"ts\":1000}");
	tv.value = -0.0;
	tagval_selftest_expect("t", &tv, "{\"name\":\"t\",\"value\":0,"
	    "\"quality\":\"good\",\"ts\":1000}");
	tv.value = 1.5e-7;
	tagval_selftest_expect("t", &tv, "{\"name\":\"t\",\"value\":1.5e-7,"
	    "\"quality\":\"good\",\"ts\":1000}");
	tv.value = NAN;
	tagval_selftest_expect("\xe0\x80\x80", &tv, "{\"name\":\"\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\",\"value\":null,\"quality\":\"good\","
	    "\"ts\":1000}");
	/* One U+FFFD per maximal subpart, as Python's "replace" has it. */
	tagval_selftest_expect("x\xe2\x82y\xf0\x9f\x98\xed\xa0\x80\xc0\xaf",
	    &tv,
	    "{\"name\":\"x\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\",\"value\":null,"
	    "\"quality\":\"good\",\"ts\":1000}");
	memset(longname, 'x', sizeof longname - 1);
	tagval_selftest_same(longname, &tv, 0);
	if (tagval_encode(longname, &tv, buf, sizeof buf) != -1)
		abort();
	tagval_selftest_fixed();
	tagval_selftest_random();
	tagval_selftest_reals();
	tagval_selftest_locale();
}

void
tagval_selftest(void)
{
	struct tagval tv = { .value = 52.5, .quality = QUALITY_GOOD,
	    .ts_ms = 1000 }, back;
	const char *name;
	char euros[3 * 48 + 1];
	json_t *o;
	int i;

	o = tagval_to_json("t1", &tv);
	CHECK(tagval_from_json(o, &name, &back) == 0);
	CHECK(strcmp(name, "t1") == 0 && tagval_same(&tv, &back));
	json_decref(o);
	tv.is_bool = 1;
	tv.value = 1;
	tv.quality = QUALITY_BAD;
	snprintf(tv.reason, sizeof tv.reason, "comm failure");
	o = tagval_to_json("t2", &tv);
	CHECK(json_is_true(json_object_get(o, "value")));
	CHECK(tagval_from_json(o, &name, &back) == 0);
	CHECK(back.is_bool && back.quality == QUALITY_BAD);
	CHECK(strcmp(back.reason, "comm failure") == 0);
	json_object_set_new(o, "quality", json_string("excellent"));
	CHECK(tagval_from_json(o, &name, &back) == -1);
	json_decref(o);
	CHECK(tagval_from_json(json_null(), &name, &back) == -1);

	memset(&tv, 0, sizeof tv);
	tv.is_string = 1;
	snprintf(tv.str, sizeof tv.str, "PUMP-7");
	o = tagval_to_json("t3", &tv);
	CHECK(strcmp(json_string_value(json_object_get(o, "value")),
	    "PUMP-7") == 0);
	CHECK(tagval_from_json(o, &name, &back) == 0);
	CHECK(back.is_string && tagval_same(&tv, &back));
	json_decref(o);
	back.str[0] = 'L';
	CHECK(!tagval_same(&tv, &back));

	/* A decoded string cut to fit is cut between characters. */
	for (i = 0; i < 48; i++)		/* 144 bytes */
		memcpy(euros + 3 * i, "\xe2\x82\xac", 3);
	euros[3 * i] = '\0';
	o = json_pack("{s:s, s:s, s:s, s:I}", "name", "t4", "value", euros,
	    "quality", "good", "ts", (json_int_t)1);
	CHECK(tagval_from_json(o, &name, &back) == 0);
	json_decref(o);
	o = json_string(back.str);		/* NULL if not UTF-8 */
	CHECK(strlen(back.str) == 126 && o != NULL);
	json_decref(o);

	tagval_selftest_encode();
}
