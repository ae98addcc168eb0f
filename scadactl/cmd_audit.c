/*
 * audit: the trail of logins and operator actions, filtered by time,
 * user, station, action and tag, as a table, JSON lines or CSV; audit
 * verify: the server walks the hash chain and names the first row that
 * breaks it.
 */
#include "config.h"

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
	size_t i;
	long n;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if ((v = args->opt[(unsigned char)texts[i].opt]) != NULL)
			json_object_set_new(where, texts[i].key,
			    json_string(v));
	if ((*rc = ctl_window(args, where)) != 0 ||
	    (*rc = ctl_count(args, &n)) != 0) {
		json_decref(f);
		return NULL;
	}
	if (args->opt['n'] != NULL)
		json_object_set_new(f, "limit", json_integer(n));
	return f;
}

static const struct table_col cmd_audit_cols[] = {
	{ "id", N_("ID"), TABLE_RIGHT }, { "ts", N_("TIME"), TABLE_TIME },
	{ "user", N_("USER"), 0 }, { "station", N_("STATION"), 0 },
	{ "action", N_("ACTION"), 0 }, { "tag", N_("TAG"), 0 },
	{ "old", N_("OLD"), 0 }, { "new", N_("NEW"), 0 },
	{ "result", N_("RESULT"), 0 }, { "detail", N_("DETAIL"), 0 },
};

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
	const char *format;
	json_t *req, *reply;
	int rc = 0;

	if (args->argc == 1 && strcmp(args->argv[0], "verify") == 0)
		return cmd_audit_verify(ctl);
	if (args->argc == 1)
		return ctl_error(ERROR_BAD_REQUEST, NULL, _("audit: unknown "
		    "word '%s' (only verify)"), args->argv[0]);
	if ((format = ctl_format(ctl, args, "audit", &rc)) == NULL ||
	    (req = cmd_audit_filter(args, &rc)) == NULL)
		return rc;
	reply = client_call_timeout(ctl->client, req, CMD_AUDIT_WAIT_MS, 0);
	json_decref(req);
	if (!msg_is_ok(reply))
		rc = ctl_fail(reply);
	else
		table_rows(json_object_get(reply, "rows"), cmd_audit_cols,
		    sizeof cmd_audit_cols / sizeof cmd_audit_cols[0], format);
	if (rc == 0 && json_is_true(json_object_get(reply, "more")))
		ctl_warnx(_("more rows match: these are the newest; narrow the "
		    "query or raise -n"));
	json_decref(reply);
	return rc != 0 ? rc : ctl_flush() == -1 ? 1 : 0;
}
