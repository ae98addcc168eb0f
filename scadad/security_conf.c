/*
 * The [security] section. Secure by default: links are encrypted and
 * every client logs in. Plain text must be asked for, and is refused
 * beyond the loopback interface unless that is asked for too.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "security_conf.h"
#include "server_conf.h"
#include "xmalloc.h"

#define SECKEY(f)	offsetof(struct security_conf, f)

static const struct conf_key security_conf_keys[] = {
	{ .name = "curve", .type = CONF_BOOL, .def = "yes",
	    .offset = SECKEY(curve) },
	{ .name = "server_key", .type = CONF_STRING, .def = "server.key",
	    .offset = SECKEY(server_key) },
	{ .name = "plain_remote", .type = CONF_BOOL, .def = "no",
	    .offset = SECKEY(plain_remote) },
	{ .name = "login", .type = CONF_BOOL, .def = "yes",
	    .offset = SECKEY(login) },
	{ .name = "anonymous_roles", .type = CONF_WORDS,
	    .offset = SECKEY(anonymous_roles) },
	{ .name = "pam_service", .type = CONF_STRING, .def = "scada",
	    .offset = SECKEY(pam_service) },
	{ .name = "pam_dir", .type = CONF_STRING, .def = "",
	    .offset = SECKEY(pam_dir) },
	{ .name = "login_timeout_s", .type = CONF_INT, .min = 5, .max = 3600,
	    .def = "120", .offset = SECKEY(login_timeout_s) },
	{ .name = "idle_logout_s", .type = CONF_INT, .max = 604800,
	    .def = "0", .offset = SECKEY(idle_logout_s) },
	{ .name = "throttle_ms", .type = CONF_INT, .max = 60000,
	    .def = "1000", .offset = SECKEY(throttle_ms) },
	{ .name = "throttle_max_ms", .type = CONF_INT, .max = 3600000,
	    .def = "60000", .offset = SECKEY(throttle_max_ms) },
	{ .name = "audit", .type = CONF_STRING, .def = "audit.db",
	    .offset = SECKEY(audit) },
	CONF_END
};

/*
 * Is the endpoint's host the loopback interface? Only a numeric
 * 127.x.y.z, [::1] or localhost: "127.example.com" is a name like any
 * other.
 */
int
security_conf_loopback(const char *ep)
{
	const char *host = strncmp(ep, "tcp://", 6) == 0 ? ep + 6 : ep;
	size_t n = strcspn(host, ":");
	struct in_addr a;
	char ip[INET_ADDRSTRLEN];

	if (host[0] == '[')	/* tcp://[::1]:7700 */
		return strncmp(host, "[::1]:", 6) == 0;
	if (n == 9 && strncmp(host, "localhost", 9) == 0)
		return 1;
	if (n >= sizeof ip)
		return 0;
	memcpy(ip, host, n);
	ip[n] = '\0';
	return inet_pton(AF_INET, ip, &a) == 1 &&
	    (ntohl(a.s_addr) >> 24) == 127;
}

static void *
security_conf_init(struct project_loader *l)
{
	struct security_conf *sc = xcalloc(1, sizeof *sc);

	conf_defaults(l, sc, security_conf_keys);
	return sc;
}

static void *
security_conf_open(struct project_loader *l, void *data, const char *name)
{
	struct security_conf *sc = data;

	sc->line = loader_line(l);
	return sc;
}

/* A path in the project is taken from the directory base. */
static void
security_conf_resolve(char **path, const char *base)
{
	char *abs;

	if ((*path)[0] == '\0' || (*path)[0] == '/')
		return;
	abs = xasprintf("%s/%s", base, *path);
	free(*path);
	*path = abs;
}

static int
security_conf_check(struct project_loader *l, void *data)
{
	struct security_conf *sc = data;
	const struct server_conf *srv = loader_data(l, &server_conf_section);

	security_conf_resolve(&sc->server_key, loader_dir(l));
	security_conf_resolve(&sc->pam_dir, loader_dir(l));
	if (!sc->curve && !sc->plain_remote &&
	    (!security_conf_loopback(srv->command) ||
	    !security_conf_loopback(srv->publish)))
		return loader_fail_at(l, project_path(loader_project(l)),
		    sc->line, _("curve = no sends commands, "
		    "values and passwords in clear text: only on 127.0.0.1, "
		    "unless plain_remote = yes"));
	return 0;
}

static void
security_conf_free(void *data)
{
	struct security_conf *sc = data;

	free(sc->server_key);
	conf_words_free(&sc->anonymous_roles);
	free(sc->pam_service);
	free(sc->pam_dir);
	free(sc->audit);
	free(sc);
}

const struct project_section security_conf_section = {
	.name = "security",
	.keys = security_conf_keys,
	.init = security_conf_init,
	.open = security_conf_open,
	.check = security_conf_check,
	.free = security_conf_free,
};

const struct security_conf *
security_conf(const struct project *p)
{
	return project_data(p, &security_conf_section);
}

/* Where the audit trail goes: [security] audit, in dir or data_dir. */
char *
security_conf_audit_path(const struct project *p, const char *dir)
{
	const char *audit = security_conf(p)->audit;

	if (audit[0] == '/')
		return xstrdup(audit);
	return xasprintf("%s/%s", dir != NULL ? dir :
	    server_conf(p)->data_dir, audit);
}
