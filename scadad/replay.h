/* Replies to non-idempotent requests, kept by request id so a retried
 * request is answered again but applied only once. */
#ifndef SCADA_REPLAY_H
#define SCADA_REPLAY_H

#include <stddef.h>

typedef struct replay replay_t;

replay_t	*replay_new(size_t);
void		 replay_destroy(replay_t **);
const char	*replay_lookup(replay_t *, const char *);
void		 replay_store(replay_t *, const char *, const char *);
size_t		 replay_size(replay_t *);
void		 replay_selftest(void);

#endif
