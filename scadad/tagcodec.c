/*
 * Data types and byte orders. Registers arrive as host-order uint16s from
 * libmodbus, each holding two wire bytes (A high, B low); we rebuild the
 * big-endian byte string the PLC meant, then read it as the type.
 */
#include "config.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "check.h"
#include "tagcodec.h"

static const struct {
	const char	*name;
	int		 registers;
	double		 min, max;	/* raw limits; 0, 0 for floats */
} tagcodec_types[TAGCODEC_TYPE_COUNT] = {
	[TAGCODEC_BOOL] =    { "bool", 0, 0, 1 },
	[TAGCODEC_INT16] =   { "int16", 1, -32768.0, 32767.0 },
	[TAGCODEC_UINT16] =  { "uint16", 1, 0, 65535.0 },
	[TAGCODEC_INT32] =   { "int32", 2, -2147483648.0, 2147483647.0 },
	[TAGCODEC_UINT32] =  { "uint32", 2, 0, 4294967295.0 },
	[TAGCODEC_INT64] =   { "int64", 4, -9223372036854775808.0,
	    9223372036854774784.0 },
	[TAGCODEC_UINT64] =  { "uint64", 4, 0, 18446744073709549568.0 },
	[TAGCODEC_FLOAT32] = { "float32", 2, 0, 0 },
	[TAGCODEC_FLOAT64] = { "float64", 4, 0, 0 },
	[TAGCODEC_STRING] =  { "string", 0, 0, 0 },
};

static const char *const tagcodec_orders[TAGCODEC_ORDER_COUNT] = {
	"ABCD", "CDAB", "BADC", "DCBA"
};

int
tagcodec_type_from_name(const char *name, enum tagcodec_type *t)
{
	int i;

	for (i = 0; i < TAGCODEC_TYPE_COUNT; i++) {
		if (strcmp(tagcodec_types[i].name, name) == 0) {
			*t = i;
			return 0;
		}
	}
	return -1;
}

const char *
tagcodec_type_name(enum tagcodec_type t)
{
	return tagcodec_types[t].name;
}

int
tagcodec_registers(enum tagcodec_type t)
{
	return tagcodec_types[t].registers;
}

int
tagcodec_order_from_name(const char *name, enum tagcodec_order *o)
{
	int i;

	for (i = 0; i < TAGCODEC_ORDER_COUNT; i++) {
		if (strcmp(tagcodec_orders[i], name) == 0) {
			*o = i;
			return 0;
		}
	}
	return -1;
}

const char *
tagcodec_order_name(enum tagcodec_order o)
{
	return tagcodec_orders[o];
}

/* Returns 0 and the raw limits for integer types, -1 for floats. */
int
tagcodec_raw_limits(enum tagcodec_type t, double *min, double *max)
{
	if (t == TAGCODEC_FLOAT32 || t == TAGCODEC_FLOAT64 ||
	    t == TAGCODEC_STRING)
		return -1;
	*min = tagcodec_types[t].min;
	*max = tagcodec_types[t].max;
	return 0;
}

/*
 * Converts between registers and the big-endian byte string. Word order
 * swaps register positions; byte order swaps the bytes in each register.
 */
static void
tagcodec_to_bytes(enum tagcodec_order o, const uint16_t *regs, int n,
    uint8_t *bytes)
{
	int i, src;
	uint16_t r;

	for (i = 0; i < n; i++) {
		src = (o == TAGCODEC_CDAB || o == TAGCODEC_DCBA) ? n - 1 - i : i;
		r = regs[src];
		if (o == TAGCODEC_BADC || o == TAGCODEC_DCBA)
			r = (uint16_t)((r >> 8) | (r << 8));
		bytes[2 * i] = r >> 8;
		bytes[2 * i + 1] = r & 0xff;
	}
}

static void
tagcodec_from_bytes(enum tagcodec_order o, const uint8_t *bytes, int n,
    uint16_t *regs)
{
	int i, dst;
	uint16_t r;

	for (i = 0; i < n; i++) {
		dst = (o == TAGCODEC_CDAB || o == TAGCODEC_DCBA) ? n - 1 - i : i;
		r = (uint16_t)(bytes[2 * i] << 8 | bytes[2 * i + 1]);
		if (o == TAGCODEC_BADC || o == TAGCODEC_DCBA)
			r = (uint16_t)((r >> 8) | (r << 8));
		regs[dst] = r;
	}
}

static uint64_t
tagcodec_be(const uint8_t *b, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

double
tagcodec_decode(enum tagcodec_type t, enum tagcodec_order o,
    const uint16_t *regs)
{
	uint8_t b[8];
	uint64_t u;
	float f;
	double d;
	int n = tagcodec_types[t].registers;

	assert(t != TAGCODEC_BOOL && t != TAGCODEC_STRING);
	tagcodec_to_bytes(o, regs, n, b);
	u = tagcodec_be(b, 2 * n);
	switch (t) {
	case TAGCODEC_INT16:
		return (int16_t)u;
	case TAGCODEC_INT32:
		return (int32_t)u;
	case TAGCODEC_INT64:
		return (double)(int64_t)u;
	case TAGCODEC_FLOAT32: {
		uint32_t u32 = (uint32_t)u;

		memcpy(&f, &u32, sizeof f);
		return f;
	}
	case TAGCODEC_FLOAT64:
		memcpy(&d, &u, sizeof d);
		return d;
	default:
		return (double)u;
	}
}

/* Returns -1 if the value does not fit the type. */
int
tagcodec_encode(enum tagcodec_type t, enum tagcodec_order o, double v,
    uint16_t *regs)
{
	uint8_t b[8];
	uint64_t u;
	float f;
	int i, n = tagcodec_types[t].registers;

	assert(t != TAGCODEC_BOOL && t != TAGCODEC_STRING);
	if (!isfinite(v))
		return -1;
	if (t == TAGCODEC_FLOAT32) {
		uint32_t u32;

		if (fabs(v) > 3.4028234663852886e38)
			return -1;
		f = (float)v;
		memcpy(&u32, &f, sizeof u32);
		u = u32;
	} else if (t == TAGCODEC_FLOAT64)
		memcpy(&u, &v, sizeof u);
	else {
		v = round(v);
		if (v < tagcodec_types[t].min || v > tagcodec_types[t].max)
			return -1;
		if (tagcodec_types[t].min < 0)
			u = (uint64_t)(int64_t)v;
		else
			u = (uint64_t)v;
	}
	for (i = 2 * n - 1; i >= 0; i--, u >>= 8)
		b[i] = u & 0xff;
	tagcodec_from_bytes(o, b, n, regs);
	return 0;
}

/*
 * A string of n registers, up to the first NUL. Bytes outside printable
 * ASCII become '?': a PLC string is text for a screen, and a stray byte
 * must not make the value unsendable as JSON.
 */
void
tagcodec_string_decode(enum tagcodec_order o, const uint16_t *regs,
    int chars, char *buf, size_t len)
{
	uint8_t bytes[2 * 125];
	size_t i, max;

	if (chars > 250)
		chars = 250;
	tagcodec_to_bytes(o, regs, (chars + 1) / 2, bytes);
	max = (size_t)chars < len - 1 ? (size_t)chars : len - 1;
	for (i = 0; i < max && bytes[i] != 0; i++)
		buf[i] = (bytes[i] >= 0x20 && bytes[i] < 0x7f) ? bytes[i] : '?';
	buf[i] = '\0';
}

/* Pads with NULs; returns -1 if the text is longer than chars. */
int
tagcodec_string_encode(enum tagcodec_order o, const char *s, int chars,
    uint16_t *regs)
{
	uint8_t bytes[2 * 125] = { 0 };
	size_t len = strlen(s);

	if (chars > 250 || len > (size_t)chars)
		return -1;
	memcpy(bytes, s, len);
	tagcodec_from_bytes(o, bytes, (chars + 1) / 2, regs);
	return 0;
}

double
tagcodec_to_eng(const struct tagcodec_scale *s, double raw)
{
	if (!s->enabled)
		return raw;
	return s->eng_min + (raw - s->raw_min) * (s->eng_max - s->eng_min) /
	    (s->raw_max - s->raw_min);
}

double
tagcodec_to_raw(const struct tagcodec_scale *s, double eng)
{
	if (!s->enabled)
		return eng;
	return s->raw_min + (eng - s->eng_min) * (s->raw_max - s->raw_min) /
	    (s->eng_max - s->eng_min);
}

void
tagcodec_selftest(void)
{
	static const double samples[] = { 0, 1, -1, 1234.5, -32768, 65535,
	    3.25, 1e9, -2.5e9 };
	struct tagcodec_scale s = { 1, 0, 10000, 0, 100 };
	uint16_t regs[4], abcd[2] = { 0x4048, 0xf5c3 }, cdab[2];
	char text5[8];
	int t, o, i;
	double back;

	/* 3.14f is 0x4048f5c3; CDAB swaps the words. */
	CHECK(fabs(tagcodec_decode(TAGCODEC_FLOAT32, TAGCODEC_ABCD, abcd) -
	    3.14) < 1e-6);
	cdab[0] = abcd[1];
	cdab[1] = abcd[0];
	CHECK(fabs(tagcodec_decode(TAGCODEC_FLOAT32, TAGCODEC_CDAB, cdab) -
	    3.14) < 1e-6);
	regs[0] = 0xfeff;
	CHECK(tagcodec_decode(TAGCODEC_INT16, TAGCODEC_ABCD, regs) == -257);
	CHECK(tagcodec_decode(TAGCODEC_INT16, TAGCODEC_BADC, regs) == -2);

	for (t = TAGCODEC_INT16; t < TAGCODEC_STRING; t++)
		for (o = 0; o < TAGCODEC_ORDER_COUNT; o++)
			for (i = 0; i < (int)(sizeof samples / sizeof *samples);
			    i++) {
				double v = samples[i];

				if (tagcodec_encode(t, o, v, regs) == -1)
					continue;
				back = tagcodec_decode(t, o, regs);
				if (t == TAGCODEC_FLOAT32)
					CHECK(fabs(back - v) <=
					    fabs(v) * 1e-7);
				else if (t == TAGCODEC_FLOAT64)
					CHECK(back == v);
				else
					CHECK(back == round(v));
			}
	CHECK(tagcodec_encode(TAGCODEC_UINT16, TAGCODEC_ABCD, -1, regs) == -1);
	CHECK(tagcodec_encode(TAGCODEC_INT16, TAGCODEC_ABCD, 40000, regs) ==
	    -1);
	for (o = 0; o < TAGCODEC_ORDER_COUNT; o++) {
		char text[16];

		CHECK(tagcodec_string_encode(o, "PUMP7", 5, regs) == 0);
		tagcodec_string_decode(o, regs, 5, text, sizeof text);
		CHECK(strcmp(text, "PUMP7") == 0);
	}
	CHECK(tagcodec_string_encode(TAGCODEC_ABCD, "PU", 2, regs) == 0);
	CHECK(regs[0] == 0x5055);	/* 'P' high byte first */
	CHECK(tagcodec_string_encode(TAGCODEC_BADC, "PU", 2, regs) == 0);
	CHECK(regs[0] == 0x5550);
	CHECK(tagcodec_string_encode(TAGCODEC_ABCD, "TOOLONG", 4, regs) ==
	    -1);
	/* An odd length: the last register's second byte is not text. */
	CHECK(tagcodec_string_encode(TAGCODEC_ABCD, "PUMP7X", 5, regs) ==
	    -1);
	regs[0] = 0x4142;
	regs[1] = 0x4344;
	regs[2] = 0x4546;
	tagcodec_string_decode(TAGCODEC_ABCD, regs, 5, text5, sizeof text5);
	CHECK(strcmp(text5, "ABCDE") == 0);
	CHECK(tagcodec_to_eng(&s, 5000) == 50);
	CHECK(tagcodec_to_raw(&s, 55.5) == 5550);
}
