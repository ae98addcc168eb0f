/*
 * The alarm list: the alarms the server lists for this user, most
 * urgent first, then the newest. The state is written out in every row
 * and an alarm waiting for acknowledgement is marked with '!', so the
 * list reads the same without colour; colour only adds the priority.
 * Enter acknowledges the selected alarm, A every one shown that waits,
 * R resets a latched one; f and p show one area or the more urgent. The server answers, and its transitions come
 * back on the alarm topic to every station at once, this one included.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarmfilter.h"
#include "i18n.h"
#include "msg.h"
#include "prompt.h"
#include "statusbar.h"
#include "value.h"
#include "view.h"
#include "xmalloc.h"

#define VIEW_ALARMS_TIMEOUT_MS	3000
#define PROJECT_ID_MAX		192	/* a tag's name and a kind */

struct view_alarms {
	size_t	sel;
	size_t	top;
	int	rows;
	char	id[PROJECT_ID_MAX];	/* the alarm a prompt is about */
	long	seconds;		/* shelving: how long */
	struct alarmfilter filter;
};

static const struct view_key view_alarms_keys[] = {
	{ N_("Up, Down, j, k"), N_("select an alarm") },
	{ N_("Enter"), N_("acknowledge the selected alarm") },
	{ N_("A"), N_("acknowledge every alarm shown that waits") },
	{ N_("R"), N_("reset the selected latched alarm") },
	{ N_("c"), N_("acknowledge the selected alarm with a comment") },
	{ N_("S"), N_("shelve the selected alarm, for a time, with a reason") },
	{ N_("U"), N_("unshelve the selected alarm") },
	{ N_("f"), N_("show one area only (empty: every area)") },
	{ N_("p"), N_("show urgent, high or more, medium or more, or all") },
	{ N_("J"), N_("the alarm journal") },
	{ N_("t, Esc"), N_("back to the tags") },
	{ NULL, NULL }
};

static const struct view_key view_alarms_legend[] = {
	{ "!", N_("waits for acknowledgement") },
	{ NULL, NULL }
};

static void
view_alarms_filtered(struct view_entry *ve)
{
	struct view_alarms *va = ve->data;

	va->sel = va->top = 0;
	ve->dirty = 1;
}

static void *
view_alarms_init(struct view_entry *ve)
{
	struct view_alarms *va = xcalloc(1, sizeof *va);

	va->filter.changed = view_alarms_filtered;
	va->filter.ve = ve;
	return va;
}

/* The list as the filter shows it, sorted; n set to its length. */
static json_t **
view_alarms_shown(struct view_entry *ve, size_t *n)
{
	struct view_alarms *va = ve->data;
	json_t **v = alarmlist_sorted(ve->station->alarms, n);
	size_t i, k = 0;

	for (i = 0; i < *n; i++)
		if (alarmfilter_matches(&va->filter, v[i]))
			v[k++] = v[i];
	*n = k;
	return v;
}

static void
view_alarms_free(struct view_entry *ve)
{
	free(ve->data);
	ve->data = NULL;
}

/* Its colour: the priority's while it waits, calm once acknowledged. */
static enum ui_role
view_alarms_role(json_t *a)
{
	json_int_t p = json_integer_value(json_object_get(a, "priority"));

	return alarmlist_unack(a) ? ui_priority_role((int)p) : UI_NORMAL;
}

static void
view_alarms_row(WINDOW *win, int y, json_t *a, int selected)
{
	json_t *since = json_object_get(a, "active_since");
	char when[32], line[512];
	const char *msg = alarmlist_message(a);

	value_time(since != NULL ? json_integer_value(since) :
	    json_integer_value(json_object_get(a, "since")), 0, when,
	    sizeof when);
	snprintf(line, sizeof line, "%c %-7s %-14s %s  %-24s %s",
	    alarmlist_unack(a) ? '!' : ' ', _(msg_priority_name((int)
	    json_integer_value(json_object_get(a, "priority")))),
	    json_string_value(
	    json_object_get(a, "state")), when, json_string_value(
	    json_object_get(a, "id")), msg != NULL ? msg : "");
	wmove(win, y, 0);
	wattrset(win, selected ? ui_attr(UI_SELECTED) :
	    ui_attr(view_alarms_role(a)));
	ui_put(win, line, getmaxx(win), UI_LEFT);
	wattrset(win, ui_attr(UI_NORMAL));
}

static int
view_alarms_draw(struct view_entry *ve, WINDOW *win)
{
	struct view_alarms *va = ve->data;
	json_t **v;
	size_t i, n;

	werase(win);
	va->rows = getmaxy(win) - 1;
	v = view_alarms_shown(ve, &n);
	if (va->sel >= n)
		va->sel = n > 0 ? n - 1 : 0;
	if (va->sel < va->top)
		va->top = va->sel;
	if (va->rows > 0 && va->sel >= va->top + (size_t)va->rows)
		va->top = va->sel - (size_t)va->rows + 1;
	wattrset(win, ui_attr(UI_HEADER));
	wmove(win, 0, 0);
	ui_put(win, _("  Priority State          Since     Alarm"
	    "                     Message"), getmaxx(win), UI_LEFT);
	wattrset(win, ui_attr(UI_NORMAL));
	if (n == 0) {
		wmove(win, 2, 2);
		ui_put(win, alarmlist_count(ve->station->alarms) > 0 ?
		    _("No alarms shown: f and p change what is shown.") :
		    _("No alarms."), getmaxx(win) - 2, UI_LEFT);
	}
	for (i = va->top; i < n && (int)(i - va->top) < va->rows; i++)
		view_alarms_row(win, 1 + (int)(i - va->top), v[i],
		    i == va->sel);
	free(v);
	return 0;
}

/* The server's answer to an action: said on the message line. */
static void
view_alarms_done(void *arg, json_t *reply)
{
	if (!msg_is_ok(reply))
		statusbar_error(_("Refused: %s"), msg_error_message(reply));
	else if (json_object_get(reply, "acked") != NULL)
		statusbar_info(_("%zu acknowledged."), json_array_size(
		    json_object_get(reply, "acked")));
	else
		statusbar_info("%s", _("Done."));
}

static void
view_alarms_send(struct view_entry *ve, json_t *req)
{
	client_send(ve->station->client, req, VIEW_ALARMS_TIMEOUT_MS, 1,
	    view_alarms_done, NULL);
	json_decref(req);
}

static json_t *
view_alarms_selected(struct view_entry *ve)
{
	struct view_alarms *va = ve->data;
	json_t **v, *a = NULL;
	size_t n;

	v = view_alarms_shown(ve, &n);
	if (va->sel < n)
		a = v[va->sel];
	free(v);
	return a;
}

/* The comment typed for an acknowledgement (NULL: cancelled). */
static void
view_alarms_commented(void *arg, const char *text)
{
	struct view_entry *ve = arg;
	struct view_alarms *va = ve->data;

	ve->dirty = 1;
	if (text != NULL)
		view_alarms_send(ve, json_pack("{s:s, s:[s], s:s}", "op",
		    "alarm_ack", "ids", va->id, "comment", text));
}

static void
view_alarms_reason(void *arg, const char *text)
{
	struct view_entry *ve = arg;
	struct view_alarms *va = ve->data;

	ve->dirty = 1;
	if (text == NULL)
		return;
	if (*text == '\0') {
		statusbar_error("%s", _("Shelving needs a reason."));
		prompt_open(_("Reason: "), "", view_alarms_reason, ve);
		return;
	}
	view_alarms_send(ve, json_pack("{s:s, s:s, s:I, s:s}", "op",
	    "alarm_shelve", "id", va->id, "seconds", (json_int_t)va->seconds,
	    "comment", text));
}

/* Minutes to shelve for, then the reason. */
static void
view_alarms_minutes(void *arg, const char *text)
{
	struct view_entry *ve = arg;
	struct view_alarms *va = ve->data;
	char *end;
	long m;

	ve->dirty = 1;
	if (text == NULL)
		return;
	m = strtol(text, &end, 10);
	if (*text == '\0' || *end != '\0' || m < 0 || m > 7 * 24 * 60) {
		statusbar_error(_("'%s' is not a number of minutes."), text);
		prompt_open(_("Shelve for minutes (0: until it clears): "),
		    text, view_alarms_minutes, ve);
		return;
	}
	va->seconds = m * 60;
	prompt_open(_("Reason: "), "", view_alarms_reason, ve);
}

static int
view_alarms_key(struct view_entry *ve, int key)
{
	struct view_alarms *va = ve->data;
	json_t *a = view_alarms_selected(ve);
	size_t n;

	if (alarmfilter_key(&va->filter, key))
		return 1;
	free(view_alarms_shown(ve, &n));
	switch (key) {
	case UI_FN(KEY_UP):
	case 'k':
		va->sel = va->sel > 0 ? va->sel - 1 : 0;
		break;
	case UI_FN(KEY_DOWN):
	case 'j':
		if (va->sel + 1 < n)
			va->sel++;
		break;
	case UI_FN(KEY_HOME):
	case 'g':
		va->sel = 0;
		break;
	case UI_FN(KEY_END):
	case 'G':
		va->sel = n > 0 ? n - 1 : 0;
		break;
	case '\r':
	case '\n':
	case UI_FN(KEY_ENTER):
		if (a == NULL)
			statusbar_info("%s", _("No alarm to acknowledge."));
		else
			view_alarms_send(ve, json_pack("{s:s, s:[s]}", "op",
			    "alarm_ack", "ids", json_string_value(
			    json_object_get(a, "id"))));
		break;
	case 'A':
		/* The server takes what the same filter shows, and waits. */
		view_alarms_send(ve, json_pack("{s:s, s:b, s:o}", "op",
		    "alarm_ack", "all", 1, "where",
		    alarmfilter_where(&va->filter)));
		break;
	case 'R':
	case 'U':
		if (a != NULL)
			view_alarms_send(ve, json_pack("{s:s, s:s}", "op",
			    key == 'R' ? "alarm_reset" : "alarm_unshelve", "id",
			    json_string_value(json_object_get(a, "id"))));
		break;
	case 'c':
	case 'S':
		if (a == NULL)
			break;
		snprintf(va->id, sizeof va->id, "%s", json_string_value(
		    json_object_get(a, "id")));
		if (key == 'c')
			prompt_open(_("Comment: "), "", view_alarms_commented,
			    ve);
		else
			prompt_open(_("Shelve for minutes (0: until it clears): "),
			    "60", view_alarms_minutes, ve);
		break;
	default:
		return 0;
	}
	ve->dirty = 1;
	return 1;
}

/* "Alarms", and what the filter shows. */
static void
view_alarms_heading(struct view_entry *ve, char *buf, size_t len)
{
	struct view_alarms *va = ve->data;
	char f[256];

	alarmfilter_describe(&va->filter, f, sizeof f);
	if (f[0] != '\0')
		snprintf(buf, len, _("Alarms (%s)"), f);
	else
		snprintf(buf, len, "%s", _("Alarms"));
}

static enum ui_role
view_alarms_hint(struct view_entry *ve, char *buf, size_t len)
{
	json_t *a = view_alarms_selected(ve);

	if (a == NULL) {
		buf[0] = '\0';
		return UI_NORMAL;
	}
	snprintf(buf, len, _("%s: %s; Enter acknowledges, A all, S shelves, "
	    "R resets"),
	    json_string_value(json_object_get(a, "id")), json_string_value(
	    json_object_get(a, "state")));
	return UI_NORMAL;
}

const struct view view_alarms = {
	.name = "alarms",
	.title = N_("Alarms"),
	.keyhint = N_("Enter:ack A:ack shown f:area p:priority J:journal ?:help "),
	.keys = view_alarms_keys,
	.legend = view_alarms_legend,
	.init = view_alarms_init,
	.free = view_alarms_free,
	.draw = view_alarms_draw,
	.key = view_alarms_key,
	.hint = view_alarms_hint,
	.heading = view_alarms_heading,
};
