/*
 * Tag commands: read current values, write one value, browse the tag
 * list. Values to write are checked here, before anything is sent, so
 * a typo gets a clear message rather than a round trip; whether a value
 * is in range is the server's call alone.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "i18n.h"
#include "msg.h"
#include "scadactl.h"

static int	cmd_tags_read(struct ctl *, struct cmd_args *);
static int	cmd_tags_write(struct ctl *, struct cmd_args *);
static int	cmd_tags_browse(struct ctl *, struct cmd_args *);

const struct cmd_entry cmd_tags_read_entry = {
	.name = "read",
	.flags = CMD_CLIENT,
	.args_min = 1,
	.args_max = -1,
	.usage = N_("read tag ..."),
	.exec = cmd_tags_read,
};

const struct cmd_entry cmd_tags_write_entry = {
	.name = "write",
	.flags = CMD_CLIENT,
	.args_min = 2,
	.args_max = 2,
	.usage = N_("write tag value"),
	.exec = cmd_tags_write,
};

const struct cmd_entry cmd_tags_browse_entry = {
	.name = "browse",
	.flags = CMD_CLIENT,
	.args_min = 0,
	.args_max = 1,
	.usage = N_("browse [pattern]"),
	.exec = cmd_tags_browse,
};

/* Finds an object by its "name" member in a reply's array. */
static json_t *
cmd_tags_find(json_t *list, const char *name)
{
	json_t *o;
	size_t i;

	json_array_foreach(list, i, o) {
		const char *n = json_string_value(json_object_get(o, "name"));

		if (n != NULL && strcmp(n, name) == 0)
			return o;
	}
	return NULL;
}

static const char *
cmd_tags_string(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/*
 * The metadata of the tags to read, in one browse call: by name for a
 * single tag, else the whole list. Returns the "tags" array (the reply
 * is kept in *reply), NULL if the server cannot say, in which case
 * *reply is NULL or an "unreachable" error the caller must report.
 */
static json_t *
cmd_tags_meta(struct ctl *ctl, struct cmd_args *args, json_t **reply)
{
	json_t *list;

	if (args->argc == 1 && strpbrk(args->argv[0], "*?[\\") == NULL)
		*reply = ctl_call(ctl, "{s:s, s:s}", "op", "browse",
		    "pattern", args->argv[0]);
	else
		*reply = ctl_call(ctl, "{s:s}", "op", "browse");
	if (!msg_is_ok(*reply)) {
		enum error_code code = msg_error_code(*reply);

		if (code == ERROR_UNREACHABLE)
			return NULL;
		/* No units then; the read itself will tell what is wrong. */
		json_decref(*reply);
		*reply = NULL;
		return NULL;
	}
	list = json_object_get(*reply, "tags");
	if (!json_is_array(list)) {
		json_decref(*reply);
		*reply = NULL;
		return NULL;
	}
	return list;
}

static void
cmd_tags_read_row(table_t *t, json_t *meta, json_t *o)
{
	char value[64], when[64];
	const char *name, *type;
	struct tagval tv;

	type = meta != NULL ? cmd_tags_string(meta, "type") : NULL;
	if (tagval_from_json(o, &name, &tv) == -1) {
		table_add(t, json_string_value(json_object_get(o, "name")),
		    "-", "", tagval_quality_name(QUALITY_BAD), "-",
		    _("malformed value from server"));
		return;
	}
	ctl_value(type, &tv, value, sizeof value);
	ctl_time(tv.ts_ms, 1, when, sizeof when);
	table_add(t, name, value,
	    meta != NULL ? cmd_tags_string(meta, "units") : "",
	    tagval_quality_name(tv.quality), when,
	    tv.quality != QUALITY_GOOD ? tv.reason : "");
}

/*
 * One line per tag, in the order asked. Unknown tags are reported and
 * make the exit status, but the others are still shown: a script that
 * reads ten tags should not lose nine for one typo.
 */
static int
cmd_tags_read(struct ctl *ctl, struct cmd_args *args)
{
	json_t *breply, *meta, *names, *reply = NULL, *values;
	table_t *t = NULL;
	int i, rc = 0;

	meta = cmd_tags_meta(ctl, args, &breply);
	if (meta == NULL && breply != NULL) {
		rc = ctl_fail(breply);
		json_decref(breply);
		return rc;
	}
	names = json_array();
	for (i = 0; i < args->argc; i++) {
		if (meta != NULL && cmd_tags_find(meta, args->argv[i]) == NULL)
			continue;
		json_array_append_new(names, json_string(args->argv[i]));
	}
	if (json_array_size(names) > 0) {
		reply = ctl_call(ctl, "{s:s, s:O}", "op", "read", "tags",
		    names);
		if (!msg_is_ok(reply)) {
			rc = ctl_fail(reply);
			goto out;
		}
	}
	values = json_object_get(reply, "tags");
	if (reply != NULL && !json_is_array(values)) {
		rc = ctl_malformed();
		goto out;
	}
	if ((t = table_new(6)) == NULL) {
		rc = 1;
		goto out;
	}
	table_align(t, 1, TABLE_RIGHT);
	for (i = 0; i < args->argc; i++) {
		const char *name = args->argv[i];
		json_t *o = cmd_tags_find(values, name);

		if (o == NULL) {
			ctl_warnx(_("unknown tag: %s"), name);
			rc = error_exit_status(ERROR_UNKNOWN_TAG);
		} else if (ctl->json)
			ctl_print_json(o);
		else
			cmd_tags_read_row(t, cmd_tags_find(meta, name), o);
	}
	table_print(t, stdout);
out:
	table_destroy(&t);
	json_decref(names);
	json_decref(reply);
	json_decref(breply);
	return rc;
}

/*
 * A value as typed: a number (the whole string, finite) or a switch
 * word. Returns NULL for anything else.
 */
static json_t *
cmd_tags_parse_value(const char *s)
{
	static const struct {
		const char	*word;
		int		 on;
	} words[] = {
		{ "on", 1 }, { "true", 1 }, { "off", 0 }, { "false", 0 },
	};
	char *end;
	double v;
	size_t i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcasecmp(s, words[i].word) == 0)
			return json_boolean(words[i].on);
	if (*s == '\0' || isspace((unsigned char)*s))
		return NULL;
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || errno == ERANGE || !isfinite(v))
		return NULL;
	if (v == floor(v) && fabs(v) < 9.0e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}

/*
 * The tag's type, from the server: a string tag takes the text as it
 * is, where "42" would otherwise be taken for a number. Returns NULL if
 * the server could not say; *reply then holds its answer.
 */
static const char *
cmd_tags_type(struct ctl *ctl, const char *name, json_t **reply)
{
	json_t *tags;

	*reply = ctl_call(ctl, "{s:s, s:s}", "op", "browse", "pattern", name);
	tags = json_object_get(*reply, "tags");
	if (!msg_is_ok(*reply) || json_array_size(tags) != 1)
		return NULL;
	return json_string_value(json_object_get(json_array_get(tags, 0),
	    "type"));
}

static int
cmd_tags_write(struct ctl *ctl, struct cmd_args *args)
{
	const char *name = args->argv[0], *type;
	json_t *value, *reply;
	int rc = 0;

	if ((type = cmd_tags_type(ctl, name, &reply)) == NULL) {
		if (msg_is_ok(reply)) {
			ctl_warnx(_("unknown tag: %s"), name);
			rc = error_exit_status(ERROR_UNKNOWN_TAG);
		} else
			rc = ctl_fail(reply);
		json_decref(reply);
		return rc;
	}
	if (strcmp(type, "string") == 0)
		value = json_string(args->argv[1]);
	else
		value = cmd_tags_parse_value(args->argv[1]);
	json_decref(reply);
	if (value == NULL) {
		ctl_warnx(_("bad value for %s: '%s' (expected a number, "
		    "or on, off, true, false)"), name, args->argv[1]);
		return error_exit_status(ERROR_BAD_REQUEST);
	}
	reply = ctl_call(ctl, "{s:s, s:s, s:o}", "op", "write", "tag", name,
	    "value", value);
	if (!msg_is_ok(reply))
		rc = ctl_fail(reply);
	else if (ctl->json)
		ctl_print_json(reply);
	json_decref(reply);
	return rc;
}

static void
cmd_tags_range(json_t *o, char *buf, size_t len)
{
	json_t *lo = json_object_get(o, "min"), *hi = json_object_get(o, "max");

	if (json_is_number(lo) && json_is_number(hi))
		snprintf(buf, len, "%g..%g", json_number_value(lo),
		    json_number_value(hi));
	else
		snprintf(buf, len, "-");
}

static int
cmd_tags_browse(struct ctl *ctl, struct cmd_args *args)
{
	json_t *reply, *list, *o;
	table_t *t;
	char range[64];
	size_t i;
	int rc = 0;

	if (args->argc == 1)
		reply = ctl_call(ctl, "{s:s, s:s}", "op", "browse", "pattern",
		    args->argv[0]);
	else
		reply = ctl_call(ctl, "{s:s}", "op", "browse");
	if (!msg_is_ok(reply)) {
		rc = ctl_fail(reply);
		json_decref(reply);
		return rc;
	}
	list = json_object_get(reply, "tags");
	if (!json_is_array(list) || (t = table_new(7)) == NULL) {
		json_decref(reply);
		return ctl_malformed();
	}
	if (!ctl->json)
		table_add(t, _("NAME"), _("TYPE"), _("UNITS"), _("RANGE"),
		    _("WRITE"), _("AREA"), _("DESCRIPTION"));
	json_array_foreach(list, i, o) {
		if (ctl->json) {
			ctl_print_json(o);
			continue;
		}
		cmd_tags_range(o, range, sizeof range);
		table_add(t, cmd_tags_string(o, "name"),
		    cmd_tags_string(o, "type"), cmd_tags_string(o, "units"),
		    range, json_is_true(json_object_get(o, "writable")) ?
		    _("yes") : _("no"), cmd_tags_string(o, "area"),
		    cmd_tags_string(o, "description"));
	}
	table_print(t, stdout);
	table_destroy(&t);
	json_decref(reply);
	return rc;
}
