/*
 * scadad's side of the login helper (authd.h): starts conversations,
 * passes answers on, and hands what the helper says back to the login
 * command, from the server loop, never waiting on it.
 */
#ifndef SCADA_AUTH_H
#define SCADA_AUTH_H

#include <czmq.h>
#include <jansson.h>
#include <stdint.h>

typedef struct auth auth_t;

/* A message of the helper for login id: prompt, info or done. */
typedef void (auth_fn)(void *, uint64_t, const char *, json_t *);

auth_t	*auth_new(int, zloop_t *, auth_fn *, void *);
void	 auth_destroy(auth_t **);
int	 auth_alive(auth_t *);
int	 auth_start(auth_t *, uint64_t, const char *, const char *,
	    const char *, const char *, const char *);
int	 auth_answer(auth_t *, uint64_t, json_t *);
void	 auth_abort(auth_t *, uint64_t);

#endif
