/*
 * The bars around the view: the title line on top (station, project,
 * server, clock), and at the bottom the status line (connection state,
 * sequence, keys) above the message line (results, errors, hints).
 */
#ifndef SCADATUI_STATUSBAR_H
#define SCADATUI_STATUSBAR_H

#include "station.h"
#include "ui.h"

#define STATUSBAR_MESSAGE_MS	10000	/* how long a message stays */

void	statusbar_alarms(WINDOW *, struct station *);
void	statusbar_info(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
void	statusbar_error(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
void	statusbar_link_error(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
void	statusbar_link_up(void);
int	statusbar_has_message(void);
void	statusbar_clear(void);
int	statusbar_tick(void);
void	statusbar_title(WINDOW *, struct station *, const char *);
void	statusbar_status(WINDOW *, struct station *, const char *);
void	statusbar_message(WINDOW *, enum ui_role, const char *);

#endif
