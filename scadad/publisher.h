/* The PUB side: sequence numbers, heartbeats, system events. */
#ifndef SCADA_PUBLISHER_H
#define SCADA_PUBLISHER_H

#include <jansson.h>
#include <stdint.h>

#include "tagval.h"

typedef struct publisher publisher_t;

publisher_t	*publisher_new(const char *, char *, size_t);
void		 publisher_destroy(publisher_t **);
const char	*publisher_endpoint(publisher_t *);
int		 publisher_port(publisher_t *);
const char	*publisher_instance(publisher_t *);
uint64_t	 publisher_seq(publisher_t *);
int		 publisher_stations(publisher_t *);
uint64_t	 publisher_tag(publisher_t *, const char *,
		    const struct tagval *);
void		 publisher_heartbeat(publisher_t *);
void		 publisher_system(publisher_t *, const char *, json_t *);
unsigned long	 publisher_count(publisher_t *);

#endif
