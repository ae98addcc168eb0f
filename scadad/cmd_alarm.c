/*
 * The alarm operations: the active list (sorted by priority, then the
 * newest first) with its counts, and the operators' actions on it:
 * acknowledge (one, several, or all a filter shows), shelve, unshelve,
 * reset and out of service. Each action needs its function in the
 * alarm's area, is checked whole before anything changes, lands in the
 * audit trail, and is published to every station by the engine's event.
 */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "msg.h"
#include "xmalloc.h"

/* What a request's "where" asks of an alarm. */
struct cmd_alarm_filter {
	const char	*area;
	const char	*tag;		/* a pattern */
	const char	*state;
	int		 priority;	/* this or more urgent; 0: any */
};

static int
cmd_alarm_state_word(const char *s)
{
	int i;

	for (i = 0; i < ALARM_NSTATES; i++)
		if (strcmp(s, alarm_state_name(i)) == 0)
			return 1;
	return 0;
}

static json_t *
cmd_alarm_filter(json_t *body, struct cmd_alarm_filter *f)
{
	json_t *w = json_object_get(body, "where"), *p;

	memset(f, 0, sizeof *f);
	if (w == NULL)
		return NULL;
	if (!json_is_object(w))
		return msg_error(ERROR_BAD_REQUEST, "\"where\" must be an "
		    "object");
	f->area = json_string_value(json_object_get(w, "area"));
	f->tag = json_string_value(json_object_get(w, "tag"));
	f->state = json_string_value(json_object_get(w, "state"));
	if (f->state != NULL && !cmd_alarm_state_word(f->state))
		return msg_error(ERROR_BAD_REQUEST, "where.state '%s' is not "
		    "one of: %s", f->state, ALARM_STATE_WORDS);
	if ((p = json_object_get(w, "priority")) != NULL) {
		f->priority = json_is_integer(p) ? (int)json_integer_value(p) :
		    json_is_string(p) ? alarm_priority_parse(
		    json_string_value(p)) : -1;
		if (f->priority < 1 || f->priority > ALARM_PRIORITIES)
			return msg_error(ERROR_BAD_REQUEST, "where.priority "
			    "must be 1..%d or %s", ALARM_PRIORITIES,
			    ALARM_PRIORITY_WORDS);
	}
	return NULL;
}

static int
cmd_alarm_matches(const struct alarm *a, const struct cmd_alarm_filter *f)
{
	return (f->area == NULL || strcmp(f->area, a->def->area) == 0) &&
	    (f->tag == NULL || fnmatch(f->tag, a->def->tag, 0) == 0 ||
	    fnmatch(f->tag, a->def->id, 0) == 0) &&
	    (f->state == NULL || strcmp(f->state,
	    alarm_state_name(alarm_state(a))) == 0) &&
	    (f->priority == 0 || a->def->priority <= f->priority);
}

/* The alarms on the list the caller may see and the filter takes, sorted. */
static struct alarm **
cmd_alarm_list(struct cmd_env *env, struct request *r,
    const struct cmd_alarm_filter *f, size_t *np)
{
	struct alarm **v = NULL, *a;
	size_t i, n = 0, cap = 0;

	for (i = 0; i < alarms_count(env->alarms); i++) {
		a = alarms_at(env->alarms, i);
		if (!alarm_shown(a) || !cmd_alarm_matches(a, f) ||
		    !access_allows(r->access, ACCESS_VIEW, a->def->area))
			continue;
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[n++] = a;
	}
	if (n > 1)
		qsort(v, n, sizeof *v, alarm_compare);
	*np = n;
	return v;
}

/* Unacknowledged and all shown, per priority and per area. */
static json_t *
cmd_alarm_counts(struct alarm **v, size_t n)
{
	json_t *pri = json_object(), *areas = json_object(), *o;
	size_t i;
	int p, unack;

	for (p = 1; p <= ALARM_PRIORITIES; p++)
		json_object_set_new(pri, msg_priority_name(p), json_pack(
		    "{s:i, s:i}", "shown", 0, "unack", 0));
	for (i = 0; i < n; i++) {
		/* What an acknowledgement would take: not shelved and such. */
		unack = !v[i]->acked && !v[i]->shelved && !v[i]->suppressed &&
		    !v[i]->oos;
		o = json_object_get(pri, msg_priority_name(
		    v[i]->def->priority));
		json_object_set_new(o, "shown", json_integer(
		    json_integer_value(json_object_get(o, "shown")) + 1));
		json_object_set_new(o, "unack", json_integer(
		    json_integer_value(json_object_get(o, "unack")) + unack));
		if ((o = json_object_get(areas, v[i]->def->area)) == NULL) {
			o = json_pack("{s:i, s:i}", "shown", 0, "unack", 0);
			json_object_set_new(areas, v[i]->def->area, o);
		}
		json_object_set_new(o, "shown", json_integer(
		    json_integer_value(json_object_get(o, "shown")) + 1));
		json_object_set_new(o, "unack", json_integer(
		    json_integer_value(json_object_get(o, "unack")) + unack));
	}
	return json_pack("{s:o, s:o}", "priority", pri, "area", areas);
}

/* The list a station starts from, as the snapshot's first page has it. */
json_t *
cmd_alarm_snapshot(struct cmd_env *env, struct request *r)
{
	struct cmd_alarm_filter f = { 0 };
	struct alarm **v;
	json_t *list = json_array();
	size_t i, n;

	v = cmd_alarm_list(env, r, &f, &n);
	for (i = 0; i < n; i++)
		json_array_append_new(list, alarm_json(v[i]));
	free(v);
	return list;
}

/* {"op":"alarms","where":{...}}: the list and its counts. */
static json_t *
cmd_alarms(struct cmd_env *env, struct request **rp)
{
	struct cmd_alarm_filter f;
	struct alarm **v;
	json_t *e, *list, *reply;
	size_t i, n;

	if ((e = cmd_alarm_filter((*rp)->body, &f)) != NULL)
		return e;
	v = cmd_alarm_list(env, *rp, &f, &n);
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, alarm_json(v[i]));
	reply = json_pack("{s:b, s:o, s:o, s:I}", "ok", 1, "alarms", list,
	    "counts", cmd_alarm_counts(v, n), "seq",
	    (json_int_t)publisher_seq(env->pub));
	free(v);
	return reply;
}

/* The alarm id names, if the caller may act on it there; else NULL. */
static struct alarm *
cmd_alarm_get(struct cmd_env *env, struct request *r, const char *id,
    enum access_function right, json_t **error)
{
	struct alarm *a = alarms_find(env->alarms, id);

	if (a == NULL || !access_allows(r->access, ACCESS_VIEW,
	    a->def->area)) {
		*error = msg_error(ERROR_UNKNOWN_ALARM, "unknown alarm: %s",
		    id != NULL ? id : "(none)");
		return NULL;
	}
	if (!access_allows(r->access, right, a->def->area)) {
		*error = command_denied(r, right, a->def->area);
		return NULL;
	}
	return a;
}

static void
cmd_alarm_audit(struct cmd_env *env, struct request *r, const char *action,
    const struct alarm *a, enum error_code rc, const char *detail)
{
	command_audit(env, r, action, a->def->id, NULL, NULL, error_name(rc),
	    detail);
}

static struct alarm_actor
cmd_alarm_actor(struct request *r)
{
	struct alarm_actor who = { r->user, r->station, json_string_value(
	    json_object_get(r->body, "comment")) };

	return who;
}

/*
 * {"op":"alarm_ack","ids":[...]} or {"op":"alarm_ack","all":true,
 * "where":{...}}: every alarm named must exist and wait for its
 * acknowledgement, or nothing changes; "all" takes those the filter
 * shows that wait.
 */
static json_t *
cmd_alarm_ack(struct cmd_env *env, struct request **rp)
{
	struct request *r = *rp;
	struct alarm_actor who = cmd_alarm_actor(r);
	json_t *ids = json_object_get(r->body, "ids"), *id, *e = NULL, *done;
	struct alarm **v = NULL, *a;
	struct cmd_alarm_filter f;
	size_t i, n = 0, k;
	char why[256];

	if (json_is_true(json_object_get(r->body, "all"))) {
		if ((e = cmd_alarm_filter(r->body, &f)) != NULL)
			return e;
		v = cmd_alarm_list(env, r, &f, &n);
		for (i = k = 0; i < n; i++)
			if (!v[i]->acked && alarm_state(v[i]) != ALARM_SHELVED
			    && access_allows(r->access, ACCESS_ACKNOWLEDGE,
			    v[i]->def->area))
				v[k++] = v[i];
		n = k;
	} else {
		if (!json_is_array(ids) || json_array_size(ids) == 0 ||
		    json_array_size(ids) > CMD_MAX_READ)
			return msg_error(ERROR_BAD_REQUEST, "alarm_ack needs "
			    "\"ids\" (1 to %d alarm ids) or \"all\": true",
			    CMD_MAX_READ);
		v = xcalloc(json_array_size(ids), sizeof *v);
		json_array_foreach(ids, i, id) {
			if ((a = cmd_alarm_get(env, r, json_string_value(id),
			    ACCESS_ACKNOWLEDGE, &e)) == NULL)
				break;
			if (a->acked || a->shelved || a->suppressed ||
			    a->oos) {
				alarms_ack(env->alarms, a, &who, why,
				    sizeof why);
				e = msg_error(ERROR_ALARM_STATE, "%s", why);
				break;
			}
			v[n++] = a;
		}
		if (e != NULL) {
			free(v);
			return e;
		}
	}
	done = json_array();
	for (i = 0; i < n; i++)
		if (alarms_ack(env->alarms, v[i], &who, why, sizeof why) ==
		    ERROR_NONE) {
			cmd_alarm_audit(env, r, "alarm_ack", v[i], ERROR_NONE,
			    who.comment);
			json_array_append_new(done, json_string(v[i]->def->id));
		}
	free(v);
	/* Kept for a retry, which gets this again and changes nothing. */
	command_reply_once(env, r, json_pack("{s:b, s:o, s:I}", "ok", 1,
	    "acked", done, "seq", (json_int_t)publisher_seq(env->pub)));
	return NULL;
}

/* One alarm named by "id", one action; the reply carries its state. */
static json_t *
cmd_alarm_one(struct cmd_env *env, struct request **rp, const char *action,
    enum access_function right, struct alarm **ap)
{
	const char *id = json_string_value(json_object_get((*rp)->body, "id"));
	json_t *e = NULL;

	if (id == NULL)
		return msg_error(ERROR_BAD_REQUEST, "%s needs \"id\", an "
		    "alarm's id (tag:kind)", action);
	if ((*ap = cmd_alarm_get(env, *rp, id, right, &e)) == NULL)
		return e;
	return NULL;
}

static json_t *
cmd_alarm_done(struct cmd_env *env, struct request *r, const char *action,
    struct alarm *a, enum error_code rc, const char *why)
{
	if (rc != ERROR_NONE)
		return msg_error(rc, "%s", why);
	cmd_alarm_audit(env, r, action, a, rc, json_string_value(
	    json_object_get(r->body, "comment")));
	command_reply_once(env, r, json_pack("{s:b, s:o, s:I}", "ok", 1,
	    "alarm", alarm_json(a), "seq", (json_int_t)publisher_seq(
	    env->pub)));
	return NULL;
}

/* {"op":"alarm_shelve","id":..,"seconds":N (0: until it clears),"comment":..} */
static json_t *
cmd_alarm_shelve(struct cmd_env *env, struct request **rp)
{
	struct request *r = *rp;
	struct alarm_actor who = cmd_alarm_actor(r);
	json_t *secs = json_object_get(r->body, "seconds"), *e;
	struct alarm *a;
	enum error_code rc;
	char why[256];
	json_int_t s;

	if ((e = cmd_alarm_one(env, rp, "alarm_shelve", ACCESS_SHELVE, &a)) !=
	    NULL)
		return e;
	s = json_is_integer(secs) ? json_integer_value(secs) : -1;
	if (s < 0 || s > alarms_shelve_max_s(env->alarms))
		return msg_error(ERROR_BAD_REQUEST, "alarm_shelve needs "
		    "\"seconds\": 1 to %d, or 0 for until it clears",
		    alarms_shelve_max_s(env->alarms));
	if (who.comment == NULL || who.comment[0] == '\0')
		return msg_error(ERROR_BAD_REQUEST, "alarm_shelve needs a "
		    "reason in \"comment\"");
	rc = alarms_shelve(env->alarms, a, s, &who, why, sizeof why);
	return cmd_alarm_done(env, r, "alarm_shelve", a, rc, why);
}

static json_t *
cmd_alarm_unshelve(struct cmd_env *env, struct request **rp)
{
	struct alarm_actor who = cmd_alarm_actor(*rp);
	struct alarm *a;
	enum error_code rc;
	char why[256];
	json_t *e;

	if ((e = cmd_alarm_one(env, rp, "alarm_unshelve", ACCESS_SHELVE,
	    &a)) != NULL)
		return e;
	rc = alarms_unshelve(env->alarms, a, &who, why, sizeof why);
	return cmd_alarm_done(env, *rp, "alarm_unshelve", a, rc, why);
}

static json_t *
cmd_alarm_reset(struct cmd_env *env, struct request **rp)
{
	struct alarm_actor who = cmd_alarm_actor(*rp);
	struct alarm *a;
	enum error_code rc;
	char why[256];
	json_t *e;

	if ((e = cmd_alarm_one(env, rp, "alarm_reset", ACCESS_ACKNOWLEDGE,
	    &a)) != NULL)
		return e;
	rc = alarms_reset(env->alarms, a, &who, why, sizeof why);
	return cmd_alarm_done(env, *rp, "alarm_reset", a, rc, why);
}

/* {"op":"alarm_service","id":..,"out":true|false,"comment":..} */
static json_t *
cmd_alarm_service(struct cmd_env *env, struct request **rp)
{
	struct alarm_actor who = cmd_alarm_actor(*rp);
	json_t *out = json_object_get((*rp)->body, "out"), *e;
	struct alarm *a;
	enum error_code rc;
	char why[256];

	if ((e = cmd_alarm_one(env, rp, "alarm_service", ACCESS_SHELVE, &a)) !=
	    NULL)
		return e;
	if (!json_is_boolean(out))
		return msg_error(ERROR_BAD_REQUEST, "alarm_service needs "
		    "\"out\": true (out of service) or false (back in)");
	rc = alarms_service(env->alarms, a, json_is_true(out), &who, why,
	    sizeof why);
	return cmd_alarm_done(env, *rp, json_is_true(out) ?
	    "alarm_out_of_service" : "alarm_in_service", a, rc, why);
}

#define CMD_ALARM_JOURNAL_WAIT_MS	30000

static void
cmd_alarm_journal_expire(void *data, struct request *r, void *arg)
{
	request_reply(r, msg_error(ERROR_TIMEOUT, "the alarm journal did not "
	    "answer in time"));
}

static const struct pending_ops cmd_alarm_journal_ops = {
	.kind = "alarm_journal",
	.expire = cmd_alarm_journal_expire,
};

/* What a parked request asked the journal: its pending data. */
static char cmd_alarm_rows_kind, cmd_alarm_stats_kind;

#define CMD_ALARM_STALE_MS	(24LL * 3600 * 1000)	/* EEMUA 191 */
#define CMD_ALARM_STATS_MS	(24LL * 3600 * 1000)	/* default window */

static json_t *
cmd_alarm_park(struct cmd_env *env, struct request **rp, void *kind,
    uint64_t *token)
{
	if (env->journal == NULL)
		return msg_error(ERROR_INTERNAL, "no alarm journal");
	*token = pending_add(env->pending, rp, zclock_mono() +
	    CMD_ALARM_JOURNAL_WAIT_MS, &cmd_alarm_journal_ops, kind);
	if (*token == 0)
		return msg_error(ERROR_BUSY, "too many requests wait; try "
		    "again shortly");
	return NULL;
}

/*
 * {"op":"alarm_journal","where":{since, until, area, priority, tag,
 * event, text, before},"limit":N}: the newest transitions that match, oldest
 * first, answered by the journal's thread.
 */
static json_t *
cmd_alarm_journal(struct cmd_env *env, struct request **rp)
{
	static const char *const texts[] = { "area", "tag", "event", "text" };
	static const char *const numbers[] = { "since", "until", "priority",
	    "before" };
	json_t *where = json_object_get((*rp)->body, "where"), *v, *f;
	json_t *limit = json_object_get((*rp)->body, "limit");
	uint64_t token;
	size_t i;

	if (where != NULL && !json_is_object(where))
		return msg_error(ERROR_BAD_REQUEST, "\"where\" must be an "
		    "object");
	if (limit != NULL && (!json_is_integer(limit) ||
	    json_integer_value(limit) < 1))
		return msg_error(ERROR_BAD_REQUEST, "\"limit\" must be a whole "
		    "number above 0");
	f = json_object();
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if ((v = json_object_get(where, texts[i])) != NULL) {
			if (!json_is_string(v)) {
				json_decref(f);
				return msg_error(ERROR_BAD_REQUEST, "where.%s "
				    "must be a string", texts[i]);
			}
			json_object_set(f, texts[i], v);
		}
	for (i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
		if ((v = json_object_get(where, numbers[i])) != NULL) {
			if (!json_is_integer(v) || json_integer_value(v) < 0) {
				json_decref(f);
				return msg_error(ERROR_BAD_REQUEST, "where.%s "
				    "must be a whole number", numbers[i]);
			}
			json_object_set(f, numbers[i], v);
		}
	if (limit != NULL)
		json_object_set(f, "limit", limit);
	if ((v = cmd_alarm_park(env, rp, &cmd_alarm_rows_kind, &token)) ==
	    NULL)
		journal_query(env->journal, token, f);
	json_decref(f);
	return v;
}

/*
 * {"op":"alarm_stats","since":ms,"until":ms}: EEMUA 191's figures over
 * the window (the last 24 hours if not given), and the alarms active
 * for more than 24 hours.
 */
static json_t *
cmd_alarm_stats(struct cmd_env *env, struct request **rp)
{
	json_t *since = json_object_get((*rp)->body, "since");
	json_t *until = json_object_get((*rp)->body, "until"), *e, *w;
	long long u = tagval_now_ms(), sn;
	uint64_t token;

	if ((since != NULL && !json_is_integer(since)) ||
	    (until != NULL && !json_is_integer(until)))
		return msg_error(ERROR_BAD_REQUEST, "\"since\" and \"until\" "
		    "are times in ms since the epoch");
	if (until != NULL)
		u = json_integer_value(until);
	sn = since != NULL ? json_integer_value(since) : u -
	    CMD_ALARM_STATS_MS;
	if (sn >= u)
		return msg_error(ERROR_BAD_REQUEST, "\"since\" must come before "
		    "\"until\"");
	w = json_pack("{s:I, s:I}", "since", (json_int_t)sn, "until",
	    (json_int_t)u);
	if ((e = cmd_alarm_park(env, rp, &cmd_alarm_stats_kind, &token)) ==
	    NULL)
		journal_stats(env->journal, token, w);
	json_decref(w);
	return e;
}

/* Rows of the answer whose area the asker may not view, gone. */
static void
cmd_alarm_visible(struct request *r, json_t *rows)
{
	size_t i;

	for (i = json_array_size(rows); i-- > 0;)
		if (!access_allows(r->access, ACCESS_VIEW, json_string_value(
		    json_object_get(json_array_get(rows, i), "area"))))
			json_array_remove(rows, i);
}

/* Active for more than a day: stale, as EEMUA 191 counts them. */
static json_t *
cmd_alarm_stale(struct cmd_env *env, struct request *r)
{
	long long now = tagval_now_ms();
	json_t *list = json_array();
	struct alarm *a;
	size_t i;

	for (i = 0; i < alarms_count(env->alarms); i++) {
		a = alarms_at(env->alarms, i);
		if (a->active && a->active_ms > 0 &&
		    now - a->active_ms > CMD_ALARM_STALE_MS &&
		    access_allows(r->access, ACCESS_VIEW, a->def->area))
			json_array_append_new(list, json_pack("{s:s, s:s, "
			    "s:I}", "alarm", a->def->id, "area", a->def->area,
			    "active_since", (json_int_t)a->active_ms));
	}
	return list;
}

/* The journal's answer: only of areas the asker may view. */
void
cmd_alarm_journal_answer(struct cmd_env *env, uint64_t token, json_t *answer)
{
	struct request *r = NULL;
	void *kind = pending_data(env->pending, token, &r);

	if (kind == NULL)
		return;		/* timed out before */
	cmd_alarm_visible(r, json_object_get(answer, "rows"));
	cmd_alarm_visible(r, json_object_get(answer, "areas"));
	cmd_alarm_visible(r, json_object_get(answer, "top"));
	cmd_alarm_visible(r, json_object_get(answer, "chattering"));
	if (kind == &cmd_alarm_stats_kind && msg_is_ok(answer))
		json_object_set_new(answer, "stale", cmd_alarm_stale(env, r));
	request_reply(r, json_incref(answer));
	pending_done(env->pending, token);
}

const struct cmd_entry cmd_alarm_stats_entry = {
	.name = "alarm_stats",
	.right = ACCESS_VIEW,
	.exec = cmd_alarm_stats,
};

const struct cmd_entry cmd_alarm_journal_entry = {
	.name = "alarm_journal",
	.right = ACCESS_VIEW,
	.exec = cmd_alarm_journal,
};

const struct cmd_entry cmd_alarms_entry = {
	.name = "alarms",
	.right = ACCESS_VIEW,
	.exec = cmd_alarms,
};

const struct cmd_entry cmd_alarm_ack_entry = {
	.name = "alarm_ack",
	.flags = CMD_ONCE,
	.right = ACCESS_ACKNOWLEDGE,
	.exec = cmd_alarm_ack,
};

const struct cmd_entry cmd_alarm_shelve_entry = {
	.name = "alarm_shelve",
	.flags = CMD_ONCE,
	.right = ACCESS_SHELVE,
	.exec = cmd_alarm_shelve,
};

const struct cmd_entry cmd_alarm_unshelve_entry = {
	.name = "alarm_unshelve",
	.flags = CMD_ONCE,
	.right = ACCESS_SHELVE,
	.exec = cmd_alarm_unshelve,
};

const struct cmd_entry cmd_alarm_reset_entry = {
	.name = "alarm_reset",
	.flags = CMD_ONCE,
	.right = ACCESS_ACKNOWLEDGE,
	.exec = cmd_alarm_reset,
};

const struct cmd_entry cmd_alarm_service_entry = {
	.name = "alarm_service",
	.flags = CMD_ONCE,
	.right = ACCESS_SHELVE,
	.exec = cmd_alarm_service,
};
