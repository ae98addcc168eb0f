/*
 * A station's copy of the live tag image, kept current with the Clone
 * pattern: subscribe, snapshot, apply sequenced updates, resync on a gap,
 * a restart or silence. Values are stale whenever the mirror is offline.
 */
#ifndef SCADA_MIRROR_H
#define SCADA_MIRROR_H

#include <stdint.h>
#include <czmq.h>

#include "tagval.h"

#define MIRROR_SILENCE_MS	2200	/* two heartbeats of 1 s, and some */
#define MIRROR_RETRY_MS		2000
#define MIRROR_PROBE_MS		1000
/*
 * Browse and snapshot follow a hello the server has just answered, so
 * it is alive; their replies grow with the plant (20 MB for 100,000
 * tags) and may take seconds to build, send and decode.
 */
#define MIRROR_BULK_MS		10000

struct mirror_tag {
	char		*name;
	char		*type;
	char		*units;
	char		*description;
	char		*area;
	int		 writable;
	int		 has_range;
	double		 min, max;	/* write limits, engineering units */
	struct tagval	 tv;
	uint64_t	 seq;		/* of the last update applied */
};

typedef struct mirror mirror_t;
typedef void (mirror_fn)(void *, const struct mirror_tag *);

mirror_t	*mirror_new(const char *);
void		 mirror_destroy(mirror_t **);
void		 mirror_set_handler(mirror_t *, mirror_fn *, void *);
zsock_t		*mirror_sock(mirror_t *);
void		 mirror_handle(mirror_t *);
void		 mirror_tick(mirror_t *);
int		 mirror_online(mirror_t *);
const char	*mirror_status(mirror_t *);
size_t		 mirror_count(mirror_t *);
const struct mirror_tag *mirror_at(mirror_t *, size_t);
const struct mirror_tag *mirror_find(mirror_t *, const char *);
uint64_t	 mirror_seq(mirror_t *);
unsigned	 mirror_resyncs(mirror_t *);
const char	*mirror_server(mirror_t *);
const char	*mirror_project(mirror_t *);

#endif
