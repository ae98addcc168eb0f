/*
 * The one owner of the terminal: curses set-up and tear-down, the screen
 * layout, colours, keys and the signals that end the program.
 */
#ifndef SCADATUI_UI_H
#define SCADATUI_UI_H

/* The wide-character API of ncursesw, needed for UTF-8 units like °C. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

/* Keys: a character, or a curses KEY_* code tagged with UI_KEY_FN. */
#define UI_KEY_NONE	(-1)
#define UI_KEY_FN	0x40000000
#define UI_FN(k)	((k) | UI_KEY_FN)
#define UI_KEY_GONE	(-2)	/* the terminal went away */
#define UI_CTRL(c)	((c) & 0x1f)
#define UI_ESC		27

/* Below this the layout itself does not fit; views may need more. */
#define UI_MIN_LINES	5
#define UI_MIN_COLS	20

/* What a piece of text means; ui_attr() turns it into attributes. */
enum ui_role {
	UI_NORMAL,
	UI_TITLE,
	UI_HEADER,
	UI_STATUS,
	UI_BANNER,	/* communication lost */
	UI_ONLINE,
	UI_SELECTED,
	UI_UNCERTAIN,
	UI_BAD,
	UI_STALE,
	UI_INFO,
	UI_ERROR,
	UI_FRAME
};

enum ui_align {
	UI_LEFT,
	UI_RIGHT
};

struct ui_layout {
	WINDOW	*title;		/* top line */
	WINDOW	*body;		/* the current view */
	WINDOW	*status;	/* connection state, keys */
	WINDOW	*message;	/* messages and the prompt */
	WINDOW	*alarm;		/* the alarm line, while alarms are listed */
	int	 too_small;
};

int		 ui_init(void);
void		 ui_end(void);
int		 ui_active(void);
int		 ui_signalled(void);
void		 ui_resize(void);
void		 ui_alarm_line(int);
void		 ui_redraw(void);
const struct ui_layout *ui_layout(void);
int		 ui_key(void);
attr_t		 ui_attr(enum ui_role);
enum ui_role	 ui_priority_role(int);
int		 ui_width(const char *);
int		 ui_unicode(void);
void		 ui_monochrome(int);
void		 ui_colour_off(void);
void		 ui_ascii_only(void);
void		 ui_block_quit(int);
int		 ui_quit_was_refused(void);
void		 ui_block_suspend(int);
int		 ui_put(WINDOW *, const char *, int, enum ui_align);
void		 ui_fill(WINDOW *, int, attr_t);
WINDOW		*ui_overlay(int, int);
void		 ui_too_small(int, int);
void		 ui_cursor(int);
void		 ui_flush(WINDOW *);

#endif
