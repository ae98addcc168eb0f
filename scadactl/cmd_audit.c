/*
 * audit: the trail of logins and operator actions, filtered by time,
 * user, station, action and tag, as a table, JSON lines or CSV; audit
 * verify: the server walks the hash chain and names the first row that
 * breaks it.
 */
#include "config.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "msg.h"
#include "scadactl.h"
#include "tagval.h"
#include "value.h"

#define CMD_AUDIT_LIMIT		100	/* rows, unless -n says */
#define CMD_AUDIT_WAIT_MS	30000

static int	cmd_audit(struct ctl *, struct cmd_args *);

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.options = "a:e:f:n:s:S:t:u:",
	.flags = CMD_CLIENT,
	.args_min = 0,
	.args_max = 1,
	.usage = N_("audit [-a action] [-e until] [-f table|json|csv] "
	    "[-n count] [-S station] [-s since] [-t tag] [-u user] [verify]"),
	.exec = cmd_audit,
};

/*
 * A time as ms since the epoch: "2026-12-03 17:30", "2026-12-03", or
 * an age: "90s", "15m", "2h", "7d". -1 if it is neither.
 */
static long long
cmd_audit_time(const char *s)
{
	static const char *const formats[] = { "%Y-%m-%d %H:%M:%S",
	    "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
	    "%Y-%m-%d" };
	struct tm tm;
	char *end;
	double n;
	size_t i;
	const char *rest;

	errno = 0;
	n = strtod(s, &end);
	if (end != s && errno == 0 && n >= 0 && strchr("smhd", *end) != NULL &&
	    *end != '\0' && end[1] == '\0')
		return tagval_now_ms() - (long long)(n * 1000 *
		    (*end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 :
		    86400));
	for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		memset(&tm, 0, sizeof tm);
		tm.tm_isdst = -1;
		if ((rest = strptime(s, formats[i], &tm)) != NULL &&
		    *rest == '\0')
			return (long long)mktime(&tm) * 1000;
	}
	return -1;
}

/* The query from the options; NULL after saying what is wrong. */
static json_t *
cmd_audit_filter(struct cmd_args *args, int *rc)
{
	static const struct { char opt; const char *key; } texts[] = {
		{ 'u', "user" }, { 'S', "station" }, { 'a', "action" },
		{ 't', "tag" } };
	json_t *where = json_object();
	json_t *f = json_pack("{s:s, s:i, s:o}", "op", "audit", "limit",
	    CMD_AUDIT_LIMIT, "where", where);
	const char *v;
	long long ms;
	char *end;
	size_t i;
	long n;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if ((v = args->opt[(unsigned char)texts[i].opt]) != NULL)
			json_object_set_new(where, texts[i].key,
			    json_string(v));
	for (i = 0; i < 2; i++) {
		if ((v = args->opt[i == 0 ? 's' : 'e']) == NULL)
			continue;
		if ((ms = cmd_audit_time(v)) < 0) {
			*rc = ctl_error(ERROR_BAD_REQUEST, NULL, _("bad time "
			    "'%s': YYYY-MM-DD [HH:MM[:SS]], or an age such as "
			    "15m, 2h, 7d"), v);
			json_decref(f);
			return NULL;
		}
		json_object_set_new(where, i == 0 ? "since" : "until",
		    json_integer(ms));
	}
	if ((v = args->opt['n']) != NULL) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0 || n < 1 ||
		    n > 10000) {
			*rc = ctl_error(ERROR_BAD_REQUEST, NULL, _("bad count "
			    "(1 to 10000): %s"), v);
			json_decref(f);
			return NULL;
		}
		json_object_set_new(f, "limit", json_integer(n));
	}
	return f;
}

static const char *
cmd_audit_field(json_t *row, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(row, key);
	char *text;

	if (v == NULL || json_is_null(v))
		return "";
	if (json_is_string(v))
		return json_string_value(v);
	if (strcmp(key, "ts") == 0) {
		value_time(json_integer_value(v), VALUE_TIME_DATE |
		    VALUE_TIME_MS, buf, len);
		return buf;
	}
	text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	snprintf(buf, len, "%s", text != NULL ? text : "");
	free(text);
	return buf;
}

static const char *const cmd_audit_keys[] = { "id", "ts", "user", "station",
    "action", "tag", "old", "new", "result", "detail" };

#define CMD_AUDIT_NKEYS	(sizeof cmd_audit_keys / sizeof cmd_audit_keys[0])

static void
cmd_audit_csv(json_t *rows)
{
	char buf[CMD_AUDIT_NKEYS][256];
	const char *v;
	size_t i, k;
	json_t *row;

	for (k = 0; k < CMD_AUDIT_NKEYS; k++) {
		fputs(k > 0 ? "," : "", stdout);
		csv_fwrite(stdout, cmd_audit_keys[k], strlen(cmd_audit_keys[k]));
	}
	putchar('\n');
	json_array_foreach(rows, i, row) {
		for (k = 0; k < CMD_AUDIT_NKEYS; k++) {
			v = cmd_audit_field(row, cmd_audit_keys[k], buf[k],
			    sizeof buf[k]);
			fputs(k > 0 ? "," : "", stdout);
			csv_fwrite(stdout, v, strlen(v));
		}
		putchar('\n');
	}
}

static void
cmd_audit_table(json_t *rows)
{
	char b[CMD_AUDIT_NKEYS][256];
	table_t *t = table_new(CMD_AUDIT_NKEYS);
	size_t i, k;
	json_t *row;

	table_align(t, 0, TABLE_RIGHT);
	table_add(t, _("ID"), _("TIME"), _("USER"), _("STATION"), _("ACTION"),
	    _("TAG"), _("OLD"), _("NEW"), _("RESULT"), _("DETAIL"));
	json_array_foreach(rows, i, row) {
		for (k = 0; k < CMD_AUDIT_NKEYS; k++)
			snprintf(b[k], sizeof b[k], "%s", cmd_audit_field(row,
			    cmd_audit_keys[k], b[k], sizeof b[k]));
		table_add(t, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
		    b[8], b[9]);
	}
	table_print(t, stdout);
	table_destroy(&t);
}

static int
cmd_audit_verify(struct ctl *ctl)
{
	json_t *req = json_pack("{s:s}", "op", "audit_verify");
	json_t *reply = client_call_timeout(ctl->client, req,
	    CMD_AUDIT_WAIT_MS, 0);
	int rc = 0;

	json_decref(req);
	if (!msg_is_ok(reply))
		rc = ctl_fail(reply);
	else if (ctl->json) {
		ctl_print_json(reply);
		rc = json_is_true(json_object_get(reply, "valid")) ? 0 : 1;
	} else if (json_is_true(json_object_get(reply, "valid")))
		printf(_("audit trail intact: %lld rows, head %s\n"),
		    (long long)json_integer_value(json_object_get(reply,
		    "rows")), json_string_value(json_object_get(reply,
		    "head")));
	else {
		rc = 1;
		printf(_("audit trail BROKEN at row %lld: %s\n"),
		    (long long)json_integer_value(json_object_get(reply,
		    "broken")), json_string_value(json_object_get(reply,
		    "reason")));
	}
	json_decref(reply);
	return rc;
}

static int
cmd_audit(struct ctl *ctl, struct cmd_args *args)
{
	const char *format = args->opt['f'] != NULL ? args->opt['f'] :
	    ctl->json ? "json" : "table";
	json_t *req, *reply, *row;
	size_t i;
	int rc = 0;

	if (args->argc == 1 && strcmp(args->argv[0], "verify") == 0)
		return cmd_audit_verify(ctl);
	if (args->argc == 1)
		return ctl_error(ERROR_BAD_REQUEST, NULL, _("audit: unknown "
		    "word '%s' (only verify)"), args->argv[0]);
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0 &&
	    strcmp(format, "csv") != 0)
		return ctl_error(ERROR_BAD_REQUEST, NULL, _("audit -f: '%s' is "
		    "not table, json or csv"), format);
	if ((req = cmd_audit_filter(args, &rc)) == NULL)
		return rc;
	reply = client_call_timeout(ctl->client, req, CMD_AUDIT_WAIT_MS, 0);
	json_decref(req);
	if (!msg_is_ok(reply))
		rc = ctl_fail(reply);
	else if (strcmp(format, "json") == 0)
		json_array_foreach(json_object_get(reply, "rows"), i, row)
			ctl_print_json(row);
	else if (strcmp(format, "csv") == 0)
		cmd_audit_csv(json_object_get(reply, "rows"));
	else
		cmd_audit_table(json_object_get(reply, "rows"));
	if (rc == 0 && json_is_true(json_object_get(reply, "more")))
		ctl_warnx(_("more rows match: these are the newest; narrow the "
		    "query or raise -n"));
	json_decref(reply);
	return rc != 0 ? rc : ctl_flush() == -1 ? 1 : 0;
}
