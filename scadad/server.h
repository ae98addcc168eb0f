/*
 * The server loop: one thread owns the tag image, the sockets and the
 * dispatch of commands; drivers run beside it as actors.
 */
#ifndef SCADA_SERVER_H
#define SCADA_SERVER_H

#include <czmq.h>

#include "project.h"

struct server_options {
	const char	*command;	/* endpoint overrides, or NULL */
	const char	*publish;
	const char	*endpoints_file;
	const char	*data_dir;	/* -D, or NULL: the project's */
	int		 auth_fd;	/* to the login helper, or -1 */
	zcert_t		*cert;		/* CurveZMQ: the server's key pair */
	void		(*ready)(void);	/* called once the sockets are bound */
};

int	 server_run(struct project *, const struct server_options *);

#endif
