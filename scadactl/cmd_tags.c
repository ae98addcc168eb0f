/*
 * Tag commands: read current values, write one value, browse the tag
 * list. The tag list comes page by page and reads go CTL_PAGE names at
 * a time, as the server takes them; values to write are checked here
 * (proto/value.c), before anything is sent.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "i18n.h"
#include "msg.h"
#include "scadactl.h"
#include "value.h"

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

/* Objects of a list by their "name" member. */
static zhashx_t *
cmd_tags_index(json_t *list)
{
	zhashx_t *index = zhashx_new();
	const char *name;
	json_t *o;
	size_t i;

	json_array_foreach(list, i, o)
		if ((name = json_string_value(json_object_get(o, "name"))) !=
		    NULL)
			zhashx_insert(index, name, o);
	return index;
}

static const char *
cmd_tags_string(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* Names first to last of the list, as a new array. */
static json_t *
cmd_tags_slice(json_t *names, size_t first, size_t n)
{
	json_t *slice = json_array();
	size_t i;

	for (i = first; i < first + n && i < json_array_size(names); i++)
		json_array_append(slice, json_array_get(names, i));
	return slice;
}

/* Reads the names, CTL_PAGE at a time; every value, or NULL. */
static json_t *
cmd_tags_values(struct ctl *ctl, json_t *names, json_t **error)
{
	json_t *values = json_array(), *reply;
	size_t i;

	*error = NULL;
	for (i = 0; i < json_array_size(names); i += CTL_PAGE) {
		reply = ctl_call(ctl, "{s:s, s:o}", "op", "read", "tags",
		    cmd_tags_slice(names, i, CTL_PAGE));
		if (!msg_is_ok(reply) || !json_is_array(json_object_get(reply,
		    "tags"))) {
			json_decref(values);
			*error = reply;
			return NULL;
		}
		json_array_extend(values, json_object_get(reply, "tags"));
		json_decref(reply);
	}
	return values;
}

static void
cmd_tags_read_row(table_t *t, json_t *meta, json_t *o)
{
	char value[TAGVAL_STR_MAX], when[64];
	const char *name, *type;
	struct tagval tv;

	type = meta != NULL ? cmd_tags_string(meta, "type") : NULL;
	if (tagval_from_json(o, &name, &tv) == -1) {
		table_add(t, json_string_value(json_object_get(o, "name")),
		    "-", "", tagval_quality_name(QUALITY_BAD), "-",
		    _("malformed value from server"));
		return;
	}
	value_format(&tv, type, VALUE_EXACT, value, sizeof value);
	value_time(tv.ts_ms, VALUE_TIME_DATE | VALUE_TIME_MS, when,
	    sizeof when);
	table_add(t, name, value,
	    meta != NULL ? cmd_tags_string(meta, "units") : "",
	    tagval_quality_name(tv.quality), when,
	    tv.quality != QUALITY_GOOD ? tv.reason : "");
}

/*
 * A name the tag list lacks: unknown, or in an area this user may not
 * see. The server's read of it alone says which.
 */
static int
cmd_tags_unknown(struct ctl *ctl, const char *name)
{
	json_t *reply = ctl_call(ctl, "{s:s, s:[s]}", "op", "read", "tags",
	    name);
	int rc;

	if (msg_is_ok(reply) || msg_error_code(reply) == ERROR_UNKNOWN_TAG)
		rc = ctl_error(ERROR_UNKNOWN_TAG, json_pack("{s:s}", "tag",
		    name), _("unknown tag: %s"), name);
	else
		rc = ctl_fail(reply);
	json_decref(reply);
	return rc;
}

static int
cmd_tags_print(struct ctl *ctl, struct cmd_args *args, zhashx_t *meta,
    json_t *values)
{
	zhashx_t *got = cmd_tags_index(values);
	table_t *t = table_new(6);
	json_t *o;
	int i, rc = 0;

	table_align(t, 1, TABLE_RIGHT);
	for (i = 0; i < args->argc; i++) {
		if ((o = zhashx_lookup(got, args->argv[i])) == NULL)
			rc = cmd_tags_unknown(ctl, args->argv[i]);
		else if (ctl->json)
			ctl_print_json(o);
		else
			cmd_tags_read_row(t, meta != NULL ? zhashx_lookup(meta,
			    args->argv[i]) : NULL, o);
	}
	table_print(t, stdout);
	table_destroy(&t);
	zhashx_destroy(&got);
	return rc;
}

/*
 * One line per tag, in the order asked. Unknown tags are reported and
 * make the exit status, but the others are still shown: a script that
 * reads ten tags should not lose nine for one typo.
 */
static int
cmd_tags_read(struct ctl *ctl, struct cmd_args *args)
{
	json_t *list, *names = json_array(), *values = NULL, *error;
	zhashx_t *meta = NULL;
	int i, rc = 0;

	/* The units: of one tag, or of all; the read says what is wrong. */
	list = ctl_browse(ctl, args->argc == 1 ? args->argv[0] : NULL, &error);
	if (list == NULL && msg_error_code(error) == ERROR_UNREACHABLE) {
		rc = ctl_fail(error);
		goto out;
	}
	json_decref(error);
	error = NULL;
	if (list != NULL)
		meta = cmd_tags_index(list);
	for (i = 0; i < args->argc; i++)
		if (meta == NULL || zhashx_lookup(meta, args->argv[i]) != NULL)
			json_array_append_new(names,
			    json_string(args->argv[i]));
	if (json_array_size(names) == 0)
		values = json_array();
	else if ((values = cmd_tags_values(ctl, names, &error)) == NULL) {
		rc = ctl_fail(error);
		goto out;
	}
	rc = cmd_tags_print(ctl, args, meta, values);
out:
	json_decref(error);
	json_decref(values);
	json_decref(names);
	zhashx_destroy(&meta);
	json_decref(list);
	return rc;
}

/*
 * The tag's type, from the server: a string tag takes the text as it
 * is, where "42" would otherwise be taken for a number. Returns the
 * tag's metadata, or NULL with the exit status in *rc.
 */
static json_t *
cmd_tags_lookup(struct ctl *ctl, const char *name, int *rc)
{
	json_t *list, *error, *t;

	if ((list = ctl_browse(ctl, name, &error)) == NULL) {
		*rc = ctl_fail(error);
		json_decref(error);
		return NULL;
	}
	if (json_array_size(list) != 1) {
		*rc = cmd_tags_unknown(ctl, name);
		json_decref(list);
		return NULL;
	}
	t = json_incref(json_array_get(list, 0));
	json_decref(list);
	return t;
}

static int
cmd_tags_write(struct ctl *ctl, struct cmd_args *args)
{
	const char *name = args->argv[0];
	json_t *meta, *value, *req, *reply;
	char err[256];
	int rc = 0;

	if ((meta = cmd_tags_lookup(ctl, name, &rc)) == NULL)
		return rc;
	if (value_parse(cmd_tags_string(meta, "type"), args->argv[1], &value,
	    err, sizeof err) == -1) {
		json_decref(meta);
		return ctl_error(ERROR_BAD_REQUEST, json_pack("{s:s}", "tag",
		    name), _("bad value for %s: %s"), name, err);
	}
	json_decref(meta);
	req = json_pack("{s:s, s:s, s:o}", "op", "write", "tag", name,
	    "value", value);
	reply = ctl_call_write(ctl, req);
	json_decref(req);
	return ctl_done(reply);
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
	json_t *list, *o, *error;
	table_t *t;
	char range[64];
	size_t i;
	int rc;

	if ((list = ctl_browse(ctl, args->argc == 1 ? args->argv[0] : NULL,
	    &error)) == NULL) {
		rc = ctl_fail(error);
		json_decref(error);
		return rc;
	}
	if (args->argc == 1 && json_array_size(list) == 0) {
		json_decref(list);
		return ctl_error(ERROR_UNKNOWN_TAG, json_pack("{s:s}",
		    "pattern", args->argv[0]), _("no tag matches: %s"),
		    args->argv[0]);
	}
	t = table_new(7);
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
	json_decref(list);
	return 0;
}
