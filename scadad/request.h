/*
 * One request and the way back to its sender. The envelope is every
 * frame before the body (identities up to and including the empty
 * delimiter), returned as is, so replies find their way through
 * proxies and brokers too. Every reply echoes the request id and
 * carries the project generation the request was handled in.
 */
#ifndef SCADA_REQUEST_H
#define SCADA_REQUEST_H

#include <czmq.h>
#include <jansson.h>
#include <stdint.h>

struct access;
struct session;

struct request {
	zsock_t		*router;	/* borrowed: where replies go */
	zmsg_t		*envelope;
	json_t		*body;
	const char	*op;
	char		*rid;		/* NULL if the client sent none */
	const char	*session;	/* the token sent, NULL if none */
	uint64_t	 gen;
	char		*peer;		/* the station its CURVE key names */
	char		*addr;		/* the sender's IP address, or NULL */
	char		*key;		/* request_key()'s */
	/* Who asks, as the dispatch found out (command.c): */
	const char	*station;	/* its key's, or claimed; NULL if none */
	const char	*user;		/* NULL before a login */
	struct session	*login;		/* NULL before a login */
	const struct access *access;
};

struct request	*request_new(zsock_t *, zmsg_t *, zframe_t *, uint64_t,
		    json_t **);
void		 request_destroy(struct request **);
void		 request_set_peer(struct request *, const char *,
		    const char *);
const char	*request_key(struct request *);
void		 request_reply(struct request *, json_t *);
void		 request_reply_text(struct request *, const char *);
void		 request_send(zsock_t *, zmsg_t *, uint64_t, json_t *);
void		 request_selftest(void);

#endif
