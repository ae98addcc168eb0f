/*
 * Requests to scadad, asynchronous: any number may be outstanding on one
 * DEALER socket, their replies matched by request id, each with its own
 * timeout and the Lazy Pirate pattern's retries. client_call() waits for
 * one reply, for tools that have nothing else to do meanwhile.
 */
#ifndef SCADA_CLIENT_H
#define SCADA_CLIENT_H

#include <stdint.h>
#include <czmq.h>
#include <jansson.h>

typedef struct client client_t;

/*
 * Called exactly once per request not cancelled: with the server's
 * reply, or with an "unreachable" error made here after the last
 * attempt or when the client is destroyed first. The reply is borrowed;
 * the callback may send new requests (not while the client is being
 * destroyed: those are dropped).
 */
typedef void (client_fn)(void *, json_t *);

#define CLIENT_DEFAULT_ENDPOINT	"tcp://127.0.0.1:7700"
#define CLIENT_TIMEOUT_MS	1500
#define CLIENT_RETRIES		3
/* A write may wait 10 s for a PLC that does not answer. */
#define CLIENT_WRITE_TIMEOUT_MS	4000
#define CLIENT_CLOSE_LINGER_MS	1000	/* for requests made, on close */
#define CLIENT_SLICE_MS		5	/* of replies, then the caller's turn */

struct keys;

client_t	*client_new(const char *, int, int);
int		 client_set_keys(client_t *, const struct keys *);
const struct keys *client_keys(client_t *);
void		 client_set_session(client_t *, const char *);
const char	*client_session(client_t *);
void		 client_set_station(client_t *, const char *);
void		 client_destroy(client_t **);
uint64_t	 client_send(client_t *, json_t *, int, int, client_fn *,
		    void *);
void		 client_cancel(client_t *, uint64_t);
size_t		 client_outstanding(client_t *);
zsock_t		*client_sock(client_t *);
void		 client_handle(client_t *);
void		 client_tick(client_t *);
json_t		*client_call(client_t *, json_t *);
json_t		*client_call_timeout(client_t *, json_t *, int, int);
json_t		*client_callf(client_t *, const char *, ...);
const char	*client_endpoint(client_t *);
char		*client_pub_endpoint(client_t *, int);
const char	*client_default_endpoint(void);
void		 client_selftest(void);

#endif
