/*
 * The tag list: one row per tag of the mirror, in the project's order,
 * with a selection bar and setpoint writes. A value is shown as it is
 * only when it is good and current (the link is up and the tag's page
 * of this sync has come); otherwise the row says what it is, in words
 * and a marker as well as in colour, so a monochrome terminal or a
 * colour-blind operator loses nothing.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "i18n.h"
#include "prompt.h"
#include "statusbar.h"
#include "value.h"
#include "view.h"
#include "xmalloc.h"

#define VIEW_TAGS_VALUE_W	12	/* numbers line up in this, given room */
#define VIEW_TAGS_TIME_W	8
#define VIEW_TAGS_UNITS_MAX	12
#define VIEW_TAGS_TEXT_MIN	8	/* a text value cut shorter says nothing */

/*
 * The columns of one frame. Name and value are never cut below what
 * tells two rows apart; Time, Quality and Units (in that order) go
 * first when the terminal is narrow, the quality still shown by the
 * marker. Only a text value may be cut, and the message line then shows
 * it whole for the selected row.
 */
struct view_tags_cols {
	int	 name;
	int	 value;
	int	 units;		/* 0: not shown */
	int	 quality;
	int	 time;
	int	 description;	/* what is left */
};

struct view_tags {
	size_t	 sel;		/* in the list shown: all tags, or matches */
	size_t	 top;
	int	 rows;		/* list rows on the last frame, for paging */
	char	*sel_name;	/* to find the selection again after a resync */
	int	 name_w;
	int	 units_w;
	int	 quality_w;
	size_t	 widths_for;	/* tags measured so far */
	struct view_tags_cols cols;	/* of the last frame */
	char	*filter;	/* NULL: every tag */
	size_t	*match;		/* mirror indexes of the tags shown */
	size_t	 nmatch;
	int	 match_stale;
};

/* How a row looks; the same for every column of it. */
struct view_tags_state {
	char		 marker;
	const char	*quality;
	enum ui_role	 role;
};

static const struct view_key view_tags_keys[] = {
	{ N_("Up, k"), N_("select the previous tag") },
	{ N_("Down, j"), N_("select the next tag") },
	{ N_("PgUp, PgDn, Ctrl-B, Ctrl-F"), N_("move a page up or down") },
	{ N_("Home, End, g, G"), N_("first or last tag") },
	{ N_("Enter, w"), N_("write a new value to the selected tag") },
	{ N_("Space"), N_("switch the selected on/off tag (asks first)") },
	{ N_("/"), N_("show only tags whose name or description contains "
	    "a text") },
	{ N_("Esc"), N_("show every tag again, after /") },
	{ NULL, NULL }
};

static const struct view_key view_tags_legend[] = {
	{ N_("X  BAD"), N_("no valid value: reason on the message line") },
	{ N_("!"), N_("an alarm of the tag waits for acknowledgement") },
	{ N_("?  uncertain"), N_("value may be wrong: reason on the message line") },
	{ N_("~  stale"), N_("communication lost: last value received") },
	{ NULL, NULL }
};

static void *
view_tags_init(struct view_entry *ve)
{
	return xcalloc(1, sizeof(struct view_tags));
}

static void
view_tags_free(struct view_entry *ve)
{
	struct view_tags *vt = ve->data;

	free(vt->sel_name);
	free(vt->filter);
	free(vt->match);
	free(vt);
	ve->data = NULL;
}

static mirror_t *
view_tags_mirror(struct view_entry *ve)
{
	return ve->station->mirror;
}

static int
view_tags_matches(const struct mirror_tag *t, const char *filter)
{
	return strcasestr(t->name, filter) != NULL ||
	    strcasestr(t->description, filter) != NULL;
}

/*
 * The list of matches is made again when the tag list changed, at most
 * once a frame: a plant of 100,000 tags loads in a hundred pages.
 */
static void
view_tags_rematch(struct view_tags *vt, mirror_t *m)
{
	const struct mirror_tag *t;
	size_t i;

	vt->match_stale = 0;
	vt->nmatch = 0;
	if (vt->filter == NULL)
		return;
	vt->match = xreallocarray(vt->match, mirror_count(m) + 1,
	    sizeof *vt->match);
	for (i = 0; (t = mirror_at(m, i)) != NULL; i++)
		if (view_tags_matches(t, vt->filter))
			vt->match[vt->nmatch++] = i;
}

/* How many rows the list has: every tag, or those matching the filter. */
static size_t
view_tags_count(struct view_entry *ve)
{
	struct view_tags *vt = ve->data;

	if (vt->filter == NULL)
		return mirror_count(view_tags_mirror(ve));
	if (vt->match_stale)
		view_tags_rematch(vt, view_tags_mirror(ve));
	return vt->nmatch;
}

static const struct mirror_tag *
view_tags_at(struct view_entry *ve, size_t i)
{
	struct view_tags *vt = ve->data;

	if (vt->filter == NULL)
		return mirror_at(view_tags_mirror(ve), i);
	if (i >= view_tags_count(ve))
		return NULL;
	return mirror_at(view_tags_mirror(ve), vt->match[i]);
}

static const struct mirror_tag *
view_tags_selected(struct view_entry *ve)
{
	struct view_tags *vt = ve->data;

	return view_tags_at(ve, vt->sel);
}

/* Finds the selected tag by name again after the list changed. */
static void
view_tags_reselect(struct view_entry *ve)
{
	struct view_tags *vt = ve->data;
	const struct mirror_tag *u;
	size_t i;

	if (vt->sel_name == NULL || ((u = view_tags_at(ve, vt->sel)) != NULL &&
	    strcmp(u->name, vt->sel_name) == 0))
		return;
	for (i = 0; (u = view_tags_at(ve, i)) != NULL; i++)
		if (strcmp(u->name, vt->sel_name) == 0) {
			vt->sel = i;
			return;
		}
}

static void
view_tags_select(struct view_entry *ve, size_t sel)
{
	struct view_tags *vt = ve->data;
	size_t n = view_tags_count(ve);
	const struct mirror_tag *t;

	if (n == 0)
		sel = 0;
	else if (sel >= n)
		sel = n - 1;
	if (sel != vt->sel)
		statusbar_clear();	/* the old message was about another row */
	vt->sel = sel;
	free(vt->sel_name);
	vt->sel_name = NULL;
	if ((t = view_tags_at(ve, sel)) != NULL)
		vt->sel_name = xstrdup(t->name);
	ve->dirty = 1;
}

/*
 * Column widths follow the longest name and units of the whole list, so
 * they do not move as it scrolls. A plant loads page by page: only the
 * tags new since the last time are measured, unless the list shrank.
 */
static void
view_tags_measure(struct view_entry *ve)
{
	struct view_tags *vt = ve->data;
	mirror_t *m = view_tags_mirror(ve);
	const struct mirror_tag *t;
	const char *q[] = { _("Quality"), _("good"), _("uncertain"), _("BAD"),
	    _("stale") };
	size_t i;
	int w;

	if (vt->widths_for > mirror_count(m) || vt->name_w == 0) {
		vt->widths_for = 0;
		vt->name_w = ui_width(_("Name"));
		vt->units_w = ui_width(_("Units"));
		vt->quality_w = 0;
		for (i = 0; i < sizeof q / sizeof q[0]; i++)
			if ((w = ui_width(q[i])) > vt->quality_w)
				vt->quality_w = w;
	}
	for (i = vt->widths_for; (t = mirror_at(m, i)) != NULL; i++) {
		if ((w = ui_width(t->name)) > vt->name_w)
			vt->name_w = w;
		if ((w = ui_width(t->units)) > vt->units_w)
			vt->units_w = w;
	}
	if (vt->units_w > VIEW_TAGS_UNITS_MAX)
		vt->units_w = VIEW_TAGS_UNITS_MAX;
	vt->widths_for = mirror_count(m);
}

/* After a resync the list may have changed: keep the same tag selected. */
static void
view_tags_update(struct view_entry *ve, const struct mirror_tag *t)
{
	struct view_tags *vt = ve->data;

	ve->dirty = 1;
	if (t != NULL)
		return;
	view_tags_measure(ve);
	vt->match_stale = 1;
	view_tags_reselect(ve);
}

/*
 * '!' as on every view: an alarm of the tag waits for acknowledgement;
 * an active one gives a good value its priority's colour. Stale and bad
 * keep their own marks, which say more about the value shown.
 */
static void
view_tags_alarm(struct view_entry *ve, const struct mirror_tag *t,
    struct view_tags_state *s)
{
	json_t *a = alarmlist_of_tag(ve->station->alarms, t->name);

	if (a == NULL || s->marker == '~' || s->marker == 'X')
		return;
	if (alarmlist_unack(a))
		s->marker = '!';
	if (json_is_true(json_object_get(a, "active")))
		s->role = ui_priority_role((int)json_integer_value(
		    json_object_get(a, "priority")));
}

static struct view_tags_state
view_tags_state(struct view_entry *ve, const struct mirror_tag *t)
{
	struct view_tags_state s = { ' ', NULL, UI_NORMAL };

	if (!mirror_fresh(view_tags_mirror(ve), t)) {
		s.marker = '~';
		s.quality = _("stale");
		s.role = UI_STALE;
	} else if (t->tv.quality == QUALITY_BAD) {
		s.marker = 'X';
		s.quality = _("BAD");
		s.role = UI_BAD;
	} else if (t->tv.quality == QUALITY_UNCERTAIN) {
		s.marker = '?';
		s.quality = _("uncertain");
		s.role = UI_UNCERTAIN;
	} else
		s.quality = _("good");
	view_tags_alarm(ve, t, &s);
	return s;
}

/*
 * A column after the name, with the blank that parts it from the one
 * before; a column of width 0 is not shown.
 */
static void
view_tags_cell(WINDOW *win, const char *text, int width, enum ui_align a)
{
	if (width > 0) {
		waddch(win, ' ');
		ui_put(win, text, width, a);
	}
}

static void
view_tags_value(const struct mirror_tag *t, char *buf, size_t len)
{
	value_format(&t->tv, t->type, VALUE_OPERATOR, buf, len);
}

/*
 * The widest values of the rows on screen: numbers and switches must
 * show whole, text as much as there is room for.
 */
static void
view_tags_value_widths(struct view_entry *ve, int *number, int *text)
{
	struct view_tags *vt = ve->data;
	const struct mirror_tag *t;
	char value[TAGVAL_STR_MAX];
	int y, w;

	*number = ui_width(_("Value"));
	*text = 0;
	for (y = 0; y < vt->rows && (t = view_tags_at(ve, vt->top + y)) !=
	    NULL; y++) {
		view_tags_value(t, value, sizeof value);
		w = ui_width(value);
		if (value_type_is_string(t->type)) {
			if (w > *text)
				*text = w;
		} else if (w > *number)
			*number = w;
	}
}

/* The longest name on screen, when the longest of all does not fit. */
static int
view_tags_name_visible(struct view_entry *ve)
{
	struct view_tags *vt = ve->data;
	const struct mirror_tag *t;
	int y, w, most = ui_width(_("Name"));

	for (y = 0; y < vt->rows && (t = view_tags_at(ve, vt->top + y)) !=
	    NULL; y++)
		if ((w = ui_width(t->name)) > most)
			most = w;
	return most;
}

/* Adds an optional column of width w if it fits in *room. */
static int
view_tags_fit(int *room, int w)
{
	if (w + 1 > *room)
		return 0;
	*room -= w + 1;
	return w;
}

/*
 * Lays out a frame of ncols columns; returns 0, or the width the
 * terminal needs when name and value do not fit.
 */
static int
view_tags_layout(struct view_entry *ve, int ncols, struct view_tags_cols *c)
{
	struct view_tags *vt = ve->data;
	int number, text, value, room, grow;

	memset(c, 0, sizeof *c);
	view_tags_value_widths(ve, &number, &text);
	value = number;
	if (text > value)
		value = text < VIEW_TAGS_TEXT_MIN ? text : VIEW_TAGS_TEXT_MIN;
	c->name = vt->name_w;
	if (2 + c->name + 1 + value > ncols)
		c->name = view_tags_name_visible(ve);
	if (2 + c->name + 1 + value > ncols)
		return 2 + c->name + 1 + value;
	room = ncols - (2 + c->name + 1 + value);
	c->units = view_tags_fit(&room, vt->units_w);
	c->quality = view_tags_fit(&room, vt->quality_w);
	c->time = view_tags_fit(&room, VIEW_TAGS_TIME_W);
	/* Then the value column: room to line numbers up, then for text. */
	grow = VIEW_TAGS_VALUE_W - value;
	if (grow > room)
		grow = room;
	if (grow > 0) {
		value += grow;
		room -= grow;
	}
	if (text > value) {
		grow = text - value < room ? text - value : room;
		value += grow;
		room -= grow;
	}
	c->value = value;
	c->description = room - 1;
	return 0;
}

static void
view_tags_header(WINDOW *win, const struct view_tags_cols *c)
{
	ui_fill(win, 0, ui_attr(UI_HEADER));
	waddstr(win, "  ");
	ui_put(win, _("Name"), c->name, UI_LEFT);
	view_tags_cell(win, _("Value"), c->value, UI_RIGHT);
	view_tags_cell(win, _("Units"), c->units, UI_LEFT);
	view_tags_cell(win, _("Quality"), c->quality, UI_LEFT);
	view_tags_cell(win, _("Time"), c->time, UI_LEFT);
	view_tags_cell(win, _("Description"), c->description, UI_LEFT);
}

static void
view_tags_row(struct view_entry *ve, WINDOW *win, int y, size_t i,
    const struct view_tags_cols *c)
{
	struct view_tags *vt = ve->data;
	const struct mirror_tag *t = view_tags_at(ve, i);
	struct view_tags_state s;
	char value[TAGVAL_STR_MAX], when[16], mark[3];
	attr_t attr;

	if (t == NULL)
		return;
	s = view_tags_state(ve, t);
	attr = ui_attr(s.role);
	if (i == vt->sel)
		attr |= ui_attr(UI_SELECTED);
	view_tags_value(t, value, sizeof value);
	value_time(t->tv.ts_ms, 0, when, sizeof when);
	snprintf(mark, sizeof mark, "%c ", s.marker);
	ui_fill(win, y, attr);
	waddstr(win, mark);
	ui_put(win, t->name, c->name, UI_LEFT);
	view_tags_cell(win, value, c->value, value_type_is_string(t->type) ?
	    UI_LEFT : UI_RIGHT);
	view_tags_cell(win, t->units, c->units, UI_LEFT);
	view_tags_cell(win, s.quality, c->quality, UI_LEFT);
	view_tags_cell(win, when, c->time, UI_LEFT);
	view_tags_cell(win, t->description, c->description, UI_LEFT);
}

/* Keeps the selection on screen with the least scrolling. */
static void
view_tags_scroll(struct view_tags *vt, size_t n, int rows)
{
	if (rows < 1)
		rows = 1;
	if (vt->sel < vt->top)
		vt->top = vt->sel;
	if (vt->sel >= vt->top + (size_t)rows)
		vt->top = vt->sel - rows + 1;
	if (vt->top + rows > n)
		vt->top = n > (size_t)rows ? n - rows : 0;
}

static int
view_tags_draw(struct view_entry *ve, WINDOW *win)
{
	struct view_tags *vt = ve->data;
	mirror_t *m = view_tags_mirror(ve);
	size_t n = view_tags_count(ve);
	int y, need;
	char text[256];

	if (vt->widths_for != mirror_count(m) || vt->name_w == 0)
		view_tags_measure(ve);
	if (n > 0 && vt->sel >= n)
		view_tags_select(ve, n - 1);
	vt->rows = getmaxy(win) - 1;
	view_tags_scroll(vt, n, vt->rows);
	if ((need = view_tags_layout(ve, getmaxx(win), &vt->cols)) != 0)
		return need;
	view_tags_header(win, &vt->cols);
	if (n == 0) {
		if (vt->filter != NULL)
			snprintf(text, sizeof text, _("No tag's name or "
			    "description contains \"%s\"; Esc shows every "
			    "tag."), vt->filter);
		else
			snprintf(text, sizeof text, _("No tags (%s)."),
			    mirror_status(m));
		wattrset(win, ui_attr(UI_NORMAL));
		wmove(win, 2, 2);
		ui_put(win, text, -1, UI_LEFT);
		return 0;
	}
	for (y = 0; y < vt->rows && vt->top + y < n; y++)
		view_tags_row(ve, win, y + 1, vt->top + y, &vt->cols);
	return 0;
}

static void
view_tags_edit(struct view_entry *ve, int toggle)
{
	const struct mirror_tag *t = view_tags_selected(ve);

	ve->dirty = 1;
	if (t != NULL)
		edit_start(ve->station, t->name, toggle ? EDIT_TOGGLE :
		    EDIT_VALUE, NULL);
}

static void
view_tags_filter_set(struct view_entry *ve, const char *filter)
{
	struct view_tags *vt = ve->data;

	free(vt->filter);
	vt->filter = filter != NULL && *filter != '\0' ? xstrdup(filter) :
	    NULL;
	vt->match_stale = 1;
	vt->sel = vt->top = 0;
	view_tags_reselect(ve);
	ve->dirty = 1;
}

/* A filter that matches nothing is not applied: the text is kept to fix. */
static void
view_tags_filtered(void *arg, const char *text)
{
	struct view_entry *ve = arg;
	struct view_tags *vt = ve->data;
	char *old;

	ve->dirty = 1;
	if (text == NULL)
		return;
	old = vt->filter != NULL ? xstrdup(vt->filter) : NULL;
	view_tags_filter_set(ve, text);
	if (vt->filter == NULL)
		statusbar_info(_("Showing every tag."));
	else if (view_tags_count(ve) == 0) {
		statusbar_error(_("No tag's name or description contains "
		    "\"%s\"."), text);
		view_tags_filter_set(ve, old);
		prompt_open(_("Show tags containing: "), text,
		    view_tags_filtered, ve);
	} else
		statusbar_info(_("%zu of %zu tags contain \"%s\"; Esc shows "
		    "every tag."), view_tags_count(ve),
		    mirror_count(view_tags_mirror(ve)), text);
	free(old);
}

/* Space is for switches; say so rather than do nothing. */
static void
view_tags_space(struct view_entry *ve)
{
	const struct mirror_tag *t = view_tags_selected(ve);

	if (t == NULL)
		return;
	if (value_type_is_bool(t->type))
		view_tags_edit(ve, 1);
	else
		statusbar_info(_("Space switches on/off tags; %s is not one: "
		    "Enter to write it."), t->name);
	ve->dirty = 1;
}

static int
view_tags_key(struct view_entry *ve, int key)
{
	struct view_tags *vt = ve->data;
	size_t n = view_tags_count(ve);
	size_t page = vt->rows > 1 ? (size_t)vt->rows - 1 : 1;

	switch (key) {
	case UI_FN(KEY_UP):
	case 'k':
		view_tags_select(ve, vt->sel > 0 ? vt->sel - 1 : 0);
		break;
	case UI_FN(KEY_DOWN):
	case 'j':
		view_tags_select(ve, vt->sel + 1);
		break;
	case UI_FN(KEY_PPAGE):
	case UI_CTRL('B'):
		view_tags_select(ve, vt->sel > page ? vt->sel - page : 0);
		break;
	case UI_FN(KEY_NPAGE):
	case UI_CTRL('F'):
		view_tags_select(ve, vt->sel + page);
		break;
	case UI_FN(KEY_HOME):
	case 'g':
		view_tags_select(ve, 0);
		break;
	case UI_FN(KEY_END):
	case 'G':
		view_tags_select(ve, n > 0 ? n - 1 : 0);
		break;
	case '\r':
	case '\n':
	case UI_FN(KEY_ENTER):
		view_tags_edit(ve, 1);
		break;
	case 'w':
		view_tags_edit(ve, 0);
		break;
	case ' ':
		view_tags_space(ve);
		break;
	case '/':
		prompt_open(_("Show tags containing: "), vt->filter,
		    view_tags_filtered, ve);
		break;
	case UI_ESC:
		if (vt->filter == NULL)
			return 0;
		view_tags_filter_set(ve, NULL);
		statusbar_info(_("Showing every tag."));
		break;
	default:
		return 0;
	}
	return 1;
}

/* What the message line says about the selected tag. */
static enum ui_role
view_tags_hint(struct view_entry *ve, char *buf, size_t len)
{
	struct view_tags *vt = ve->data;
	const struct mirror_tag *t = view_tags_selected(ve);
	char range[96], value[TAGVAL_STR_MAX];

	if (t == NULL) {
		buf[0] = '\0';
		return UI_NORMAL;
	}
	if (!mirror_fresh(view_tags_mirror(ve), t)) {
		snprintf(buf, len, mirror_connected(view_tags_mirror(ve)) ?
		    _("%s: not loaded yet") : _("%s: stale, last value "
		    "received before communication was lost"), t->name);
		return UI_STALE;
	}
	if (t->tv.quality != QUALITY_GOOD) {
		snprintf(buf, len, "%s: %s: %s", t->name,
		    t->tv.quality == QUALITY_BAD ? _("BAD") : _("uncertain"),
		    t->tv.reason[0] != '\0' ? t->tv.reason :
		    _("no reason given"));
		return t->tv.quality == QUALITY_BAD ? UI_BAD : UI_UNCERTAIN;
	}
	view_tags_value(t, value, sizeof value);
	if (value_type_is_string(t->type) &&
	    ui_width(value) > vt->cols.value) {
		snprintf(buf, len, "%s = %s", t->name, value);
		return UI_NORMAL;
	}
	if (t->writable && !t->may_write) {
		snprintf(buf, len, _("%s: writable, but not by %s here"),
		    t->name, ve->station->user != NULL ? ve->station->user :
		    _("this station"));
		return UI_NORMAL;
	}
	if (t->writable) {
		value_range(t->type, t->has_range, t->min, t->max, t->units,
		    range, sizeof range);
		snprintf(buf, len, _("%s: writable%s%s%s; Enter to change"),
		    t->name, range[0] != '\0' ? " [" : "", range,
		    range[0] != '\0' ? "]" : "");
	} else
		snprintf(buf, len, _("%s: read-only"), t->name);
	return UI_NORMAL;
}

/* "Tags", or what the filter shows of them. */
static void
view_tags_heading(struct view_entry *ve, char *buf, size_t len)
{
	struct view_tags *vt = ve->data;

	if (vt->filter == NULL)
		snprintf(buf, len, "%s", _("Tags"));
	else
		snprintf(buf, len, _("Tags with \"%s\" (%zu of %zu)"),
		    vt->filter, view_tags_count(ve),
		    mirror_count(view_tags_mirror(ve)));
}

const struct view view_tags = {
	.name = "tags",
	.title = N_("Tags"),
	.keyhint = N_("Enter:write ?:help q:quit "),
	.keys = view_tags_keys,
	.legend = view_tags_legend,
	.init = view_tags_init,
	.free = view_tags_free,
	.draw = view_tags_draw,
	.key = view_tags_key,
	.update = view_tags_update,
	.hint = view_tags_hint,
	.heading = view_tags_heading,
};
