/*
 * The image keeps each value compact, not as the 288-byte struct tagval
 * of the wire: a plant of 100,000 tags should cost its server a few
 * hundred bytes a tag. Reasons come from the drivers' small vocabulary
 * of faults ("comm failure: Connection refused"), so each distinct one
 * is kept once and shared by every tag that has it.
 */
#include "config.h"

#include <czmq.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "image.h"
#include "xmalloc.h"

#define IMAGE_STRING	0x1
#define IMAGE_BOOL	0x2

struct image_slot {
	double		 value;
	long long	 ts_ms;
	const char	*reason;	/* interned; "" when none */
	char		*str;		/* string tags only */
	uint8_t		 quality;
	uint8_t		 flags;
};

struct image {
	struct image_slot	*slots;		/* by tag id */
	uint32_t		 n;
	zhashx_t		*reasons;	/* text -> the one copy */
};

static const char *
image_reason(image_t *img, const char *text)
{
	char *r;

	if (text[0] == '\0')
		return "";
	if ((r = zhashx_lookup(img->reasons, text)) == NULL) {
		r = xstrdup(text);
		zhashx_insert(img->reasons, text, r);
	}
	return r;
}

image_t *
image_new(const struct project *p)
{
	image_t *img = xcalloc(1, sizeof *img);
	const struct project_tag *t;
	struct image_slot *s;
	size_t i;

	img->reasons = zhashx_new();
	zhashx_set_destructor(img->reasons, (zhashx_destructor_fn *)zstr_free);
	for (i = 0; (t = project_tag_at(p, i)) != NULL; i++)
		if (t->id >= img->n)
			img->n = t->id + 1;
	img->slots = xcalloc((size_t)img->n + 1, sizeof *img->slots);
	for (i = 0; (t = project_tag_at(p, i)) != NULL; i++) {
		s = &img->slots[t->id];
		s->value = NAN;
		s->flags = (t->type == TAGCODEC_STRING ? IMAGE_STRING : 0) |
		    (t->type == TAGCODEC_BOOL ? IMAGE_BOOL : 0);
		s->quality = QUALITY_BAD;
		s->ts_ms = tagval_now_ms();
		s->reason = image_reason(img, "not yet read");
		if (s->flags & IMAGE_STRING)
			s->str = xstrdup("");
	}
	return img;
}

void
image_destroy(image_t **ip)
{
	image_t *img = *ip;
	uint32_t i;

	if (img == NULL)
		return;
	for (i = 0; i < img->n; i++)
		free(img->slots[i].str);
	free(img->slots);
	zhashx_destroy(&img->reasons);
	free(img);
	*ip = NULL;
}

/* tagval_same(), against the compact form. */
static int
image_same(const struct image_slot *s, const struct tagval *tv)
{
	if (s->quality != tv->quality || ((s->flags & IMAGE_BOOL) != 0) !=
	    (tv->is_bool != 0) || ((s->flags & IMAGE_STRING) != 0) !=
	    (tv->is_string != 0))
		return 0;
	if (tv->quality != QUALITY_GOOD && strcmp(s->reason, tv->reason) != 0)
		return 0;
	if (tv->is_string)
		return strcmp(s->str, tv->str) == 0;
	if (isnan(s->value) || isnan(tv->value))
		return isnan(s->value) && isnan(tv->value);
	return s->value == tv->value;
}

/*
 * Returns 1 if the value or quality changed, so it must be published.
 * A tag id the image does not have changes nothing.
 */
int
image_set(image_t *img, uint32_t id, const struct tagval *tv)
{
	struct image_slot *s;
	int changed;

	if (id >= img->n)
		return 0;
	s = &img->slots[id];
	changed = !image_same(s, tv);
	s->value = tv->value;
	s->ts_ms = tv->ts_ms;
	s->quality = (uint8_t)tv->quality;
	s->flags = (tv->is_string ? IMAGE_STRING : 0) |
	    (tv->is_bool ? IMAGE_BOOL : 0);
	s->reason = image_reason(img, tv->quality != QUALITY_GOOD ?
	    tv->reason : "");
	if (tv->is_string && (s->str == NULL || strcmp(s->str, tv->str) != 0)) {
		free(s->str);
		s->str = xstrdup(tv->str);
	}
	return changed;
}

/* The value in its wire form. */
void
image_get(image_t *img, uint32_t id, struct tagval *tv)
{
	const struct image_slot *s;

	memset(tv, 0, sizeof *tv);
	if (id >= img->n) {
		tv->quality = QUALITY_BAD;
		tv->value = NAN;
		return;
	}
	s = &img->slots[id];
	tv->value = s->value;
	tv->ts_ms = s->ts_ms;
	tv->quality = s->quality;
	tv->is_bool = (s->flags & IMAGE_BOOL) != 0;
	tv->is_string = (s->flags & IMAGE_STRING) != 0;
	snprintf(tv->reason, sizeof tv->reason, "%s", s->reason);
	if (s->str != NULL)
		snprintf(tv->str, sizeof tv->str, "%s", s->str);
}

json_t *
image_json(image_t *img, const struct project_tag *t)
{
	struct tagval tv;

	image_get(img, t->id, &tv);
	return tagval_to_json(t->name, &tv);
}

/* The tag's value as a publication carries it; -1 if it does not fit. */
int
image_encode(image_t *img, const struct project_tag *t, char *buf,
    size_t len)
{
	struct tagval tv;

	image_get(img, t->id, &tv);
	return tagval_encode(t->name, &tv, buf, len);
}

void
image_selftest(const struct project *p)
{
	image_t *img = image_new(p);
	const struct project_tag *t = project_tag_at(p, 0);
	struct tagval tv = { .value = 42, .quality = QUALITY_GOOD }, back;
	json_t *o;

	image_get(img, t->id, &back);
	CHECK(back.quality == QUALITY_BAD && isnan(back.value));
	CHECK(strcmp(back.reason, "not yet read") == 0);
	tv.is_bool = back.is_bool;
	tv.is_string = back.is_string;
	CHECK(image_set(img, t->id, &tv) == 1);
	CHECK(image_set(img, t->id, &tv) == 0);
	tv.ts_ms += 1000;	/* a newer time alone is no change */
	CHECK(image_set(img, t->id, &tv) == 0);
	image_get(img, t->id, &back);
	CHECK(back.ts_ms == tv.ts_ms && tagval_same(&tv, &back));
	tv.quality = QUALITY_BAD;
	snprintf(tv.reason, sizeof tv.reason, "comm failure: x");
	CHECK(image_set(img, t->id, &tv) == 1);
	snprintf(tv.reason, sizeof tv.reason, "comm failure: y");
	CHECK(image_set(img, t->id, &tv) == 1);
	image_get(img, t->id, &back);
	CHECK_STR(back.reason, "comm failure: y");
	CHECK(image_set(img, 4000000000u, &tv) == 0);
	o = image_json(img, t);
	CHECK_STR(json_string_value(json_object_get(o, "name")), t->name);
	json_decref(o);
	image_destroy(&img);
	image_destroy(&img);
}
