/*
 * A view fills the body of the screen: the tag list, the devices, and
 * later alarms, trends and process screens. Each is a const table of
 * functions, in the manner of htop's panels and tmux's window modes,
 * found by name in one registry; a view_entry is one live instance of
 * it, and the station keeps them on a stack, the top one shown.
 */
#ifndef SCADATUI_VIEW_H
#define SCADATUI_VIEW_H

#include <stddef.h>

#include "station.h"
#include "ui.h"

struct view_entry;

/* One line of the help overlay. */
struct view_key {
	const char	*key;
	const char	*help;
};

struct view {
	const char		*name;		/* in the registry */
	const char		*title;		/* N_(): on the title line */
	const char		*keyhint;	/* short, for the status line */
	const struct view_key	*keys;		/* ends with a NULL key */
	const struct view_key	*legend;	/* what the markers mean */

	void		*(*init)(struct view_entry *);
	void		 (*free)(struct view_entry *);
	/* Returns 0, or the columns it needs when the window is too narrow. */
	int		 (*draw)(struct view_entry *, WINDOW *);
	/* Returns 1 if the key was used, 0 to let the station have it. */
	int		 (*key)(struct view_entry *, int);
	/* One value set, or NULL when the link or the tag list changed. */
	void		 (*update)(struct view_entry *, const struct mirror_tag *);
	/* What to show on the message line when nothing else is said. */
	enum ui_role	 (*hint)(struct view_entry *, char *, size_t);
	/* The title line's name of the view, if not just its title. */
	void		 (*heading)(struct view_entry *, char *, size_t);
};

struct view_entry {
	const struct view	*view;
	struct station		*station;
	void			*data;
	int			 dirty;
	int			 closing;	/* done: close it after this key */
};

#define VIEW_STACK_MAX	8

struct view_stack {
	struct view_entry	*entries[VIEW_STACK_MAX];
	int			 n;
};

extern const struct view view_tags;
extern const struct view view_devices;
extern const struct view view_login;
extern const struct view view_alarms;
extern const struct view view_journal;
extern const struct view view_screen;

const struct view	*view_find(const char *);
struct view_entry	*view_new(const struct view *, struct station *);
void			 view_free(struct view_entry **);
struct view_entry	*view_top(struct view_stack *);
int			 view_show(struct view_stack *, const struct view *,
			    struct station *);
int			 view_back(struct view_stack *);
void			 view_update(struct view_stack *,
			    const struct mirror_tag *);
int			 view_dirty(struct view_stack *);
void			 view_screen_open(struct view_entry *, const char *);
void			 view_clear(struct view_stack *);
void			 view_reap(struct view_stack *);

#endif
