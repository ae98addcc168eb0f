/*
 * Drawn over the view on each frame while shown; any key closes it, so
 * it never traps an operator who opened it by accident.
 */
#include "config.h"

#include "help.h"
#include "i18n.h"

static int help_on;

void
help_toggle(void)
{
	help_on = !help_on;
}

int
help_shown(void)
{
	return help_on;
}

void
help_close(void)
{
	help_on = 0;
}

static int
help_count(const struct view_key *keys)
{
	int n = 0;

	while (keys != NULL && keys[n].key != NULL)
		n++;
	return n;
}

static int
help_section(WINDOW *win, int y, int keyw, const char *title,
    const struct view_key *keys)
{
	int i, w = getmaxx(win) - 4 - keyw - 2;

	if (y >= getmaxy(win) - 2)
		return y;
	wattrset(win, ui_attr(UI_HEADER));
	wmove(win, y++, 2);
	ui_put(win, title, getmaxx(win) - 4, UI_LEFT);
	for (i = 0; keys != NULL && keys[i].key != NULL; i++) {
		if (y >= getmaxy(win) - 2)
			break;
		wattrset(win, A_BOLD);
		wmove(win, y, 2);
		ui_put(win, _(keys[i].key), keyw, UI_LEFT);
		wattrset(win, ui_attr(UI_NORMAL));
		wmove(win, y++, 2 + keyw + 2);
		if (w > 0)
			ui_put(win, _(keys[i].help), w, UI_LEFT);
	}
	return y + 1;
}

static int
help_keywidth(const struct view_key *keys, int w)
{
	int i, kw;

	for (i = 0; keys != NULL && keys[i].key != NULL; i++)
		if ((kw = ui_width(_(keys[i].key))) > w)
			w = kw;
	return w;
}

void
help_draw(const struct view_key *global, const struct view *view)
{
	WINDOW *win;
	int lines, keyw, y;
	char title[128];

	keyw = help_keywidth(view->keys, help_keywidth(global, 0));
	keyw = help_keywidth(view->legend, keyw);
	lines = help_count(global) + help_count(view->keys) + 7;
	if (view->legend != NULL)
		lines += help_count(view->legend) + 2;
	if ((win = ui_overlay(lines, 72)) == NULL)
		return;
	wattrset(win, ui_attr(UI_FRAME));
	box(win, 0, 0);
	wmove(win, 0, 2);
	ui_put(win, _(" Help "), ui_width(_(" Help ")), UI_LEFT);
	y = help_section(win, 1, keyw, _("Station keys"), global);
	snprintf(title, sizeof title, _("%s view keys"), _(view->title));
	y = help_section(win, y, keyw, title, view->keys);
	if (view->legend != NULL)
		help_section(win, y, keyw, _("Markers"), view->legend);
	wattrset(win, A_DIM);
	wmove(win, getmaxy(win) - 2, 2);
	ui_put(win, _("Press any key to close."), getmaxx(win) - 4, UI_LEFT);
}
