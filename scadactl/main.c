/*
 * scadactl: global options, then one command from the table below,
 * then that command's own options and operands.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <czmq.h>

#include "client.h"
#include "error.h"
#include "i18n.h"
#include "scadactl.h"
#include "xmalloc.h"

#define MAIN_TIMEOUT_MAX	3600000		/* one hour, in ms */

static const struct cmd_entry *const main_commands[] = {
	&cmd_tags_read_entry,
	&cmd_tags_write_entry,
	&cmd_tags_browse_entry,
	&cmd_watch_entry,
	&cmd_server_status_entry,
	&cmd_server_ping_entry,
	&cmd_login_entry,
	&cmd_logout_entry,
	&cmd_whoami_entry,
	&cmd_sessions_entry,
	&cmd_revoke_entry,
	&cmd_audit_entry,
	&cmd_keygen_entry,
	&cmd_alarms_entry,
	&cmd_screens_entry,
};

#define MAIN_NCOMMANDS	(sizeof main_commands / sizeof main_commands[0])

static void
main_usage(FILE *f)
{
	size_t i;

	fprintf(f, _("usage: %s [-hjV] [-K server_key] [-k key] [-s endpoint] "
	    "[-t timeout_ms]\n                command [argument ...]\n"),
	    CTL_NAME);
	fprintf(f, "%s\n", _("commands:"));
	for (i = 0; i < MAIN_NCOMMANDS; i++)
		fprintf(f, "  %s\n", _(main_commands[i]->usage));
}

/* A usage error says what was wrong first, then the usage. */
static int
main_bad_usage(const char *why)
{
	int rc = ctl_error(ERROR_BAD_REQUEST, NULL, "%s", why);

	main_usage(stderr);
	return rc;
}

static int
main_command_usage(const struct cmd_entry *ce)
{
	return ctl_error(ERROR_BAD_REQUEST, NULL, _("usage: %s %s"), CTL_NAME,
	    _(ce->usage));
}

static const struct cmd_entry *
main_find(const char *name)
{
	size_t i;

	for (i = 0; i < MAIN_NCOMMANDS; i++)
		if (strcmp(main_commands[i]->name, name) == 0)
			return main_commands[i];
	return NULL;
}

/*
 * Parses the command's own options into args. argv[0] is the command
 * name, as getopt expects a program name there.
 */
static int
main_parse_args(const struct cmd_entry *ce, int argc, char **argv,
    struct cmd_args *args)
{
	char optstring[64];
	int ch;

	memset(args, 0, sizeof *args);
	snprintf(optstring, sizeof optstring, "+:%s",
	    ce->options != NULL ? ce->options : "");
	optind = 0;		/* glibc: start afresh on a new vector */
	while ((ch = getopt(argc, argv, optstring)) != -1) {
		if (ch == '?') {
			ctl_error(ERROR_BAD_REQUEST, NULL,
			    _("%s: unknown option -%c"), ce->name, optopt);
			return -1;
		}
		if (ch == ':') {
			ctl_error(ERROR_BAD_REQUEST, NULL,
			    _("%s: option -%c needs a value"), ce->name, optopt);
			return -1;
		}
		args->opt[(unsigned char)ch] = optarg != NULL ? optarg : "";
	}
	args->argc = argc - optind;
	args->argv = argv + optind;
	if (args->argc < ce->args_min ||
	    (ce->args_max >= 0 && args->argc > ce->args_max)) {
		main_command_usage(ce);
		return -1;
	}
	return 0;
}

static int
main_timeout(const char *s, int *ms)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 1 ||
	    v > MAIN_TIMEOUT_MAX)
		return -1;
	*ms = (int)v;
	return 0;
}

int
main(int argc, char **argv)
{
	struct ctl ctl = {
		.endpoint = client_default_endpoint(),
		.timeout_ms = CLIENT_TIMEOUT_MS,
	};
	const struct cmd_entry *ce;
	struct cmd_args args;
	char why[256];
	int ch, rc;

	i18n_init();
	xmalloc_init();
	/* Numbers are read and written the C way, whatever the locale. */
	setlocale(LC_NUMERIC, "C");
	/* One-shot commands die on ^C as usual; watch installs its own. */
	zsys_handler_set(NULL);

	opterr = 0;
	while ((ch = getopt(argc, argv, "+:hjK:k:s:t:V")) != -1) {
		switch (ch) {
		case 'h':
			main_usage(stdout);
			return 0;
		case 'j':
			ctl.json = 1;
			ctl_json_errors();
			break;
		case 'K':
			ctl.server_key = optarg;
			break;
		case 'k':
			ctl.key = optarg;
			break;
		case 's':
			ctl.endpoint = optarg;
			break;
		case 't':
			if (main_timeout(optarg, &ctl.timeout_ms) == -1) {
				snprintf(why, sizeof why, _("bad timeout (1 to "
				    "%d ms): %s"), MAIN_TIMEOUT_MAX, optarg);
				return main_bad_usage(why);
			}
			break;
		case 'V':
			printf("%s %s\n", CTL_NAME, PACKAGE_VERSION);
			return 0;
		case ':':
			snprintf(why, sizeof why, _("option -%c needs a "
			    "value"), optopt);
			return main_bad_usage(why);
		default:
			snprintf(why, sizeof why, _("unknown option -%c"),
			    optopt);
			return main_bad_usage(why);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return main_bad_usage(_("no command given"));
	if ((ce = main_find(argv[0])) == NULL)
		return ctl_error(ERROR_BAD_REQUEST, NULL,
		    _("unknown command: %s"), argv[0]);
	if (main_parse_args(ce, argc, argv, &args) == -1)
		return error_exit_status(ERROR_BAD_REQUEST);

	if ((ce->flags & CMD_CLIENT) && (rc = ctl_open(&ctl)) != 0)
		return rc;
	rc = ce->exec(&ctl, &args);
	ctl_close(&ctl);
	return rc;
}
