/*
 * The screens a station shows: the list, and one screen whole. A field
 * whose tag the caller may not view keeps its place in the picture but
 * loses its tag, marked hidden, so the station draws it blank.
 */
#include "config.h"

#include "access.h"
#include "command.h"
#include "msg.h"
#include "screen_conf.h"

/* {"op":"screens"}: every screen's name and titles, the start, the overview. */
static json_t *
cmd_screens(struct cmd_env *env, struct request **rp)
{
	const struct screen_conf *c = screen_conf(env->config);
	json_t *list = json_array(), *o;
	size_t i;

	for (i = 0; c != NULL && i < c->n; i++) {
		o = json_pack("{s:s, s:s}", "name", c->v[i].name, "title",
		    c->v[i].title);
		if (c->v[i].title_de != NULL)
			json_object_set_new(o, "title_de", json_string(
			    c->v[i].title_de));
		json_array_append_new(list, o);
	}
	o = json_pack("{s:b, s:o}", "ok", 1, "screens", list);
	if (c != NULL && c->start != NULL)
		json_object_set_new(o, "start", json_string(c->start));
	if (c != NULL && c->overview != NULL)
		json_object_set_new(o, "overview", json_string(c->overview));
	return o;
}

/* {"op":"screen","name":N}: the picture and its fields. */
static json_t *
cmd_screen(struct cmd_env *env, struct request **rp)
{
	const char *name = json_string_value(json_object_get((*rp)->body,
	    "name"));
	const struct screen *sc;
	const struct project_tag *t;
	json_t *o, *f;
	size_t i;

	if (name == NULL)
		return msg_error(ERROR_BAD_REQUEST, "\"name\" must be a "
		    "screen's name");
	if ((sc = screen_conf_find(env->config, name)) == NULL)
		return msg_error(ERROR_UNKNOWN_SCREEN, "no screen '%s'", name);
	o = json_deep_copy(sc->json);
	json_array_foreach(json_object_get(o, "fields"), i, f) {
		if ((name = json_string_value(json_object_get(f, "tag"))) ==
		    NULL || ((t = project_tag_find(env->project, name)) !=
		    NULL && access_allows((*rp)->access, ACCESS_VIEW, t->area)))
			continue;
		json_object_del(f, "tag");
		json_object_set_new(f, "hidden", json_true());
	}
	return json_pack("{s:b, s:o}", "ok", 1, "screen", o);
}

const struct cmd_entry cmd_screens_entry = {
	.name = "screens",
	.right = ACCESS_VIEW,
	.exec = cmd_screens,
};

const struct cmd_entry cmd_screen_entry = {
	.name = "screen",
	.right = ACCESS_VIEW,
	.exec = cmd_screen,
};
