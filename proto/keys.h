/*
 * A station's CurveZMQ keys: its own key pair, and the server's public
 * key it pins. They come from the options (-k, -K), else from the
 * environment (SCADA_KEY, SCADA_SERVER_KEY), else from the user's
 * files (~/.config/scada/station.key and server.pub); with none of
 * them the link is plain. Files are CZMQ certificates, as scadactl
 * keygen writes them.
 */
#ifndef SCADA_KEYS_H
#define SCADA_KEYS_H

#include <czmq.h>
#include <stddef.h>

struct keys {
	zcert_t		*mine;		/* NULL: a plain link */
	char		 server[41];	/* Z85 */
	char		 path[1024];	/* where mine came from */
};

int	 keys_load(struct keys *, const char *, const char *, char *, size_t);
zcert_t	*keys_load_secret(const char *, char *, size_t);
void	 keys_apply(const struct keys *, zsock_t *);
void	 keys_free(struct keys *);
int	 keys_generate(const char *, char *, size_t, char *, size_t);

#endif
