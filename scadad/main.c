/*
 * scadad: the SCADA server. Loads the project, couples to the devices,
 * and serves stations until SIGTERM.
 */
#include "config.h"

#include <czmq.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "alarm_conf.h"
#include "authd.h"
#include "daemon.h"
#include "driver_conf.h"
#include "i18n.h"
#include "keys.h"
#include "log.h"
#include "project.h"
#include "security_conf.h"
#include "server.h"
#include "server_conf.h"
#include "xmalloc.h"

#define SCADAD_PROJECT	SYSCONFDIR "/scada/project.ini"
#define SCADAD_PIDFILE	RUNSTATEDIR "/scadad.pid"

/* Every station holds two connections: allow as many as the hard limit. */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			log_warn("cannot raise the open file limit");
	}
}

/* -C and -P replace the project's endpoints and obey the same rule. */
static int
endpoint_option_bad(char flag, const char *endpoint)
{
	char why[256];

	if (endpoint == NULL ||
	    server_conf_endpoint_check(endpoint, why, sizeof why) == 0)
		return 0;
	log_errx("-%c: %s", flag, why);
	return 1;
}

static void
usage(FILE *fp, int status)
{
	fprintf(fp, _("usage: scadad [-dfhnVv] [-C endpoint] [-c project] "
	    "[-D datadir] [-E file]\n"
	    "              [-L logfile] [-P endpoint] [-p pidfile] "
	    "[-u user]\n"));
	if (status == 0)
		fprintf(fp, _(
		    "  -C endpoint  bind the command socket here, not where "
		    "the project says\n"
		    "  -c project   the project file or its directory "
		    "(default %s)\n"
		    "  -D datadir   keep the audit trail there, not in the "
		    "project's data_dir\n"
		    "  -d           foreground, with debug messages (-fv)\n"
		    "  -E file      write the endpoints bound to file\n"
		    "  -f           stay in the foreground, log to stderr\n"
		    "  -h           show this help\n"
		    "  -L logfile   log to logfile, appended, not to syslog or "
		    "stderr\n"
		    "  -n           check the project and exit\n"
		    "  -P endpoint  bind the publish socket here\n"
		    "  -p pidfile   pid file, locked while running (detached "
		    "default %s)\n"
		    "  -u user      run as user once started; only the login "
		    "helper keeps root\n"
		    "  -V           show the version\n"
		    "  -v           debug messages too\n"),
		    SCADAD_PROJECT, SCADAD_PIDFILE);
	exit(status);
}

/* Files named on the command line outlive the chdir("/") of detaching. */
struct paths {
	char	*project;	/* the login helper works in its folder too */
	char	*data_dir;
	char	*endpoints;
	char	*pidfile;
	char	*logfile;
};

static void
paths_resolve(struct paths *a, const char *project, const char *data_dir,
    const char *endpoints, const char *pidfile, const char *logfile)
{
	a->project = daemon_abspath(project);
	a->data_dir = daemon_abspath(data_dir);
	a->endpoints = daemon_abspath(endpoints);
	a->pidfile = daemon_abspath(pidfile);
	a->logfile = daemon_abspath(logfile);
}

static void
paths_free(struct paths *a)
{
	free(a->project);
	free(a->data_dir);
	free(a->endpoints);
	free(a->pidfile);
	free(a->logfile);
}

/* The server's key, and a data directory the server's user may write. */
static int
scadad_root_work(struct project *p, struct server_options *o,
    const char *user)
{
	const struct security_conf *sc = security_conf(p);
	char *audit, err[1024];
	int rc = 0;

	if (sc->curve && (o->cert = keys_load_secret(sc->server_key, err,
	    sizeof err)) == NULL) {
		log_errx("server key %s (make one with scadactl keygen %s)",
		    err, sc->server_key);	/* err names the file */
		return -1;
	}
	if (user == NULL)
		return 0;
	audit = security_conf_audit_path(p, o->data_dir);
	if (daemon_mkdir_for(audit, "audit trail", "create it, or name "
	    "another in [server] data_dir or with -D") == -1 ||
	    daemon_give_dir(audit, user) == -1)
		rc = -1;
	free(audit);
	audit = alarm_conf_journal_path(p, o->data_dir);
	if (rc == 0 && (daemon_mkdir_for(audit, "alarm journal", "create it, "
	    "or name another in [server] data_dir or with -D") == -1 ||
	    daemon_give_dir(audit, user) == -1))
		rc = -1;
	free(audit);
	return rc;
}

/* The server proper, once the options are read. */
static int
scadad(const char *path, struct paths *abs, struct server_options *o,
    const char *user, int check, int foreground)
{
	const char *pidfile = abs->pidfile;
	struct project *p;
	char err[512], dir[PATH_MAX];
	sigset_t hup;
	size_t n;
	int rc;

	o->endpoints_file = abs->endpoints;
	o->data_dir = abs->data_dir;
	if (abs->logfile != NULL && log_to_file(abs->logfile) == -1) {
		log_err("log file %s", abs->logfile);
		return 1;
	}
	if (endpoint_option_bad('C', o->command) ||
	    endpoint_option_bad('P', o->publish))
		return 1;
	if ((p = project_load(path, NULL, err, sizeof err)) == NULL) {
		log_errx("%s", err);
		return 1;
	}
	snprintf(err, sizeof err, "%s", project_path(p));
	snprintf(dir, sizeof dir, "%s", dirname(err));
	if (check) {
		n = driver_conf_count(p) * DEVICE_STATUS_COUNT;
		printf(_("%s: project '%s' OK: %zu devices, %zu tags, "
		    "%zu device status tags, %zu alarms\n"), project_path(p),
		    project_name(p), driver_conf_count(p),
		    project_ntags(p) - n, n, alarm_conf(p)->n);
		project_unref(&p);
		return 0;
	}
	raise_fd_limit();
	signal(SIGPIPE, SIG_IGN);
	/*
	 * SIGHUP is read from a signalfd in the server loop (a handler
	 * would end zloop's poll): blocked here, before any thread, so
	 * that every thread has it blocked.
	 */
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	sigprocmask(SIG_BLOCK, &hup, NULL);
	if (!foreground) {
		daemon_detach();
		if (pidfile == NULL)
			pidfile = SCADAD_PIDFILE;
		o->ready = daemon_ready;
	}
	if (pidfile != NULL && daemon_pidfile(pidfile) == -1) {
		project_unref(&p);
		return 1;
	}
	/*
	 * One process keeps root's rights, and it only runs PAM: forked
	 * first, so it never holds the server's secret key. Then what root
	 * alone may read or make is done: the key, the data directory.
	 */
	if ((o->auth_fd = authd_spawn(dir, user != NULL ? pidfile : NULL)) ==
	    -1 || scadad_root_work(p, o, user) == -1 ||
	    (user != NULL && daemon_drop(user) == -1)) {
		zcert_destroy(&o->cert);
		project_unref(&p);
		return 1;
	}
	if (user == NULL && geteuid() == 0)
		log_warnx("running as root: the part that reads the network "
		    "and the PLCs should not (start with -u, see scadad(8))");
	rc = server_run(p, o);
	zcert_destroy(&o->cert);
	daemon_pidfile_remove();
	project_unref(&p);
	return rc;
}

int
main(int argc, char **argv)
{
	struct server_options o = { 0 };
	const char *path = SCADAD_PROJECT, *pidfile = NULL, *logfile = NULL;
	const char *user = NULL, *data_dir = NULL;
	struct paths abs;
	int ch, foreground = 0, check = 0, verbose = 0, rc;

	i18n_init();
	xmalloc_init();
	while ((ch = getopt(argc, argv, "C:c:D:dE:fhL:nP:p:u:Vv")) != -1) {
		switch (ch) {
		case 'C':
			o.command = optarg;
			break;
		case 'c':
			path = optarg;
			break;
		case 'D':
			data_dir = optarg;
			break;
		case 'd':
			foreground = 1;
			verbose++;
			break;
		case 'E':
			o.endpoints_file = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'L':
			logfile = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'P':
			o.publish = optarg;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'V':
			printf("scadad %s\n", PACKAGE_VERSION);
			return 0;
		case 'v':
			verbose++;
			break;
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	log_init("scadad", 0, verbose);
	paths_resolve(&abs, path, data_dir, o.endpoints_file, pidfile, logfile);
	rc = scadad(abs.project, &abs, &o, user, check, foreground);
	paths_free(&abs);
	zsys_shutdown();
	return rc;
}
