/* The Modbus TCP side of scadasim: one listener, many clients. */
#ifndef SCADASIM_SERVER_H
#define SCADASIM_SERVER_H

#include <sys/select.h>
#include <modbus.h>

#define SERVER_MAX_CLIENTS	32

struct server;

struct server	*server_new(const char *, int, int, modbus_mapping_t *);
void		 server_destroy(struct server **);
int		 server_port(const struct server *);
int		 server_fdset(const struct server *, fd_set *);
void		 server_handle(struct server *, const fd_set *);

#endif
