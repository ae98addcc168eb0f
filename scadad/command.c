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

/* Sends body to the server side of a pair; the request it makes. */
static struct request *
command_selftest_request(zsock_t *router, zsock_t *dealer, const char *body)
{
	zmsg_t *m;
	zframe_t *f;
	struct request *r;
	json_t *e = NULL;

	zstr_sendm(dealer, "");
	zstr_send(dealer, body);
	m = zmsg_recv(router);
	CHECK(m != NULL && zmsg_size(m) == 3);
	f = zmsg_last(m);
	zmsg_remove(m, f);	/* m is left with the envelope */
	r = request_new(router, m, f, 7, &e);
	zframe_destroy(&f);
	CHECK(r != NULL && e == NULL);
	return r;
}

/* Dispatches body and returns the reply the client gets. */
static json_t *
command_selftest_call(struct cmd_env *env, zsock_t *router, zsock_t *dealer,
    const char *body)
{
	struct request *r = command_selftest_request(router, dealer, body);
	char *delim, *text;
	json_t *reply;

	command_dispatch(env, &r);
	CHECK(r == NULL);
	CHECK(zsock_recv(dealer, "ss", &delim, &text) == 0);
	CHECK_STR(delim, "");
	reply = json_loads(text, 0, NULL);
	CHECK(reply != NULL);
	CHECK(json_integer_value(json_object_get(reply, "gen")) == 7);
	zstr_free(&delim);
	zstr_free(&text);
	return reply;
}

static void
command_selftest_expect(struct cmd_env *env, zsock_t *router,
    zsock_t *dealer, const char *body, enum error_code code)
{
	json_t *reply = command_selftest_call(env, router, dealer, body);

	if (msg_error_code(reply) != code)
		fprintf(stderr, "command_selftest: %s: got %s, want %s\n",
		    body, error_name(msg_error_code(reply)), error_name(code));
	CHECK(msg_error_code(reply) == code);
	json_decref(reply);
}

/*
 * The table, and dispatch through a real socket pair on the demo
 * project: each operation reaches its handler and its reply its sender
 * with the rid and generation; a request applied once is answered from
 * the replay store when retried. No device is needed: writes that reach
 * one are left to the integration tests.
 */
void
command_selftest(struct project *p)
{
	struct cmd_stats stats = { .started = zclock_mono() };
	struct cmd_env env = { .project = p, .stats = &stats };
	zsock_t *router, *dealer;
	json_t *reply;
	char err[256];
	size_t i, k;

	for (i = 0; i < COMMAND_N; i++) {
		CHECK(command_table[i]->exec != NULL);
		for (k = i + 1; k < COMMAND_N; k++)
			CHECK(strcmp(command_table[i]->name,
			    command_table[k]->name) != 0);
	}
	router = zsock_new_router("inproc://command-selftest");
	dealer = zsock_new_dealer("inproc://command-selftest");
	CHECK(router != NULL && dealer != NULL);
	env.image = image_new(p);
	env.pub = publisher_new("tcp://127.0.0.1:*", err, sizeof err);
	env.pending = pending_new(16);
	env.replay = replay_new(16);
	CHECK(env.pub != NULL);

	reply = command_selftest_call(&env, router, dealer,
	    "{\"v\":2,\"op\":\"ping\",\"rid\":\"c-1\"}");
	CHECK(msg_is_ok(reply));
	CHECK_STR(json_string_value(json_object_get(reply, "rid")), "c-1");
	json_decref(reply);
	reply = command_selftest_call(&env, router, dealer,
	    "{\"v\":2,\"op\":\"read\",\"tags\":[\"tank1.level\"]}");
	CHECK(msg_is_ok(reply));
	CHECK_STR(json_string_value(json_object_get(json_array_get(
	    json_object_get(reply, "tags"), 0), "name")), "tank1.level");
	json_decref(reply);
	reply = command_selftest_call(&env, router, dealer,
	    "{\"v\":2,\"op\":\"browse\",\"limit\":2}");
	CHECK(msg_is_ok(reply) && json_array_size(json_object_get(reply,
	    "tags")) == 2 && json_integer_value(json_object_get(reply,
	    "next")) > 0);
	json_decref(reply);
	command_selftest_expect(&env, router, dealer,
	    "{\"v\":2,\"op\":\"fly\"}", ERROR_UNKNOWN_OP);
	command_selftest_expect(&env, router, dealer,
	    "{\"v\":2,\"op\":\"read\",\"tags\":[\"no.such\"]}",
	    ERROR_UNKNOWN_TAG);
	command_selftest_expect(&env, router, dealer,
	    "{\"v\":2,\"op\":\"write\",\"tag\":\"tank1.level\","
	    "\"value\":1}", ERROR_NOT_WRITABLE);
	command_selftest_expect(&env, router, dealer,
	    "{\"v\":2,\"op\":\"write\",\"tag\":\"tank1.level_sp\","
	    "\"value\":95.01}", ERROR_OUT_OF_RANGE);
	/* A retried write: the first reply again, nothing applied. */
	replay_store(env.replay, "w-1", "{\"ok\":true,\"rid\":\"w-1\","
	    "\"gen\":7,\"first\":true}");
	reply = command_selftest_call(&env, router, dealer,
	    "{\"v\":2,\"op\":\"write\",\"tag\":\"tank1.level_sp\","
	    "\"value\":50,\"rid\":\"w-1\"}");
	CHECK(json_is_true(json_object_get(reply, "first")));
	json_decref(reply);

	replay_destroy(&env.replay);
	pending_destroy(&env.pending);
	publisher_destroy(&env.pub);
	image_destroy(&env.image);
	zsock_destroy(&dealer);
	zsock_destroy(&router);
}
