/*
 * The ZAP handler (ZeroMQ RFC 27) for CurveZMQ links: a connection is
 * let in only if its public key is a registered station's, and every
 * message on it then carries that station's name as its User-Id. An
 * unknown machine gets no data at all, not even the tag list.
 */
#ifndef SCADA_ZAP_H
#define SCADA_ZAP_H

#include <czmq.h>

#define ZAP_DOMAIN	"scada"

/* The station name of a Z85 public key, or NULL. */
typedef const char *(zap_lookup_fn)(void *, const char *);

typedef struct zap zap_t;

zap_t	*zap_new(zloop_t *, zap_lookup_fn *, void *);
void	 zap_destroy(zap_t **);
unsigned long zap_refused(zap_t *);
void	 zap_secure(zsock_t *, zcert_t *);

#endif
