/* The help overlay: every key the station and the current view know. */
#ifndef SCADATUI_HELP_H
#define SCADATUI_HELP_H

#include "view.h"

void	help_toggle(void);
int	help_shown(void);
void	help_close(void);
int	help_key(int);
void	help_draw(const struct view_key *, const struct view *);

#endif
