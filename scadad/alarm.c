/*
 * The alarm engine. Each tag knows the alarms that watch it (as their
 * value, their setpoint or their suppressing condition) through an
 * index built once, so a change costs only its own alarms. A condition
 * that holds (or stops) is taken after its delay, counted from when it
 * began; the deadband keeps a value near a limit from chattering. While
 * an alarm is shelved, suppressed or out of service its condition is
 * followed but not annunciated: when it comes back, an alarm still
 * active must be acknowledged again.
 */
#include "config.h"

#include <czmq.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarm.h"
#include "check.h"
#include "i18n.h"
#include "value.h"
#include "xmalloc.h"

struct alarms {
	const struct project	*project;
	const struct alarm_conf	*conf;
	struct alarm		*v;
	struct alarm_texts	*texts;		/* v[i]'s are texts[i] */
	size_t			 n;
	/* tag id -> the alarms it concerns: by[first[id]..first[id+1]) */
	uint32_t		*first;
	uint32_t		*by;
	uint32_t		 max_id;
	zhashx_t		*by_name;	/* alarm id -> struct alarm */
	size_t			 delayed;	/* alarms with a change pending */
	size_t			 timed;		/* alarms shelved for a time */
	alarms_event_fn		*event;
	void			*arg;
};

static const struct alarm_actor alarm_system = { NULL, NULL, NULL };

/* The tags alarm i watches, each once; returns how many. */
static size_t
alarms_watched(alarms_t *as, size_t i, uint32_t *ids)
{
	const struct alarm_def *d = as->v[i].def;
	uint32_t all[3] = { d->tag_id, d->setpoint_id, d->suppress_id };
	size_t k, n = 0;

	for (k = 0; k < 3; k++)
		if (all[k] != ALARM_NO_TAG && all[k] <= as->max_id &&
		    (k == 0 || all[k] != all[0]))
			ids[n++] = all[k];
	return n;
}

/* Each tag's alarms, counted, then listed (a CSR index by tag id). */
static void
alarms_index(alarms_t *as)
{
	uint32_t *count, ids[3];
	size_t i, k, n;

	for (i = 0; i < project_ntags(as->project); i++)
		if (project_tag_at(as->project, i)->id > as->max_id)
			as->max_id = project_tag_at(as->project, i)->id;
	as->first = xcalloc((size_t)as->max_id + 2, sizeof *as->first);
	count = xcalloc((size_t)as->max_id + 2, sizeof *count);
	for (i = 0; i < as->n; i++)
		for (k = 0, n = alarms_watched(as, i, ids); k < n; k++)
			as->first[ids[k] + 1]++;
	for (i = 1; i <= (size_t)as->max_id + 1; i++)
		as->first[i] += as->first[i - 1];
	as->by = xcalloc(as->first[as->max_id + 1] + 1, sizeof *as->by);
	for (i = 0; i < as->n; i++)
		for (k = 0, n = alarms_watched(as, i, ids); k < n; k++)
			as->by[as->first[ids[k]] + count[ids[k]]++] =
			    (uint32_t)i;
	free(count);
}

static void
alarm_init(alarms_t *as, struct alarm *a, const struct alarm_def *d,
    struct alarm_texts *texts)
{
	a->def = d;
	a->limit = d->limit;
	a->deadband = d->deadband;
	a->tag_id = d->tag_id;
	a->setpoint_id = d->setpoint_id;
	a->suppress_id = d->suppress_id;
	a->kind = (unsigned char)d->kind;
	a->tag = project_tag_by_id(as->project, d->tag_id);
	a->acked = 1;
	a->texts = texts;
	zhashx_insert(as->by_name, d->id, a);
}

alarms_t *
alarms_new(const struct project *p, alarms_event_fn *event, void *arg)
{
	alarms_t *as = xcalloc(1, sizeof *as);
	size_t i;

	as->project = p;
	as->conf = alarm_conf(p);
	as->event = event;
	as->arg = arg;
	as->n = as->conf->n;
	as->v = xcalloc_aligned(64, as->n + 1, sizeof *as->v);
	as->by_name = zhashx_new();
	as->texts = xcalloc(as->n + 1, sizeof *as->texts);
	for (i = 0; i < as->n; i++)
		alarm_init(as, &as->v[i], &as->conf->defs[i], &as->texts[i]);
	alarms_index(as);
	return as;
}

void
alarms_destroy(alarms_t **asp)
{
	alarms_t *as = *asp;
	size_t i;

	if (as == NULL)
		return;
	for (i = 0; i < as->n; i++) {
		free(as->texts[i].shelve_reason);
		free(as->texts[i].shelved_by);
	}
	free(as->v);
	free(as->texts);
	free(as->first);
	free(as->by);
	zhashx_destroy(&as->by_name);
	free(as);
	*asp = NULL;
}

/* None without an engine (the command selftest runs without one). */
size_t
alarms_count(alarms_t *as)
{
	return as != NULL ? as->n : 0;
}

struct alarm *
alarms_at(alarms_t *as, size_t i)
{
	return i < as->n ? &as->v[i] : NULL;
}

struct alarm *
alarms_find(alarms_t *as, const char *id)
{
	return as != NULL && id != NULL ? zhashx_lookup(as->by_name, id) :
	    NULL;
}

int
alarms_shelve_max_s(alarms_t *as)
{
	return as->conf->shelve_max_s;
}

/*
 * An alarm as a restart left it, before any value: the values that
 * come then move it on as usual (an alarm active before that finds its
 * condition gone returns to normal, with the usual transition). Its
 * own message stays the one made at its activation.
 */
void
alarms_restore(alarms_t *as, const struct journal_state *js)
{
	struct alarm *a = alarms_find(as, js->alarm);

	if (a == NULL)
		return;		/* no longer in the project */
	a->active = a->condition = (js->flags & ALARM_F_ACTIVE) != 0;
	a->acked = (js->flags & ALARM_F_ACKED) != 0;
	a->latched = (js->flags & ALARM_F_LATCHED) != 0 && a->def->latch;
	a->oos = (js->flags & ALARM_F_OOS) != 0;
	a->since_ms = js->since;
	a->active_ms = js->active_since;
	if (js->message != NULL)
		snprintf(a->texts->message, sizeof a->texts->message, "%s",
		    js->message);
	if ((js->flags & ALARM_F_SHELVED) && !a->shelved) {
		a->shelved = 1;
		a->shelved_until = js->until;
		as->timed += js->until != 0;
		a->texts->shelve_reason = xstrdup(js->reason != NULL ?
		    js->reason : "");
		a->texts->shelved_by = js->shelved_by != NULL ?
		    xstrdup(js->shelved_by) : NULL;
	}
}

int
alarm_flags(const struct alarm *a)
{
	return (a->active ? ALARM_F_ACTIVE : 0) | (a->acked ? ALARM_F_ACKED :
	    0) | (a->latched ? ALARM_F_LATCHED : 0) | (a->shelved ?
	    ALARM_F_SHELVED : 0) | (a->oos ? ALARM_F_OOS : 0);
}

enum alarm_state
alarm_state(const struct alarm *a)
{
	if (a->oos)
		return ALARM_OUT_OF_SERVICE;
	if (a->suppressed)
		return ALARM_SUPPRESSED;
	if (a->shelved)
		return ALARM_SHELVED;
	if (a->active)
		return a->acked ? ALARM_ACKED : ALARM_UNACK;
	if (a->latched)
		return ALARM_LATCHED;
	return a->acked ? ALARM_NORMAL : ALARM_RTN_UNACK;
}

const char *
alarm_state_name(enum alarm_state s)
{
	static const char *const names[ALARM_NSTATES] = { "normal", "unack",
	    "acked", "rtn_unack", "latched", "shelved", "suppressed",
	    "out_of_service" };

	return (unsigned)s < ALARM_NSTATES ? names[s] : "?";
}

/* On the active list: anything but normal. */
int
alarm_shown(const struct alarm *a)
{
	return alarm_state(a) != ALARM_NORMAL || a->active;
}

/* Priority first, then the newest; ids keep the order total. */
int
alarm_compare(const void *x, const void *y)
{
	const struct alarm *a = *(const struct alarm *const *)x;
	const struct alarm *b = *(const struct alarm *const *)y;

	if (a->def->priority != b->def->priority)
		return a->def->priority - b->def->priority;
	if (a->active_ms != b->active_ms)
		return a->active_ms > b->active_ms ? -1 : 1;
	return strcmp(a->def->id, b->def->id);
}

/*
 * The value as shown; formatted only when asked, as a message or a
 * listing needs it, not on every change.
 */
const char *
alarm_text(const struct alarm *a, char *buf, size_t len)
{
	if (a->is_string)
		return a->texts->str;
	if (a->is_bool)
		return a->value != 0 ? "ON" : "OFF";
	value_shortest(a->value, buf, len);
	return buf;
}

json_t *
alarm_json(const struct alarm *a)
{
	const struct alarm_def *d = a->def;
	char text[64];
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:b, s:b, "
	    "s:b, s:I, s:s}", "id", d->id, "tag", d->tag, "kind",
	    alarm_kind_name(d->kind), "state", alarm_state_name(alarm_state(a)),
	    "priority", d->priority, "priority_name",
	    msg_priority_name(d->priority), "area", d->area, "active",
	    a->active, "acked", a->acked, "latched", a->latched, "since",
	    (json_int_t)a->since_ms, "message", a->texts->message);

	if (a->texts->message_de[0] != '\0')
		json_object_set_new(o, "message_de", json_string(
		    a->texts->message_de));
	if (a->active_ms > 0)
		json_object_set_new(o, "active_since", json_integer(
		    a->active_ms));
	if (d->kind <= ALARM_DEV)
		json_object_set_new(o, "limit", json_real(d->limit));
	if (a->has_value)
		json_object_set_new(o, "value", json_string(alarm_text(a, text,
		    sizeof text)));
	if (a->shelved) {
		json_object_set_new(o, "shelved_until", json_integer(
		    a->shelved_until));
		json_object_set_new(o, "shelve_reason", json_string(
		    a->texts->shelve_reason != NULL ? a->texts->shelve_reason :
		    ""));
		if (a->texts->shelved_by != NULL)
			json_object_set_new(o, "shelved_by", json_string(
			    a->texts->shelved_by));
	}
	if (d->latch)
		json_object_set_new(o, "latching", json_true());
	return o;
}

/*
 * The message, its value and units substituted: {tag}, {description},
 * {value}, {units}, {limit}, {kind}; anything else is kept as written.
 */
static void
alarm_format(const struct alarm *a, const char *tmpl, char *out,
    size_t len)
{
	const char *names[] = { "tag", "description", "value", "units",
	    "limit", "kind" };
	const char *subs[6];
	char limit[32], text[64];
	size_t n = 0, k, i, w;
	const char *p;

	value_shortest(a->def->limit, limit, sizeof limit);
	subs[0] = a->def->tag;
	subs[1] = a->tag->description != NULL && a->tag->description[0] !=
	    '\0' ? a->tag->description : a->def->tag;
	subs[2] = alarm_text(a, text, sizeof text);
	subs[3] = a->tag->units;
	subs[4] = limit;
	subs[5] = alarm_kind_text(a->def->kind);
	for (p = tmpl; *p != '\0' && n + 1 < len; p++) {
		k = *p == '{' ? strcspn(p + 1, "}") : 0;
		for (i = 0; k > 0 && p[1 + k] == '}' && i < 6; i++)
			if (strlen(names[i]) == k &&
			    strncmp(p + 1, names[i], k) == 0)
				break;
		if (k > 0 && p[1 + k] == '}' && i < 6) {
			w = (size_t)snprintf(out + n, len - n, "%s", subs[i]);
			n = n + w < len ? n + w : len - 1;
			p += k + 1;
			continue;
		}
		out[n++] = *p;
	}
	out[n] = '\0';
}

/* The texts an activation carries, in each language the project gives. */
static void
alarm_messages(struct alarm *a)
{
	const struct alarm_def *d = a->def;
	const char *tmpl = d->message;

	if (tmpl == NULL && d->kind <= ALARM_DEV)
		tmpl = a->tag->units[0] != '\0' ? "{description}: {kind} "
		    "({value} {units}, limit {limit})" : "{description}: {kind} "
		    "({value}, limit {limit})";
	if (tmpl == NULL)
		tmpl = "{description}: {kind}";
	alarm_format(a, tmpl, a->texts->message, sizeof a->texts->message);
	a->texts->message_de[0] = '\0';
	if (d->message_de != NULL)
		alarm_format(a, d->message_de, a->texts->message_de,
		    sizeof a->texts->message_de);
}

static void
alarm_emit(alarms_t *as, struct alarm *a, const char *event,
    const struct alarm_actor *who, long long now)
{
	a->since_ms = now;
	if (as->event != NULL)
		as->event(as->arg, a, event, who != NULL ? who : &alarm_system);
}

/* Becomes active, or returns to normal, once its delay has passed. */
static void
alarm_settle(alarms_t *as, struct alarm *a, long long now)
{
	int quiet = a->shelved || a->suppressed || a->oos;

	a->pending_ms = 0;
	if (a->condition == a->active)
		return;
	a->active = a->condition;
	if (a->active) {
		a->active_ms = now;
		alarm_messages(a);
		/* Shelved, suppressed or out of service: not annunciated. */
		a->acked = quiet;
		if (a->def->latch)
			a->latched = 1;
		alarm_emit(as, a, "active", NULL, now);
		return;
	}
	if (quiet)
		a->acked = 1;	/* it cleared unseen: nothing to acknowledge */
	if (a->shelved && a->shelved_until == 0) {	/* one-shot */
		a->shelved = 0;
		alarm_emit(as, a, "unshelve", NULL, now);
	}
	alarm_emit(as, a, "clear", NULL, now);
}

/* The condition has changed: now, or after its delay. */
static void
alarm_condition(alarms_t *as, struct alarm *a, int cond, long long now)
{
	int delay = cond ? a->def->on_delay_ms : a->def->off_delay_ms;

	if (cond == a->condition) {
		/* Back before its delay was over: nothing happened. */
		if (a->pending_ms != 0 && cond == a->active) {
			a->pending_ms = 0;
			as->delayed--;
		}
		return;
	}
	a->condition = cond;
	if (cond == a->active) {
		if (a->pending_ms != 0) {
			a->pending_ms = 0;
			as->delayed--;
		}
		return;
	}
	if (delay == 0) {
		alarm_settle(as, a, now);
		return;
	}
	if (a->pending_ms == 0)
		as->delayed++;
	a->pending_ms = now;
}

/* A limit alarm with its deadband: what is set stays until well clear. */
static int
alarm_limit(const struct alarm *a, double v)
{
	switch (a->kind) {
	case ALARM_HH:
	case ALARM_H:
		return a->condition ? v > a->limit - a->deadband :
		    v > a->limit;
	case ALARM_L:
	case ALARM_LL:
		return a->condition ? v < a->limit + a->deadband :
		    v < a->limit;
	case ALARM_DEV:
		v = fabs(v - a->setpoint);
		return a->condition ? v > a->limit - a->deadband :
		    v > a->limit;
	default:
		return 0;
	}
}

static int
alarm_is_state(const struct alarm *a, const struct tagval *tv)
{
	double d;

	if (tv->is_string)
		return strcmp(tv->str, a->def->state) == 0;
	if (tv->is_bool)
		return (tv->value != 0) == (strcmp(a->def->state, "true") == 0);
	return sscanf(a->def->state, "%lf", &d) == 1 && tv->value == d;
}

/* The condition an alarm's own tag now says; -1: it cannot say. */
static int
alarm_judge(struct alarm *a, const struct tagval *tv)
{
	double rate;
	int cond;

	if (a->kind == ALARM_BAD)
		return tv->quality == QUALITY_BAD;
	if (tv->quality == QUALITY_BAD)
		return -1;		/* a bad value proves nothing */
	switch (a->kind) {
	case ALARM_STATE:
	case ALARM_COMM:
		return alarm_is_state(a, tv);
	case ALARM_ROC:
		cond = -1;
		if (a->has_value && tv->ts_ms > a->value_ms) {
			rate = fabs(tv->value - a->value) * 1000.0 /
			    (double)(tv->ts_ms - a->value_ms);
			cond = rate > a->limit;
		}
		return cond;
	default:
		return alarm_limit(a, tv->value);
	}
}

static void
alarm_keep_value(struct alarm *a, const struct tagval *tv)
{
	a->has_value = 1;
	a->value = tv->value;
	a->value_ms = tv->ts_ms;
	a->is_bool = tv->is_bool;
	a->is_string = tv->is_string;
	if (tv->is_string)
		memcpy(a->texts->str, tv->str, sizeof a->texts->str);
}

static void
alarm_suppress(alarms_t *as, struct alarm *a, const struct tagval *tv)
{
	int on = tv->quality != QUALITY_BAD && (tv->is_string ?
	    tv->str[0] != '\0' : tv->value != 0);

	if (on == a->suppressed)
		return;
	a->suppressed = on;
	if (!on && a->active)
		a->acked = 0;	/* back, and still active: tell again */
	alarm_emit(as, a, on ? "suppress" : "unsuppress", NULL,
	    tagval_now_ms());
}

/* A tag changed: every alarm that watches it, in the project's order. */
void
alarms_value(alarms_t *as, const struct project_tag *t,
    const struct tagval *tv)
{
	long long now = 0;	/* read when something happens: most do not */
	struct alarm *a;
	uint32_t i;
	int cond;

	if (t->id > as->max_id)
		return;
	for (i = as->first[t->id]; i < as->first[t->id + 1]; i++) {
		a = &as->v[as->by[i]];
		if (a->suppress_id == t->id)
			alarm_suppress(as, a, tv);
		if (a->setpoint_id == t->id) {
			if (tv->quality == QUALITY_BAD)
				continue;
			a->setpoint = tv->value;
			a->has_setpoint = 1;
			if (!a->has_value)
				continue;
			cond = alarm_limit(a, a->value);
		} else if (a->tag_id == t->id) {
			/* No deviation from a setpoint not yet known. */
			cond = a->kind == ALARM_DEV && !a->has_setpoint ?
			    -1 : alarm_judge(a, tv);
			if (tv->quality != QUALITY_BAD)
				alarm_keep_value(a, tv);
		} else
			continue;
		if (cond == -1 || cond == a->condition)
			continue;
		if (now == 0)
			now = tagval_now_ms();
		alarm_condition(as, a, cond, now);
	}
}

/* Delays that have run out, shelving that has. */
void
alarms_tick(alarms_t *as, long long now)
{
	struct alarm *a;
	size_t i;
	int delay;

	if (as->delayed == 0 && as->timed == 0)
		return;		/* the usual case: nothing to look at */
	for (i = 0; i < as->n; i++) {
		a = &as->v[i];
		if (a->pending_ms != 0) {
			delay = a->condition ? a->def->on_delay_ms :
			    a->def->off_delay_ms;
			if (now - a->pending_ms >= delay) {
				as->delayed--;
				alarm_settle(as, a, now);
			}
		}
		if (a->shelved && a->shelved_until != 0 &&
		    now >= a->shelved_until) {
			a->shelved = 0;
			as->timed--;
			if (a->active)
				a->acked = 0;
			alarm_emit(as, a, "unshelve", NULL, now);
		}
	}
}

enum error_code
alarms_ack(alarms_t *as, struct alarm *a, const struct alarm_actor *who,
    char *why, size_t len)
{
	if (a->acked || a->shelved || a->suppressed || a->oos) {
		snprintf(why, len, _("%s is %s: nothing to acknowledge"),
		    a->def->id, alarm_state_name(alarm_state(a)));
		return ERROR_ALARM_STATE;
	}
	a->acked = 1;
	alarm_emit(as, a, "ack", who, tagval_now_ms());
	return ERROR_NONE;
}

enum error_code
alarms_reset(alarms_t *as, struct alarm *a, const struct alarm_actor *who,
    char *why, size_t len)
{
	if (!a->latched || a->active) {
		snprintf(why, len, a->latched ? _("%s is still active: it can "
		    "be reset once its condition has cleared") : _("%s is not "
		    "latched: nothing to reset"), a->def->id);
		return ERROR_ALARM_STATE;
	}
	a->latched = 0;
	a->acked = 1;
	alarm_emit(as, a, "reset", who, tagval_now_ms());
	return ERROR_NONE;
}

/* For seconds (0: until it next clears), with a reason. */
enum error_code
alarms_shelve(alarms_t *as, struct alarm *a, long long seconds,
    const struct alarm_actor *who, char *why, size_t len)
{
	long long now = tagval_now_ms();

	if (a->shelved || a->oos) {
		snprintf(why, len, _("%s is %s already"), a->def->id,
		    alarm_state_name(alarm_state(a)));
		return ERROR_ALARM_STATE;
	}
	if (seconds == 0 && !a->active) {
		snprintf(why, len, _("%s is not active: shelve it for a time, "
		    "not until it clears"), a->def->id);
		return ERROR_ALARM_STATE;
	}
	a->shelved = 1;
	a->shelved_until = seconds > 0 ? now + seconds * 1000 : 0;
	as->timed += seconds > 0;
	free(a->texts->shelve_reason);
	a->texts->shelve_reason = xstrdup(who->comment != NULL ? who->comment :
	    "");
	free(a->texts->shelved_by);
	a->texts->shelved_by = who->user != NULL ? xstrdup(who->user) : NULL;
	alarm_emit(as, a, "shelve", who, now);
	return ERROR_NONE;
}

enum error_code
alarms_unshelve(alarms_t *as, struct alarm *a, const struct alarm_actor *who,
    char *why, size_t len)
{
	if (!a->shelved) {
		snprintf(why, len, _("%s is not shelved"), a->def->id);
		return ERROR_ALARM_STATE;
	}
	a->shelved = 0;
	as->timed -= a->shelved_until != 0;
	if (a->active)
		a->acked = 0;
	alarm_emit(as, a, "unshelve", who, tagval_now_ms());
	return ERROR_NONE;
}

/* Out of service (on) for maintenance, or back in service. */
enum error_code
alarms_service(alarms_t *as, struct alarm *a, int out,
    const struct alarm_actor *who, char *why, size_t len)
{
	if (a->oos == out) {
		snprintf(why, len, out ? _("%s is out of service already") :
		    _("%s is in service already"), a->def->id);
		return ERROR_ALARM_STATE;
	}
	a->oos = out;
	if (!out && a->active)
		a->acked = 0;
	alarm_emit(as, a, out ? "out_of_service" : "in_service", who,
	    tagval_now_ms());
	return ERROR_NONE;
}
