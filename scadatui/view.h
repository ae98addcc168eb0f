/*
 * A view fills the body of the screen: the tag list now, alarms, trends
 * and process screens later. Each is a const table of functions, in the
 * manner of htop's panels and tmux's window modes; a view_entry is one
 * live instance of it.
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
	const char		*name;
	const char		*keyhint;	/* short, for the status line */
	const struct view_key	*keys;		/* ends with a NULL key */
	const struct view_key	*legend;	/* what the markers mean */

	void		*(*init)(struct view_entry *);
	void		 (*free)(struct view_entry *);
	void		 (*draw)(struct view_entry *, WINDOW *);
	/* Returns 1 if the key was used, 0 to let the station have it. */
	int		 (*key)(struct view_entry *, int);
	/* One applied update, or NULL when the mirror goes on or offline. */
	void		 (*update)(struct view_entry *, const struct mirror_tag *);
	/* What to show on the message line when nothing else is said. */
	enum ui_role	 (*hint)(struct view_entry *, char *, size_t);
};

struct view_entry {
	const struct view	*view;
	struct station		*station;
	void			*data;
	int			 dirty;
};

struct view_entry	*view_new(const struct view *, struct station *);
void			 view_free(struct view_entry **);

extern const struct view view_tags;

#endif
