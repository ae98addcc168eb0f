/*
 * Drawn over the view on each frame while shown. The arrows and the
 * page keys scroll it when it is taller than the screen; any other key
 * closes it, so it never traps an operator who opened it by accident.
 */
#include "config.h"

#include <stdio.h>

#include "help.h"
#include "i18n.h"

#define HELP_LINES_MAX	128
#define HELP_TEXT_MIN	24	/* narrower, a key's text goes below it */

/* One line of the help: a section's title, a key, or a blank. */
struct help_line {
	const char	*title;		/* translated, or NULL */
	const char	*key;		/* N_() */
	const char	*help;		/* N_() */
};

static struct {
	int			 on;
	int			 top;	/* first line shown */
	int			 rows;	/* lines shown on the last frame */
	int			 n;
	struct help_line	 lines[HELP_LINES_MAX];
	char			 view_title[128];
	int			 narrow;	/* text under the key */
} help;

void
help_toggle(void)
{
	help.on = !help.on;
	help.top = 0;
}

int
help_shown(void)
{
	return help.on;
}

void
help_close(void)
{
	help.on = 0;
}

/* Returns 1 if the key scrolled the help, 0 if it should close it. */
int
help_key(int key)
{
	int page = help.rows > 1 ? help.rows - 1 : 1, last;

	last = help.n - help.rows > 0 ? help.n - help.rows : 0;
	switch (key) {
	case UI_FN(KEY_UP):
	case 'k':
		help.top--;
		break;
	case UI_FN(KEY_DOWN):
	case 'j':
		help.top++;
		break;
	case UI_FN(KEY_PPAGE):
	case UI_CTRL('B'):
		help.top -= page;
		break;
	case UI_FN(KEY_NPAGE):
	case UI_CTRL('F'):
	case ' ':
		help.top += page;
		break;
	case UI_FN(KEY_HOME):
	case 'g':
		help.top = 0;
		break;
	case UI_FN(KEY_END):
	case 'G':
		help.top = last;
		break;
	default:
		return 0;
	}
	if (help.top > last)
		help.top = last;
	if (help.top < 0)
		help.top = 0;
	return 1;
}

static void
help_add(const char *title, const char *key, const char *text)
{
	if (help.n == HELP_LINES_MAX)
		return;
	if (help.narrow && key != NULL && text != NULL) {
		help_add(NULL, key, NULL);
		key = NULL;
		if (help.n == HELP_LINES_MAX)
			return;
	}
	help.lines[help.n].title = title;
	help.lines[help.n].key = key;
	help.lines[help.n].help = text;
	help.n++;
}

static void
help_section(const char *title, const struct view_key *keys)
{
	int i;

	if (keys == NULL)
		return;
	if (help.n > 0)
		help_add(NULL, NULL, NULL);
	help_add(title, NULL, NULL);
	for (i = 0; keys[i].key != NULL; i++)
		help_add(NULL, keys[i].key, keys[i].help);
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

static void
help_line(WINDOW *win, int y, const struct help_line *l, int keyw)
{
	int w = getmaxx(win) - 4;

	wmove(win, y, 2);
	if (l->title != NULL) {
		wattrset(win, ui_attr(UI_HEADER));
		ui_put(win, l->title, w, UI_LEFT);
	} else if (l->key != NULL) {
		wattrset(win, A_BOLD);
		ui_put(win, _(l->key), keyw < w ? keyw : w, UI_LEFT);
		wattrset(win, ui_attr(UI_NORMAL));
		if (l->help != NULL && w - keyw - 2 > 0) {
			wmove(win, y, 2 + keyw + 2);
			ui_put(win, _(l->help), w - keyw - 2, UI_LEFT);
		}
	} else if (l->help != NULL) {
		wattrset(win, ui_attr(UI_NORMAL));
		wmove(win, y, 6);
		ui_put(win, _(l->help), w - 4, UI_LEFT);
	}
}

/* The frame's title says where in the help we are when it scrolls. */
static void
help_frame(WINDOW *win)
{
	char text[96];
	int last = help.top + help.rows;

	wattrset(win, ui_attr(UI_FRAME));
	box(win, 0, 0);
	if (help.rows < help.n)
		snprintf(text, sizeof text, _(" Help %d-%d of %d "),
		    help.top + 1, last < help.n ? last : help.n, help.n);
	else
		snprintf(text, sizeof text, "%s", _(" Help "));
	wmove(win, 0, 2);
	ui_put(win, text, ui_width(text), UI_LEFT);
	wattrset(win, A_DIM);
	wmove(win, getmaxy(win) - 2, 2);
	if (last < help.n)
		ui_put(win, _("More below: Down, PgDn or Space; any other "
		    "key closes."), getmaxx(win) - 4, UI_LEFT);
	else if (help.top > 0)
		ui_put(win, _("End of help: Up or PgUp goes back; any other "
		    "key closes."), getmaxx(win) - 4, UI_LEFT);
	else
		ui_put(win, _("Press any key to close."), getmaxx(win) - 4,
		    UI_LEFT);
}

void
help_draw(const struct view_key *global, const struct view *view)
{
	WINDOW *win;
	int keyw, y;

	keyw = help_keywidth(global, 0);
	keyw = help_keywidth(view->keys, keyw);
	keyw = help_keywidth(view->legend, keyw);
	/* The overlay is at most 72 columns and leaves one each side. */
	help.narrow = (COLS - 2 < 72 ? COLS - 2 : 72) - 4 - keyw - 2 <
	    HELP_TEXT_MIN;
	help.n = 0;
	help_section(_("Station keys"), global);
	snprintf(help.view_title, sizeof help.view_title, _("%s view keys"),
	    _(view->title));
	help_section(help.view_title, view->keys);
	help_section(_("Markers"), view->legend);
	/* A frame, a blank line above the note, the note. */
	if ((win = ui_overlay(help.n + 4, 72)) == NULL)
		return;
	help.rows = getmaxy(win) - 4;
	if (help.rows < 0)
		help.rows = 0;
	if (help.top > help.n - help.rows)
		help.top = help.n - help.rows > 0 ? help.n - help.rows : 0;
	for (y = 0; y < help.rows && help.top + y < help.n; y++)
		help_line(win, 1 + y, &help.lines[help.top + y], keyw);
	help_frame(win);
}
