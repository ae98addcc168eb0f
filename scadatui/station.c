/*
 * A write is sent and the station goes on at once; the reply, whenever
 * it comes, says on the message line what happened. The new value
 * itself comes back through the mirror, like every other change, so the
 * screen never shows a value the server has not published.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "msg.h"
#include "station.h"
#include "statusbar.h"
#include "xmalloc.h"

struct station_write {
	struct station	*st;
	char		*tag;
	char		*shown;
};

/* Returns NULL if the endpoint is not a valid ZeroMQ address. */
struct station *
station_new(const char *endpoint)
{
	struct station *st = xcalloc(1, sizeof *st);

	st->endpoint = xstrdup(endpoint);
	if ((st->client = client_new(endpoint, STATION_TIMEOUT_MS,
	    STATION_RETRIES)) == NULL) {
		station_destroy(&st);
		return NULL;
	}
	st->mirror = mirror_new(st->client);
	return st;
}

void
station_destroy(struct station **stp)
{
	struct station *st = *stp;

	if (st == NULL)
		return;
	mirror_destroy(&st->mirror);
	client_destroy(&st->client);
	free(st->endpoint);
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
