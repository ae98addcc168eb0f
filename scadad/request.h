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

struct request {
	zsock_t		*router;	/* borrowed: where replies go */
	zmsg_t		*envelope;
	json_t		*body;
	const char	*op;
	char		*rid;		/* NULL if the client sent none */
	const char	*session;	/* NULL if none */
	uint64_t	 gen;
};

struct request	*request_new(zsock_t *, zmsg_t *, zframe_t *, uint64_t,
		    json_t **);
void		 request_destroy(struct request **);
void		 request_reply(struct request *, json_t *);
void		 request_reply_text(struct request *, const char *);
void		 request_send(zsock_t *, zmsg_t *, uint64_t, json_t *);
void		 request_selftest(void);

#endif
