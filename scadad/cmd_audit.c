/*
 * The audit trail's queries. The trail's own thread answers them
 * (audit.c); the request waits for it meanwhile, so a long query never
 * holds the loop.
 */
#include "config.h"

#include <string.h>

#include "command.h"
#include "msg.h"

#define CMD_AUDIT_WAIT_MS	30000

static void
cmd_audit_expire(void *data, struct request *r, void *arg)
{
	request_reply(r, msg_error(ERROR_TIMEOUT, "the audit trail did not "
	    "answer in time"));
}

static const struct pending_ops cmd_audit_ops = {
	.kind = "audit",
	.expire = cmd_audit_expire,
};

/* A member of a filter, checked: a string, or a whole number >= 0. */
static json_t *
cmd_audit_member(json_t *from, const char *key, int number, json_t *f)
{
	json_t *v = json_object_get(from, key);

	if (v == NULL)
		return NULL;
	if (number ? !json_is_integer(v) || json_integer_value(v) < 0 :
	    !json_is_string(v))
		return msg_error(ERROR_BAD_REQUEST, "\"%s\" must be %s", key,
		    number ? "a whole number" : "a string");
	json_object_set(f, key, v);
	return NULL;
}

/*
 * The filter of a query: the members of its "where" object (a
 * request's own "station" names the asking station, not rows), and
 * its "limit", each checked.
 */
static json_t *
cmd_audit_filter(json_t *request, json_t **error)
{
	static const char *const texts[] = { "user", "station", "action",
	    "tag" };
	json_t *where = json_object_get(request, "where");
	json_t *f = json_object();
	size_t i;

	*error = NULL;
	if (where != NULL && !json_is_object(where))
		*error = msg_error(ERROR_BAD_REQUEST, "\"where\" must be an "
		    "object");
	for (i = 0; *error == NULL && i < sizeof texts / sizeof texts[0]; i++)
		*error = cmd_audit_member(where, texts[i], 0, f);
	if (*error == NULL)
		*error = cmd_audit_member(where, "since", 1, f);
	if (*error == NULL)
		*error = cmd_audit_member(where, "until", 1, f);
	if (*error == NULL)
		*error = cmd_audit_member(request, "limit", 1, f);
	if (*error != NULL) {
		json_decref(f);
		return NULL;
	}
	return f;
}

static json_t *
cmd_audit_park(struct cmd_env *env, struct request **rp, uint64_t *token)
{
	if (env->audit == NULL)
		return msg_error(ERROR_INTERNAL, "no audit trail");
	/* The data only marks the entry as there: the env is not freed. */
	*token = pending_add(env->pending, rp, zclock_mono() +
	    CMD_AUDIT_WAIT_MS, &cmd_audit_ops, env);
	if (*token == 0)
		return msg_error(ERROR_BUSY, "too many requests wait; try "
		    "again shortly");
	return NULL;
}

static json_t *
cmd_audit(struct cmd_env *env, struct request **rp)
{
	json_t *filter, *error;
	uint64_t token;

	if ((filter = cmd_audit_filter((*rp)->body, &error)) == NULL)
		return error;
	if ((error = cmd_audit_park(env, rp, &token)) == NULL)
		audit_query(env->audit, token, filter);
	json_decref(filter);
	return error;
}

static json_t *
cmd_audit_verify(struct cmd_env *env, struct request **rp)
{
	json_t *error;
	uint64_t token;

	if ((error = cmd_audit_park(env, rp, &token)) == NULL)
		audit_verify(env->audit, token);
	return error;
}

/* The trail's answer to the request parked under token. */
void
cmd_audit_answer(struct cmd_env *env, uint64_t token, json_t *answer)
{
	struct request *r = NULL;

	if (pending_data(env->pending, token, &r) == NULL)
		return;		/* timed out before */
	request_reply(r, json_incref(answer));
	pending_done(env->pending, token);
}

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.right = ACCESS_AUDIT,
	.exec = cmd_audit,
};

const struct cmd_entry cmd_audit_verify_entry = {
	.name = "audit_verify",
	.right = ACCESS_AUDIT,
	.exec = cmd_audit_verify,
};
