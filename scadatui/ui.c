/*
 * Everything that touches the terminal as a whole lives here, so there is
 * exactly one place that can leave it raw. The signals that end us only
 * set a flag: endwin() is not async-signal-safe, and the main loop, which
 * wakes from zmq_poll with EINTR, restores the terminal itself.
 */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "i18n.h"
#include "ui.h"

#include <term.h>	/* after curses.h; it defines "lines" and more */

#define UI_WIDTH_MAX	1024	/* widest field we ever lay out */

enum ui_pair {
	UI_PAIR_RED = 1,
	UI_PAIR_YELLOW,
	UI_PAIR_GREEN,
	UI_PAIR_CYAN
};

static SCREEN			*ui_screen;
static struct ui_layout		 ui_win;
static WINDOW			*ui_over;
static int			 ui_over_shown;
static int			 ui_colours;
static int			 ui_utf8;	/* the terminal shows UTF-8 */
static iconv_t			 ui_iconv = (iconv_t)-1;
static volatile sig_atomic_t	 ui_signal;

static volatile sig_atomic_t	 ui_quit_blocked;	/* the station's say */
static volatile sig_atomic_t	 ui_quit_refused;	/* Ctrl-C, then */
static struct sigaction		 ui_tstp;	/* curses' own, for Ctrl-Z */
static int			 ui_tstp_saved;

static void
ui_on_signal(int sig)
{
	if (sig == SIGINT && ui_quit_blocked) {
		ui_quit_refused = 1;
		return;
	}
	ui_signal = sig;
}

/* Ctrl-C (and q, main.c) quit no more: the project blocks it. */
void
ui_block_quit(int on)
{
	ui_quit_blocked = on;
}

/* Whether Ctrl-C was pressed while blocked, since last asked. */
int
ui_quit_was_refused(void)
{
	int r = ui_quit_refused;

	ui_quit_refused = 0;
	return r;
}

/* Ctrl-Z suspends, as curses does it, unless the project blocks it. */
void
ui_block_suspend(int on)
{
	struct sigaction sa;

	if (!ui_tstp_saved) {
		sigaction(SIGTSTP, NULL, &ui_tstp);
		ui_tstp_saved = 1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGTSTP, on ? &sa : &ui_tstp, NULL);
}

/*
 * Installed before curses starts, so ncurses sees our handlers and keeps
 * its own (which would exit() from inside a signal handler) out.
 * No SA_RESTART: the signal must interrupt zmq_poll().
 */
static void
ui_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = ui_on_signal;
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static int ui_can_colour;	/* what the terminal and $NO_COLOR allow */

/* The terminal's own override (scadatui.conf): no colour, ever. */
void
ui_colour_off(void)
{
	ui_can_colour = ui_colours = 0;
}

/* The terminal's own override: ASCII lines and bars even in UTF-8. */
void
ui_ascii_only(void)
{
	ui_utf8 = 0;
}

/* Monochrome on the project's say, even where colour could be shown. */
void
ui_monochrome(int on)
{
	ui_colours = ui_can_colour && !on;
}

static void
ui_colour_init(void)
{
	const char *nc = getenv("NO_COLOR");

	ui_colours = ui_can_colour = 0;
	if (!has_colors() || (nc != NULL && *nc != '\0'))
		return;
	if (start_color() == ERR)
		return;
	use_default_colors();
	init_pair(UI_PAIR_RED, COLOR_RED, -1);
	init_pair(UI_PAIR_YELLOW, COLOR_YELLOW, -1);
	init_pair(UI_PAIR_GREEN, COLOR_GREEN, -1);
	init_pair(UI_PAIR_CYAN, COLOR_CYAN, -1);
	ui_colours = ui_can_colour = 1;
}

/*
 * A screen needs cursor addressing; "dumb" and hard-copy terminals have
 * none, and curses would draw everything on one garbled line.
 */
static int
ui_addressable(void)
{
	const char *cup = tigetstr("cup");

	return cup != NULL && cup != (const char *)-1 && !tigetflag("hc");
}

/*
 * Text from the server is UTF-8 whatever the locale, and so is ours
 * (bind_textdomain_codeset); the terminal's character set decides only
 * how it is shown.
 */
static int
ui_text_init(void)
{
	const char *cs = nl_langinfo(CODESET);

	ui_utf8 = strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0;
	if (ui_iconv == (iconv_t)-1)
		ui_iconv = iconv_open("WCHAR_T", "UTF-8");
	return ui_iconv == (iconv_t)-1 ? -1 : 0;
}

/* Returns -1 with a message on stderr if the terminal cannot be used. */
int
ui_init(void)
{
	const char *term = getenv("TERM");
	int err;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "scadatui: %s\n",
		    _("standard input and output must be a terminal"));
		return -1;
	}
	if (term == NULL || *term == '\0') {
		fprintf(stderr, "scadatui: %s\n",
		    _("TERM is not set; cannot drive the terminal"));
		return -1;
	}
	/*
	 * Look the terminal up first: a failed newterm() leaks inside
	 * ncurses, a failed setupterm() does not.
	 */
	if (setupterm(NULL, STDOUT_FILENO, &err) == ERR) {
		fprintf(stderr, "scadatui: %s: %s\n",
		    _("unknown terminal type"), term);
		return -1;
	}
	if (!ui_addressable()) {
		del_curterm(cur_term);
		fprintf(stderr, "scadatui: %s: %s\n", _("terminal type "
		    "cannot move the cursor (no cup capability)"), term);
		return -1;
	}
	del_curterm(cur_term);
	if (ui_text_init() == -1) {
		fprintf(stderr, "scadatui: %s: %s\n",
		    _("cannot convert text from UTF-8"), strerror(errno));
		return -1;
	}
	ui_signals();
	/* newterm, unlike initscr, returns instead of exiting on failure. */
	if ((ui_screen = newterm(NULL, stdout, stdin)) == NULL) {
		fprintf(stderr, "scadatui: %s: %s\n",
		    _("unknown terminal type"), term);
		return -1;
	}
	set_term(ui_screen);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	/* Esc cancels the prompt; a second's wait would feel broken. */
	set_escdelay(50);
	curs_set(0);
	ui_colour_init();
	ui_resize();
	return 0;
}

static void
ui_free_windows(void)
{
	if (ui_over != NULL)
		delwin(ui_over);
	ui_over = NULL;
	if (ui_win.title != NULL) {
		delwin(ui_win.title);
		delwin(ui_win.body);
		delwin(ui_win.status);
		delwin(ui_win.message);
		if (ui_win.alarm != NULL)
			delwin(ui_win.alarm);
	}
	memset(&ui_win, 0, sizeof ui_win);
}

/* Safe to call twice, and the only way the program leaves curses. */
void
ui_end(void)
{
	if (ui_screen == NULL)
		return;
	ui_free_windows();
	curs_set(1);
	endwin();
	delscreen(ui_screen);
	ui_screen = NULL;
	if (ui_iconv != (iconv_t)-1)
		iconv_close(ui_iconv);
	ui_iconv = (iconv_t)-1;
}

int
ui_active(void)
{
	return ui_screen != NULL;
}

/* The signal that asks us to end, or 0. */
int
ui_signalled(void)
{
	return ui_signal;
}

static int ui_alarm_on;	/* alarms are listed: a line for them */

/* The alarm line comes (on) or goes, taking a line from the view. */
void
ui_alarm_line(int on)
{
	if (on == ui_alarm_on)
		return;
	ui_alarm_on = on;
	if (ui_active())
		ui_resize();
}

/* Lays the windows out again for the current terminal size. */
void
ui_resize(void)
{
	int nrows = LINES, ncols = COLS, alarm;

	ui_free_windows();
	werase(stdscr);
	wnoutrefresh(stdscr);
	if (nrows < UI_MIN_LINES || ncols < UI_MIN_COLS) {
		ui_win.too_small = 1;
		return;
	}
	/* Below six lines the view keeps them all. */
	alarm = ui_alarm_on && nrows > UI_MIN_LINES;
	ui_win.title = newwin(1, ncols, 0, 0);
	ui_win.body = newwin(nrows - 3 - alarm, ncols, 1, 0);
	if (alarm) {
		ui_win.alarm = newwin(1, ncols, nrows - 3, 0);
		if (ui_win.alarm != NULL)
			leaveok(ui_win.alarm, TRUE);
	}
	ui_win.status = newwin(1, ncols, nrows - 2, 0);
	ui_win.message = newwin(1, ncols, nrows - 1, 0);
	if (ui_win.title == NULL || ui_win.body == NULL ||
	    ui_win.status == NULL || ui_win.message == NULL) {
		ui_win.too_small = 1;
		return;
	}
	leaveok(ui_win.title, TRUE);
	leaveok(ui_win.body, TRUE);
	leaveok(ui_win.status, TRUE);
}

/* Ctrl-L: forget what the terminal shows and paint it all again. */
void
ui_redraw(void)
{
	clearok(curscr, TRUE);
}

const struct ui_layout *
ui_layout(void)
{
	return &ui_win;
}

/*
 * Returns the next key without waiting, UI_KEY_NONE if there is none.
 * Input is read through stdscr, which is never drawn on, so wget_wch()
 * has no reason to refresh anything behind our back.
 */
int
ui_key(void)
{
	wint_t wc, next;
	int rc;

	rc = wget_wch(stdscr, &wc);
	if (rc == KEY_CODE_YES)
		return UI_FN((int)wc);
	if (rc == ERR)
		return UI_KEY_NONE;
	/*
	 * Esc and a digit at once (Alt-digit, or a terminal's own
	 * stand-in) is a function key, for terminals that have none:
	 * 1 to 9 are F1 to F9, 0 is F10.
	 */
	if (wc == UI_ESC) {
		rc = wget_wch(stdscr, &next);
		if (rc == OK && next >= '0' && next <= '9')
			return UI_FN(KEY_F(next == '0' ? 10 : (int)(next - '0')));
		if (rc == OK)
			unget_wch((wchar_t)next);
		else if (rc == KEY_CODE_YES)
			ungetch((int)next);
	}
	return (int)wc;
}

/* An alarm priority's look: the same on every view. */
enum ui_role
ui_priority_role(int priority)
{
	return priority <= 1 ? UI_BANNER : priority == 2 ? UI_BAD :
	    priority == 3 ? UI_UNCERTAIN : UI_INFO;
}

attr_t
ui_attr(enum ui_role role)
{
	/*
	 * Colour only ever adds to the attribute: bad is bold, stale dim,
	 * so both stay apart from good on a monochrome terminal too.
	 */
	switch (role) {
	case UI_TITLE:
		return A_REVERSE;
	case UI_HEADER:
		return A_BOLD | A_UNDERLINE;
	case UI_STATUS:
		return A_NORMAL;
	case UI_BANNER:
		return A_REVERSE | A_BOLD |
		    (ui_colours ? COLOR_PAIR(UI_PAIR_RED) : 0);
	case UI_ONLINE:
		return ui_colours ? COLOR_PAIR(UI_PAIR_GREEN) : A_NORMAL;
	case UI_SELECTED:
		return A_REVERSE;
	case UI_UNCERTAIN:
		return ui_colours ? COLOR_PAIR(UI_PAIR_YELLOW) : A_NORMAL;
	case UI_BAD:
		return A_BOLD | (ui_colours ? COLOR_PAIR(UI_PAIR_RED) : 0);
	case UI_STALE:
		return A_DIM;
	case UI_INFO:
		return ui_colours ? COLOR_PAIR(UI_PAIR_CYAN) : A_NORMAL;
	case UI_ERROR:
		return A_BOLD | (ui_colours ? COLOR_PAIR(UI_PAIR_RED) : 0);
	case UI_FRAME:
		return A_BOLD;
	case UI_NORMAL:
	default:
		return A_NORMAL;
	}
}

/*
 * What a terminal without UTF-8 (LC_ALL=C over SSH, say) shows for the
 * characters units and descriptions use most; anything else becomes '?'.
 * Neither the locale's transliteration nor iconv's //TRANSLIT knows the
 * degree sign, so the table is ours.
 */
static const struct {
	wchar_t		 wc;
	const char	*ascii;
} ui_ascii[] = {
	{ 0x00a0, " " },	{ 0x00b0, "deg" },	{ 0x00b1, "+/-" },
	{ 0x00b2, "2" },	{ 0x00b3, "3" },	{ 0x00b5, "u" },
	{ 0x00b7, "." },	{ 0x00bc, "1/4" },	{ 0x00bd, "1/2" },
	{ 0x00d7, "x" },	{ 0x03a9, "Ohm" },	{ 0x03bc, "u" },
	{ 0x2013, "-" },	{ 0x2014, "-" },	{ 0x2018, "'" },
	{ 0x2019, "'" },	{ 0x201c, "\"" },	{ 0x201d, "\"" },
	{ 0x2026, "..." },	{ 0x2030, "o/oo" },	{ 0x2103, "degC" },
	{ 0x2126, "Ohm" },
	/* Umlauts, for German texts. */
	{ 0x00c4, "Ae" },	{ 0x00d6, "Oe" },	{ 0x00dc, "Ue" },
	{ 0x00e4, "ae" },	{ 0x00f6, "oe" },	{ 0x00fc, "ue" },
	{ 0x00df, "ss" },
	/* Pictures: lines, arrows and bars, one column each, as drawn. */
	{ 0x2190, "<" },	{ 0x2191, "^" },	{ 0x2192, ">" },
	{ 0x2193, "v" },	{ 0x2500, "-" },	{ 0x2501, "-" },
	{ 0x2502, "|" },	{ 0x2503, "|" },	{ 0x250c, "+" },
	{ 0x2510, "+" },	{ 0x2514, "+" },	{ 0x2518, "+" },
	{ 0x251c, "+" },	{ 0x2524, "+" },	{ 0x252c, "+" },
	{ 0x2534, "+" },	{ 0x253c, "+" },	{ 0x2550, "=" },
	{ 0x2551, "|" },	{ 0x2554, "+" },	{ 0x2557, "+" },
	{ 0x255a, "+" },	{ 0x255d, "+" },	{ 0x2581, "_" },
	{ 0x2582, "_" },	{ 0x2583, "=" },	{ 0x2584, "=" },
	{ 0x2585, "#" },	{ 0x2586, "#" },	{ 0x2587, "#" },
	{ 0x2588, "#" },	{ 0x2591, "." },	{ 0x2592, ":" },
	{ 0x25b2, "^" },	{ 0x25b6, ">" },	{ 0x25bc, "v" },
	{ 0x25c0, "<" },	{ 0x25cf, "o" },	{ 0x25cb, "o" },
};

/* Whether the terminal shows UTF-8: bars pick their characters by it. */
int
ui_unicode(void)
{
	return ui_utf8;
}

/* Stores wc, or its ASCII stand-in, with display widths; returns count. */
static size_t
ui_decode_one(wchar_t wc, wchar_t *out, int *widths, size_t max)
{
	const char *a = "?";
	size_t i, n = 0;
	int w;

	if (ui_utf8 || wc < 0x80) {
		if ((w = wcwidth(wc)) < 0)
			wc = L'?', w = 1;
		out[0] = wc;
		widths[0] = w;
		return 1;
	}
	for (i = 0; i < sizeof ui_ascii / sizeof ui_ascii[0]; i++)
		if (ui_ascii[i].wc == wc)
			a = ui_ascii[i].ascii;
	for (; a[n] != '\0' && n < max; n++) {
		out[n] = (wchar_t)a[n];
		widths[n] = 1;
	}
	return n;
}

/*
 * Decodes the UTF-8 string s into characters of known display width;
 * invalid bytes and control characters become '?', so a hostile string
 * cannot move the cursor. Returns the number of characters stored.
 */
static size_t
ui_decode(const char *s, wchar_t *out, int *widths, size_t max)
{
	wchar_t wcs[UI_WIDTH_MAX];
	char *in = (char *)s, *o;
	size_t inleft = strlen(s), oleft, got, i, n = 0;

	while (inleft > 0 && n < max) {
		o = (char *)wcs;
		oleft = sizeof wcs;
		if (iconv(ui_iconv, &in, &inleft, &o, &oleft) == (size_t)-1 &&
		    errno != E2BIG) {
			/* An invalid or cut sequence: one '?' per byte. */
			in++;
			inleft--;
			if (oleft >= sizeof(wchar_t)) {
				*(wchar_t *)o = L'\x7f';	/* unprintable */
				o += sizeof(wchar_t);
			}
		}
		got = (size_t)(o - (char *)wcs) / sizeof(wchar_t);
		for (i = 0; i < got && n < max; i++)
			n += ui_decode_one(wcs[i], out + n, widths + n,
			    max - n);
	}
	iconv(ui_iconv, NULL, NULL, NULL, NULL);
	return n;
}

/* Display width of a UTF-8 string in columns. */
int
ui_width(const char *s)
{
	wchar_t wcs[UI_WIDTH_MAX];
	int widths[UI_WIDTH_MAX], total = 0;
	size_t n, i;

	n = ui_decode(s, wcs, widths, UI_WIDTH_MAX);
	for (i = 0; i < n; i++)
		total += widths[i];
	return total;
}

/*
 * Writes s into exactly width columns at the cursor (width < 0: to the
 * end of the line), padded with blanks and cut by display width, never
 * past the window's edge. A cut string ends in an ellipsis.
 */
int
ui_put(WINDOW *win, const char *s, int width, enum ui_align align)
{
	wchar_t wcs[UI_WIDTH_MAX], ell = ui_utf8 ? L'\x2026' : L'>';
	int widths[UI_WIDTH_MAX], room, total = 0, used = 0, pad;
	size_t n, i, keep;

	room = getmaxx(win) - getcurx(win);
	if (width < 0 || width > room)
		width = room;
	if (width <= 0)
		return 0;
	n = ui_decode(s, wcs, widths, UI_WIDTH_MAX);
	for (i = 0; i < n; i++)
		total += widths[i];
	keep = n;
	if (total > width) {
		/* A cut always shows: the last column is the ellipsis. */
		for (keep = 0; keep < n && used + widths[keep] <= width - 1;
		    keep++)
			used += widths[keep];
		wcs[keep++] = ell;
		used++;
	} else
		used = total;
	pad = width - used;
	if (align == UI_RIGHT)
		while (pad-- > 0)
			waddch(win, ' ');
	if (keep > 0)
		waddnwstr(win, wcs, (int)keep);
	if (align == UI_LEFT)
		while (pad-- > 0)
			waddch(win, ' ');
	return width;
}

/* Paints a whole row of win in attr, e.g. a bar. */
void
ui_fill(WINDOW *win, int row, attr_t attr)
{
	wattrset(win, attr);
	mvwhline(win, row, 0, ' ' | attr, getmaxx(win));
	wmove(win, row, 0);
}

/*
 * A window of lines x cols centred on the body, shown above it at the
 * next ui_flush() only; callers ask for it on every frame they want it.
 */
WINDOW *
ui_overlay(int nrows, int ncols)
{
	int maxl, maxc = COLS - 2;

	if (ui_win.too_small)
		return NULL;
	maxl = getmaxy(ui_win.body);
	if (nrows > maxl)
		nrows = maxl;
	if (ncols > maxc)
		ncols = maxc;
	if (ui_over != NULL)
		delwin(ui_over);
	ui_over = newwin(nrows, ncols, getbegy(ui_win.body) + (maxl - nrows) / 2,
	    (COLS - ncols) / 2);
	if (ui_over == NULL)
		return NULL;
	leaveok(ui_over, TRUE);
	werase(ui_over);
	ui_over_shown = 1;
	return ui_over;
}

/*
 * All a terminal too small for the view gets: how big it must be. Drawn
 * on stdscr alone, over whatever the windows showed.
 */
void
ui_too_small(int ncols, int nrows)
{
	char text[128], *word, *last;
	int x = 0, y = 0, w;

	if (ncols < UI_MIN_COLS)
		ncols = UI_MIN_COLS;
	if (nrows < UI_MIN_LINES)
		nrows = UI_MIN_LINES;
	snprintf(text, sizeof text, _("terminal too small (%d x %d; needs "
	    "%d x %d)"), COLS, LINES, ncols, nrows);
	werase(stdscr);
	wattrset(stdscr, A_BOLD);
	/* Word by word over the lines there are, so even 10 columns read it. */
	for (word = strtok_r(text, " ", &last); word != NULL;
	    word = strtok_r(NULL, " ", &last)) {
		w = ui_width(word);
		if (x > 0 && x + 1 + w > COLS) {
			y++;
			x = 0;
		} else if (x > 0)
			x++;
		if (y >= LINES)
			break;
		wmove(stdscr, y, x);
		x += ui_put(stdscr, word, w, UI_LEFT);
	}
	wattrset(stdscr, A_NORMAL);
	curs_set(0);
	wnoutrefresh(stdscr);
	doupdate();
}

void
ui_cursor(int visible)
{
	curs_set(visible ? 1 : 0);
}

/*
 * Sends one frame to the terminal: every window into the virtual screen,
 * then a single doupdate(), so the terminal sees only the difference.
 * The window holding the cursor goes last.
 */
void
ui_flush(WINDOW *cursor)
{
	wnoutrefresh(stdscr);
	if (!ui_win.too_small) {
		wnoutrefresh(ui_win.title);
		wnoutrefresh(ui_win.body);
		if (ui_over_shown && ui_over != NULL)
			wnoutrefresh(ui_over);
		if (ui_win.alarm != NULL)
			wnoutrefresh(ui_win.alarm);
		wnoutrefresh(ui_win.status);
		wnoutrefresh(ui_win.message);
		if (cursor != NULL)
			wnoutrefresh(cursor);
	}
	ui_over_shown = 0;
	doupdate();
}
