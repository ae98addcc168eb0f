/* Requests to scadad with the Lazy Pirate pattern: timeout, reopen, retry. */
#ifndef SCADA_CLIENT_H
#define SCADA_CLIENT_H

#include <jansson.h>

typedef struct client client_t;

#define CLIENT_DEFAULT_ENDPOINT	"tcp://127.0.0.1:7700"
#define CLIENT_TIMEOUT_MS	1500
#define CLIENT_RETRIES		3

client_t	*client_new(const char *, int, int);
void		 client_destroy(client_t **);
json_t		*client_call(client_t *, json_t *);
json_t		*client_callf(client_t *, const char *, ...);
const char	*client_endpoint(client_t *);
char		*client_pub_endpoint(client_t *, int);
const char	*client_default_endpoint(void);

#endif
