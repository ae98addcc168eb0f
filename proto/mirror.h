/*
 * A station's copy of the live tag image, kept current with the Clone
 * pattern: subscribe, take the snapshot page by page, apply sequenced
 * publications, resync on a gap, a restart, a reload or silence. Nothing
 * here blocks: requests go through an asynchronous client, so a station
 * stays responsive while a plant of 100,000 tags loads, and shows each
 * tag as soon as its page has come.
 */
#ifndef SCADA_MIRROR_H
#define SCADA_MIRROR_H

#include <stdint.h>
#include <czmq.h>
#include <jansson.h>

#include "client.h"
#include "error.h"
#include "tagval.h"

#define MIRROR_SILENCE_MS	2200	/* two heartbeats of 1 s, and some */
#define MIRROR_RETRY_MS		2000
#define MIRROR_HELLO_MS		1000
#define MIRROR_PAGE_MS		10000	/* a page of a live server */
#define MIRROR_PAGE		1000	/* tags a page */
#define MIRROR_DEPTH		3	/* pages asked for at a time */

struct mirror_tag {
	uint32_t	 id;
	char		*name;
	char		*type;
	char		*units;
	char		*description;
	char		*area;
	int		 writable;
	int		 critical;	/* writes are confirmed first */
	int		 may_write;	/* by the user logged in here */
	int		 has_range;
	double		 min, max;	/* write limits, engineering units */
	struct tagval	 tv;
	uint64_t	 seq;		/* of the page or update applied */
	int		 current;	/* has a value of this sync */
	int		 present;	/* its page of this sync has come */
};

typedef struct mirror mirror_t;

/*
 * Called with each tag whose value was set (from a page or a
 * publication), and with NULL when the state or the tag list changed.
 */
typedef void (mirror_fn)(void *, const struct mirror_tag *);
/* A publication of another topic, in its order among the others. */
typedef void (mirror_event_fn)(void *, const char *, json_t *);

mirror_t	*mirror_new(client_t *);
void		 mirror_destroy(mirror_t **);
void		 mirror_set_handler(mirror_t *, mirror_fn *, void *);
void		 mirror_set_events(mirror_t *, mirror_event_fn *, void *);
void		 mirror_restart(mirror_t *, const char *);
enum error_code	 mirror_refused(mirror_t *);
zsock_t		*mirror_sock(mirror_t *);
void		 mirror_handle(mirror_t *);
void		 mirror_tick(mirror_t *);
int		 mirror_online(mirror_t *);
int		 mirror_connected(mirror_t *);
int		 mirror_fresh(mirror_t *, const struct mirror_tag *);
int		 mirror_loading(mirror_t *, size_t *, size_t *);
const char	*mirror_status(mirror_t *);
size_t		 mirror_count(mirror_t *);
const struct mirror_tag *mirror_at(mirror_t *, size_t);
const struct mirror_tag *mirror_find(mirror_t *, const char *);
uint64_t	 mirror_seq(mirror_t *);
uint64_t	 mirror_gen(mirror_t *);
unsigned	 mirror_resyncs(mirror_t *);
const char	*mirror_server(mirror_t *);
const char	*mirror_project(mirror_t *);
json_t		*mirror_station(mirror_t *);
void		 mirror_selftest(void);

#endif
