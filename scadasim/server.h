/* The Modbus TCP side of scadasim: one listener, many clients. */
#ifndef SCADASIM_SERVER_H
#define SCADASIM_SERVER_H

#include <sys/select.h>

#include "fault.h"
#include "plc.h"

#define SERVER_MAX_CLIENTS	32

struct server;

struct server	*server_new(const char *, int, struct plc *, struct fault *);
void		 server_destroy(struct server **);
int		 server_port(const struct server *);
int		 server_fdset(const struct server *, fd_set *);
void		 server_handle(struct server *, const fd_set *, double);
double		 server_next(const struct server *);
void		 server_tick(struct server *, double);

#endif
