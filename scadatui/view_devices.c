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

#define VIEW_DEVICES_NAME_W	16

static const char *const view_devices_columns[] = {
	"connected", "rtt_ms", "requests", "errors", "reconnects", "last_error"
};

#define VIEW_DEVICES_NCOLS \
	(sizeof view_devices_columns / sizeof *view_devices_columns)

struct view_devices {
	char	**names;
	size_t	  n;
	size_t	  tags_seen;	/* mirror size the list was made for */
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
	for (i = 0; (t = mirror_at(m, i)) != NULL; i++) {
		len = strlen(t->name);
		if (strncmp(t->name, "sys.", 4) != 0 || len < 15 ||
		    strcmp(t->name + len - 10, ".connected") != 0)
			continue;
		dot = t->name + len - 10;
		vd->names = xreallocarray(vd->names, vd->n + 1,
		    sizeof *vd->names);
		vd->names[vd->n++] = xstrndup(t->name + 4,
		    (size_t)(dot - t->name - 4));
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

static void
view_devices_cell(WINDOW *win, const char *text, int width, enum ui_align a)
{
	ui_put(win, text, width, a);
	waddch(win, ' ');
}

static void
view_devices_row(struct view_entry *ve, WINDOW *win, int y, const char *dev)
{
	static const int widths[] = { 6, 8, 10, 8, 10 };
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
	view_devices_cell(win, dev, VIEW_DEVICES_NAME_W, UI_LEFT);
	for (k = 0; k < VIEW_DEVICES_NCOLS; k++) {
		t = view_devices_tag(ve, dev, view_devices_columns[k]);
		if (t == NULL || !mirror_fresh(m, t))
			snprintf(buf, sizeof buf, "~");
		else if (k == 0)
			snprintf(buf, sizeof buf, "%s", t->tv.value != 0 ?
			    _("up") : _("DOWN"));
		else
			value_format(&t->tv, t->type, VALUE_OPERATOR, buf,
			    sizeof buf);
		if (k + 1 < VIEW_DEVICES_NCOLS)
			view_devices_cell(win, buf, widths[k], k == 0 ?
			    UI_LEFT : UI_RIGHT);
		else
			ui_put(win, buf, -1, UI_LEFT);
	}
}

static void
view_devices_draw(struct view_entry *ve, WINDOW *win)
{
	struct view_devices *vd = ve->data;
	size_t i;

	if (vd->tags_seen != mirror_count(ve->station->mirror))
		view_devices_list(ve);
	ui_fill(win, 0, ui_attr(UI_HEADER));
	waddstr(win, "  ");
	view_devices_cell(win, _("Device"), VIEW_DEVICES_NAME_W, UI_LEFT);
	view_devices_cell(win, _("Link"), 6, UI_LEFT);
	view_devices_cell(win, _("RTT ms"), 8, UI_RIGHT);
	view_devices_cell(win, _("Requests"), 10, UI_RIGHT);
	view_devices_cell(win, _("Errors"), 8, UI_RIGHT);
	view_devices_cell(win, _("Reconnects"), 10, UI_RIGHT);
	ui_put(win, _("Last error"), -1, UI_LEFT);
	if (vd->n == 0) {
		wattrset(win, ui_attr(UI_NORMAL));
		wmove(win, 2, 2);
		ui_put(win, _("No devices."), -1, UI_LEFT);
	}
	for (i = 0; i < vd->n && (int)i + 1 < getmaxy(win); i++)
		view_devices_row(ve, win, (int)i + 1, vd->names[i]);
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
