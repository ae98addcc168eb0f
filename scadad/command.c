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
#include "security_conf.h"
#include "xmalloc.h"

static const struct cmd_entry *const command_table[] = {
	&cmd_hello_entry,
	&cmd_ping_entry,
	&cmd_read_entry,
	&cmd_write_entry,
	&cmd_browse_entry,
	&cmd_snapshot_entry,
	&cmd_status_entry,
	&cmd_login_entry,
	&cmd_logout_entry,
	&cmd_whoami_entry,
	&cmd_sessions_entry,
	&cmd_revoke_entry,
	&cmd_audit_entry,
	&cmd_audit_verify_entry,
	&cmd_alarms_entry,
	&cmd_alarm_ack_entry,
	&cmd_alarm_shelve_entry,
	&cmd_alarm_unshelve_entry,
	&cmd_alarm_reset_entry,
	&cmd_alarm_service_entry,
	&cmd_alarm_journal_entry,
	&cmd_alarm_stats_entry,
	&cmd_screens_entry,
	&cmd_screen_entry,
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
			replay_store(env->replay, request_key(r), text);
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
	if ((text = replay_lookup(env->replay, request_key(r))) != NULL) {
		request_reply_text(r, text);
		return 1;
	}
	return pending_retarget(env->pending, r);
}

/*
 * Who asks: the station its CURVE key names (or, on a plain link, the
 * one it claims), and the user of its session. Returns NULL, or the
 * error to give if the operation is not public.
 */
static json_t *
command_caller(struct cmd_env *env, struct request *r)
{
	json_t *claim = json_object_get(r->body, "station");
	struct session *s;

	r->station = r->peer;
	if (r->station == NULL && !security_conf(env->project)->curve &&
	    json_is_string(claim) && conf_valid_name(json_string_value(claim)))
		r->station = json_string_value(claim);
	r->access = sessions_anonymous(env->sessions, env->project,
	    r->station);
	if (r->session == NULL)
		return NULL;
	if ((s = sessions_find(env->sessions, r->session)) == NULL)
		return msg_error(ERROR_UNAUTHENTICATED, "this session is not "
		    "known here (it ended, or the server restarted): log in "
		    "again");
	/* A token taken to another machine opens nothing there. */
	if (r->peer != NULL && strcmp(s->station, r->peer) != 0)
		return msg_error(ERROR_UNAUTHENTICATED, "this session belongs "
		    "to station %s", s->station);
	sessions_touch(s, zclock_mono());
	r->login = s;
	r->user = s->user;
	r->station = s->station;
	r->access = sessions_access(env->sessions, s, env->project);
	return NULL;
}

/*
 * The refusal for a caller without right in area (NULL: anywhere),
 * naming what is missing.
 */
json_t *
command_denied(struct request *r, enum access_function right,
    const char *area)
{
	json_t *e;

	if (r->login == NULL && access_empty(r->access))
		e = msg_error(ERROR_UNAUTHENTICATED, "log in first: this "
		    "station may do nothing without a login");
	else if (area != NULL)
		e = msg_error(ERROR_PERMISSION_DENIED, "%s may not %s in area "
		    "'%s'%s%s", r->user != NULL ? r->user : "this station",
		    access_function_phrase(right), area, r->station != NULL ?
		    " from station " : "", r->station != NULL ? r->station :
		    "");
	else
		e = msg_error(ERROR_PERMISSION_DENIED, "%s may not %s%s%s",
		    r->user != NULL ? r->user : "this station",
		    access_function_phrase(right), r->station != NULL ?
		    " from station " : "", r->station != NULL ? r->station :
		    "");
	json_object_set_new(e, "right", json_string(
	    access_function_name(right)));
	if (area != NULL)
		json_object_set_new(e, "area", json_string(area));
	return e;
}

/* One line of the audit trail, about what r asked. */
void
command_audit(struct cmd_env *env, struct request *r, const char *action,
    const char *tag, json_t *old_value, json_t *new_value,
    const char *result, const char *detail)
{
	struct audit_event ev = {
		.user = r != NULL ? r->user : NULL,
		.station = r != NULL ? r->station : NULL,
		.action = action,
		.tag = tag,
		.old_value = old_value,
		.new_value = new_value,
		.result = result,
		.detail = detail,
	};

	if (env->audit != NULL)
		audit_log(env->audit, &ev);
}

/* Whether the caller may run e at all: NULL, or the refusal. */
static json_t *
command_check(struct cmd_env *env, const struct cmd_entry *e,
    struct request *r)
{
	json_t *error = command_caller(env, r);

	if (e == NULL) {
		json_decref(error);
		return msg_error(ERROR_UNKNOWN_OP, "unknown operation: %s",
		    r->op);
	}
	if (e->flags & CMD_PUBLIC) {
		json_decref(error);
		return NULL;
	}
	if (error == NULL && !access_allows_some(r->access, e->right))
		error = command_denied(r, e->right, NULL);
	return error;
}

/*
 * An action refused before its handler ran (no login, no right) goes to
 * the trail too: who tried to change what is what the trail is for.
 */
static void
command_audit_refused(struct cmd_env *env, const struct cmd_entry *e,
    struct request *r, json_t *error)
{
	json_t *values = json_object_get(r->body, "values"), *v;
	const char *code = json_string_value(json_object_get(error, "error"));
	const char *tag;
	size_t n = 0;

	if (e == NULL || !(e->flags & CMD_ONCE) || (e->flags & CMD_PUBLIC))
		return;
	/* A write of several values: a row for each, at most so many. */
	json_object_foreach(json_is_object(values) ? values : NULL, tag, v)
		if (n++ < CMD_MAX_WRITES)
			command_audit(env, r, e->name, tag, NULL, v, code,
			    msg_error_message(error));
	/* An alarm's action names its alarm in "id". */
	if (n == 0)
		command_audit(env, r, e->name, json_string_value(
		    json_object_get(r->body, json_object_get(r->body, "tag") !=
		    NULL ? "tag" : "id")), NULL, json_object_get(r->body,
		    "value"), code, msg_error_message(error));
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
	if ((reply = command_check(env, e, *rp)) != NULL)
		command_audit_refused(env, e, *rp, reply);
	else if (!(e->flags & CMD_ONCE) || !command_replay(env, rp))
		reply = e->exec(env, rp);
	if (reply != NULL && *rp != NULL)
		request_reply(*rp, reply);
	else
		json_decref(reply);
	request_destroy(rp);
}

/* The session the selftest's requests carry, or NULL. */
/* A copy: the session may end (logout) while its token is still sent. */
static char *command_selftest_session;

static void
command_selftest_use(const char *token)
{
	free(command_selftest_session);
	command_selftest_session = token != NULL ? xstrdup(token) : NULL;
}

/* Sends body to the server side of a pair; the request it makes. */
static struct request *
command_selftest_request(zsock_t *router, zsock_t *dealer, const char *body)
{
	json_t *o = json_loads(body, 0, NULL);
	zmsg_t *m;
	zframe_t *f;
	struct request *r;
	json_t *e = NULL;
	char *text;

	CHECK(o != NULL);
	if (command_selftest_session != NULL)
		json_object_set_new(o, "session",
		    json_string(command_selftest_session));
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	zstr_sendm(dealer, "");
	zstr_send(dealer, text);
	free(text);
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

/* The tags a browse says the caller may see in all. */
static json_int_t
command_selftest_total(struct cmd_env *env, zsock_t *router,
    zsock_t *dealer)
{
	json_t *reply = command_selftest_call(env, router, dealer,
	    "{\"v\":2,\"op\":\"browse\",\"limit\":2}");
	json_int_t total;

	CHECK(msg_is_ok(reply) && json_array_size(json_object_get(reply,
	    "tags")) == 2 && json_integer_value(json_object_get(reply,
	    "next")) > 0);
	total = json_integer_value(json_object_get(reply, "total"));
	json_decref(reply);
	return total;
}

/*
 * The table, and dispatch through a real socket pair on the demo
 * project (which asks for logins): each operation reaches its handler
 * only for a caller with the right, in the tag's area; its reply
 * reaches its sender with the rid and generation; a request applied
 * once is answered from the replay store when retried. No device is
 * needed: writes that reach one are left to the integration tests.
 */
void
command_selftest(struct project *p)
{
	struct cmd_stats stats = { .started = zclock_mono() };
	struct cmd_env env = { .project = p, .config = p, .stats = &stats };
	zsock_t *router, *dealer;
	struct session *op, *eng;
	json_t *reply;
	char err[256], *key;
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
	env.pub = publisher_new("tcp://127.0.0.1:*", NULL, err, sizeof err);
	env.pending = pending_new(16);
	env.replay = replay_new(16);
	env.sessions = sessions_new(NULL, NULL);
	env.throttle = throttle_new();
	env.auth = auth_new(-1, NULL, NULL, NULL);
	env.logins = cmd_logins_new();
	CHECK(env.pub != NULL);

	/* Before a login: only what is public. */
	reply = command_selftest_call(&env, router, dealer,
	    "{\"v\":2,\"op\":\"ping\",\"rid\":\"c-1\"}");
	CHECK(msg_is_ok(reply));
	CHECK_STR(json_string_value(json_object_get(reply, "rid")), "c-1");
	json_decref(reply);
	command_selftest_expect(&env, router, dealer,
	    "{\"v\":2,\"op\":\"read\",\"tags\":[\"tank1.level\"]}",
	    ERROR_UNAUTHENTICATED);
	command_selftest_use("0123456789abcdef");
	command_selftest_expect(&env, router, dealer,
	    "{\"v\":2,\"op\":\"read\",\"tags\":[\"tank1.level\"]}",
	    ERROR_UNAUTHENTICATED);

	/* The demo's operator: view and operate in tank1, nothing else. */
	op = sessions_add(env.sessions, p, "operator", NULL, "op1");
	command_selftest_use(op->token);
	reply = command_selftest_call(&env, router, dealer,
	    "{\"v\":2,\"op\":\"read\",\"tags\":[\"tank1.level\"]}");
	CHECK(msg_is_ok(reply));
	CHECK_STR(json_string_value(json_object_get(json_array_get(
	    json_object_get(reply, "tags"), 0), "name")), "tank1.level");
	json_decref(reply);
	CHECK(command_selftest_total(&env, router, dealer) == 14);
	command_selftest_expect(&env, router, dealer,
	    "{\"v\":2,\"op\":\"read\",\"tags\":[\"sys.plc1.errors\"]}",
	    ERROR_PERMISSION_DENIED);
	command_selftest_expect(&env, router, dealer,
	    "{\"v\":2,\"op\":\"sessions\"}", ERROR_PERMISSION_DENIED);
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
	/*
	 * A retried write: the first reply again, nothing applied; but not
	 * to another station that sends the same rid.
	 */
	key = xasprintf("w-1\nop1\n%s", command_selftest_session);
	replay_store(env.replay, key, "{\"ok\":true,\"rid\":\"w-1\","
	    "\"gen\":7,\"first\":true}");
	free(key);
	reply = command_selftest_call(&env, router, dealer,
	    "{\"v\":2,\"op\":\"write\",\"tag\":\"tank1.level_sp\","
	    "\"value\":50,\"rid\":\"w-1\",\"station\":\"op1\"}");
	CHECK(json_is_true(json_object_get(reply, "first")));
	json_decref(reply);
	command_selftest_expect(&env, router, dealer,
	    "{\"v\":2,\"op\":\"write\",\"tag\":\"tank1.level_sp\","
	    "\"value\":95.01,\"rid\":\"w-1\",\"station\":\"op2\"}",
	    ERROR_OUT_OF_RANGE);

	/* The engineer sees every area, and may list the sessions. */
	eng = sessions_add(env.sessions, p, "engineer", NULL, "op1");
	command_selftest_use(eng->token);
	CHECK(command_selftest_total(&env, router, dealer) ==
	    (json_int_t)project_ntags(p));
	reply = command_selftest_call(&env, router, dealer,
	    "{\"v\":2,\"op\":\"sessions\"}");
	CHECK(json_array_size(json_object_get(reply, "sessions")) == 2);
	json_decref(reply);
	reply = command_selftest_call(&env, router, dealer,
	    "{\"v\":2,\"op\":\"logout\"}");
	CHECK(msg_is_ok(reply));
	json_decref(reply);
	command_selftest_expect(&env, router, dealer,
	    "{\"v\":2,\"op\":\"sessions\"}", ERROR_UNAUTHENTICATED);
	command_selftest_use(NULL);

	cmd_logins_destroy(&env.logins, &env);
	auth_destroy(&env.auth);
	throttle_destroy(&env.throttle);
	sessions_destroy(&env.sessions);
	replay_destroy(&env.replay);
	pending_destroy(&env.pending);
	publisher_destroy(&env.pub);
	image_destroy(&env.image);
	zsock_destroy(&dealer);
	zsock_destroy(&router);
}
