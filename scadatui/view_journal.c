/*
 * The alarm journal: every transition the server journaled, newest
 * first, as far back as the operator scrolls; a page is fetched at a
 * time, the next when the selection reaches the end. / searches the
 * message, the alarm and the comment, T sets a time range, f and p the
 * area and priority as on the alarm list. While it shows the newest
 * rows and no end time, it follows the alarms as they change.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarmfilter.h"
#include "i18n.h"
#include "msg.h"
#include "statusbar.h"
#include "value.h"
#include "view.h"
#include "xmalloc.h"

#define VIEW_JOURNAL_PAGE	200	/* rows a request asks for */
#define VIEW_JOURNAL_TIMEOUT_MS	10000	/* a long search may take time */
#define VIEW_JOURNAL_FOLLOW_MS	1000	/* at most one refresh a second */

struct view_journal {
	json_t		*rows;		/* newest first */
	int		 more;		/* older rows match too */
	uint64_t	 req;		/* in flight, or 0 */
	int		 older;		/* it asks for the page before */
	uint64_t	 changes;	/* of the alarm list, when asked */
	long long	 asked;		/* monotonic ms */
	char		 error[256];
	size_t		 sel;
	size_t		 top;
	struct alarmfilter filter;
};

static const struct view_key view_journal_keys[] = {
	{ N_("Up, Down, j, k"), N_("select an entry") },
	{ N_("PgUp, PgDn, g, G"), N_("page up and down; first and last") },
	{ N_("/"), N_("search the message, the alarm and the comment") },
	{ N_("T"), N_("a time range: from, then until") },
	{ N_("f"), N_("show one area only (empty: every area)") },
	{ N_("p"), N_("show urgent, high or more, medium or more, or all") },
	{ N_("r"), N_("ask the server again") },
	{ N_("a"), N_("the alarm list") },
	{ NULL, NULL }
};

static void	view_journal_ask(struct view_entry *, int);

static void
view_journal_answer(void *arg, json_t *reply)
{
	struct view_entry *ve = arg;
	struct view_journal *vj = ve->data;
	json_t *rows = json_object_get(reply, "rows");
	size_t i;

	vj->req = 0;
	ve->dirty = 1;
	if (!msg_is_ok(reply)) {
		snprintf(vj->error, sizeof vj->error, _("The journal: %s"),
		    msg_error_message(reply));
		return;
	}
	vj->error[0] = '\0';
	if (!vj->older)
		json_array_clear(vj->rows);
	for (i = json_array_size(rows); i > 0; i--)
		json_array_append(vj->rows, json_array_get(rows, i - 1));
	vj->more = json_is_true(json_object_get(reply, "more"));
}

/* The newest page afresh (older 0), or the page before the last row. */
static void
view_journal_ask(struct view_entry *ve, int older)
{
	struct view_journal *vj = ve->data;
	json_t *where = alarmfilter_where(&vj->filter), *last, *req;

	if (vj->req != 0)
		client_cancel(ve->station->client, vj->req);
	last = json_array_get(vj->rows, json_array_size(vj->rows) - 1);
	if (older && last != NULL)
		json_object_set(where, "before", json_object_get(last, "id"));
	vj->older = older && last != NULL;
	vj->changes = alarmlist_changes(ve->station->alarms);
	vj->asked = zclock_mono();
	req = json_pack("{s:s, s:o, s:i}", "op", "alarm_journal", "where",
	    where, "limit", VIEW_JOURNAL_PAGE);
	vj->req = client_send(ve->station->client, req,
	    VIEW_JOURNAL_TIMEOUT_MS, 1, view_journal_answer, ve);
	json_decref(req);
}

static void
view_journal_filtered(struct view_entry *ve)
{
	struct view_journal *vj = ve->data;

	vj->sel = vj->top = 0;
	json_array_clear(vj->rows);
	vj->more = 0;
	view_journal_ask(ve, 0);
	ve->dirty = 1;
}

static void *
view_journal_init(struct view_entry *ve)
{
	struct view_journal *vj = xcalloc(1, sizeof *vj);

	vj->rows = json_array();
	vj->filter.journal = 1;
	vj->filter.changed = view_journal_filtered;
	vj->filter.ve = ve;
	ve->data = vj;
	view_journal_ask(ve, 0);
	return vj;
}

static void
view_journal_free(struct view_entry *ve)
{
	struct view_journal *vj = ve->data;

	if (vj->req != 0)
		client_cancel(ve->station->client, vj->req);
	json_decref(vj->rows);
	free(vj);
	ve->data = NULL;
}

/*
 * Following the alarms: the newest page again when the list changed,
 * if the operator looks at the top and no end time holds it still.
 */
static void
view_journal_follow(struct view_entry *ve)
{
	struct view_journal *vj = ve->data;

	if (vj->req == 0 && vj->sel == 0 && vj->filter.until == 0 &&
	    vj->changes != alarmlist_changes(ve->station->alarms) &&
	    zclock_mono() - vj->asked >= VIEW_JOURNAL_FOLLOW_MS)
		view_journal_ask(ve, 0);
}

static const char *
view_journal_text(json_t *row, const char *key)
{
	const char *s = json_string_value(json_object_get(row, key));

	return s != NULL ? s : "";
}

/* Column widths, from the rows on screen, so the message gets the rest. */
struct view_journal_cols {
	int	event, state, alarm, value;
};

static void
view_journal_widen(int *w, const char *s, int most)
{
	int n = ui_width(s);

	if (n > *w)
		*w = n < most ? n : most;
}

static void
view_journal_row(WINDOW *win, int y, json_t *row,
    const struct view_journal_cols *c, int selected)
{
	json_int_t p = json_integer_value(json_object_get(row, "priority"));
	const char *event = view_journal_text(row, "event");
	char when[32], line[1024];

	value_time(json_integer_value(json_object_get(row, "ts")),
	    VALUE_TIME_DATE, when, sizeof when);
	snprintf(line, sizeof line, "%s %-*s %-*s %-8s %-*s %-*s %s", when,
	    c->event, event, c->state, view_journal_text(row, "state"),
	    _(msg_priority_name((int)p)), c->alarm, view_journal_text(row,
	    "alarm"), c->value, view_journal_text(row, "value"),
	    view_journal_text(row, "message"));
	wmove(win, y, 0);
	/* An activation takes its priority's colour; the rest are calm. */
	wattrset(win, ui_attr(selected ? UI_SELECTED : strcmp(event,
	    "active") == 0 ? ui_priority_role((int)p) : UI_NORMAL));
	ui_put(win, line, getmaxx(win), UI_LEFT);
	wattrset(win, ui_attr(UI_NORMAL));
}

static void
view_journal_header(WINDOW *win, const struct view_journal_cols *c)
{
	char line[512];

	snprintf(line, sizeof line, "%-19s %-*s %-*s %-8s %-*s %-*s %s",
	    _("Time"), c->event, _("Event"), c->state, _("State"),
	    _("Priority"), c->alarm, _("Alarm"), c->value, _("Value"),
	    _("Message"));
	wattrset(win, ui_attr(UI_HEADER));
	wmove(win, 0, 0);
	ui_put(win, line, getmaxx(win), UI_LEFT);
	wattrset(win, ui_attr(UI_NORMAL));
}

static int
view_journal_draw(struct view_entry *ve, WINDOW *win)
{
	struct view_journal *vj = ve->data;
	struct view_journal_cols c = { 5, 5, 5, 5 };
	size_t n = json_array_size(vj->rows), i;
	int rows = getmaxy(win) - 1;
	json_t *row;

	view_journal_follow(ve);
	if (vj->sel >= n)
		vj->sel = n > 0 ? n - 1 : 0;
	if (vj->sel < vj->top)
		vj->top = vj->sel;
	if (rows > 0 && vj->sel >= vj->top + (size_t)rows)
		vj->top = vj->sel - (size_t)rows + 1;
	for (i = vj->top; i < n && (int)(i - vj->top) < rows; i++) {
		row = json_array_get(vj->rows, i);
		view_journal_widen(&c.event, view_journal_text(row, "event"),
		    12);
		view_journal_widen(&c.state, view_journal_text(row, "state"),
		    14);
		view_journal_widen(&c.alarm, view_journal_text(row, "alarm"),
		    32);
		view_journal_widen(&c.value, view_journal_text(row, "value"),
		    14);
	}
	view_journal_header(win, &c);
	if (n == 0) {
		wmove(win, 2, 2);
		ui_put(win, vj->error[0] != '\0' ? vj->error : vj->req != 0 ?
		    _("Asking the server...") : _("No entries."),
		    getmaxx(win) - 2, UI_LEFT);
	}
	for (i = vj->top; i < n && (int)(i - vj->top) < rows; i++)
		view_journal_row(win, 1 + (int)(i - vj->top),
		    json_array_get(vj->rows, i), &c, i == vj->sel);
	return 0;
}

static int
view_journal_key(struct view_entry *ve, int key)
{
	struct view_journal *vj = ve->data;
	size_t n = json_array_size(vj->rows);
	size_t page = (size_t)(LINES > 8 ? LINES - 8 : 1);

	if (alarmfilter_key(&vj->filter, key))
		return 1;
	switch (key) {
	case UI_FN(KEY_UP):
	case 'k':
		vj->sel = vj->sel > 0 ? vj->sel - 1 : 0;
		break;
	case UI_FN(KEY_DOWN):
	case 'j':
		vj->sel++;
		break;
	case UI_FN(KEY_PPAGE):
		vj->sel = vj->sel > page ? vj->sel - page : 0;
		break;
	case UI_FN(KEY_NPAGE):
		vj->sel += page;
		break;
	case UI_FN(KEY_HOME):
	case 'g':
		vj->sel = 0;
		break;
	case UI_FN(KEY_END):
	case 'G':
		vj->sel = n;
		break;
	case 'r':
		view_journal_ask(ve, 0);
		break;
	default:
		return 0;
	}
	/* Past the last row loaded: the page before it, if there is one. */
	if (vj->sel >= n) {
		vj->sel = n > 0 ? n - 1 : 0;
		if (vj->more && vj->req == 0)
			view_journal_ask(ve, 1);
	}
	ve->dirty = 1;
	return 1;
}

static void
view_journal_heading(struct view_entry *ve, char *buf, size_t len)
{
	struct view_journal *vj = ve->data;
	char f[256];

	alarmfilter_describe(&vj->filter, f, sizeof f);
	if (f[0] != '\0')
		snprintf(buf, len, _("Alarm journal (%s)"), f);
	else
		snprintf(buf, len, "%s", _("Alarm journal"));
}

/* The selected entry in full: who did it, from where, and why. */
static enum ui_role
view_journal_hint(struct view_entry *ve, char *buf, size_t len)
{
	struct view_journal *vj = ve->data;
	json_t *row = json_array_get(vj->rows, vj->sel);
	const char *user = view_journal_text(row, "user");
	const char *comment = view_journal_text(row, "comment");
	size_t n;

	buf[0] = '\0';
	if (row == NULL)
		return UI_NORMAL;
	n = (size_t)snprintf(buf, len, "%s %s", view_journal_text(row,
	    "alarm"), view_journal_text(row, "event"));
	if (user[0] != '\0' && n < len)
		n += (size_t)snprintf(buf + n, len - n, _(" by %s at %s"), user,
		    view_journal_text(row, "station"));
	if (comment[0] != '\0' && n < len)
		n += (size_t)snprintf(buf + n, len - n, ": %s", comment);
	if (vj->sel + 1 == json_array_size(vj->rows) && n < len)
		snprintf(buf + n, len - n, "%s", vj->req != 0 ?
		    _(" (asking for older entries)") : vj->more ? "" :
		    _(" (the oldest entry)"));
	return UI_NORMAL;
}

const struct view view_journal = {
	.name = "journal",
	.title = N_("Alarm journal"),
	.keyhint = N_("/:search T:time f:area p:priority r:again a:alarms "
	    "?:help "),
	.keys = view_journal_keys,
	.init = view_journal_init,
	.free = view_journal_free,
	.draw = view_journal_draw,
	.key = view_journal_key,
	.hint = view_journal_hint,
	.heading = view_journal_heading,
};
