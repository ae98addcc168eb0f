/*
 * The filter keys of the alarm views: f an area, p the priority, and
 * on the journal / a text and T a time range. A typo keeps its prompt
 * open with the text, as the value prompt does.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alarmfilter.h"
#include "i18n.h"
#include "msg.h"
#include "prompt.h"
#include "statusbar.h"
#include "value.h"

#define ALARMFILTER_TIME_HINT	N_("YYYY-MM-DD [HH:MM], or an age as 2h")

/* What was said about a typo is over once the filter applies. */
static void
alarmfilter_changed(struct alarmfilter *f)
{
	statusbar_clear();
	if (f->changed != NULL)
		f->changed(f->ve);
}

static void
alarmfilter_area(void *arg, const char *text)
{
	struct alarmfilter *f = arg;

	if (text == NULL)
		return;
	snprintf(f->area, sizeof f->area, "%s", text);
	alarmfilter_changed(f);
}

static void
alarmfilter_text(void *arg, const char *text)
{
	struct alarmfilter *f = arg;

	if (text == NULL)
		return;
	snprintf(f->text, sizeof f->text, "%s", text);
	alarmfilter_changed(f);
}

/* A time typed, or empty for an open end; -1 after saying what is wrong. */
static long long
alarmfilter_when(const char *text, const char *question, prompt_fn *fn,
    struct alarmfilter *f)
{
	long long ms;

	if (*text == '\0')
		return 0;
	if ((ms = value_when(text)) >= 0)
		return ms;
	statusbar_error(_("'%s' is not a time: %s."), text,
	    _(ALARMFILTER_TIME_HINT));
	prompt_open(question, text, fn, f);
	return -1;
}

#define ALARMFILTER_UNTIL	N_("Until (empty: now): ")
#define ALARMFILTER_SINCE	N_("From (empty: the first entry): ")

static void
alarmfilter_until(void *arg, const char *text)
{
	struct alarmfilter *f = arg;
	long long ms;

	if (text == NULL ||
	    (ms = alarmfilter_when(text, _(ALARMFILTER_UNTIL),
	    alarmfilter_until, f)) < 0)
		return;
	if (ms != 0 && ms <= f->since) {
		statusbar_error("%s", _("The end must come after the start."));
		prompt_open(_(ALARMFILTER_UNTIL), text, alarmfilter_until, f);
		return;
	}
	f->until = ms;
	alarmfilter_changed(f);
}

static void
alarmfilter_since(void *arg, const char *text)
{
	struct alarmfilter *f = arg;
	long long ms;

	if (text == NULL ||
	    (ms = alarmfilter_when(text, _(ALARMFILTER_SINCE),
	    alarmfilter_since, f)) < 0)
		return;
	f->since = ms;
	prompt_open(_(ALARMFILTER_UNTIL), "", alarmfilter_until, f);
}

/* Returns 1 if the key was a filter key. */
int
alarmfilter_key(struct alarmfilter *f, int key)
{
	switch (key) {
	case 'f':
		prompt_open(_("Area (empty: every area): "), f->area,
		    alarmfilter_area, f);
		return 1;
	case 'p':
		/* every, urgent, high or more, medium or more, every */
		f->priority = (f->priority + 1) % MSG_PRIORITIES;
		alarmfilter_changed(f);
		return 1;
	case '/':
		if (!f->journal)
			return 0;
		prompt_open(_("Search: "), f->text, alarmfilter_text, f);
		return 1;
	case 'T':
		if (!f->journal)
			return 0;
		prompt_open(_(ALARMFILTER_SINCE), "", alarmfilter_since, f);
		return 1;
	}
	return 0;
}

/* Whether an alarm of the list passes (the journal asks the server). */
int
alarmfilter_matches(const struct alarmfilter *f, json_t *a)
{
	const char *area = json_string_value(json_object_get(a, "area"));

	return (f->area[0] == '\0' || (area != NULL &&
	    strcmp(area, f->area) == 0)) && (f->priority == 0 ||
	    json_integer_value(json_object_get(a, "priority")) <= f->priority);
}

/* The filter as the server's "where". */
json_t *
alarmfilter_where(const struct alarmfilter *f)
{
	json_t *w = json_object();

	if (f->area[0] != '\0')
		json_object_set_new(w, "area", json_string(f->area));
	if (f->priority != 0)
		json_object_set_new(w, "priority", json_integer(f->priority));
	if (f->journal && f->text[0] != '\0')
		json_object_set_new(w, "text", json_string(f->text));
	if (f->journal && f->since != 0)
		json_object_set_new(w, "since", json_integer(f->since));
	if (f->journal && f->until != 0)
		json_object_set_new(w, "until", json_integer(f->until));
	return w;
}

/* For the title line: "area tank1, high or more, 'pump', from ...". */
void
alarmfilter_describe(const struct alarmfilter *f, char *buf, size_t len)
{
	char when[32];
	size_t n = 0;

	buf[0] = '\0';
	if (f->area[0] != '\0' && n < len)
		n += (size_t)snprintf(buf + n, len - n, _("area %s, "),
		    f->area);
	if (f->priority == 1 && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%s, ",
		    _(msg_priority_name(1)));
	else if (f->priority > 1 && n < len)
		n += (size_t)snprintf(buf + n, len - n, _("%s or more, "),
		    _(msg_priority_name(f->priority)));
	if (f->journal && f->text[0] != '\0' && n < len)
		n += (size_t)snprintf(buf + n, len - n, "'%s', ", f->text);
	if (f->journal && f->since != 0 && n < len) {
		value_time(f->since, VALUE_TIME_DATE, when, sizeof when);
		n += (size_t)snprintf(buf + n, len - n, _("from %s, "), when);
	}
	if (f->journal && f->until != 0 && n < len) {
		value_time(f->until, VALUE_TIME_DATE, when, sizeof when);
		n += (size_t)snprintf(buf + n, len - n, _("until %s, "), when);
	}
	if (n >= 2 && n < len)
		buf[n - 2] = '\0';	/* the last ", " */
}
