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

#include "i18n.h"
#include "prompt.h"
#include "statusbar.h"
#include "value.h"
#include "view.h"
#include "xmalloc.h"

#define VIEW_TAGS_VALUE_W	12
#define VIEW_TAGS_TIME_W	8
#define VIEW_TAGS_NAME_MAX	32
#define VIEW_TAGS_UNITS_MAX	12
#define VIEW_TAGS_NAME_MIN	8

struct view_tags {
	size_t	 sel;
	size_t	 top;
	int	 rows;		/* list rows on the last frame, for paging */
	char	*sel_name;	/* to find the selection again after a resync */
	char	*edit;		/* the tag being written */
	int	 toggle_to;
	int	 name_w;
	int	 units_w;
	int	 quality_w;
	size_t	 widths_for;	/* tags measured so far */
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
	{ N_("PgUp, PgDn"), N_("move a page up or down") },
	{ N_("Home, End"), N_("first or last tag") },
	{ N_("Enter, w"), N_("write a new value to the selected tag") },
	{ N_("Space"), N_("switch the selected on/off tag (asks first)") },
	{ NULL, NULL }
};

static const struct view_key view_tags_legend[] = {
	{ N_("!  BAD"), N_("no valid value: reason on the message line") },
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
	free(vt->edit);
	free(vt);
	ve->data = NULL;
}

static mirror_t *
view_tags_mirror(struct view_entry *ve)
{
	return ve->station->mirror;
}

static const struct mirror_tag *
view_tags_selected(struct view_entry *ve)
{
	struct view_tags *vt = ve->data;

	return mirror_at(view_tags_mirror(ve), vt->sel);
}

static void
view_tags_select(struct view_entry *ve, size_t sel)
{
	struct view_tags *vt = ve->data;
	size_t n = mirror_count(view_tags_mirror(ve));
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
	if ((t = mirror_at(view_tags_mirror(ve), sel)) != NULL)
		vt->sel_name = xstrdup(t->name);
	ve->dirty = 1;
}

/*
 * Column widths follow the longest name and units, within limits. A
 * plant loads page by page: only the tags new since the last time are
 * measured, unless the list shrank.
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
	if (vt->name_w > VIEW_TAGS_NAME_MAX)
		vt->name_w = VIEW_TAGS_NAME_MAX;
	if (vt->units_w > VIEW_TAGS_UNITS_MAX)
		vt->units_w = VIEW_TAGS_UNITS_MAX;
	vt->widths_for = mirror_count(m);
}

/* After a resync the list may have changed: keep the same tag selected. */
static void
view_tags_update(struct view_entry *ve, const struct mirror_tag *t)
{
	struct view_tags *vt = ve->data;
	mirror_t *m = view_tags_mirror(ve);
	const struct mirror_tag *u;
	size_t i;

	ve->dirty = 1;
	if (t != NULL)
		return;
	view_tags_measure(ve);
	if (vt->sel_name == NULL || ((u = mirror_at(m, vt->sel)) != NULL &&
	    strcmp(u->name, vt->sel_name) == 0))
		return;
	for (i = 0; (u = mirror_at(m, i)) != NULL; i++)
		if (strcmp(u->name, vt->sel_name) == 0) {
			vt->sel = i;
			return;
		}
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
		s.marker = '!';
		s.quality = _("BAD");
		s.role = UI_BAD;
	} else if (t->tv.quality == QUALITY_UNCERTAIN) {
		s.marker = '?';
		s.quality = _("uncertain");
		s.role = UI_UNCERTAIN;
	} else
		s.quality = _("good");
	return s;
}

static void
view_tags_cell(WINDOW *win, const char *text, int width, enum ui_align a)
{
	if (width > 0) {
		ui_put(win, text, width, a);
		waddch(win, ' ');
	}
}

/* The name column shrinks first when the terminal is narrow. */
static int
view_tags_name_width(struct view_tags *vt, int cols)
{
	int fixed = 2 + VIEW_TAGS_VALUE_W + 1 + vt->units_w + 1 +
	    vt->quality_w + 1 + VIEW_TAGS_TIME_W + 1 + 1;
	int w = vt->name_w;

	if (fixed + w > cols)
		w = cols - fixed;
	if (w < VIEW_TAGS_NAME_MIN)
		w = VIEW_TAGS_NAME_MIN;
	return w < vt->name_w ? w : vt->name_w;
}

static void
view_tags_header(struct view_entry *ve, WINDOW *win, int name_w)
{
	struct view_tags *vt = ve->data;

	ui_fill(win, 0, ui_attr(UI_HEADER));
	waddstr(win, "  ");
	view_tags_cell(win, _("Name"), name_w, UI_LEFT);
	view_tags_cell(win, _("Value"), VIEW_TAGS_VALUE_W, UI_RIGHT);
	view_tags_cell(win, _("Units"), vt->units_w, UI_LEFT);
	view_tags_cell(win, _("Quality"), vt->quality_w, UI_LEFT);
	view_tags_cell(win, _("Time"), VIEW_TAGS_TIME_W, UI_LEFT);
	ui_put(win, _("Description"), -1, UI_LEFT);
}

static void
view_tags_row(struct view_entry *ve, WINDOW *win, int y, size_t i,
    int name_w)
{
	struct view_tags *vt = ve->data;
	const struct mirror_tag *t = mirror_at(view_tags_mirror(ve), i);
	struct view_tags_state s;
	char value[TAGVAL_STR_MAX], when[16], mark[3];
	attr_t attr;

	if (t == NULL)
		return;
	s = view_tags_state(ve, t);
	attr = ui_attr(s.role);
	if (i == vt->sel)
		attr |= ui_attr(UI_SELECTED);
	value_format(&t->tv, t->type, VALUE_OPERATOR, value, sizeof value);
	value_time(t->tv.ts_ms, 0, when, sizeof when);
	snprintf(mark, sizeof mark, "%c ", s.marker);
	ui_fill(win, y, attr);
	waddstr(win, mark);
	view_tags_cell(win, t->name, name_w, UI_LEFT);
	view_tags_cell(win, value, VIEW_TAGS_VALUE_W, UI_RIGHT);
	view_tags_cell(win, t->units, vt->units_w, UI_LEFT);
	view_tags_cell(win, s.quality, vt->quality_w, UI_LEFT);
	view_tags_cell(win, when, VIEW_TAGS_TIME_W, UI_LEFT);
	ui_put(win, t->description, -1, UI_LEFT);
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

static void
view_tags_draw(struct view_entry *ve, WINDOW *win)
{
	struct view_tags *vt = ve->data;
	mirror_t *m = view_tags_mirror(ve);
	size_t n = mirror_count(m);
	int y, name_w;
	char text[256];

	if (vt->widths_for != n || vt->name_w == 0)
		view_tags_measure(ve);
	if (n > 0 && vt->sel >= n)
		view_tags_select(ve, n - 1);
	name_w = view_tags_name_width(vt, getmaxx(win));
	view_tags_header(ve, win, name_w);
	vt->rows = getmaxy(win) - 1;
	if (n == 0) {
		snprintf(text, sizeof text, _("No tags (%s)."),
		    mirror_status(m));
		wattrset(win, ui_attr(UI_NORMAL));
		wmove(win, 2, 2);
		ui_put(win, text, -1, UI_LEFT);
		return;
	}
	view_tags_scroll(vt, n, vt->rows);
	for (y = 0; y < vt->rows && vt->top + y < n; y++)
		view_tags_row(ve, win, y + 1, vt->top + y, name_w);
}

static void
view_tags_entered(void *arg, const char *text)
{
	struct view_entry *ve = arg;
	struct view_tags *vt = ve->data;
	const struct mirror_tag *t;
	json_t *v;
	char err[256], shown[TAGVAL_STR_MAX];

	ve->dirty = 1;
	if (text == NULL) {
		statusbar_info(_("Write to %s cancelled; nothing sent."),
		    vt->edit);
		return;
	}
	if (!mirror_connected(view_tags_mirror(ve))) {
		statusbar_error(_("Communication lost: %s not written."),
		    vt->edit);
		return;
	}
	if ((t = mirror_find(view_tags_mirror(ve), vt->edit)) == NULL) {
		statusbar_error(_("%s is no longer in the project; nothing "
		    "sent."), vt->edit);
		return;
	}
	if (value_parse(t->type, text, &v, err, sizeof err) == -1) {
		statusbar_error(_("%s: %s; nothing sent."), vt->edit, err);
		return;
	}
	value_format_json(v, t->type, VALUE_OPERATOR, shown, sizeof shown);
	station_write(ve->station, vt->edit, shown, v);
	json_decref(v);
}

static void
view_tags_confirmed(void *arg, const char *text)
{
	struct view_entry *ve = arg;
	struct view_tags *vt = ve->data;

	if (text == NULL) {
		ve->dirty = 1;
		statusbar_info(_("Write to %s cancelled; nothing sent."),
		    vt->edit);
		return;
	}
	view_tags_entered(arg, vt->toggle_to ? "on" : "off");
}

/*
 * A switch with a good current value may be toggled with a yes/no
 * question; one whose value we do not know is asked for explicitly,
 * as "the opposite of unknown" means nothing.
 */
static void
view_tags_edit(struct view_entry *ve, int toggle)
{
	struct view_tags *vt = ve->data;
	const struct mirror_tag *t = view_tags_selected(ve);
	char label[256], range[96], to[16];

	if (t == NULL)
		return;
	ve->dirty = 1;
	if (!t->writable) {
		statusbar_error(_("%s is read-only."), t->name);
		return;
	}
	if (!mirror_fresh(view_tags_mirror(ve), t)) {
		statusbar_error(_("Communication lost: cannot write %s."),
		    t->name);
		return;
	}
	free(vt->edit);
	vt->edit = xstrdup(t->name);
	if (toggle && value_type_is_bool(t->type) &&
	    t->tv.quality == QUALITY_GOOD && !isnan(t->tv.value)) {
		vt->toggle_to = t->tv.value == 0;
		value_number(vt->toggle_to, "bool", VALUE_OPERATOR, to,
		    sizeof to);
		snprintf(label, sizeof label, _("Switch %s %s? (y/n) "),
		    t->name, to);
		prompt_confirm(label, view_tags_confirmed, ve);
		return;
	}
	value_range(t->type, t->has_range, t->min, t->max, t->units, range,
	    sizeof range);
	if (range[0] != '\0')
		snprintf(label, sizeof label, _("New value for %s [%s]: "),
		    t->name, range);
	else
		snprintf(label, sizeof label, _("New value for %s: "),
		    t->name);
	prompt_open(label, NULL, view_tags_entered, ve);
}

static int
view_tags_key(struct view_entry *ve, int key)
{
	struct view_tags *vt = ve->data;
	size_t n = mirror_count(view_tags_mirror(ve));
	size_t page = vt->rows > 1 ? (size_t)vt->rows - 1 : 1;
	const struct mirror_tag *t;

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
		if ((t = view_tags_selected(ve)) != NULL &&
		    value_type_is_bool(t->type))
			view_tags_edit(ve, 1);
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
	const struct mirror_tag *t = view_tags_selected(ve);
	char range[96];

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
};
