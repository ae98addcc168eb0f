/*
 * Writes go over their own command client rather than the mirror's: the
 * mirror's client has a short timeout meant for resyncing, while a write
 * may wait on a PLC. A write is queued first and sent on the next pass
 * of the main loop, so the operator sees "writing" before we block.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "msg.h"
#include "station.h"
#include "value.h"

/* Returns NULL if the endpoint is not a valid ZeroMQ address. */
struct station *
station_new(const char *endpoint)
{
	struct station *st;

	if ((st = calloc(1, sizeof *st)) == NULL)
		return NULL;
	st->endpoint = strdup(endpoint);
	st->mirror = mirror_new(endpoint);
	st->cmd = client_new(endpoint, STATION_TIMEOUT_MS, STATION_RETRIES);
	if (st->endpoint == NULL || st->mirror == NULL || st->cmd == NULL) {
		station_destroy(&st);
		return NULL;
	}
	return st;
}

void
station_destroy(struct station **stp)
{
	struct station *st = *stp;

	if (st == NULL)
		return;
	mirror_destroy(&st->mirror);
	client_destroy(&st->cmd);
	free(st->endpoint);
	free(st->write_tag);
	json_decref(st->write_value);
	free(st);
	*stp = NULL;
}

/* Takes over value; a queued write not yet sent is replaced. */
void
station_write_queue(struct station *st, const char *tag, json_t *value)
{
	free(st->write_tag);
	json_decref(st->write_value);
	st->write_tag = strdup(tag);
	st->write_value = value;
	if (st->write_tag == NULL) {
		json_decref(st->write_value);
		st->write_value = NULL;
	}
}

int
station_write_pending(struct station *st)
{
	return st->write_tag != NULL;
}

/* The server's reason, without saying the tag's name twice. */
static void
station_refused(const char *tag, const char *shown, const char *why,
    char *msg, size_t len)
{
	size_t n = strlen(tag);

	if (strncmp(why, tag, n) == 0 && why[n] == ':')
		snprintf(msg, len, _("Write refused: %s"), why);
	else
		snprintf(msg, len, _("Write %s := %s refused: %s"), tag, shown,
		    why);
}

/*
 * Sends the queued write and describes the outcome in msg. Returns 0 if
 * the server accepted it. The new value itself comes back through the
 * mirror, like every other change, so the screen never shows a value the
 * server has not published.
 */
int
station_write_run(struct station *st, char *msg, size_t len)
{
	char shown[64];
	json_t *reply;
	int rc;

	if (st->write_tag == NULL)
		return -1;
	value_format_json(st->write_value, shown, sizeof shown);
	reply = client_callf(st->cmd, "{s:s, s:s, s:O}", "op", "write",
	    "tag", st->write_tag, "value", st->write_value);
	if (msg_is_ok(reply)) {
		snprintf(msg, len, "%s := %s", st->write_tag, shown);
		rc = 0;
	} else {
		station_refused(st->write_tag, shown, msg_error_message(reply),
		    msg, len);
		rc = -1;
	}
	json_decref(reply);
	free(st->write_tag);
	st->write_tag = NULL;
	json_decref(st->write_value);
	st->write_value = NULL;
	return rc;
}
