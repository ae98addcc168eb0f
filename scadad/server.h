/* The server loop: one thread owns the tag image, the sockets and the
 * dispatch of commands; drivers run beside it as actors. */
#ifndef SCADA_SERVER_H
#define SCADA_SERVER_H

#include <czmq.h>
#include <jansson.h>

#include "error.h"
#include "project.h"
#include "publisher.h"
#include "replay.h"
#include "tagdb.h"

struct server_options {
	const char	*command;	/* endpoint overrides, or NULL */
	const char	*publish;
	const char	*endpoints_file;
	void		(*ready)(void);	/* called once the sockets are bound */
};

/*
 * A request being answered. The envelope is every frame before the body
 * (identities up to and including the empty delimiter), returned as is
 * so replies find their way through proxies and brokers too.
 */
struct server_request {
	zmsg_t		*envelope;
	json_t		*body;
	const char	*op;
	const char	*rid;
};

/* A write waiting for its devices. */
struct server_write {
	zmsg_t		*envelope;
	char		*rid;
	int		 outstanding;
	int		 parts;
	int		 failed;
	enum error_code	 error;
	char		 message[256];
	long long	 deadline;
};

struct server {
	struct project	*project;
	tagdb_t		*db;
	publisher_t	*pub;
	zsock_t		*router;
	zactor_t	**drivers;
	json_t		**device_status;
	zloop_t		*loop;
	replay_t	*replay;
	zhashx_t	*writes_by_rid;		/* rid -> struct server_write */
	zhashx_t	*writes_by_token;	/* token -> struct server_write */
	uint64_t	 next_token;
	char		*browse_all;	/* the reply to a browse of every tag */
	long long	 started;
	unsigned long	 requests;
	unsigned long	 bad_requests;
	long long	 bad_logged;
};

int	 server_run(struct project *, const struct server_options *);
void	 server_reply(struct server *, zmsg_t *, json_t *);
void	 server_reply_text(struct server *, zmsg_t *, const char *);
struct server_write *server_write_new(struct server *,
	    struct server_request *, int);
void	 server_write_send(struct server *, struct server_write *, size_t,
	    json_t *);

#endif
