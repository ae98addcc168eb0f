/*
 * Tag values on the wire. One encoder and one decoder serve the server,
 * every client and the fuzz target, so they cannot drift apart.
 */
#include "config.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tagval.h"

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

json_t *
tagval_to_json(const char *name, const struct tagval *tv)
{
	json_t *o, *v;

	if (tv->is_string)
		v = tv->quality == QUALITY_BAD && tv->str[0] == '\0' ?
		    json_null() : json_string(tv->str);
	else if (tv->is_bool)
		v = json_boolean(tv->value != 0);
	else if (tv->value == floor(tv->value) && fabs(tv->value) < 9.2e18)
		v = json_integer((json_int_t)tv->value);	/* exact */
	else if (isfinite(tv->value))
		v = json_real(tv->value);
	else
		v = json_null();
	o = json_pack("{s:s, s:o, s:s, s:I}", "name", name, "value", v,
	    "quality", tagval_quality_name(tv->quality), "ts",
	    (json_int_t)tv->ts_ms);
	if (o != NULL && tv->quality != QUALITY_GOOD && tv->reason[0] != '\0')
		json_object_set_new(o, "reason", json_string(tv->reason));
	return o;
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
		snprintf(tv->str, sizeof tv->str, "%s", json_string_value(v));
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
		snprintf(tv->reason, sizeof tv->reason, "%s",
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

void
tagval_format(const struct tagval *tv, char *buf, size_t len)
{
	if (tv->is_string)
		snprintf(buf, len, "%s", tv->str);
	else if (isnan(tv->value))
		snprintf(buf, len, "-");
	else if (tv->is_bool)
		snprintf(buf, len, "%s", tv->value != 0 ? "ON" : "OFF");
	else
		snprintf(buf, len, "%.10g", tv->value);
}

long long
tagval_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
tagval_selftest(void)
{
	struct tagval tv = { .value = 52.5, .quality = QUALITY_GOOD,
	    .ts_ms = 1000 }, back;
	const char *name;
	char buf[32];
	json_t *o;

	o = tagval_to_json("t1", &tv);
	assert(tagval_from_json(o, &name, &back) == 0);
	assert(strcmp(name, "t1") == 0 && tagval_same(&tv, &back));
	json_decref(o);
	tv.is_bool = 1;
	tv.value = 1;
	tv.quality = QUALITY_BAD;
	snprintf(tv.reason, sizeof tv.reason, "comm failure");
	o = tagval_to_json("t2", &tv);
	assert(json_is_true(json_object_get(o, "value")));
	assert(tagval_from_json(o, &name, &back) == 0);
	assert(back.is_bool && back.quality == QUALITY_BAD);
	assert(strcmp(back.reason, "comm failure") == 0);
	json_object_set_new(o, "quality", json_string("excellent"));
	assert(tagval_from_json(o, &name, &back) == -1);
	json_decref(o);
	assert(tagval_from_json(json_null(), &name, &back) == -1);
	tagval_format(&tv, buf, sizeof buf);
	assert(strcmp(buf, "ON") == 0);

	memset(&tv, 0, sizeof tv);
	tv.is_string = 1;
	snprintf(tv.str, sizeof tv.str, "PUMP-7");
	o = tagval_to_json("t3", &tv);
	assert(strcmp(json_string_value(json_object_get(o, "value")),
	    "PUMP-7") == 0);
	assert(tagval_from_json(o, &name, &back) == 0);
	assert(back.is_string && tagval_same(&tv, &back));
	json_decref(o);
	back.str[0] = 'L';
	assert(!tagval_same(&tv, &back));
}
