/*
 * Process screens, as the server supplies them (scada-screen(5)): the
 * picture, and its fields drawn from the mirror's values. ISA-101's
 * look: the picture and good values calm, colour only for what is
 * abnormal, and every abnormal state also a marker in the field's first
 * column, so a monochrome terminal says the same: '!' an alarm that
 * waits, '~' stale, '?' uncertain, and a bad value reads BAD. Tab and
 * the arrows select the fields that act (inputs, buttons, links),
 * Enter acts; the view keeps its own back and forward history.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "i18n.h"
#include "msg.h"
#include "statusbar.h"
#include "value.h"
#include "view.h"
#include "xmalloc.h"

#define VIEW_SCREEN_TIMEOUT_MS	5000
#define VIEW_SCREEN_HISTORY	32

struct view_screen {
	char		*name;		/* shown, or being fetched */
	json_t		*screen;	/* the server's; NULL until it comes */
	uint64_t	 req;
	char		 error[256];
	char		 notice[256];	/* said once it is shown */
	int		 sel;		/* index of the selected field, or -1 */
	zhashx_t	*tags;		/* the tags on the screen */
	uint64_t	 gen;		/* the project's, when fetched */
	char		*back[VIEW_SCREEN_HISTORY];
	int		 nback;
	char		*fwd[VIEW_SCREEN_HISTORY];
	int		 nfwd;
};

static const struct view_key view_screen_keys[] = {
	{ N_("Tab, Down, Right, j"), N_("select the next field that acts") },
	{ N_("Shift-Tab, Up, Left, k"), N_("select the one before") },
	{ N_("Enter"), N_("act: write a value, press a button, follow a "
	    "link") },
	{ N_("Backspace, ["), N_("the screen before") },
	{ N_("]"), N_("forward again") },
	{ N_("o, F6"), N_("the overview") },
	{ N_("r"), N_("fetch the screen again") },
	{ NULL, NULL }
};

static const struct view_key view_screen_legend[] = {
	{ "!", N_("an alarm of this tag waits for acknowledgement") },
	{ "~", N_("stale: communication lost, last value received") },
	{ "?", N_("uncertain value") },
	{ "BAD", N_("bad value: the device could not read it") },
	{ NULL, NULL }
};

static void	view_screen_fetch(struct view_entry *, const char *);
static void	view_screen_go(struct view_entry *, const char *);

/* Whether the station speaks German now (main.c sets the language). */
static int
view_screen_german(struct view_entry *ve)
{
	return strcmp(i18n_language(), "de") == 0;
}

/* A text of the screen in the station's language. */
static const char *
view_screen_text(struct view_entry *ve, json_t *o, const char *key)
{
	char de[64];
	const char *s;

	snprintf(de, sizeof de, "%s_de", key);
	if (view_screen_german(ve) &&
	    (s = json_string_value(json_object_get(o, de))) != NULL)
		return s;
	s = json_string_value(json_object_get(o, key));
	return s != NULL ? s : "";
}

static int
view_screen_acts(json_t *f)
{
	const char *k = json_string_value(json_object_get(f, "kind"));

	return k != NULL && !json_is_true(json_object_get(f, "hidden")) &&
	    (strcmp(k, "input") == 0 || strcmp(k, "button") == 0 ||
	    strcmp(k, "link") == 0);
}

/*
 * The next field that acts after (dir 1) or before (-1) the selection;
 * its hint then says more than the last message, which goes.
 */
static void
view_screen_step(struct view_screen *vs, int dir)
{
	json_t *fields = json_object_get(vs->screen, "fields");
	int n = (int)json_array_size(fields), i, at = vs->sel;

	if (dir != 0)
		statusbar_clear();
	dir = dir != 0 ? dir : 1;
	for (i = 0; i < n; i++) {
		at = at < 0 ? (dir > 0 ? 0 : n - 1) : (at + dir + n) % n;
		if (view_screen_acts(json_array_get(fields, (size_t)at))) {
			vs->sel = at;
			return;
		}
	}
	vs->sel = -1;
}

static void
view_screen_answer(void *arg, json_t *reply)
{
	struct view_entry *ve = arg;
	struct view_screen *vs = ve->data;
	json_t *f;
	size_t i;
	const char *t;

	vs->req = 0;
	ve->dirty = 1;
	if (!msg_is_ok(reply)) {
		snprintf(vs->error, sizeof vs->error, _("Screen %s: %s"),
		    vs->name, msg_error_message(reply));
		return;
	}
	vs->error[0] = '\0';
	json_decref(vs->screen);
	vs->screen = json_incref(json_object_get(reply, "screen"));
	vs->gen = (uint64_t)json_integer_value(json_object_get(reply, "gen"));
	zhashx_purge(vs->tags);
	json_array_foreach(json_object_get(vs->screen, "fields"), i, f)
		if ((t = json_string_value(json_object_get(f, "tag"))) != NULL)
			zhashx_update(vs->tags, t, (void *)1);
	vs->sel = -1;
	view_screen_step(vs, 0);
}

static void
view_screen_fetch(struct view_entry *ve, const char *name)
{
	struct view_screen *vs = ve->data;
	json_t *req;

	if (vs->req != 0)
		client_cancel(ve->station->client, vs->req);
	if (name != vs->name) {
		free(vs->name);
		vs->name = xstrdup(name);
	}
	req = json_pack("{s:s, s:s}", "op", "screen", "name", name);
	vs->req = client_send(ve->station->client, req, VIEW_SCREEN_TIMEOUT_MS,
	    2, view_screen_answer, ve);
	json_decref(req);
}

static void
view_screen_push(char **stack, int *n, const char *name)
{
	if (*n == VIEW_SCREEN_HISTORY) {
		free(stack[0]);
		memmove(stack, stack + 1, (VIEW_SCREEN_HISTORY - 1) *
		    sizeof *stack);
		(*n)--;
	}
	stack[(*n)++] = xstrdup(name);
}

/* Another screen; the one shown goes on the back history. */
static void
view_screen_go(struct view_entry *ve, const char *name)
{
	struct view_screen *vs = ve->data;
	int i;

	if (vs->name != NULL)
		view_screen_push(vs->back, &vs->nback, vs->name);
	for (i = 0; i < vs->nfwd; i++)
		free(vs->fwd[i]);
	vs->nfwd = 0;
	view_screen_fetch(ve, name);
}

/* Another screen, as a toolbar's screen:NAME asks. */
void
view_screen_open(struct view_entry *ve, const char *name)
{
	struct view_screen *vs = ve->data;

	if (vs->name == NULL || strcmp(vs->name, name) != 0)
		view_screen_go(ve, name);
}

/*
 * The screen to start on: the station's own start screen if the server
 * has it, else the project's; a station's screen that does not exist is
 * said, and the overview shown.
 */
static const char *
view_screen_start(struct view_entry *ve)
{
	json_t *list = ve->station->screens, *s;
	const char *want = json_string_value(json_object_get(mirror_station(
	    ve->station->mirror), "start_screen"));
	size_t i;

	if (want != NULL) {
		json_array_foreach(json_object_get(list, "screens"), i, s)
			if (strcmp(json_string_value(json_object_get(s,
			    "name")), want) == 0)
				return want;
		snprintf(((struct view_screen *)ve->data)->notice,
		    sizeof ((struct view_screen *)ve->data)->notice,
		    _("This station's start screen '%s' does not exist; "
		    "showing the overview."), want);
		return json_string_value(json_object_get(list, "overview"));
	}
	return json_string_value(json_object_get(list, "start"));
}

static void *
view_screen_init(struct view_entry *ve)
{
	struct view_screen *vs = xcalloc(1, sizeof *vs);
	const char *start;

	vs->sel = -1;
	vs->tags = zhashx_new();
	ve->data = vs;
	if ((start = view_screen_start(ve)) != NULL)
		view_screen_fetch(ve, start);
	else
		snprintf(vs->error, sizeof vs->error, "%s", _("The project "
		    "has no screens; t shows the tags."));
	return vs;
}

static void
view_screen_free(struct view_entry *ve)
{
	struct view_screen *vs = ve->data;
	int i;

	if (vs->req != 0)
		client_cancel(ve->station->client, vs->req);
	for (i = 0; i < vs->nback; i++)
		free(vs->back[i]);
	for (i = 0; i < vs->nfwd; i++)
		free(vs->fwd[i]);
	zhashx_destroy(&vs->tags);
	json_decref(vs->screen);
	free(vs->name);
	free(vs);
	ve->data = NULL;
}

/* What a field shows, and how: the look of its state. */
struct view_screen_look {
	char		 mark;		/* ' ', '!', '~', '?' */
	enum ui_role	 role;
	int		 bad;
	int		 stale;
};

static struct view_screen_look
view_screen_look(struct view_entry *ve, const struct mirror_tag *t)
{
	struct view_screen_look k = { ' ', UI_NORMAL, 0, 0 };
	json_t *a = alarmlist_of_tag(ve->station->alarms, t->name);
	json_int_t p = json_integer_value(json_object_get(a, "priority"));

	if (!mirror_fresh(ve->station->mirror, t)) {
		k.mark = '~';
		k.role = UI_STALE;
		k.stale = 1;
	} else if (t->tv.quality == QUALITY_BAD) {
		k.role = UI_BAD;
		k.bad = 1;
	} else if (t->tv.quality == QUALITY_UNCERTAIN) {
		k.mark = '?';
		k.role = UI_UNCERTAIN;
	}
	if (a != NULL && json_is_true(json_object_get(a, "active")) &&
	    !k.stale && !k.bad)
		k.role = ui_priority_role((int)p);
	if (a != NULL && alarmlist_unack(a))
		k.mark = '!';
	return k;
}

static void
view_screen_value(json_t *f, const struct mirror_tag *t, char *buf,
    size_t len)
{
	json_t *d = json_object_get(f, "decimals");
	size_t n;

	if (d != NULL && !t->tv.is_string && !t->tv.is_bool &&
	    isfinite(t->tv.value))
		snprintf(buf, len, "%.*f", (int)json_integer_value(d),
		    t->tv.value);
	else
		value_format(&t->tv, t->type, VALUE_OPERATOR, buf, len);
	n = strlen(buf);
	if (!json_is_false(json_object_get(f, "units")) && t->units != NULL &&
	    t->units[0] != '\0' && n + 1 < len)
		snprintf(buf + n, len - n, " %s", t->units);
}

static void
view_screen_state(struct view_entry *ve, json_t *f,
    const struct mirror_tag *t, char *buf, size_t len)
{
	json_t *states = json_object_get(f, view_screen_german(ve) &&
	    json_object_get(f, "states_de") != NULL ? "states_de" : "states");
	double v = t->tv.value;

	if (isfinite(v) && v >= 0 && v < (double)json_array_size(states) &&
	    v == floor(v))
		snprintf(buf, len, "%s", json_string_value(json_array_get(
		    states, (size_t)v)));
	else
		value_format(&t->tv, t->type, VALUE_OPERATOR, buf, len);
}

/* A horizontal bar: filled to the value's share of min..max. */
static void
view_screen_bar(WINDOW *win, json_t *f, const struct mirror_tag *t, int w)
{
	double lo = json_number_value(json_object_get(f, "min"));
	double hi = json_number_value(json_object_get(f, "max"));
	double share = (t->tv.value - lo) / (hi - lo);
	int fill, i;

	if (!isfinite(share))
		share = 0;
	share = share < 0 ? 0 : share > 1 ? 1 : share;
	fill = (int)lround(share * w);
	for (i = 0; i < w; i++)
		if (ui_unicode())
			waddwstr(win, i < fill ? L"\x2588" : L"\x2591");
		else
			waddch(win, i < fill ? '#' : '.');
}

/* A vertical bar, rising from the marker's row, eighths in UTF-8. */
static void
view_screen_vbar(WINDOW *win, json_t *f, const struct mirror_tag *t,
    int y, int x, int w, enum ui_role role, int bad)
{
	static const wchar_t eighths[] = L" \x2581\x2582\x2583\x2584\x2585"
	    "\x2586\x2587\x2588";
	double lo = json_number_value(json_object_get(f, "min"));
	double hi = json_number_value(json_object_get(f, "max"));
	int h = (int)json_integer_value(json_object_get(f, "height"));
	double share = (t->tv.value - lo) / (hi - lo), units;
	int r, i, part;
	wchar_t c[2] = { 0, 0 };

	if (!isfinite(share))
		share = 0;
	share = share < 0 ? 0 : share > 1 ? 1 : share;
	units = share * h * 8;
	wattrset(win, ui_attr(role));
	for (r = 0; r < h; r++) {
		part = (int)lround(units) - r * 8;
		part = part < 0 ? 0 : part > 8 ? 8 : part;
		wmove(win, y - r, x);
		for (i = 0; i < w; i++)
			if (bad)	/* no level to show: none drawn */
				waddch(win, '?');
			else if (ui_unicode()) {
				c[0] = eighths[part];
				waddwstr(win, c);
			} else
				waddch(win, part >= 4 ? '#' : part > 0 ? '_' :
				    ' ');
	}
}

static void
view_screen_field(struct view_entry *ve, WINDOW *win, json_t *f, int sel)
{
	const char *kind = json_string_value(json_object_get(f, "kind"));
	const char *tag = json_string_value(json_object_get(f, "tag"));
	const struct mirror_tag *t = tag != NULL ?
	    mirror_find(ve->station->mirror, tag) : NULL;
	int y = (int)json_integer_value(json_object_get(f, "row"));
	int x = (int)json_integer_value(json_object_get(f, "col"));
	int w = (int)json_integer_value(json_object_get(f, "width"));
	struct view_screen_look k = { ' ', UI_NORMAL, 0, 0 };
	char text[512];

	if (y >= getmaxy(win) || x >= getmaxx(win))
		return;
	text[0] = '\0';
	if (t != NULL)
		k = view_screen_look(ve, t);
	if (strcmp(kind, "link") == 0 || strcmp(kind, "button") == 0 ||
	    strcmp(kind, "text") == 0)
		snprintf(text, sizeof text, "%s", view_screen_text(ve, f,
		    "label"));
	else if (t == NULL)
		snprintf(text, sizeof text, "%s", tag == NULL ? "" : "-");
	else if (strcmp(kind, "vbar") == 0) {
		view_screen_vbar(win, f, t, y, x, w, k.bad || k.stale ?
		    k.role : k.role == UI_NORMAL ? UI_HEADER : k.role, k.bad);
		return;
	} else if (k.bad)
		snprintf(text, sizeof text, "%s", _("BAD"));
	else if (strcmp(kind, "state") == 0)
		view_screen_state(ve, f, t, text, sizeof text);
	else if (strcmp(kind, "bar") != 0)
		view_screen_value(f, t, text, sizeof text);
	wmove(win, y, x);
	wattrset(win, ui_attr(sel ? UI_SELECTED : k.role));
	if (t != NULL && strcmp(kind, "bar") == 0 && k.bad) {
		waddch(win, ' ');
		ui_put(win, text, w - 1, UI_LEFT);
	} else if (t != NULL && strcmp(kind, "bar") == 0) {
		waddch(win, (chtype)k.mark);
		view_screen_bar(win, f, t, w - 1);
	} else if (t != NULL && strcmp(kind, "button") != 0) {
		waddch(win, (chtype)k.mark);
		ui_put(win, text, w - 1, strcmp(kind, "state") == 0 ?
		    UI_LEFT : UI_RIGHT);
	} else	/* a label: the whole width */
		ui_put(win, text, w, UI_LEFT);
	wattrset(win, ui_attr(UI_NORMAL));
}

static int
view_screen_draw(struct view_entry *ve, WINDOW *win)
{
	struct view_screen *vs = ve->data;
	json_t *lines = json_object_get(vs->screen, "layout"), *f;
	int widest = 0, w;
	size_t i;

	/* After main_show() has cleared the message line for the view. */
	if (vs->notice[0] != '\0') {
		statusbar_error("%s", vs->notice);
		vs->notice[0] = '\0';
	}
	if (vs->screen == NULL) {
		wmove(win, 1, 2);
		ui_put(win, vs->error[0] != '\0' ? vs->error :
		    _("Asking the server for the screen..."), -1, UI_LEFT);
		return 0;
	}
	json_array_foreach(lines, i, f)
		if ((w = ui_width(json_string_value(f))) > widest)
			widest = w;
	if (widest > getmaxx(win))
		return widest;
	wattrset(win, ui_attr(UI_NORMAL));
	json_array_foreach(lines, i, f) {
		if ((int)i >= getmaxy(win))
			break;
		wmove(win, (int)i, 0);
		ui_put(win, json_string_value(f), -1, UI_LEFT);
	}
	json_array_foreach(json_object_get(vs->screen, "fields"), i, f)
		view_screen_field(ve, win, f, (int)i == vs->sel);
	return 0;
}

static void
view_screen_act(struct view_entry *ve)
{
	struct view_screen *vs = ve->data;
	json_t *f = json_array_get(json_object_get(vs->screen, "fields"),
	    (size_t)vs->sel);
	const char *kind = json_string_value(json_object_get(f, "kind"));
	const char *tag = json_string_value(json_object_get(f, "tag"));

	if (f == NULL || vs->sel < 0) {
		statusbar_info("%s", _("Nothing selected: Tab selects a field "
		    "that acts."));
		return;
	}
	if (strcmp(kind, "link") == 0)
		view_screen_go(ve, json_string_value(json_object_get(f,
		    "screen")));
	else if (strcmp(kind, "input") == 0)
		edit_start(ve->station, tag, EDIT_VALUE, NULL);
	else if (strcmp(kind, "button") == 0) {
		edit_set_confirm(json_is_true(json_object_get(f, "confirm")));
		edit_start(ve->station, tag, EDIT_SET, json_string_value(
		    json_object_get(f, "value")));
	}
}

/* Back (dir -1) or forward (1) in the view's history. */
static int
view_screen_history(struct view_entry *ve, int dir)
{
	struct view_screen *vs = ve->data;
	char *name;

	if (dir < 0 && vs->nback == 0)
		return 0;
	if (dir > 0 && vs->nfwd == 0) {
		statusbar_info("%s", _("No screen to go forward to."));
		return 1;
	}
	name = dir < 0 ? vs->back[--vs->nback] : vs->fwd[--vs->nfwd];
	if (vs->name != NULL)
		view_screen_push(dir < 0 ? vs->fwd : vs->back, dir < 0 ?
		    &vs->nfwd : &vs->nback, vs->name);
	view_screen_fetch(ve, name);
	free(name);
	return 1;
}

static int
view_screen_key(struct view_entry *ve, int key)
{
	struct view_screen *vs = ve->data;
	const char *home;

	switch (key) {
	case '\t':
	case UI_FN(KEY_DOWN):
	case UI_FN(KEY_RIGHT):
	case 'j':
		view_screen_step(vs, 1);
		break;
	case UI_FN(KEY_BTAB):
	case UI_FN(KEY_UP):
	case UI_FN(KEY_LEFT):
	case 'k':
		view_screen_step(vs, -1);
		break;
	case '\r':
	case '\n':
	case UI_FN(KEY_ENTER):
		view_screen_act(ve);
		break;
	case UI_FN(KEY_BACKSPACE):
	case '[':
		/* The first screen: Backspace is the station's again. */
		return view_screen_history(ve, -1);
	case ']':
		view_screen_history(ve, 1);
		break;
	case 'o':
	case UI_FN(KEY_F(6)):
		home = json_string_value(json_object_get(ve->station->screens,
		    "overview"));
		if (home != NULL && (vs->name == NULL ||
		    strcmp(home, vs->name) != 0))
			view_screen_go(ve, home);
		break;
	case 'r':
		if (vs->name != NULL)
			view_screen_fetch(ve, vs->name);
		break;
	default:
		return 0;
	}
	ve->dirty = 1;
	return 1;
}

/* Only a change of a tag on the screen, or of the link, redraws it. */
static void
view_screen_update(struct view_entry *ve, const struct mirror_tag *t)
{
	struct view_screen *vs = ve->data;

	if (t == NULL || zhashx_lookup(vs->tags, t->name) != NULL)
		ve->dirty = 1;
	/* A project loaded anew: the picture may have changed too. */
	if (t == NULL && vs->screen != NULL && vs->req == 0 && vs->gen != 0 &&
	    mirror_gen(ve->station->mirror) != vs->gen)
		view_screen_fetch(ve, vs->name);
}

static void
view_screen_heading(struct view_entry *ve, char *buf, size_t len)
{
	struct view_screen *vs = ve->data;

	snprintf(buf, len, "%s", vs->screen != NULL ? view_screen_text(ve,
	    vs->screen, "title") : vs->name != NULL ? vs->name :
	    _("Screens"));
}

/* The selected field: its tag, value and what Enter does. */
static enum ui_role
view_screen_hint(struct view_entry *ve, char *buf, size_t len)
{
	struct view_screen *vs = ve->data;
	json_t *f = vs->sel >= 0 ? json_array_get(json_object_get(vs->screen,
	    "fields"), (size_t)vs->sel) : NULL;
	const char *kind = json_string_value(json_object_get(f, "kind"));
	const char *tag = json_string_value(json_object_get(f, "tag"));
	const struct mirror_tag *t = tag != NULL ?
	    mirror_find(ve->station->mirror, tag) : NULL;
	char v[256] = "";

	buf[0] = '\0';
	if (f == NULL)
		return UI_NORMAL;
	if (t != NULL)
		view_screen_value(f, t, v, sizeof v);
	if (strcmp(kind, "link") == 0)
		snprintf(buf, len, _("Enter shows screen %s."),
		    json_string_value(json_object_get(f, "screen")));
	else if (strcmp(kind, "input") == 0)
		snprintf(buf, len, _("%s = %s: Enter writes a new value."),
		    tag, v);
	else
		snprintf(buf, len, _("%s = %s: Enter writes %s."), tag, v,
		    json_string_value(json_object_get(f, "value")));
	return UI_NORMAL;
}

const struct view view_screen = {
	.name = "screen",
	.title = N_("Screen"),
	.keyhint = N_("Tab:select Enter:act Bksp:back o:overview t:tags "
	    "?:help "),
	.keys = view_screen_keys,
	.legend = view_screen_legend,
	.init = view_screen_init,
	.free = view_screen_free,
	.draw = view_screen_draw,
	.key = view_screen_key,
	.update = view_screen_update,
	.hint = view_screen_hint,
	.heading = view_screen_heading,
};
