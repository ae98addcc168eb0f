/*
 * The station's link to scadad: the live tag mirror, the command client
 * for writes, and what the server told us about itself.
 */
#ifndef SCADATUI_STATION_H
#define SCADATUI_STATION_H

#include <stddef.h>
#include <jansson.h>

#include "client.h"
#include "mirror.h"

#define STATION_TIMEOUT_MS	2000
#define STATION_RETRIES		2

struct station {
	char		*endpoint;
	mirror_t	*mirror;
	client_t	*cmd;
	char		*write_tag;	/* a write waiting to be sent */
	json_t		*write_value;
};

struct station	*station_new(const char *);
void		 station_destroy(struct station **);
void		 station_write_queue(struct station *, const char *, json_t *);
int		 station_write_pending(struct station *);
int		 station_write_run(struct station *, char *, size_t);

#endif
