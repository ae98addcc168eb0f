/* Server commands: its status and its devices, and a plain ping. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "i18n.h"
#include "msg.h"
#include "scadactl.h"

static int	cmd_server_status(struct ctl *, struct cmd_args *);
static int	cmd_server_ping(struct ctl *, struct cmd_args *);

const struct cmd_entry cmd_server_status_entry = {
	.name = "status",
	.flags = CMD_CLIENT,
	.args_min = 0,
	.args_max = 0,
	.usage = N_("status"),
	.exec = cmd_server_status,
};

const struct cmd_entry cmd_server_ping_entry = {
	.name = "ping",
	.flags = CMD_CLIENT,
	.args_min = 0,
	.args_max = 0,
	.usage = N_("ping"),
	.exec = cmd_server_ping,
};

/* A member as text, whatever its JSON type; "-" if absent. */
static const char *
cmd_server_field(json_t *o, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(o, key);

	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	else if (json_is_real(v))	/* 0.036 ms is not 0.0 */
		snprintf(buf, len, "%.3f", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? _("yes") : _("no"));
	else
		snprintf(buf, len, "-");
	if (buf[0] == '\0')
		snprintf(buf, len, "-");
	return buf;
}

static void
cmd_server_uptime(json_t *o, char *buf, size_t len)
{
	json_t *v = json_object_get(o, "uptime_s");
	long long s;

	if (!json_is_number(v)) {
		snprintf(buf, len, "-");
		return;
	}
	s = (long long)json_number_value(v);
	if (s >= 86400)
		snprintf(buf, len, _("%lldd %02lld:%02lld:%02lld"), s / 86400,
		    s / 3600 % 24, s / 60 % 60, s % 60);
	else
		snprintf(buf, len, "%02lld:%02lld:%02lld", s / 3600,
		    s / 60 % 60, s % 60);
}

static void
cmd_server_summary(json_t *reply)
{
	char name[128], version[64], b[256];
	table_t *t;

	if ((t = table_new(2)) == NULL)
		return;
	/* The name may carry the version already ("scadad 0.1.0"). */
	cmd_server_field(reply, "server", name, sizeof name);
	if (json_is_string(json_object_get(reply, "version")) &&
	    strstr(name, cmd_server_field(reply, "version", version,
	    sizeof version)) == NULL)
		snprintf(b, sizeof b, "%s %s", name, version);
	else
		snprintf(b, sizeof b, "%s", name);
	table_add(t, _("server:"), b);
	table_add(t, _("project:"),
	    cmd_server_field(reply, "project", b, sizeof b));
	table_add(t, _("instance:"),
	    cmd_server_field(reply, "instance", b, sizeof b));
	table_add(t, _("generation:"),
	    cmd_server_field(reply, "gen", b, sizeof b));
	cmd_server_uptime(reply, b, sizeof b);
	table_add(t, _("uptime:"), b);
	table_add(t, _("sequence:"), cmd_server_field(reply, "seq", b,
	    sizeof b));
	table_add(t, _("tags:"), cmd_server_field(reply, "tags", b,
	    sizeof b));
	table_add(t, _("stations:"), cmd_server_field(reply, "stations", b,
	    sizeof b));
	table_print(t, stdout);
	table_destroy(&t);
}

/* Last error goes last: it is free text of any length. */
static void
cmd_server_devices(json_t *list)
{
	static const char *const keys[] = { "name", "connected", "rtt_ms",
	    "requests", "errors", "reconnects", "last_error" };
	char b[7][256];
	table_t *t;
	json_t *o;
	size_t i, k;

	if (json_array_size(list) == 0 || (t = table_new(7)) == NULL)
		return;
	for (k = 2; k < 6; k++)
		table_align(t, k, TABLE_RIGHT);
	table_add(t, _("DEVICE"), _("CONNECTED"), _("RTT MS"), _("REQUESTS"),
	    _("ERRORS"), _("RECONNECTS"), _("LAST ERROR"));
	json_array_foreach(list, i, o) {
		for (k = 0; k < 7; k++)
			cmd_server_field(o, keys[k], b[k], sizeof b[k]);
		table_add(t, b[0], b[1], b[2], b[3], b[4], b[5], b[6]);
	}
	putchar('\n');
	table_print(t, stdout);
	table_destroy(&t);
}

static int
cmd_server_status(struct ctl *ctl, struct cmd_args *args)
{
	json_t *reply;
	int rc = 0;

	reply = ctl_call(ctl, "{s:s}", "op", "status");
	if (!msg_is_ok(reply))
		rc = ctl_fail(reply);
	else if (ctl->json)
		ctl_print_json(reply);
	else {
		cmd_server_summary(reply);
		cmd_server_devices(json_object_get(reply, "devices"));
	}
	json_decref(reply);
	return rc;
}

/*
 * The time of one request and its reply. The first ping also sets up
 * the connection, so the time shown is that of a second one.
 */
static int
cmd_server_ping(struct ctl *ctl, struct cmd_args *args)
{
	json_t *reply;
	int64_t start;
	double ms = 0;
	int rc = 0;

	reply = ctl_call(ctl, "{s:s}", "op", "ping");
	if (msg_is_ok(reply)) {
		json_decref(reply);
		start = zclock_usecs();
		reply = ctl_call(ctl, "{s:s}", "op", "ping");
		ms = (double)(zclock_usecs() - start) / 1000.0;
	}
	if (!msg_is_ok(reply))
		rc = ctl_fail(reply);
	else if (ctl->json) {
		json_object_set_new(reply, "rtt_ms", json_real(ms));
		ctl_print_json(reply);
	} else
		printf(_("%s: %.3f ms\n"), ctl->endpoint, ms);
	json_decref(reply);
	return rc;
}
