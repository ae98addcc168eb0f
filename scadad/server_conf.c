/*
 * The [server] section. Stations find the publisher at the command
 * endpoint's host and the port the server announces, so both endpoints
 * must be TCP.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "project_ini.h"
#include "server_conf.h"
#include "xmalloc.h"

int
server_conf_endpoint_check(const char *ep, char *why, size_t len)
{
	const char *colon;
	long port;

	if (strncmp(ep, "tcp://", 6) != 0) {
		snprintf(why, len, _("'%s' is not a tcp:// endpoint"), ep);
		return -1;
	}
	colon = strrchr(ep + 6, ':');
	if (colon == NULL || colon == ep + 6) {
		snprintf(why, len, _("'%s' has no host:port"), ep);
		return -1;
	}
	if (strcmp(colon + 1, "*") == 0)
		return 0;
	if (conf_long(colon + 1, &port) == -1 || port < 1 || port > 65535) {
		snprintf(why, len, _("'%s': port must be 1..65535 or *"), ep);
		return -1;
	}
	return 0;
}

static int
server_conf_parse_endpoint(void *l, const char *value, void *field,
    char *why, size_t len)
{
	char **sp = field;

	if (server_conf_endpoint_check(value, why, len) == -1)
		return -1;
	free(*sp);
	*sp = xstrdup(value);
	return 0;
}

#define SKEY(f)		offsetof(struct server_conf, f)

static const struct conf_key server_conf_keys[] = {
	{ .name = "command", .type = CONF_PARSE,
	    .def = "tcp://127.0.0.1:7700", .offset = SKEY(command),
	    .parse = server_conf_parse_endpoint },
	{ .name = "publish", .type = CONF_PARSE,
	    .def = "tcp://127.0.0.1:7701", .offset = SKEY(publish),
	    .parse = server_conf_parse_endpoint },
	{ .name = "heartbeat_ms", .type = CONF_INT, .min = 100, .max = 10000,
	    .def = "1000", .offset = SKEY(heartbeat_ms) },
	{ .name = "data_dir", .type = CONF_STRING, .def = SCADA_DATADIR,
	    .offset = SKEY(data_dir) },
	CONF_END
};

static void *
server_conf_init(struct project_loader *l)
{
	struct server_conf *sc = xcalloc(1, sizeof *sc);

	conf_defaults(l, sc, server_conf_keys);
	return sc;
}

static void *
server_conf_open(struct project_loader *l, void *data, const char *name)
{
	return data;
}

/* A relative data_dir is the project's own folder's. */
static int
server_conf_check(struct project_loader *l, void *data)
{
	struct server_conf *sc = data;
	char *abs;

	if (sc->data_dir[0] != '/') {
		abs = xasprintf("%s/%s", loader_dir(l), sc->data_dir);
		free(sc->data_dir);
		sc->data_dir = abs;
	}
	return 0;
}

static void
server_conf_free(void *data)
{
	struct server_conf *sc = data;

	free(sc->command);
	free(sc->publish);
	free(sc->data_dir);
	free(sc);
}

const struct project_section server_conf_section = {
	.name = "server",
	.keys = server_conf_keys,
	.init = server_conf_init,
	.open = server_conf_open,
	.check = server_conf_check,
	.free = server_conf_free,
};

const struct server_conf *
server_conf(const struct project *p)
{
	return project_data(p, &server_conf_section);
}
