/* Command dispatch: one table of operations, one handler each. */
#ifndef SCADA_COMMAND_H
#define SCADA_COMMAND_H

#include <jansson.h>

#include "server.h"

#define COMMAND_MAX_WRITES	1000

/*
 * Returns the reply, or NULL if the handler has replied itself or will
 * once the devices answer.
 */
json_t	*command_dispatch(struct server *, struct server_request *);

#endif
