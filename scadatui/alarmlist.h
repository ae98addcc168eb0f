/*
 * The station's copy of the alarm list: loaded from the server's alarms
 * reply once the mirror is current, then kept by the alarm topic's
 * transitions with a higher sequence number, as the mirror keeps the
 * values. Transitions that come while the list loads wait for it.
 */
#ifndef SCADATUI_ALARMLIST_H
#define SCADATUI_ALARMLIST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"

typedef struct alarmlist alarmlist_t;


alarmlist_t	*alarmlist_new(void);
void		 alarmlist_destroy(alarmlist_t **);
void		 alarmlist_clear(alarmlist_t *);
void		 alarmlist_loading(alarmlist_t *);
void		 alarmlist_load(alarmlist_t *, json_t *, uint64_t);
int		 alarmlist_event(alarmlist_t *, json_t *);
size_t		 alarmlist_count(alarmlist_t *);
json_t		**alarmlist_sorted(alarmlist_t *, size_t *);
void		 alarmlist_counts(alarmlist_t *, int *, int *);
json_t		*alarmlist_newest(alarmlist_t *);
int		 alarmlist_unack(json_t *);
uint64_t	 alarmlist_changes(alarmlist_t *);
json_t		*alarmlist_of_tag(alarmlist_t *, const char *);
const char	*alarmlist_message(json_t *);

#endif
