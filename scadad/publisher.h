/*
 * The PUB side: tag updates in batches, heartbeats and events, every
 * publication sequenced and stamped with the instance and generation.
 */
#ifndef SCADA_PUBLISHER_H
#define SCADA_PUBLISHER_H

#include <czmq.h>
#include <jansson.h>
#include <stdint.h>

#include "tagval.h"

/*
 * A batch is sent when the next update would take it past
 * PUBLISHER_BATCH_MAX bytes of tag values; one tag's value is at most
 * PUBLISHER_TAG_MAX (names and texts are bounded). A station that stops
 * reading holds at most PUBLISHER_HWM publications at the server, so at
 * most 64 MiB and the socket's buffers; beyond, it loses publications
 * and resyncs.
 */
#define PUBLISHER_BATCH_MAX	(16 * 1024)
#define PUBLISHER_TAG_MAX	4096
#define PUBLISHER_HWM		4000

typedef struct publisher publisher_t;

publisher_t	*publisher_new(const char *, zcert_t *, char *, size_t);
void		 publisher_destroy(publisher_t **);
void		 publisher_set_gen(publisher_t *, uint64_t);
const char	*publisher_endpoint(publisher_t *);
int		 publisher_port(publisher_t *);
const char	*publisher_instance(publisher_t *);
uint64_t	 publisher_seq(publisher_t *);
int		 publisher_stations(publisher_t *);
unsigned long	 publisher_count(publisher_t *);
unsigned long	 publisher_updates(publisher_t *);
void		 publisher_tag(publisher_t *, const char *,
		    const struct tagval *);
void		 publisher_flush(publisher_t *);
void		 publisher_heartbeat(publisher_t *);
void		 publisher_event(publisher_t *, const char *, json_t *);
void		 publisher_selftest(void);

#endif
