/*
 * A station's settings, as the project gives them. The function-key
 * bar is words KEY=ACTION: F1 to F12, and a view (tags, devices,
 * alarms, journal, screens), a screen (screen:NAME), or back, forward,
 * overview, language, logout, help.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "alarm_conf.h"
#include "i18n.h"
#include "screen_conf.h"
#include "station_conf.h"

static const char *const station_conf_actions[] = { "tags", "devices",
    "alarms", "journal", "screens", "back", "forward", "overview",
    "language", "logout", "help" };

#define STATION_CONF_NACTIONS \
	(sizeof station_conf_actions / sizeof station_conf_actions[0])

/* "F7=screen:detail": 0, or -1 with the reason in why. */
static int
station_conf_key(const struct project *p, const char *word, char *why,
    size_t len)
{
	const char *eq = strchr(word, '='), *action;
	char *end;
	long n;
	size_t i;

	if (eq == NULL || (word[0] != 'F' && word[0] != 'f') ||
	    (n = strtol(word + 1, &end, 10)) < 1 || n > 12 || end != eq) {
		snprintf(why, len, _("toolbar: '%s' is not F1..F12=action"),
		    word);
		return -1;
	}
	action = eq + 1;
	if (strncmp(action, "screen:", 7) == 0) {
		if (screen_conf_find(p, action + 7) != NULL)
			return 0;
		snprintf(why, len, _("toolbar: %s: no screen '%s'"), word,
		    action + 7);
		return -1;
	}
	for (i = 0; i < STATION_CONF_NACTIONS; i++)
		if (strcmp(action, station_conf_actions[i]) == 0)
			return 0;
	snprintf(why, len, _("toolbar: %s: '%s' is not screen:NAME, tags, "
	    "devices, alarms, journal, screens, back, forward, overview, "
	    "language, logout or help"), word, action);
	return -1;
}

/* Every station's toolbar and start screen, once the screens are read. */
void
station_conf_check(struct project_loader *l)
{
	const struct project *p = loader_project(l);
	const struct access_station *st;
	char why[256];
	size_t i, k;

	for (i = 0; i < access_nstations(p) && !loader_failed(l); i++) {
		st = access_station_at(p, i);
		for (k = 0; k < st->toolbar.n; k++)
			if (station_conf_key(p, st->toolbar.v[k], why,
			    sizeof why) == -1) {
				loader_fail_at(l, project_path(p), st->line,
				    "[station %s] %s", st->name, why);
				break;
			}
	}
}

static json_t *
station_conf_words(const struct conf_words *w)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < w->n; i++)
		json_array_append_new(a, json_string(w->v[i]));
	return a;
}

/* The station's settings: its own where it has them, else the project's. */
json_t *
station_conf_json(const struct project *p, const char *name)
{
	const struct access_station *st = name != NULL ?
	    access_station(p, name) : NULL;
	int bell = alarm_conf(p)->bell;
	json_t *o;

	if (st != NULL && st->bell > 0)
		bell = st->bell - 1;
	o = json_pack("{s:s?, s:i}", "name", name, "bell", bell);
	if (st == NULL)
		return o;
	if (st->start_screen != NULL)
		json_object_set_new(o, "start_screen", json_string(
		    st->start_screen));
	if (st->language != NULL)
		json_object_set_new(o, "language", json_string(st->language));
	if (st->title != NULL)
		json_object_set_new(o, "title", json_string(st->title));
	if (strcmp(st->colours, "mono") == 0)
		json_object_set_new(o, "colours", json_string("mono"));
	if (st->blocked_keys.n > 0)
		json_object_set_new(o, "blocked_keys",
		    station_conf_words(&st->blocked_keys));
	if (st->toolbar.n > 0)
		json_object_set_new(o, "toolbar",
		    station_conf_words(&st->toolbar));
	if (st->min_cols > 0)
		json_object_set_new(o, "min_cols", json_integer(st->min_cols));
	if (st->min_lines > 0)
		json_object_set_new(o, "min_lines", json_integer(
		    st->min_lines));
	return o;
}
