/*
 * The alarm columns of the tag tables and the [alarms] section. A row's
 * columns are read into a scratch row; its check turns them into one
 * definition per alarm, with every error naming file:line. Tags named
 * by setpoint and suppress_by are looked up once every table is read,
 * and the device communication alarms are made once the devices' status
 * tags exist.
 */
#include "config.h"

#include <czmq.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alarm_conf.h"
#include "driver_conf.h"
#include "i18n.h"
#include "project_ini.h"
#include "server_conf.h"
#include "xmalloc.h"

/* One row's alarm columns, as given. */
struct alarm_row {
	double		 limit[4];	/* hh h l ll */
	int		 pri[ALARM_NKINDS];	/* index in the words */
	double		 deadband;
	int		 on_delay_ms;
	int		 off_delay_ms;
	double		 roc;
	double		 deviation;
	char		*setpoint;
	char		*state;
	int		 latch;
	char		*suppress_by;
	char		*message;
	char		*message_de;
};

#define RKEY(f)	offsetof(struct alarm_row, f)
#define PRI(k, kind) { .name = k, .type = CONF_ENUM, \
	.choices = ALARM_PRIORITY_WORDS, \
	.offset = RKEY(pri) + (kind) * sizeof(int) }

static const struct conf_key alarm_conf_columns_keys[] = {
	{ .name = "hh", .type = CONF_DOUBLE, .offset = RKEY(limit) },
	{ .name = "h", .type = CONF_DOUBLE,
	    .offset = RKEY(limit) + sizeof(double) },
	{ .name = "l", .type = CONF_DOUBLE,
	    .offset = RKEY(limit) + 2 * sizeof(double) },
	{ .name = "ll", .type = CONF_DOUBLE,
	    .offset = RKEY(limit) + 3 * sizeof(double) },
	PRI("hh_priority", ALARM_HH),
	PRI("h_priority", ALARM_H),
	PRI("l_priority", ALARM_L),
	PRI("ll_priority", ALARM_LL),
	{ .name = "roc", .type = CONF_DOUBLE, .offset = RKEY(roc) },
	PRI("roc_priority", ALARM_ROC),
	{ .name = "deviation", .type = CONF_DOUBLE, .offset = RKEY(deviation) },
	{ .name = "setpoint", .type = CONF_STRING, .offset = RKEY(setpoint) },
	PRI("dev_priority", ALARM_DEV),
	{ .name = "alarm_state", .type = CONF_STRING, .offset = RKEY(state) },
	PRI("state_priority", ALARM_STATE),
	PRI("bad_priority", ALARM_BAD),
	{ .name = "deadband", .type = CONF_DOUBLE, .offset = RKEY(deadband) },
	{ .name = "on_delay_ms", .type = CONF_INT, .max = 3600000,
	    .offset = RKEY(on_delay_ms) },
	{ .name = "off_delay_ms", .type = CONF_INT, .max = 3600000,
	    .offset = RKEY(off_delay_ms) },
	{ .name = "latch", .type = CONF_BOOL, .max = 1, .offset = RKEY(latch) },
	{ .name = "suppress_by", .type = CONF_STRING,
	    .offset = RKEY(suppress_by) },
	{ .name = "alarm_message", .type = CONF_STRING,
	    .offset = RKEY(message) },
	{ .name = "alarm_message_de", .type = CONF_STRING,
	    .offset = RKEY(message_de) },
	CONF_END
};

enum { COL_HH, COL_H, COL_L, COL_LL, COL_HH_PRI, COL_H_PRI, COL_L_PRI,
    COL_LL_PRI, COL_ROC, COL_ROC_PRI, COL_DEV, COL_SETPOINT, COL_DEV_PRI,
    COL_STATE, COL_STATE_PRI, COL_BAD_PRI, COL_DEADBAND, COL_ON_DELAY,
    COL_OFF_DELAY, COL_LATCH, COL_SUPPRESS, COL_MESSAGE, COL_MESSAGE_DE,
    COL_N };

/* A priority unless the column says otherwise. */
static const int alarm_conf_default_priority[ALARM_NKINDS] = {
	[ALARM_HH] = 2, [ALARM_H] = 3, [ALARM_L] = 3, [ALARM_LL] = 2,
	[ALARM_ROC] = 3, [ALARM_DEV] = 3, [ALARM_STATE] = 2, [ALARM_BAD] = 4,
	[ALARM_COMM] = 2,
};

static const int alarm_conf_priority_col[ALARM_NKINDS] = {
	[ALARM_HH] = COL_HH_PRI, [ALARM_H] = COL_H_PRI, [ALARM_L] = COL_L_PRI,
	[ALARM_LL] = COL_LL_PRI, [ALARM_ROC] = COL_ROC_PRI,
	[ALARM_DEV] = COL_DEV_PRI, [ALARM_STATE] = COL_STATE_PRI,
	[ALARM_BAD] = COL_BAD_PRI, [ALARM_COMM] = -1,
};

const char *
alarm_kind_name(enum alarm_kind k)
{
	static const char *const names[ALARM_NKINDS] = { "hh", "h", "l", "ll",
	    "roc", "dev", "state", "bad", "comm" };

	return (unsigned)k < ALARM_NKINDS ? names[k] : "?";
}

/* The words a default message uses. */
const char *
alarm_kind_text(enum alarm_kind k)
{
	static const char *const texts[ALARM_NKINDS] = { N_("high high"),
	    N_("high"), N_("low"), N_("low low"), N_("changing too fast"),
	    N_("off its setpoint"), N_("abnormal state"), N_("bad value"),
	    N_("communication lost") };

	return (unsigned)k < ALARM_NKINDS ? _(texts[k]) : "?";
}

/* 1..ALARM_PRIORITIES for a word or a number, or -1. */
int
alarm_priority_parse(const char *s)
{
	long n;
	int i;

	if (conf_long(s, &n) == 0)
		return n >= 1 && n <= ALARM_PRIORITIES ? (int)n : -1;
	i = conf_enum(ALARM_PRIORITY_WORDS, s);
	return i >= 0 ? i + 1 : -1;
}

static const struct conf_key alarm_conf_keys[] = {
	{ .name = "bell", .type = CONF_ENUM,
	    .choices = "no " ALARM_PRIORITY_WORDS, .def = "high",
	    .offset = offsetof(struct alarm_conf, bell) },
	{ .name = "comm_priority", .type = CONF_ENUM,
	    .choices = "no " ALARM_PRIORITY_WORDS, .def = "high",
	    .offset = offsetof(struct alarm_conf, comm_priority) },
	{ .name = "journal", .type = CONF_STRING, .def = "alarms.db",
	    .offset = offsetof(struct alarm_conf, journal) },
	{ .name = "table", .type = CONF_WORDS,
	    .offset = offsetof(struct alarm_conf, tables) },
	{ .name = "shelve_max_s", .type = CONF_INT, .min = 60,
	    .max = 7 * 86400, .def = "28800",
	    .offset = offsetof(struct alarm_conf, shelve_max_s) },
	CONF_END
};

static void *
alarm_conf_init(struct project_loader *l)
{
	struct alarm_conf *ac = xcalloc(1, sizeof *ac);

	conf_defaults(l, ac, alarm_conf_keys);
	ac->row = xcalloc(1, sizeof(struct alarm_row));
	return ac;
}

static void *
alarm_conf_open(struct project_loader *l, void *data, const char *name)
{
	return data;
}

static void
alarm_row_clear(struct alarm_row *r)
{
	free(r->setpoint);
	free(r->state);
	free(r->suppress_by);
	free(r->message);
	free(r->message_de);
	memset(r, 0, sizeof *r);
}

static void *
alarm_conf_row(struct project_loader *l, struct project_tag *t, void *data)
{
	struct alarm_conf *ac = data;

	alarm_row_clear(ac->row);
	return ac->row;
}

static struct alarm_def *
alarm_conf_add(struct alarm_conf *ac, const struct project_tag *t,
    enum alarm_kind kind, int priority, const char *file, int line)
{
	struct alarm_def *d;

	if ((ac->n & (ac->n - 1)) == 0)		/* doubling: 100,000 rows */
		ac->defs = xreallocarray(ac->defs, ac->n == 0 ? 1 : ac->n * 2,
		    sizeof *ac->defs);
	d = &ac->defs[ac->n++];
	memset(d, 0, sizeof *d);
	d->id = xasprintf("%s:%s", t->name, alarm_kind_name(kind));
	d->tag = t->name;
	d->kind = kind;
	d->priority = priority;
	d->area = t->area;
	d->file = file;
	d->line = line;
	return d;
}

static int
alarm_conf_numeric(const struct project_tag *t)
{
	return t->type != TAGCODEC_BOOL && t->type != TAGCODEC_STRING;
}

/* HH above H above L above LL, for those given. */
static int
alarm_conf_limits(struct project_loader *l, const struct alarm_row *r,
    const char *const *given)
{
	static const char *const names[4] = { "hh", "h", "l", "ll" };
	int i, k;

	for (i = 0; i < 4; i++)
		for (k = i + 1; k < 4; k++)
			if (given[i] != NULL && given[k] != NULL &&
			    !(r->limit[i] > r->limit[k]))
				return loader_fail(l, loader_line(l),
				    _("%s (%g) must be above %s (%g)"),
				    names[i], r->limit[i], names[k],
				    r->limit[k]);
	return 1;
}

/* A deadband below the span it works in: the tag's range, or the limits'. */
static int
alarm_conf_deadband(struct project_loader *l, const struct project_tag *t,
    const struct alarm_row *r, const char *const *given)
{
	double lo = INFINITY, hi = -INFINITY, span;
	int i;

	if (given[COL_DEADBAND] == NULL)
		return 1;
	if (r->deadband < 0)
		return loader_fail(l, loader_line(l), _("deadband %g is "
		    "negative"), r->deadband);
	for (i = 0; i < 4; i++)
		if (given[i] != NULL) {
			lo = fmin(lo, r->limit[i]);
			hi = fmax(hi, r->limit[i]);
		}
	span = t->has_range ? t->max - t->min : hi - lo;
	if (span > 0 && r->deadband >= span)
		return loader_fail(l, loader_line(l), _("deadband %g is not "
		    "below the span %g it works in"), r->deadband, span);
	return 1;
}

/* An abnormal state as the value's text reads: true/false for a bool. */
static int
alarm_conf_state(struct project_loader *l, const struct project_tag *t,
    struct alarm_row *r)
{
	double d;
	int b;

	if (t->type == TAGCODEC_BOOL) {
		if ((b = conf_yesno(r->state)) == -1)
			b = strcasecmp(r->state, "on") == 0 ? 1 :
			    strcasecmp(r->state, "off") == 0 ? 0 : -1;
		if (b == -1)
			return loader_fail(l, loader_line(l), _("alarm_state "
			    "'%s' is not a state of a bool (on or off)"),
			    r->state);
		free(r->state);
		r->state = xstrdup(b ? "true" : "false");
	} else if (t->type != TAGCODEC_STRING && conf_double(r->state, &d) ==
	    -1)
		return loader_fail(l, loader_line(l), _("alarm_state '%s' is "
		    "not a number, as %s is"), r->state, t->name);
	return 1;
}

/* Whether the row's columns ask for what its tag can do. */
static int
alarm_conf_fit(struct project_loader *l, const struct project_tag *t,
    struct alarm_row *r, const char *const *given)
{
	int line = loader_line(l), i;

	for (i = COL_HH; i <= COL_DEV; i++)
		if ((i <= COL_LL || i == COL_ROC || i == COL_DEV) &&
		    given[i] != NULL && !alarm_conf_numeric(t))
			return loader_fail(l, line, _("%s needs a number; %s "
			    "is %s"), alarm_conf_columns_keys[i].name,
			    t->name, tagcodec_type_name(t->type));
	for (i = ALARM_HH; i < ALARM_COMM; i++)
		if (given[alarm_conf_priority_col[i]] != NULL &&
		    ((i <= ALARM_LL && given[i] == NULL) ||
		    (i == ALARM_ROC && given[COL_ROC] == NULL) ||
		    (i == ALARM_DEV && given[COL_DEV] == NULL) ||
		    (i == ALARM_STATE && given[COL_STATE] == NULL)))
			return loader_fail(l, line, _("%s without its alarm"),
			    alarm_conf_columns_keys[alarm_conf_priority_col[i]]
			    .name);
	if (given[COL_ROC] != NULL && !(r->roc > 0))
		return loader_fail(l, line, _("roc %g must be above 0"),
		    r->roc);
	if ((given[COL_DEV] != NULL) != (given[COL_SETPOINT] != NULL))
		return loader_fail(l, line, "%s", _("give both deviation and "
		    "setpoint, or neither"));
	if (given[COL_DEV] != NULL && !(r->deviation > 0))
		return loader_fail(l, line, _("deviation %g must be above 0"),
		    r->deviation);
	if (given[COL_STATE] != NULL && !alarm_conf_state(l, t, r))
		return 0;
	return alarm_conf_limits(l, r, given) &&
	    alarm_conf_deadband(l, t, r, given);
}

static void
alarm_conf_make(struct project_loader *l, struct alarm_conf *ac,
    const struct project_tag *t, const struct alarm_row *r,
    enum alarm_kind kind, const char *const *given)
{
	int col = alarm_conf_priority_col[kind];
	struct alarm_def *d = alarm_conf_add(ac, t, kind, col >= 0 &&
	    given[col] != NULL ? r->pri[kind] + 1 :
	    alarm_conf_default_priority[kind], loader_file(l),
	    loader_line(l));

	d->limit = kind <= ALARM_LL ? r->limit[kind] : kind == ALARM_ROC ?
	    r->roc : kind == ALARM_DEV ? r->deviation : 0;
	d->deadband = kind <= ALARM_LL || kind == ALARM_DEV ? r->deadband : 0;
	d->on_delay_ms = r->on_delay_ms;
	d->off_delay_ms = r->off_delay_ms;
	d->latch = r->latch;
	d->state = kind == ALARM_STATE ? xstrdup(r->state) : NULL;
	d->setpoint = kind == ALARM_DEV ? xstrdup(r->setpoint) : NULL;
	d->suppress_by = r->suppress_by != NULL ? xstrdup(r->suppress_by) :
	    NULL;
	d->message = r->message != NULL ? xstrdup(r->message) : NULL;
	d->message_de = r->message_de != NULL ? xstrdup(r->message_de) : NULL;
}

static int
alarm_conf_row_check(struct project_loader *l, struct project_tag *t,
    void *data, const char *const *given)
{
	struct alarm_conf *ac = data;
	struct alarm_row *r = ac->row;
	int i, any = 0;

	for (i = 0; i < COL_N; i++)
		any |= given[i] != NULL;
	if (!any)
		return 1;
	if (given[COL_HH] == NULL && given[COL_H] == NULL &&
	    given[COL_L] == NULL && given[COL_LL] == NULL &&
	    given[COL_ROC] == NULL && given[COL_DEV] == NULL &&
	    given[COL_STATE] == NULL && given[COL_BAD_PRI] == NULL)
		return loader_fail(l, loader_line(l), "%s", _("alarm columns "
		    "without an alarm (hh, h, l, ll, roc, deviation, "
		    "alarm_state or bad_priority)"));
	if (!alarm_conf_fit(l, t, r, given))
		return 0;
	for (i = ALARM_HH; i <= ALARM_LL; i++)
		if (given[i] != NULL)
			alarm_conf_make(l, ac, t, r, i, given);
	if (given[COL_ROC] != NULL)
		alarm_conf_make(l, ac, t, r, ALARM_ROC, given);
	if (given[COL_DEV] != NULL)
		alarm_conf_make(l, ac, t, r, ALARM_DEV, given);
	if (given[COL_STATE] != NULL)
		alarm_conf_make(l, ac, t, r, ALARM_STATE, given);
	if (given[COL_BAD_PRI] != NULL)
		alarm_conf_make(l, ac, t, r, ALARM_BAD, given);
	return 1;
}

const struct project_columns alarm_conf_columns = {
	.owner = &alarm_conf_section,
	.keys = alarm_conf_columns_keys,
	.row = alarm_conf_row,
	.check = alarm_conf_row_check,
};

/*
 * The alarm tables, now that every tag is read; then the tags setpoint
 * and suppress_by name exist, and fit.
 */
static void
alarm_conf_free_set(void **item)
{
	free(*item);
	*item = NULL;
}

/*
 * HH above H above L above LL across rows and tables too: a tag's H in
 * an alarm list must sit below the HH of its tag table.
 */
static void
alarm_conf_orders(struct project_loader *l, struct alarm_conf *ac)
{
	static const char *const names[4] = { "hh", "h", "l", "ll" };
	const struct alarm_def **set, *d, *o;
	zhashx_t *by = zhashx_new();	/* tag -> its four limit alarms */
	size_t i;
	int k;

	zhashx_set_destructor(by, alarm_conf_free_set);
	for (i = 0; i < ac->n && !loader_failed(l); i++) {
		if ((d = &ac->defs[i])->kind > ALARM_LL)
			continue;
		if ((set = zhashx_lookup(by, d->tag)) == NULL) {
			set = xcalloc(4, sizeof *set);
			zhashx_insert(by, d->tag, set);
		}
		for (k = 0; k < 4 && !loader_failed(l); k++) {
			if (set[k] == NULL)
				continue;
			o = set[k];
			if (k < (int)d->kind ? !(d->limit < o->limit) :
			    !(d->limit > o->limit))
				loader_fail_at(l, d->file, d->line,
				    k < (int)d->kind ? _("%s: %s (%g) must be "
				    "below %s (%g, at %s:%d)") : _("%s: %s (%g) "
				    "must be above %s (%g, at %s:%d)"), d->tag,
				    names[d->kind], d->limit, names[k], o->limit,
				    o->file, o->line);
		}
		set[d->kind] = d;
	}
	zhashx_destroy(&by);
}

static int
alarm_conf_check(struct project_loader *l, void *data)
{
	struct alarm_conf *ac = data;
	zhashx_t *byname;
	const struct project_tag *t;
	struct alarm_def *d;
	char *path;
	size_t i;

	for (i = 0; i < ac->tables.n && !loader_failed(l); i++) {
		path = ac->tables.v[i][0] == '/' ? xstrdup(ac->tables.v[i]) :
		    xasprintf("%s/%s", loader_dir(l), ac->tables.v[i]);
		project_tags_annotate(l, path, &alarm_conf_columns);
		free(path);
	}
	byname = zhashx_new();
	/* A tag's kind once: in its table or in a list, not both. */
	for (i = 0; i < ac->n && !loader_failed(l); i++)
		if (zhashx_insert(byname, ac->defs[i].id, &ac->defs[i]) == -1)
			loader_fail_at(l, ac->defs[i].file, ac->defs[i].line,
			    _("alarm %s defined twice (first at %s:%d)"),
			    ac->defs[i].id, ((struct alarm_def *)zhashx_lookup(
			    byname, ac->defs[i].id))->file, ((struct alarm_def *)
			    zhashx_lookup(byname, ac->defs[i].id))->line);
	alarm_conf_orders(l, ac);
	zhashx_purge(byname);
	for (i = 0; i < loader_ntags(l); i++)
		zhashx_insert(byname, loader_tag_at(l, i)->name,
		    loader_tag_at(l, i));
	for (i = 0; i < ac->n && !loader_failed(l); i++) {
		d = &ac->defs[i];
		if (d->setpoint != NULL &&
		    ((t = zhashx_lookup(byname, d->setpoint)) == NULL ||
		    !alarm_conf_numeric(t)))
			loader_fail_at(l, d->file, d->line, t == NULL ?
			    _("%s: unknown setpoint tag '%s'") :
			    _("%s: setpoint tag '%s' is not a number"), d->tag,
			    d->setpoint);
		else if (d->suppress_by != NULL &&
		    zhashx_lookup(byname, d->suppress_by) == NULL)
			loader_fail_at(l, d->file, d->line, _("%s: unknown "
			    "suppress_by tag '%s'"), d->tag, d->suppress_by);
	}
	zhashx_destroy(&byname);
	return 0;
}

static uint32_t
alarm_conf_id(const struct project *p, const char *name)
{
	const struct project_tag *t = name != NULL ? project_tag_find(p,
	    name) : NULL;

	return t != NULL ? t->id : ALARM_NO_TAG;
}

/* Tags have their ids: the definitions take them; devices get theirs. */
static void
alarm_conf_finish(struct project *p, void *data)
{
	struct alarm_conf *ac = data;
	const struct device_conf *dev;
	const struct project_tag *t;
	struct alarm_def *d;
	size_t i;

	alarm_row_clear(ac->row);
	for (i = 0; ac->comm_priority > 0 && i < driver_conf_count(p); i++) {
		dev = driver_conf_device(p, i);
		if ((t = dev->status[DEVICE_STATUS_CONNECTED]) == NULL)
			continue;
		d = alarm_conf_add(ac, t, ALARM_COMM, ac->comm_priority,
		    project_path(p), dev->line);
		d->state = xstrdup("false");
		d->message = xasprintf("Device %s: {kind}", dev->name);
	}
	for (i = 0; i < ac->n; i++) {
		d = &ac->defs[i];
		d->tag_id = alarm_conf_id(p, d->tag);
		d->setpoint_id = alarm_conf_id(p, d->setpoint);
		d->suppress_id = alarm_conf_id(p, d->suppress_by);
	}
}

static void
alarm_conf_free(void *data)
{
	struct alarm_conf *ac = data;
	size_t i;

	for (i = 0; i < ac->n; i++) {
		free(ac->defs[i].id);
		free(ac->defs[i].state);
		free(ac->defs[i].setpoint);
		free(ac->defs[i].suppress_by);
		free(ac->defs[i].message);
		free(ac->defs[i].message_de);
	}
	free(ac->defs);
	free(ac->journal);
	conf_words_free(&ac->tables);
	if (ac->row != NULL)
		alarm_row_clear(ac->row);
	free(ac->row);
	free(ac);
}

const struct project_section alarm_conf_section = {
	.name = "alarms",
	.keys = alarm_conf_keys,
	.init = alarm_conf_init,
	.open = alarm_conf_open,
	.check = alarm_conf_check,
	.finish = alarm_conf_finish,
	.free = alarm_conf_free,
};

const struct alarm_conf *
alarm_conf(const struct project *p)
{
	return project_data(p, &alarm_conf_section);
}

/* The journal's file: as given if absolute, else in dir (-D's, or the
 * project's data_dir). */
char *
alarm_conf_journal_path(const struct project *p, const char *dir)
{
	const char *j = alarm_conf(p)->journal;

	if (j[0] == '/')
		return xstrdup(j);
	return xasprintf("%s/%s", dir != NULL ? dir :
	    server_conf(p)->data_dir, j);
}
