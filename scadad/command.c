/*
 * Dispatch: one const table of operations. A request that is not
 * idempotent is applied once per request id: a retry gets the first
 * reply again, or, while the first is still waiting, the reply when it
 * comes.
 */
#include "config.h"

#include <string.h>

#include "check.h"
#include "command.h"
#include "msg.h"

static const struct cmd_entry *const command_table[] = {
	&cmd_hello_entry,
	&cmd_ping_entry,
	&cmd_read_entry,
	&cmd_write_entry,
	&cmd_browse_entry,
	&cmd_snapshot_entry,
	&cmd_status_entry,
};

#define COMMAND_N	(sizeof command_table / sizeof *command_table)

/* The limits hello announces, so a client sizes its requests. */
json_t *
cmd_limits(void)
{
	return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}",
	    "request_bytes", MSG_MAX_BYTES, "request_values", MSG_MAX_VALUES,
	    "read_tags", CMD_MAX_READ, "write_values", CMD_MAX_WRITES,
	    "page_tags", CMD_PAGE_MAX, "rid_chars", MSG_RID_MAX);
}

/* The final reply of a request applied once: kept for its retries. */
void
command_reply_once(struct cmd_env *env, struct request *r, json_t *reply)
{
	char *text;

	if (r->rid != NULL) {
		json_object_set_new(reply, "rid", json_string(r->rid));
		json_object_set_new(reply, "gen", json_integer(
		    (json_int_t)r->gen));
		if ((text = msg_encode(reply)) != NULL) {
			replay_store(env->replay, r->rid, text);
			request_reply_text(r, text);
			free(text);
			json_decref(reply);
			return;
		}
	}
	request_reply(r, reply);
}

/* Returns 1 if a retry was answered (or will be) without applying it. */
static int
command_replay(struct cmd_env *env, struct request **rp)
{
	struct request *r = *rp;
	const char *text;

	if (r->rid == NULL)
		return 0;
	if ((text = replay_lookup(env->replay, r->rid)) != NULL) {
		request_reply_text(r, text);
		return 1;
	}
	return pending_retarget(env->pending, r);
}

/* Answers the request, now or later; *rp is the caller's no more. */
void
command_dispatch(struct cmd_env *env, struct request **rp)
{
	const struct cmd_entry *e = NULL;
	json_t *reply;
	size_t i;

	for (i = 0; i < COMMAND_N; i++)
		if (strcmp(command_table[i]->name, (*rp)->op) == 0)
			e = command_table[i];
	if (e == NULL)
		reply = msg_error(ERROR_UNKNOWN_OP, "unknown operation: %s",
		    (*rp)->op);
	else if ((e->flags & CMD_ONCE) && command_replay(env, rp))
		reply = NULL;
	else
		reply = e->exec(env, rp);
	if (reply != NULL && *rp != NULL)
		request_reply(*rp, reply);
	else
		json_decref(reply);
	request_destroy(rp);
}

void
command_selftest(void)
{
	size_t i, k;

	/* One entry per name, each with a handler. */
	for (i = 0; i < COMMAND_N; i++) {
		CHECK(command_table[i]->exec != NULL);
		for (k = i + 1; k < COMMAND_N; k++)
			CHECK(strcmp(command_table[i]->name,
			    command_table[k]->name) != 0);
	}
}
