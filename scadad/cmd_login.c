/*
 * Logins and sessions. A login is a conversation: the client starts it
 * with a user name, the server relays each prompt of the PAM stack
 * (login helper, authd.c) and the client answers, as many rounds as
 * the stack asks (a password, then a one-time code, then a new password
 * if the old one expired). The request that waits for the helper is
 * parked (pending.c); the conversation itself lives until it ends or
 * login_timeout_s passes. The server never sees a password it keeps:
 * answers go straight to the helper and are wiped.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "command.h"
#include "msg.h"
#include "security_conf.h"
#include "xmalloc.h"

#define CMD_LOGIN_MAX		1000	/* conversations at once */
#define CMD_LOGIN_STEP_MS	30000	/* for the helper to answer */
#define CMD_LOGIN_ID_LEN	16

struct cmd_login {
	uint64_t	 num;		/* with the helper */
	char		 id[CMD_LOGIN_ID_LEN + 1];	/* the client's */
	char		*user;
	char		*station;
	long long	 deadline;	/* of the whole conversation */
	uint64_t	 waiting;	/* the parked request, or 0 */
	json_t		*messages;	/* texts not yet shown */
};

struct cmd_logins {
	zhashx_t	*by_id;
	uint64_t	 next;
};

struct cmd_logins *
cmd_logins_new(void)
{
	struct cmd_logins *ls = xcalloc(1, sizeof *ls);

	ls->by_id = zhashx_new();
	return ls;
}

static void
cmd_login_free(struct cmd_login *l)
{
	free(l->user);
	free(l->station);
	json_decref(l->messages);
	free(l);
}

static void
cmd_login_forget(struct cmd_env *env, struct cmd_login *l)
{
	if (l->waiting != 0)
		pending_done(env->pending, l->waiting);
	zhashx_delete(env->logins->by_id, l->id);
	cmd_login_free(l);
}

void
cmd_logins_destroy(struct cmd_logins **lsp, struct cmd_env *env)
{
	struct cmd_logins *ls = *lsp;
	struct cmd_login *l;

	if (ls == NULL)
		return;
	while ((l = zhashx_first(ls->by_id)) != NULL) {
		auth_abort(env->auth, l->num);
		cmd_login_forget(env, l);
	}
	zhashx_destroy(&ls->by_id);
	free(ls);
	*lsp = NULL;
}

static struct cmd_login *
cmd_login_by_num(struct cmd_env *env, uint64_t num)
{
	struct cmd_login *l;

	for (l = zhashx_first(env->logins->by_id); l != NULL;
	    l = zhashx_next(env->logins->by_id))
		if (l->num == num)
			return l;
	return NULL;
}

/* Answers the parked request of l, if one waits. */
static void
cmd_login_reply(struct cmd_env *env, struct cmd_login *l, json_t *reply)
{
	struct request *r = NULL;

	if (l->waiting == 0 ||
	    pending_data(env->pending, l->waiting, &r) == NULL) {
		json_decref(reply);
		return;
	}
	command_reply_once(env, r, reply);
	pending_done(env->pending, l->waiting);
	l->waiting = 0;
}

static void
cmd_login_expire(void *data, struct request *r, void *arg)
{
	struct cmd_env *env = arg;
	struct cmd_login *l = data;

	command_reply_once(env, r, msg_error(ERROR_TIMEOUT, "the login "
	    "service did not answer in time; the login is abandoned"));
	l->waiting = 0;		/* pending frees r itself */
	auth_abort(env->auth, l->num);
	command_audit(env, r, "login", NULL, NULL, NULL,
	    error_name(ERROR_TIMEOUT), "the login helper did not answer");
	zhashx_delete(env->logins->by_id, l->id);
	cmd_login_free(l);
}

static const struct pending_ops cmd_login_ops = {
	.kind = "login",
	.expire = cmd_login_expire,
};

/* Parks r until the helper speaks; on failure, the reply to give. */
static json_t *
cmd_login_park(struct cmd_env *env, struct cmd_login *l,
    struct request **rp)
{
	l->waiting = pending_add(env->pending, rp, zclock_mono() +
	    CMD_LOGIN_STEP_MS, &cmd_login_ops, l);
	if (l->waiting == 0)
		return msg_error(ERROR_BUSY, "too many requests wait; try "
		    "again shortly");
	return NULL;
}

static void
cmd_login_new_id(struct cmd_login *l)
{
	uint8_t raw[CMD_LOGIN_ID_LEN / 2];
	size_t i;

	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
		abort();
	for (i = 0; i < sizeof raw; i++)
		snprintf(l->id + 2 * i, 3, "%02x", raw[i]);
}

/* {"op":"login","user":U}: a new conversation. */
static json_t *
cmd_login_start(struct cmd_env *env, struct request **rp)
{
	const struct security_conf *sc = security_conf(env->project);
	const char *user = json_string_value(json_object_get((*rp)->body,
	    "user"));
	const char *station = (*rp)->station != NULL ? (*rp)->station : "";
	struct cmd_login *l;
	long long wait;
	json_t *e;

	if (!sc->login)
		return msg_error(ERROR_BAD_REQUEST, "this project needs no "
		    "login ([security] login = no)");
	if (user == NULL || *user == '\0' || strlen(user) > 256)
		return msg_error(ERROR_BAD_REQUEST, "login needs \"user\", "
		    "a name of 1 to 256 characters");
	if (!auth_alive(env->auth))
		return msg_error(ERROR_INTERNAL, "the login helper has gone; "
		    "scadad must be restarted");
	if ((wait = throttle_wait(env->throttle, user, station,
	    zclock_mono())) > 0) {
		e = msg_error(ERROR_THROTTLED, "too many failed logins for %s "
		    "or from this station: wait %lld s", user,
		    (wait + 999) / 1000);
		json_object_set_new(e, "retry_after_ms", json_integer(wait));
		return e;
	}
	if (zhashx_size(env->logins->by_id) >= CMD_LOGIN_MAX)
		return msg_error(ERROR_BUSY, "too many logins at once; try "
		    "again shortly");
	l = xcalloc(1, sizeof *l);
	do
		cmd_login_new_id(l);
	while (zhashx_lookup(env->logins->by_id, l->id) != NULL);
	l->num = ++env->logins->next;
	l->user = xstrdup(user);
	l->station = xstrdup(station);
	l->deadline = zclock_mono() + (long long)sc->login_timeout_s * 1000;
	l->messages = json_array();
	if (auth_start(env->auth, l->num, sc->pam_service, sc->pam_dir, user,
	    station, (*rp)->addr) == -1) {
		cmd_login_free(l);
		return msg_error(ERROR_INTERNAL, "the login helper does not "
		    "take the login");
	}
	zhashx_insert(env->logins->by_id, l->id, l);
	if ((e = cmd_login_park(env, l, rp)) != NULL) {
		auth_abort(env->auth, l->num);	/* its PAM child too */
		cmd_login_forget(env, l);
	}
	return e;
}

/* {"op":"login","login":ID,"answers":[...]}: the next round. */
static json_t *
cmd_login_continue(struct cmd_env *env, struct request **rp,
    const char *id)
{
	json_t *answers = json_object_get((*rp)->body, "answers"), *a;
	struct cmd_login *l = zhashx_lookup(env->logins->by_id, id);
	size_t i;
	int rc;

	if (l == NULL)
		return msg_error(ERROR_AUTH_FAILED, "no such login under way "
		    "(it ended or timed out): start again");
	if (strcmp(l->station, (*rp)->station != NULL ? (*rp)->station :
	    "") != 0)
		return msg_error(ERROR_AUTH_FAILED, "this login was started on "
		    "another station");
	if (json_is_true(json_object_get((*rp)->body, "cancel"))) {
		auth_abort(env->auth, l->num);
		/* A step still waiting for PAM gets its one reply too. */
		cmd_login_reply(env, l, msg_error(ERROR_AUTH_FAILED, "the "
		    "login was cancelled"));
		command_audit(env, *rp, "login", NULL, NULL, NULL,
		    "cancelled", l->user);
		cmd_login_forget(env, l);
		return msg_ok();
	}
	if (l->waiting != 0)
		return msg_error(ERROR_BAD_REQUEST, "the login has not asked "
		    "anything yet");
	if (!json_is_array(answers))
		return msg_error(ERROR_BAD_REQUEST, "login needs \"answers\": "
		    "one string for each prompt");
	json_array_foreach(answers, i, a)
		if (!json_is_string(a))
			return msg_error(ERROR_BAD_REQUEST, "answers[%zu] is not "
			    "a string", i);
	rc = auth_answer(env->auth, l->num, answers);
	/* The answers held secrets: wipe them before the request goes. */
	json_array_foreach(answers, i, a)
		explicit_bzero((char *)json_string_value(a),
		    json_string_length(a));
	if (rc == -1)
		return msg_error(ERROR_INTERNAL, "the login helper does not "
		    "take the answer");
	return cmd_login_park(env, l, rp);
}

static json_t *
cmd_login(struct cmd_env *env, struct request **rp)
{
	json_t *id = json_object_get((*rp)->body, "login");
	json_t *reply;

	if (id != NULL && !json_is_string(id))
		return msg_error(ERROR_BAD_REQUEST, "\"login\" must be the id "
		    "the first reply gave");
	reply = id != NULL ? cmd_login_continue(env, rp,
	    json_string_value(id)) : cmd_login_start(env, rp);
	return reply;
}

/* The helper is done with l: a session, or why not. */
static void
cmd_login_done(struct cmd_env *env, struct cmd_login *l, json_t *m)
{
	const struct security_conf *sc = security_conf(env->project);
	struct conf_words groups = { 0 };
	struct session *s;
	json_t *reply, *g;
	enum error_code code;
	long long wait;
	size_t i;
	struct request *r = NULL;

	if (l->waiting != 0)
		pending_data(env->pending, l->waiting, &r);
	if (!json_is_true(json_object_get(m, "ok"))) {
		code = error_from_name(json_string_value(json_object_get(m,
		    "error")));
		reply = msg_error(code, "%s", json_string_value(
		    json_object_get(m, "message")));
		/*
		 * What the user got wrong is throttled; a broken PAM stack
		 * or a full helper is nobody's guess.
		 */
		if (code == ERROR_AUTH_FAILED || code == ERROR_ACCOUNT) {
			wait = throttle_failed(env->throttle, l->user,
			    l->station, zclock_mono(), sc->throttle_ms,
			    sc->throttle_max_ms);
			json_object_set_new(reply, "retry_after_ms",
			    json_integer(wait));
		}
		json_object_set(reply, "messages", l->messages);
		command_audit(env, r, "login", NULL, NULL, NULL,
		    json_string_value(json_object_get(reply, "error")),
		    l->user);
		cmd_login_reply(env, l, reply);
		cmd_login_forget(env, l);
		return;
	}
	json_array_foreach(json_object_get(m, "groups"), i, g) {
		groups.v = xreallocarray(groups.v, groups.n + 2,
		    sizeof *groups.v);
		groups.v[groups.n++] = xstrdup(json_string_value(g));
		groups.v[groups.n] = NULL;
	}
	s = sessions_add(env->sessions, env->project, json_string_value(
	    json_object_get(m, "user")), &groups, l->station);
	conf_words_free(&groups);
	throttle_passed(env->throttle, l->user, l->station);
	reply = json_pack("{s:b, s:s, s:s, s:s, s:s, s:s, s:o, s:i, s:O}",
	    "ok", 1, "state", "done", "session", s->token, "id", s->id,
	    "user", s->user, "station", s->station, "rights",
	    access_json(s->access), "idle_logout_s", s->idle_s, "messages",
	    l->messages);
	if (r != NULL) {
		r->user = s->user;
		r->station = s->station;
	}
	command_audit(env, r, "login", NULL, NULL, NULL, "ok", s->id);
	cmd_login_reply(env, l, reply);
	cmd_login_forget(env, l);
}

/* What the helper says about login num: prompt, info or done. */
void
cmd_login_helper(struct cmd_env *env, uint64_t num, const char *op,
    json_t *m)
{
	struct cmd_login *l = cmd_login_by_num(env, num);

	if (l == NULL)
		return;		/* abandoned meanwhile */
	if (strcmp(op, "info") == 0)
		json_array_extend(l->messages, json_object_get(m, "messages"));
	else if (strcmp(op, "prompt") == 0) {
		cmd_login_reply(env, l, json_pack("{s:b, s:s, s:s, s:O, s:o}",
		    "ok", 1, "state", "prompt", "login", l->id, "messages",
		    l->messages, "prompts", json_incref(json_object_get(m,
		    "messages"))));
		json_array_clear(l->messages);
	} else if (strcmp(op, "done") == 0)
		cmd_login_done(env, l, m);
}

/* Conversations nobody finishes are ended, their PAM handles freed. */
void
cmd_login_tick(struct cmd_env *env, long long now)
{
	struct cmd_login *l, *late;

	do {
		late = NULL;
		for (l = zhashx_first(env->logins->by_id); l != NULL;
		    l = zhashx_next(env->logins->by_id))
			if (l->waiting == 0 && now >= l->deadline) {
				late = l;
				break;
			}
		if (late != NULL) {
			auth_abort(env->auth, late->num);
			command_audit(env, NULL, "login", NULL, NULL, NULL,
			    error_name(ERROR_TIMEOUT), late->user);
			cmd_login_forget(env, late);
		}
	} while (late != NULL);
	sessions_expire(env->sessions, now);
}

/* A session ended: the trail says so, and so does every station. */
void
cmd_session_ended(struct cmd_env *env, const struct session *s,
    const char *why)
{
	struct audit_event ev = { .user = s->user, .station = s->station,
	    .action = "logout", .result = "ok", .detail = why };
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "event", "end",
	    "id", s->id, "user", s->user, "station", s->station, "reason",
	    why);

	if (env->audit != NULL)
		audit_log(env->audit, &ev);
	publisher_event(env->pub, MSG_TOPIC_SESSION, o);
	json_decref(o);
}

static json_t *
cmd_logout(struct cmd_env *env, struct request **rp)
{
	if ((*rp)->login == NULL)
		return msg_error(ERROR_UNAUTHENTICATED, "not logged in");
	sessions_end(env->sessions, (*rp)->login, SESSION_LOGOUT);
	(*rp)->login = NULL;
	(*rp)->user = NULL;
	return msg_ok();
}

/* Who the caller is here, and what it may do. */
static json_t *
cmd_whoami(struct cmd_env *env, struct request **rp)
{
	struct request *r = *rp;
	json_t *o = json_pack("{s:b, s:b, s:o}", "ok", 1, "login",
	    security_conf(env->project)->login, "rights",
	    access_json(r->access));

	if (r->station != NULL)
		json_object_set_new(o, "station", json_string(r->station));
	if (r->login != NULL) {
		json_object_set_new(o, "session", session_json(r->login,
		    zclock_mono()));
		json_object_set_new(o, "user", json_string(r->user));
	}
	return o;
}

static json_t *
cmd_sessions(struct cmd_env *env, struct request **rp)
{
	return json_pack("{s:b, s:o}", "ok", 1, "sessions",
	    sessions_json(env->sessions, zclock_mono()));
}

static json_t *
cmd_revoke(struct cmd_env *env, struct request **rp)
{
	const char *id = json_string_value(json_object_get((*rp)->body, "id"));
	struct session *s;

	if (id == NULL)
		return msg_error(ERROR_BAD_REQUEST, "revoke needs \"id\", a "
		    "session's id as sessions lists it");
	if ((s = sessions_by_id(env->sessions, id)) == NULL)
		return msg_error(ERROR_BAD_REQUEST, "no session %s", id);
	if (s == (*rp)->login) {
		(*rp)->login = NULL;
		(*rp)->user = NULL;
	}
	command_audit(env, *rp, "revoke", NULL, NULL, NULL, "ok", id);
	sessions_end(env->sessions, s, SESSION_REVOKED);
	return msg_ok();
}

const struct cmd_entry cmd_login_entry = {
	.name = "login",
	.flags = CMD_PUBLIC | CMD_ONCE,
	.exec = cmd_login,
};

const struct cmd_entry cmd_logout_entry = {
	.name = "logout",
	.flags = CMD_PUBLIC | CMD_ONCE,
	.exec = cmd_logout,
};

const struct cmd_entry cmd_whoami_entry = {
	.name = "whoami",
	.flags = CMD_PUBLIC,
	.exec = cmd_whoami,
};

const struct cmd_entry cmd_sessions_entry = {
	.name = "sessions",
	.right = ACCESS_USERS,
	.exec = cmd_sessions,
};

const struct cmd_entry cmd_revoke_entry = {
	.name = "revoke",
	.flags = CMD_ONCE,
	.right = ACCESS_USERS,
	.exec = cmd_revoke,
};
