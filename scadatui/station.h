/*
 * The station's link to scadad: one asynchronous command client, shared
 * by the live tag mirror and the operator's writes, so no key press
 * ever waits on the network.
 */
#ifndef SCADATUI_STATION_H
#define SCADATUI_STATION_H

#include <stddef.h>
#include <jansson.h>

#include "client.h"
#include "keys.h"
#include "alarmlist.h"
#include "mirror.h"

#define STATION_TIMEOUT_MS	2000
#define STATION_RETRIES		3

#define STATION_TOOLBAR_MAX	12

/* What the project says of this station (hello's station object). */
struct station_settings {
	char		*title;		/* NULL: "scadatui" */
	int		 mono;
	int		 block_quit;
	int		 block_suspend;
	struct {
		int	 fkey;		/* 1..12 */
		char	*action;	/* "alarms", "screen:detail", ... */
	}		 toolbar[STATION_TOOLBAR_MAX];
	int		 ntoolbar;
	int		 min_cols;	/* the terminal it needs, or 0 */
	int		 min_lines;
};

struct station {
	char		*endpoint;
	client_t	*client;
	mirror_t	*mirror;
	int		 writes;	/* in flight */
	struct keys	 keys;		/* CurveZMQ, or none */
	char		*name;		/* the station, as the server knows it */
	char		*user;		/* logged in, or NULL */
	char		*session_id;	/* its public id, for session events */
	alarmlist_t	*alarms;	/* as the server lists them */
	json_t		*screens;	/* the server's list, or NULL */
	struct station_settings settings;
	char		*ended;		/* why the last session ended, until
					   the login view has said so */
	int		 ended_badly;	/* not by this station's own logout */
};

struct station	*station_new(const char *, const char *, const char *,
		    char *, size_t);
void		 station_logged_in(struct station *, json_t *);
void		 station_logged_out(struct station *, const char *, int);
void		 station_settings_take(struct station *, json_t *);
const char	*station_toolbar(struct station *, int);
void		 station_destroy(struct station **);
void		 station_write(struct station *, const char *, const char *,
		    json_t *);

#endif
