/*
 * alarms: the active list and the operators' actions on it.
 *   alarms [list] [-a area] [-f table|json|csv] [-p priority] [-s state]
 *       [pattern]
 *   alarms ack [-c comment] id ...     alarms ack -A [-a area] [-p ...]
 *   alarms shelve -c reason [-t seconds] id
 *   alarms unshelve [-c comment] id
 *   alarms reset [-c comment] id
 *   alarms service [-c comment] out|in id
 *   alarms stats [-e until] [-s since]
 *   alarms journal [-a area] [-E event] [-e until] [-f format]
 *       [-n count] [-p priority] [-s since] [-t pattern] [-x text]
 * Options follow the word that says what to do.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "msg.h"
#include "scadactl.h"
#include "value.h"
#include "xmalloc.h"

static int	cmd_alarms(struct ctl *, struct cmd_args *);

const struct cmd_entry cmd_alarms_entry = {
	.name = "alarms",
	.options = "a:f:p:s:",
	.flags = CMD_CLIENT,
	.args_min = 0,
	.args_max = -1,
	.usage = N_("alarms [list|ack|shelve|unshelve|reset|service|journal|"
	    "stats] [options] [id ...]"),
	.exec = cmd_alarms,
};

static const struct table_col cmd_alarm_journal_cols[] = {
	{ "id", N_("ID"), TABLE_RIGHT },
	{ "ts", N_("TIME"), TABLE_TIME },
	{ "alarm", N_("ALARM"), 0 },
	{ "event", N_("EVENT"), 0 },
	{ "state", N_("STATE"), 0 },
	{ "priority", N_("PRI"), TABLE_RIGHT },
	{ "value", N_("VALUE"), TABLE_RIGHT },
	{ "user", N_("USER"), 0 },
	{ "station", N_("STATION"), 0 },
	{ "comment", N_("COMMENT"), 0 },
	{ "message", N_("MESSAGE"), 0 },
};

static const struct table_col cmd_alarm_cols[] = {
	{ "priority_name", N_("PRIORITY"), 0 },
	{ "state", N_("STATE"), 0 },
	{ "active_since", N_("SINCE"), TABLE_TIME },
	{ "id", N_("ALARM"), 0 },
	{ "value", N_("VALUE"), TABLE_RIGHT },
	{ "area", N_("AREA"), 0 },
	{ "message", N_("MESSAGE"), 0 },
};

/*
 * A sub-command's options, after its word (argv[0]), before or after
 * its operands.
 */
static int
cmd_alarm_opts(struct cmd_args *args, const char *letters)
{
	char optstring[32];
	int ch;

	snprintf(optstring, sizeof optstring, ":%s", letters);
	optind = 0;
	while ((ch = getopt(args->argc, args->argv, optstring)) != -1) {
		if (ch == '?' || ch == ':')
			return ctl_error(ERROR_BAD_REQUEST, NULL, ch == '?' ?
			    _("alarms %s: unknown option -%c") :
			    _("alarms %s: option -%c needs a value"),
			    args->argv[0], optopt);
		args->opt[(unsigned char)ch] = optarg != NULL ? optarg : "";
	}
	args->argc -= optind;
	args->argv += optind;
	return 0;
}

static json_t *
cmd_alarm_where(struct cmd_args *args, const char *pattern)
{
	json_t *w = json_object();

	if (args->opt['a'] != NULL)
		json_object_set_new(w, "area", json_string(args->opt['a']));
	if (args->opt['p'] != NULL)
		json_object_set_new(w, "priority", json_string(args->opt['p']));
	if (args->opt['s'] != NULL)
		json_object_set_new(w, "state", json_string(args->opt['s']));
	if (pattern != NULL)
		json_object_set_new(w, "tag", json_string(pattern));
	return w;
}

static int
cmd_alarm_list(struct ctl *ctl, struct cmd_args *args)
{
	const char *format;
	json_t *reply;
	int rc = 0;

	if (cmd_alarm_opts(args, "a:f:p:s:") != 0)
		return 2;
	if ((format = ctl_format(ctl, args, "alarms", &rc)) == NULL)
		return rc;
	if (args->argc > 1)
		return ctl_error(ERROR_BAD_REQUEST, NULL, "%s", _("alarms list: "
		    "at most one pattern"));
	reply = ctl_call(ctl, "{s:s, s:o}", "op", "alarms", "where",
	    cmd_alarm_where(args, args->argc == 1 ? args->argv[0] : NULL));
	if (!msg_is_ok(reply))
		rc = ctl_fail(reply);
	else
		table_rows(json_object_get(reply, "alarms"), cmd_alarm_cols,
		    sizeof cmd_alarm_cols / sizeof cmd_alarm_cols[0], format);
	json_decref(reply);
	return rc != 0 ? rc : ctl_flush() == -1 ? 1 : 0;
}

static int
cmd_alarm_ack(struct ctl *ctl, struct cmd_args *args)
{
	json_t *req, *ids, *reply;
	int i;

	if (cmd_alarm_opts(args, "Aa:c:p:s:") != 0)
		return 2;
	if ((args->opt['A'] != NULL) == (args->argc > 0))
		return ctl_error(ERROR_BAD_REQUEST, NULL, "%s", _("alarms ack: "
		    "name the alarms, or -A for all the filter shows"));
	if (args->argc > 0 && (args->opt['a'] != NULL ||
	    args->opt['p'] != NULL || args->opt['s'] != NULL))
		return ctl_error(ERROR_BAD_REQUEST, NULL, "%s", _("alarms ack: "
		    "-a, -p and -s choose what -A takes; named alarms need "
		    "none"));
	req = json_pack("{s:s}", "op", "alarm_ack");
	if (args->opt['A'] != NULL) {
		json_object_set_new(req, "all", json_true());
		json_object_set_new(req, "where", cmd_alarm_where(args, NULL));
	} else {
		ids = json_array();
		for (i = 0; i < args->argc; i++)
			json_array_append_new(ids, json_string(args->argv[i]));
		json_object_set_new(req, "ids", ids);
	}
	if (args->opt['c'] != NULL)
		json_object_set_new(req, "comment", json_string(args->opt['c']));
	reply = ctl_call_write(ctl, req);
	json_decref(req);
	if (!msg_is_ok(reply) || ctl->json)
		return ctl_done(reply);
	printf(_("%zu acknowledged\n"), json_array_size(json_object_get(reply,
	    "acked")));
	json_decref(reply);
	return 0;
}

/* The journal's filter from the options; NULL after saying why not. */
static json_t *
cmd_alarm_journal_where(struct cmd_args *args, int *rc)
{
	static const struct { char opt; const char *key; } texts[] = {
		{ 'a', "area" }, { 't', "tag" }, { 'E', "event" },
		{ 'x', "text" } };
	json_t *w = json_object();
	size_t i;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (args->opt[(unsigned char)texts[i].opt] != NULL)
			json_object_set_new(w, texts[i].key, json_string(
			    args->opt[(unsigned char)texts[i].opt]));
	if (args->opt['p'] != NULL) {
		if (msg_priority_parse(args->opt['p']) == 0) {
			*rc = ctl_error(ERROR_BAD_REQUEST, NULL, _("alarms "
			    "journal -p: '%s' is not urgent, high, medium, low "
			    "or 1 to 4"), args->opt['p']);
			json_decref(w);
			return NULL;
		}
		json_object_set_new(w, "priority", json_integer(
		    msg_priority_parse(args->opt['p'])));
	}
	if ((*rc = ctl_window(args, w)) != 0) {
		json_decref(w);
		return NULL;
	}
	return w;
}

static int
cmd_alarm_journal(struct ctl *ctl, struct cmd_args *args)
{
	const char *format;
	json_t *where, *req, *reply;
	long n = 100;
	int rc = 0;

	if (cmd_alarm_opts(args, "a:E:e:f:n:p:s:t:x:") != 0)
		return 2;
	if ((format = ctl_format(ctl, args, "alarms", &rc)) == NULL ||
	    (rc = ctl_count(args, &n)) != 0)
		return rc;
	if ((where = cmd_alarm_journal_where(args, &rc)) == NULL)
		return rc;
	req = json_pack("{s:s, s:o, s:i}", "op", "alarm_journal", "where",
	    where, "limit", (int)n);
	reply = client_call_timeout(ctl->client, req, 30000, 0);
	json_decref(req);
	if (!msg_is_ok(reply))
		rc = ctl_fail(reply);
	else
		table_rows(json_object_get(reply, "rows"),
		    cmd_alarm_journal_cols, sizeof cmd_alarm_journal_cols /
		    sizeof cmd_alarm_journal_cols[0], format);
	json_decref(reply);
	return rc != 0 ? rc : ctl_flush() == -1 ? 1 : 0;
}

static void
cmd_alarm_stats_print(json_t *r)
{
	static const struct table_col areas[] = {
		{ "area", N_("AREA"), 0 },
		{ "activations", N_("ACTIVATIONS"), TABLE_RIGHT },
		{ "per_10min", N_("PER 10 MIN"), TABLE_RIGHT },
		{ "max_per_period", N_("MOST IN 10 MIN"), TABLE_RIGHT } };
	static const struct table_col floods[] = {
		{ "start", N_("FLOOD FROM"), TABLE_TIME },
		{ "activations", N_("ACTIVATIONS"), TABLE_RIGHT } };
	static const struct table_col top[] = {
		{ "alarm", N_("MOST FREQUENT"), 0 }, { "area", N_("AREA"), 0 },
		{ "activations", N_("ACTIVATIONS"), TABLE_RIGHT } };
	static const struct table_col chatter[] = {
		{ "alarm", N_("CHATTERING"), 0 }, { "area", N_("AREA"), 0 },
		{ "bursts", N_("BURSTS"), TABLE_RIGHT } };
	static const struct table_col stale[] = {
		{ "alarm", N_("STALE (ACTIVE OVER 24 H)"), 0 },
		{ "area", N_("AREA"), 0 },
		{ "active_since", N_("SINCE"), TABLE_TIME } };
	double periods = json_number_value(json_object_get(r, "periods"));
	char from[64], to[64], avg[32];
	json_t *a;
	size_t i;

	value_time(json_integer_value(json_object_get(r, "since")),
	    VALUE_TIME_DATE, from, sizeof from);
	value_time(json_integer_value(json_object_get(r, "until")),
	    VALUE_TIME_DATE, to, sizeof to);
	printf(_("alarms from %s to %s (%.1f periods of 10 minutes)\n\n"),
	    from, to, periods);
	json_array_foreach(json_object_get(r, "areas"), i, a) {
		snprintf(avg, sizeof avg, "%.2f", periods > 0 ?
		    (double)json_integer_value(json_object_get(a,
		    "activations")) / periods : 0.0);
		json_object_set_new(a, "per_10min", json_string(avg));
	}
	table_rows(json_object_get(r, "areas"), areas, 4, "table");
	putchar('\n');
	table_rows(json_object_get(r, "floods"), floods, 2, "table");
	putchar('\n');
	table_rows(json_object_get(r, "top"), top, 3, "table");
	putchar('\n');
	table_rows(json_object_get(r, "chattering"), chatter, 3, "table");
	putchar('\n');
	table_rows(json_object_get(r, "stale"), stale, 3, "table");
}

static int
cmd_alarm_stats(struct ctl *ctl, struct cmd_args *args)
{
	json_t *req, *reply;
	int rc = 0;

	if (cmd_alarm_opts(args, "e:s:") != 0)
		return 2;
	req = json_pack("{s:s}", "op", "alarm_stats");
	if ((rc = ctl_window(args, req)) != 0) {
		json_decref(req);
		return rc;
	}
	reply = client_call_timeout(ctl->client, req, 30000, 0);
	json_decref(req);
	if (!msg_is_ok(reply))
		rc = ctl_fail(reply);
	else if (ctl->json)
		ctl_print_json(reply);
	else
		cmd_alarm_stats_print(reply);
	json_decref(reply);
	return rc != 0 ? rc : ctl_flush() == -1 ? 1 : 0;
}

/* shelve, unshelve, reset and service: one alarm each. */
static int
cmd_alarm_act(struct ctl *ctl, struct cmd_args *args, const char *op)
{
	int service = strcmp(op, "alarm_service") == 0;
	json_t *req;
	long secs = 0;
	char *end;
	int rc;

	if (cmd_alarm_opts(args, strcmp(op, "alarm_shelve") == 0 ? "c:t:" :
	    "c:") != 0)
		return 2;
	if (args->argc != 1 + service || (service &&
	    strcmp(args->argv[0], "out") != 0 &&
	    strcmp(args->argv[0], "in") != 0))
		return ctl_error(ERROR_BAD_REQUEST, NULL, service ?
		    _("alarms service: out or in, then the alarm's id") :
		    _("alarms %s: one alarm's id"), op + 6);
	if (args->opt['t'] != NULL) {
		errno = 0;
		secs = strtol(args->opt['t'], &end, 10);
		if (*args->opt['t'] == '\0' || *end != '\0' || errno != 0 ||
		    secs < 0)
			return ctl_error(ERROR_BAD_REQUEST, NULL, _("alarms "
			    "shelve -t: '%s' is not a number of seconds"),
			    args->opt['t']);
	}
	req = json_pack("{s:s, s:s}", "op", op, "id", args->argv[service]);
	if (args->opt['c'] != NULL)
		json_object_set_new(req, "comment", json_string(args->opt['c']));
	if (strcmp(op, "alarm_shelve") == 0)
		json_object_set_new(req, "seconds", json_integer(secs));
	if (service)
		json_object_set_new(req, "out", json_boolean(
		    strcmp(args->argv[0], "out") == 0));
	rc = ctl_done(ctl_call_write(ctl, req));
	json_decref(req);
	return rc;
}

static int
cmd_alarms(struct ctl *ctl, struct cmd_args *args)
{
	static const char *const acts[][2] = { { "shelve", "alarm_shelve" },
	    { "unshelve", "alarm_unshelve" }, { "reset", "alarm_reset" },
	    { "service", "alarm_service" } };
	const char *word = args->argc > 0 ? args->argv[0] : "list";
	static char list_word[] = "list";
	char **argv;
	size_t i;
	int rc;

	if (strcmp(word, "list") == 0)
		return cmd_alarm_list(ctl, args);
	if (strcmp(word, "ack") == 0)
		return cmd_alarm_ack(ctl, args);
	if (strcmp(word, "journal") == 0)
		return cmd_alarm_journal(ctl, args);
	if (strcmp(word, "stats") == 0)
		return cmd_alarm_stats(ctl, args);
	for (i = 0; i < sizeof acts / sizeof acts[0]; i++)
		if (strcmp(word, acts[i][0]) == 0)
			return cmd_alarm_act(ctl, args, acts[i][1]);
	/* No word: a list, of what the operand matches if there is one. */
	if (args->argc > 0 && args->argv[0][0] != '-' &&
	    strpbrk(args->argv[0], "*?[.:") == NULL)
		return ctl_error(ERROR_BAD_REQUEST, NULL, _("alarms: unknown "
		    "word '%s' (list, ack, shelve, unshelve, reset, service, "
		    "journal, stats)"), word);
	argv = xcalloc((size_t)args->argc + 2, sizeof *argv);
	argv[0] = list_word;
	for (i = 0; i < (size_t)args->argc; i++)
		argv[i + 1] = args->argv[i];
	args->argv = argv;
	args->argc++;
	rc = cmd_alarm_list(ctl, args);
	free(argv);
	return rc;
}
