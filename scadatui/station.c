/*
 * A write is sent and the station goes on at once; the reply, whenever
 * it comes, says on the message line what happened. The new value
 * itself comes back through the mirror, like every other change, so the
 * screen never shows a value the server has not published.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "msg.h"
#include "station.h"
#include "statusbar.h"
#include "ui.h"
#include "xmalloc.h"

struct station_write {
	struct station	*st;
	char		*tag;
	char		*shown;
};

/* The name a plain link claims: $SCADA_STATION, else the host's. */
static char *
station_name(void)
{
	const char *env = getenv("SCADA_STATION");
	char host[256];

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if (gethostname(host, sizeof host) == -1)
		return xstrdup("station");
	host[sizeof host - 1] = '\0';
	host[strcspn(host, ".")] = '\0';
	return xstrdup(host);
}

/*
 * Returns NULL with the reason in err if the endpoint is not a valid
 * ZeroMQ address or the keys (-k, -K) cannot be used.
 */
struct station *
station_new(const char *endpoint, const char *key, const char *server_key,
    char *err, size_t errlen)
{
	struct station *st = xcalloc(1, sizeof *st);

	st->endpoint = xstrdup(endpoint);
	st->name = station_name();
	if (keys_load(&st->keys, key, server_key, err, errlen) == -1) {
		station_destroy(&st);
		return NULL;
	}
	if ((st->client = client_new(endpoint, STATION_TIMEOUT_MS,
	    STATION_RETRIES)) == NULL) {
		snprintf(err, errlen, "%s: %s", _("not a valid ZeroMQ endpoint"),
		    endpoint);
		station_destroy(&st);
		return NULL;
	}
	if (st->keys.mine != NULL)
		client_set_keys(st->client, &st->keys);
	client_set_station(st->client, st->name);
	st->mirror = mirror_new(st->client);
	st->alarms = alarmlist_new();
	return st;
}

/* A login's reply: its session from now on, and a fresh sync. */
void
station_logged_in(struct station *st, json_t *reply)
{
	free(st->user);
	free(st->session_id);
	st->user = xstrdup(json_string_value(json_object_get(reply, "user")));
	st->session_id = xstrdup(json_string_value(json_object_get(reply,
	    "id")));
	free(st->name);
	st->name = xstrdup(json_string_value(json_object_get(reply,
	    "station")));
	client_set_session(st->client, json_string_value(json_object_get(reply,
	    "session")));
	mirror_restart(st->mirror, _("logged in"));
	alarmlist_clear(st->alarms);	/* another user may see others */
}

/*
 * The session is over (why: logged out, idle, revoked, server restart);
 * badly: not at this station's own request.
 */
void
station_logged_out(struct station *st, const char *why, int badly)
{
	free(st->ended);
	st->ended = xstrdup(why);
	st->ended_badly = badly;
	free(st->user);
	free(st->session_id);
	st->user = st->session_id = NULL;
	client_set_session(st->client, NULL);
	mirror_restart(st->mirror, why);
	alarmlist_clear(st->alarms);
}

static void
station_settings_clear(struct station_settings *ss)
{
	int i;

	free(ss->title);
	for (i = 0; i < ss->ntoolbar; i++)
		free(ss->toolbar[i].action);
	memset(ss, 0, sizeof *ss);
}

static int
station_has_word(json_t *a, const char *word)
{
	json_t *w;
	size_t i;

	json_array_foreach(a, i, w)
		if (json_is_string(w) && strcmp(json_string_value(w), word) ==
		    0)
			return 1;
	return 0;
}

/*
 * The station's settings from hello's station object (borrowed), in
 * force at once: the server checked the toolbar's words.
 */
void
station_settings_take(struct station *st, json_t *o)
{
	struct station_settings *ss = &st->settings;
	const char *title = json_string_value(json_object_get(o, "title"));
	json_t *blocked = json_object_get(o, "blocked_keys"), *w;
	const char *word, *eq;
	size_t i;

	station_settings_clear(ss);
	ss->title = title != NULL ? xstrdup(title) : NULL;
	ss->mono = json_is_string(json_object_get(o, "colours")) &&
	    strcmp(json_string_value(json_object_get(o, "colours")), "mono") ==
	    0;
	ss->min_cols = (int)json_integer_value(json_object_get(o, "min_cols"));
	ss->min_lines = (int)json_integer_value(json_object_get(o,
	    "min_lines"));
	ss->block_quit = station_has_word(blocked, "quit");
	ss->block_suspend = station_has_word(blocked, "suspend");
	json_array_foreach(json_object_get(o, "toolbar"), i, w) {
		if ((word = json_string_value(w)) == NULL ||
		    (eq = strchr(word, '=')) == NULL ||
		    ss->ntoolbar == STATION_TOOLBAR_MAX)
			continue;
		ss->toolbar[ss->ntoolbar].fkey = atoi(word + 1);
		ss->toolbar[ss->ntoolbar++].action = xstrdup(eq + 1);
	}
	ui_monochrome(ss->mono);
	ui_block_quit(ss->block_quit);
	ui_block_suspend(ss->block_suspend);
}

/* The toolbar's action for function key n, or NULL. */
const char *
station_toolbar(struct station *st, int n)
{
	int i;

	for (i = 0; i < st->settings.ntoolbar; i++)
		if (st->settings.toolbar[i].fkey == n)
			return st->settings.toolbar[i].action;
	return NULL;
}

void
station_destroy(struct station **stp)
{
	struct station *st = *stp;

	if (st == NULL)
		return;
	mirror_destroy(&st->mirror);
	alarmlist_destroy(&st->alarms);
	client_destroy(&st->client);
	keys_free(&st->keys);
	free(st->endpoint);
	free(st->name);
	free(st->user);
	free(st->session_id);
	free(st->ended);
	json_decref(st->screens);
	station_settings_clear(&st->settings);
	free(st);
	*stp = NULL;
}

/* The server's reason, without saying the tag's name twice. */
static void
station_refused(const struct station_write *w, const char *why)
{
	size_t n = strlen(w->tag);

	if (strncmp(why, w->tag, n) == 0 && why[n] == ':')
		statusbar_error(_("Write refused: %s"), why);
	else
		statusbar_error(_("Write %s := %s refused: %s"), w->tag,
		    w->shown, why);
}

static void
station_wrote(void *arg, json_t *reply)
{
	struct station_write *w = arg;

	w->st->writes--;
	if (msg_is_ok(reply))
		statusbar_info("%s := %s", w->tag, w->shown);
	else if (msg_error_code(reply) == ERROR_UNREACHABLE)
		statusbar_error(_("No answer from the server: whether %s := "
		    "%s was written is not known."), w->tag, w->shown);
	else
		station_refused(w, msg_error_message(reply));
	free(w->tag);
	free(w->shown);
	free(w);
}

/* Sends a write (the value is borrowed); shown is how it was typed. */
void
station_write(struct station *st, const char *tag, const char *shown,
    json_t *value)
{
	struct station_write *w = xcalloc(1, sizeof *w);
	json_t *req = json_pack("{s:s, s:s, s:O}", "op", "write", "tag", tag,
	    "value", value);

	w->st = st;
	w->tag = xstrdup(tag);
	w->shown = xstrdup(shown);
	st->writes++;
	statusbar_info(_("Writing %s := %s ..."), tag, shown);
	client_send(st->client, req, CLIENT_WRITE_TIMEOUT_MS, STATION_RETRIES,
	    station_wrote, w);
	json_decref(req);
}
