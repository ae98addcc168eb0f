/*
 * The devices: one row per PLC with the state of its link, read from
 * the status tags scadad keeps for each device (sys.DEVICE.connected and
 * the others), so this view needs nothing the mirror does not have.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "value.h"
#include "view.h"
#include "xmalloc.h"

/*
 * A column per status tag. The device's name and its link are always
 * shown; on a narrow terminal the counts go first, the least telling
 * (drop 1) before the others, and the last error takes what is left.
 */
static const struct view_devices_column {
	const char	*tag;		/* sys.DEVICE.<tag> */
	const char	*header;
	int		 width;
	int		 drop;		/* 0: never; higher goes first */
} view_devices_columns[] = {
	{ "connected", N_("Link"), 6, 0 },
	{ "rtt_ms", N_("RTT ms"), 8, 1 },
	{ "requests", N_("Requests"), 10, 4 },
	{ "errors", N_("Errors"), 8, 2 },
	{ "reconnects", N_("Reconnects"), 10, 3 },
	{ "last_error", N_("Last error"), -1, 0 },
};

#define VIEW_DEVICES_NCOLS \
	(sizeof view_devices_columns / sizeof *view_devices_columns)

struct view_devices {
	char	**names;
	size_t	  n;
	size_t	  tags_seen;	/* mirror size the list was made for */
	int	  name_w;
	int	  widths[VIEW_DEVICES_NCOLS];	/* of this frame; 0: hidden */
};

static const struct view_key view_devices_keys[] = {
	{ N_("t, Esc"), N_("back to the tags") },
	{ NULL, NULL }
};

static void *
view_devices_init(struct view_entry *ve)
{
	return xcalloc(1, sizeof(struct view_devices));
}

static void
view_devices_forget(struct view_devices *vd)
{
	size_t i;

	for (i = 0; i < vd->n; i++)
		free(vd->names[i]);
	free(vd->names);
	vd->names = NULL;
	vd->n = 0;
}

static void
view_devices_free(struct view_entry *ve)
{
	view_devices_forget(ve->data);
	free(ve->data);
	ve->data = NULL;
}

/* The devices are those with a sys.DEVICE.connected tag. */
static void
view_devices_list(struct view_entry *ve)
{
	struct view_devices *vd = ve->data;
	mirror_t *m = ve->station->mirror;
	const struct mirror_tag *t;
	const char *dot;
	size_t i, len;

	view_devices_forget(vd);
	vd->name_w = ui_width(_("Device"));
	for (i = 0; (t = mirror_at(m, i)) != NULL; i++) {
		len = strlen(t->name);
		if (strncmp(t->name, "sys.", 4) != 0 || len < 15 ||
		    strcmp(t->name + len - 10, ".connected") != 0)
			continue;
		dot = t->name + len - 10;
		vd->names = xreallocarray(vd->names, vd->n + 1,
		    sizeof *vd->names);
		vd->names[vd->n] = xstrndup(t->name + 4,
		    (size_t)(dot - t->name - 4));
		if (ui_width(vd->names[vd->n]) > vd->name_w)
			vd->name_w = ui_width(vd->names[vd->n]);
		vd->n++;
	}
	vd->tags_seen = mirror_count(m);
}

static void
view_devices_update(struct view_entry *ve, const struct mirror_tag *t)
{
	struct view_devices *vd = ve->data;

	ve->dirty = 1;
	if (t == NULL && vd->tags_seen != mirror_count(ve->station->mirror))
		view_devices_list(ve);
}

static const struct mirror_tag *
view_devices_tag(struct view_entry *ve, const char *device, const char *what)
{
	char name[256];

	snprintf(name, sizeof name, "sys.%s.%s", device, what);
	return mirror_find(ve->station->mirror, name);
}

/* Returns 0, or the width needed for the columns that must show. */
static int
view_devices_layout(struct view_devices *vd, int ncols)
{
	int room, most, need = 2 + vd->name_w;
	size_t k, drop = VIEW_DEVICES_NCOLS;

	for (k = 0; k < VIEW_DEVICES_NCOLS; k++) {
		vd->widths[k] = view_devices_columns[k].width;
		if (vd->widths[k] > 0)
			need += 1 + vd->widths[k];
	}
	for (;;) {
		room = ncols - need;
		if (room >= 0)
			return 0;
		most = 0;
		for (k = 0; k < VIEW_DEVICES_NCOLS; k++)
			if (vd->widths[k] > 0 &&
			    view_devices_columns[k].drop > most) {
				most = view_devices_columns[k].drop;
				drop = k;
			}
		if (most == 0)
			return need;
		need -= 1 + vd->widths[drop];
		vd->widths[drop] = 0;
	}
}

static void
view_devices_cell(WINDOW *win, const char *text, int width, enum ui_align a)
{
	if (width == 0)
		return;
	waddch(win, ' ');
	ui_put(win, text, width, a);
}

static void
view_devices_row(struct view_entry *ve, WINDOW *win, int y, const char *dev)
{
	struct view_devices *vd = ve->data;
	mirror_t *m = ve->station->mirror;
	const struct mirror_tag *t;
	char buf[TAGVAL_STR_MAX];
	enum ui_role role = UI_NORMAL;
	size_t k;

	t = view_devices_tag(ve, dev, "connected");
	if (t == NULL || !mirror_fresh(m, t))
		role = UI_STALE;
	else if (t->tv.quality != QUALITY_GOOD || t->tv.value == 0)
		role = UI_BAD;
	ui_fill(win, y, ui_attr(role));
	waddstr(win, role == UI_STALE ? "~ " : role == UI_BAD ? "! " : "  ");
	ui_put(win, dev, vd->name_w, UI_LEFT);
	for (k = 0; k < VIEW_DEVICES_NCOLS; k++) {
		t = view_devices_tag(ve, dev, view_devices_columns[k].tag);
		if (t == NULL || !mirror_fresh(m, t))
			snprintf(buf, sizeof buf, "~");
		else if (k == 0)
			snprintf(buf, sizeof buf, "%s", t->tv.value != 0 ?
			    _("up") : _("DOWN"));
		else
			value_format(&t->tv, t->type, VALUE_OPERATOR, buf,
			    sizeof buf);
		view_devices_cell(win, buf, vd->widths[k], k == 0 ||
		    vd->widths[k] < 0 ? UI_LEFT : UI_RIGHT);
	}
}

static int
view_devices_draw(struct view_entry *ve, WINDOW *win)
{
	struct view_devices *vd = ve->data;
	size_t i, k;
	int need;

	if (vd->tags_seen != mirror_count(ve->station->mirror) ||
	    vd->name_w == 0)
		view_devices_list(ve);
	if ((need = view_devices_layout(vd, getmaxx(win))) != 0)
		return need;
	ui_fill(win, 0, ui_attr(UI_HEADER));
	waddstr(win, "  ");
	ui_put(win, _("Device"), vd->name_w, UI_LEFT);
	for (k = 0; k < VIEW_DEVICES_NCOLS; k++)
		view_devices_cell(win, _(view_devices_columns[k].header),
		    vd->widths[k], k == 0 || vd->widths[k] < 0 ? UI_LEFT :
		    UI_RIGHT);
	if (vd->n == 0) {
		wattrset(win, ui_attr(UI_NORMAL));
		wmove(win, 2, 2);
		ui_put(win, _("No devices."), -1, UI_LEFT);
	}
	for (i = 0; i < vd->n && (int)i + 1 < getmaxy(win); i++)
		view_devices_row(ve, win, (int)i + 1, vd->names[i]);
	return 0;
}

static enum ui_role
view_devices_hint(struct view_entry *ve, char *buf, size_t len)
{
	snprintf(buf, len, "%s", _("The link to each PLC, from the status "
	    "tags sys.DEVICE.*; t or Esc: back to the tags"));
	return UI_NORMAL;
}

const struct view view_devices = {
	.name = "devices",
	.title = N_("Devices"),
	.keyhint = N_("t:tags ?:help q:quit "),
	.keys = view_devices_keys,
	.init = view_devices_init,
	.free = view_devices_free,
	.draw = view_devices_draw,
	.update = view_devices_update,
	.hint = view_devices_hint,
};
