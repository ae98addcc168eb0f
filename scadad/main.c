/*
 * scadad: the SCADA server. Loads the project, couples to the devices,
 * and serves stations until SIGTERM.
 */
#include "config.h"

#include <czmq.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "daemon.h"
#include "driver_conf.h"
#include "i18n.h"
#include "log.h"
#include "project.h"
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
	fprintf(fp, _("usage: scadad [-dfhnVv] [-C endpoint] "
	    "[-c project] [-E file] [-P endpoint] [-p pidfile]\n"));
	exit(status);
}

int
main(int argc, char **argv)
{
	struct server_options o = { 0 };
	const char *path = SCADAD_PROJECT, *pidfile = NULL;
	struct project *p;
	char err[512];
	size_t n;
	int ch, foreground = 0, check = 0, verbose = 0, rc;

	i18n_init();
	xmalloc_init();
	while ((ch = getopt(argc, argv, "C:c:dE:fhnP:p:Vv")) != -1) {
		switch (ch) {
		case 'C':
			o.command = optarg;
			break;
		case 'c':
			path = optarg;
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
		case 'n':
			check = 1;
			break;
		case 'P':
			o.publish = optarg;
			break;
		case 'p':
			pidfile = optarg;
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
	if (endpoint_option_bad('C', o.command) ||
	    endpoint_option_bad('P', o.publish))
		return 1;
	if ((p = project_load(path, NULL, err, sizeof err)) == NULL) {
		log_errx("%s", err);
		return 1;
	}
	if (check) {
		n = driver_conf_count(p) * DEVICE_STATUS_COUNT;
		printf(_("%s: project '%s' OK: %zu devices, %zu tags, "
		    "%zu device status tags\n"), project_path(p),
		    project_name(p), driver_conf_count(p),
		    project_ntags(p) - n, n);
		project_unref(&p);
		return 0;
	}
	raise_fd_limit();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	if (!foreground) {
		daemon_detach();
		if (pidfile == NULL)
			pidfile = SCADAD_PIDFILE;
		o.ready = daemon_ready;
	}
	if (pidfile != NULL && daemon_pidfile(pidfile) == -1) {
		project_unref(&p);
		return 1;
	}
	rc = server_run(p, &o);
	daemon_pidfile_remove();
	project_unref(&p);
	zsys_shutdown();
	return rc;
}
