/*
 * The control socket: a UNIX stream socket on which a test sends fault
 * commands, one per line, and reads one reply line for each. Also the
 * client side, for scadasim -C.
 */
#ifndef SCADASIM_CONTROL_H
#define SCADASIM_CONTROL_H

#include <sys/select.h>

#include "fault.h"

#define CONTROL_MAX_CLIENTS	8
#define CONTROL_TIMEOUT_MS	5000	/* the client's wait for a reply */

struct control;

struct control	*control_new(const char *, struct fault *);
void		 control_destroy(struct control **);
int		 control_fdset(const struct control *, fd_set *);
void		 control_handle(struct control *, const fd_set *);
int		 control_send(const char *, const char *, char *, size_t);

#endif
