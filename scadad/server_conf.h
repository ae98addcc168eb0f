/*
 * The [server] section: where scadad listens, how often it beats, and
 * where it keeps its data.
 */
#ifndef SCADA_SERVER_CONF_H
#define SCADA_SERVER_CONF_H

#include <stddef.h>

#include "project.h"

struct server_conf {
	char	*command;	/* endpoints */
	char	*publish;
	int	 heartbeat_ms;
	char	*data_dir;	/* absolute: the audit trail and later data */
};

struct project_section;
extern const struct project_section server_conf_section;

const struct server_conf *server_conf(const struct project *);
int	 server_conf_endpoint_check(const char *, char *, size_t);

#endif
