/*
 * What the project tells an operator station of itself, in hello: its
 * bell, start screen, language, title, colours, blocked keys, function-
 * key bar and the smallest terminal it is used in ([station] in
 * scada-project(5)), each the project's default where its section says
 * nothing.
 */
#ifndef SCADA_STATION_CONF_H
#define SCADA_STATION_CONF_H

#include <jansson.h>

#include "project.h"
#include "project_ini.h"

void	 station_conf_check(struct project_loader *);
json_t	*station_conf_json(const struct project *, const char *);

#endif
