/*
 * The [security] section: whether links are encrypted (CurveZMQ) and
 * logins required, the PAM service that checks them, how failed logins
 * are throttled, and where the audit trail goes (scada-project(5)).
 */
#ifndef SCADA_SECURITY_CONF_H
#define SCADA_SECURITY_CONF_H

#include "project.h"
#include "project_ini.h"

struct security_conf {
	int			 curve;		/* encrypt and authenticate */
	char			*server_key;	/* zcert secret file, absolute */
	int			 plain_remote;	/* curve = no beyond loopback */
	int			 login;		/* no: every client may do all */
	struct conf_words	 anonymous_roles;
	char			*pam_service;
	char			*pam_dir;	/* absolute, or "" for the system's */
	int			 login_timeout_s;
	int			 idle_logout_s;	/* 0: never */
	int			 throttle_ms;	/* after the first failure */
	int			 throttle_max_ms;
	char			*audit;		/* in the data directory if relative */
	int			 line;		/* of [security], for errors */
};

extern const struct project_section security_conf_section;

const struct security_conf *security_conf(const struct project *);
int	 security_conf_loopback(const char *);
char	*security_conf_audit_path(const struct project *, const char *);

#endif
