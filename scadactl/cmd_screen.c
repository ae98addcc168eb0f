/*
 * The project's screens, as the server has them: a list, or one screen
 * (its picture with the markers blanked, and its fields), to check what
 * stations will show without starting one.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "msg.h"
#include "scadactl.h"

static int	cmd_screens(struct ctl *, struct cmd_args *);

const struct cmd_entry cmd_screens_entry = {
	.name = "screens",
	.options = "f:",
	.flags = CMD_CLIENT,
	.args_min = 0,
	.args_max = 1,
	.usage = N_("screens [-f table|json|csv] [name]"),
	.exec = cmd_screens,
};

static const struct table_col cmd_screens_cols[] = {
	{ "name", N_("NAME"), 0 },
	{ "title", N_("TITLE"), 0 },
	{ "title_de", N_("TITLE (DE)"), 0 },
};

static const struct table_col cmd_screen_fields[] = {
	{ "name", N_("FIELD"), 0 },
	{ "kind", N_("KIND"), 0 },
	{ "row", N_("ROW"), TABLE_RIGHT },
	{ "col", N_("COL"), TABLE_RIGHT },
	{ "width", N_("WIDTH"), TABLE_RIGHT },
	{ "tag", N_("TAG"), 0 },
	{ "screen", N_("SCREEN"), 0 },
	{ "value", N_("VALUE"), 0 },
};

static int
cmd_screen_one(struct ctl *ctl, const char *name, const char *format)
{
	json_t *reply = ctl_call(ctl, "{s:s, s:s}", "op", "screen", "name",
	    name), *s = json_object_get(reply, "screen"), *line;
	size_t i;

	if (!msg_is_ok(reply))
		return ctl_done(reply);
	if (strcmp(format, "json") == 0) {
		ctl_print_json(reply);
		json_decref(reply);
		return ctl_flush() == -1 ? 1 : 0;
	}
	if (strcmp(format, "table") == 0) {
		printf("%s\n", json_string_value(json_object_get(s, "title")));
		json_array_foreach(json_object_get(s, "layout"), i, line)
			printf("%s\n", json_string_value(line));
		printf("\n");
	}
	table_rows(json_object_get(s, "fields"), cmd_screen_fields,
	    sizeof cmd_screen_fields / sizeof cmd_screen_fields[0], format);
	json_decref(reply);
	return ctl_flush() == -1 ? 1 : 0;
}

static int
cmd_screens(struct ctl *ctl, struct cmd_args *args)
{
	const char *format;
	json_t *reply;
	int rc = 0;

	if ((format = ctl_format(ctl, args, "screens", &rc)) == NULL)
		return rc;
	if (args->argc == 1)
		return cmd_screen_one(ctl, args->argv[0], format);
	reply = ctl_call(ctl, "{s:s}", "op", "screens");
	if (!msg_is_ok(reply))
		return ctl_done(reply);
	if (strcmp(format, "json") == 0)
		ctl_print_json(reply);
	else
		table_rows(json_object_get(reply, "screens"), cmd_screens_cols,
		    sizeof cmd_screens_cols / sizeof cmd_screens_cols[0],
		    format);
	json_decref(reply);
	return ctl_flush() == -1 ? 1 : 0;
}
