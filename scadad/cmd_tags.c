/*
 * The tag operations: read, browse and snapshot (paged, in tag id
 * order), and write, which waits for its devices and answers with the
 * values read back. Handlers check everything the client sent: a bad
 * request gets a typed error, never a crash, and nothing is written
 * unless every value of the request is right.
 */
#include "config.h"

#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "driver_conf.h"
#include "msg.h"
#include "value.h"
#include "xmalloc.h"

/* A write waiting for its devices. */
struct cmd_write {
	uint32_t	*ids;		/* the tags written, for the reply */
	json_t		*before;	/* their values before, for the audit */
	json_t		*values;	/* as asked */
	size_t		 n;
	size_t		 outstanding;
	size_t		 failed;
	enum error_code	 error;
	char		 message[256];
};

/*
 * Whether the caller may see a tag. Areas are interned, and tags of one
 * area mostly come together: the last answer is kept.
 */
struct cmd_sight {
	const struct access	*access;
	const char		*area;
	int			 yes;
};

static int
cmd_visible(struct cmd_sight *s, const struct project_tag *t)
{
	if (s->area == NULL || t->area != s->area) {
		s->area = t->area;
		s->yes = access_allows(s->access, ACCESS_VIEW, t->area);
	}
	return s->yes;
}

static json_t *
cmd_unknown_tag(const char *name)
{
	json_t *e = msg_error(ERROR_UNKNOWN_TAG, "unknown tag: %s", name);

	json_object_set_new(e, "tag", json_string(name));
	return e;
}

static json_t *
cmd_read(struct cmd_env *env, struct request **rp)
{
	json_t *names = json_object_get((*rp)->body, "tags"), *n, *list;
	const struct project_tag *t;
	size_t i;

	if (!json_is_array(names) || json_array_size(names) == 0)
		return msg_error(ERROR_BAD_REQUEST,
		    "read needs \"tags\": a non-empty array of names");
	if (json_array_size(names) > CMD_MAX_READ)
		return msg_error(ERROR_TOO_LARGE, "read of %zu tags; the "
		    "limit is %d a request", json_array_size(names),
		    CMD_MAX_READ);
	json_array_foreach(names, i, n) {
		if (!json_is_string(n))
			return msg_error(ERROR_BAD_REQUEST,
			    "tags[%zu] is not a string", i);
		if ((t = project_tag_find(env->project,
		    json_string_value(n))) == NULL)
			return cmd_unknown_tag(json_string_value(n));
		if (!access_allows((*rp)->access, ACCESS_VIEW, t->area))
			return command_denied(*rp, ACCESS_VIEW, t->area);
	}
	list = json_array();
	json_array_foreach(names, i, n) {
		t = project_tag_find(env->project, json_string_value(n));
		json_array_append_new(list, image_json(env->image, t));
	}
	return json_pack("{s:b, s:I, s:o}", "ok", 1, "seq",
	    (json_int_t)publisher_seq(env->pub), "tags", list);
}

/*
 * What a station needs to show a tag; with where, also where it lives
 * in its device (browse says so, a snapshot's metadata does not).
 */
static json_t *
cmd_meta(const struct project_tag *t, json_t *o, int where,
    const struct access *a)
{
	json_object_set_new(o, "id", json_integer(t->id));
	json_object_set_new(o, "name", json_string(t->name));
	json_object_set_new(o, "type", json_string(tagcodec_type_name(
	    t->type)));
	json_object_set_new(o, "units", json_string(t->units));
	json_object_set_new(o, "description", json_string(t->description));
	json_object_set_new(o, "area", json_string(t->area));
	json_object_set_new(o, "writable", json_boolean(t->writable));
	if (t->critical)
		json_object_set_new(o, "critical", json_true());
	json_object_set_new(o, "may_write", json_boolean(t->writable &&
	    access_allows(a, ACCESS_OPERATE, t->area)));
	if (t->type == TAGCODEC_STRING)
		json_object_set_new(o, "length", json_integer(t->length));
	if (t->has_range) {
		json_object_set_new(o, "min", json_real(t->min));
		json_object_set_new(o, "max", json_real(t->max));
	}
	if (where)
		driver_conf_meta(t, o);
	return o;
}

/* One page of a browse or snapshot: which tags, and from where. */
struct cmd_page {
	uint32_t	 cursor;
	int		 limit;
	const char	*pattern;	/* fnmatch(3), or NULL */
	const char	*prefix;	/* or a name prefix, or NULL */
	int		 meta;
	int		 values;
};

static json_t *
cmd_page_args(struct request *r, struct cmd_page *pg)
{
	json_t *cursor = json_object_get(r->body, "cursor");
	json_t *limit = json_object_get(r->body, "limit");
	json_t *pattern = json_object_get(r->body, "pattern");
	json_t *prefix = json_object_get(r->body, "prefix");
	json_t *meta = json_object_get(r->body, "meta");

	pg->cursor = 0;
	pg->limit = CMD_PAGE_DEFAULT;
	if (cursor != NULL && (!json_is_integer(cursor) ||
	    json_integer_value(cursor) < 0 ||
	    json_integer_value(cursor) > UINT32_MAX))
		return msg_error(ERROR_BAD_REQUEST, "\"cursor\" must be the "
		    "\"next\" of the page before, or 0");
	if (limit != NULL && (!json_is_integer(limit) ||
	    json_integer_value(limit) < 1 ||
	    json_integer_value(limit) > CMD_PAGE_MAX))
		return msg_error(ERROR_BAD_REQUEST, "\"limit\" must be 1 to %d "
		    "tags", CMD_PAGE_MAX);
	if ((pattern != NULL && !json_is_string(pattern)) ||
	    (prefix != NULL && !json_is_string(prefix)))
		return msg_error(ERROR_BAD_REQUEST, "\"%s\" must be a string",
		    pattern != NULL && !json_is_string(pattern) ? "pattern" :
		    "prefix");
	if (meta != NULL && !json_is_boolean(meta))
		return msg_error(ERROR_BAD_REQUEST, "\"meta\" must be true or "
		    "false");
	if (cursor != NULL)
		pg->cursor = (uint32_t)json_integer_value(cursor);
	if (limit != NULL)
		pg->limit = (int)json_integer_value(limit);
	pg->pattern = json_string_value(pattern);
	pg->prefix = json_string_value(prefix);
	if (meta != NULL)
		pg->meta = json_is_true(meta);
	return NULL;
}

static int
cmd_page_match(const struct cmd_page *pg, const struct project_tag *t)
{
	if (pg->pattern != NULL && fnmatch(pg->pattern, t->name, 0) != 0)
		return 0;
	return pg->prefix == NULL ||
	    strncmp(t->name, pg->prefix, strlen(pg->prefix)) == 0;
}

/*
 * The tags of one page, in id order from the cursor; "next" is where
 * the next page starts, absent after the last. A page of a filtered
 * list may hold fewer tags than the limit, even none.
 */
/* How many tags the caller may see in all. */
static size_t
cmd_visible_total(struct cmd_env *env, const struct access *a)
{
	struct cmd_sight sight = { .access = a };
	size_t i, n = 0;

	if (access_allows(a, ACCESS_VIEW, "*"))
		return project_ntags(env->project);
	for (i = 0; i < project_ntags(env->project); i++)
		n += cmd_visible(&sight, project_tag_at(env->project, i));
	return n;
}

static json_t *
cmd_page(struct cmd_env *env, struct request *r, const struct cmd_page *pg)
{
	struct cmd_sight sight = { .access = r->access };
	const struct project_tag *t;
	json_t *list = json_array(), *reply, *o;
	uint32_t id = pg->cursor;
	int n = 0;

	/* Tags in areas the caller may not see are not there for it. */
	while ((t = project_tag_next(env->project, id)) != NULL &&
	    n < pg->limit) {
		id = t->id + 1;
		if (!cmd_page_match(pg, t) || !cmd_visible(&sight, t))
			continue;
		o = pg->values ? image_json(env->image, t) : json_object();
		if (pg->meta)
			cmd_meta(t, o, !pg->values, r->access);
		json_array_append_new(list, o);
		n++;
	}
	reply = json_pack("{s:b, s:I, s:s, s:I, s:o}", "ok", 1, "seq",
	    (json_int_t)publisher_seq(env->pub), "instance",
	    publisher_instance(env->pub), "total",
	    (json_int_t)cmd_visible_total(env, r->access), "tags", list);
	if (project_tag_next(env->project, id) != NULL)
		json_object_set_new(reply, "next", json_integer(id));
	return reply;
}

static json_t *
cmd_browse(struct cmd_env *env, struct request **rp)
{
	struct cmd_page pg = { .meta = 1 };
	json_t *e;

	if ((e = cmd_page_args(*rp, &pg)) != NULL)
		return e;
	pg.meta = 1;
	return cmd_page(env, *rp, &pg);
}

static json_t *
cmd_snapshot(struct cmd_env *env, struct request **rp)
{
	struct cmd_page pg = { .values = 1 };
	json_t *e, *reply;

	if ((e = cmd_page_args(*rp, &pg)) != NULL)
		return e;
	reply = cmd_page(env, *rp, &pg);
	/* The first page has the alarm list too, at the same seq. */
	if (pg.cursor == 0 && msg_is_ok(reply))
		json_object_set_new(reply, "alarms", cmd_alarm_snapshot(env,
		    *rp));
	return reply;
}

/* A string tag takes text that fits it. */
static json_t *
cmd_check_string(const struct project_tag *t, json_t *v, json_t **out)
{
	if (!json_is_string(v))
		return msg_error(ERROR_BAD_VALUE, "%s needs a string", t->name);
	if (json_string_length(v) > (size_t)t->length)
		return msg_error(ERROR_OUT_OF_RANGE,
		    "%s: %zu characters; it holds at most %d", t->name,
		    json_string_length(v), t->length);
	*out = json_incref(v);
	return NULL;
}

static json_t *
cmd_check_number(const struct project_tag *t, json_t *v, json_t **out)
{
	char got[32], lo[32], hi[32];
	double d;

	if (!json_is_number(v))
		return msg_error(ERROR_BAD_VALUE, "%s needs a number", t->name);
	d = json_number_value(v);
	if (!isfinite(d))
		return msg_error(ERROR_BAD_VALUE, "%s: value is not finite",
		    t->name);
	if (t->has_range && (d < t->min || d > t->max)) {
		value_shortest(d, got, sizeof got);
		value_shortest(t->min, lo, sizeof lo);
		value_shortest(t->max, hi, sizeof hi);
		return msg_error(ERROR_OUT_OF_RANGE,
		    "%s: %s is out of range %s..%s%s%s", t->name, got, lo, hi,
		    t->units[0] != '\0' ? " " : "", t->units);
	}
	*out = json_real(d);
	return NULL;
}

static json_t *
cmd_check_bool(const struct project_tag *t, json_t *v, json_t **out)
{
	if (json_is_boolean(v))
		*out = json_incref(v);
	else if (json_is_integer(v) && (json_integer_value(v) == 0 ||
	    json_integer_value(v) == 1))
		*out = json_boolean(json_integer_value(v));
	else
		return msg_error(ERROR_BAD_VALUE, "%s needs true or false",
		    t->name);
	return NULL;
}

/*
 * Checks one write before anything is sent to a device; on success *out
 * is the value in its normal form (a boolean, a real or a string).
 */
static json_t *
cmd_check_write(struct cmd_env *env, struct request *r, const char *name,
    json_t *v, const struct project_tag **tp, json_t **out)
{
	const struct project_tag *t = project_tag_find(env->project, name);

	if ((*tp = t) == NULL)
		return cmd_unknown_tag(name);
	if (!access_allows(r->access, ACCESS_VIEW, t->area))
		return command_denied(r, ACCESS_VIEW, t->area);
	if (!t->writable)
		return msg_error(ERROR_NOT_WRITABLE, "%s is read-only", name);
	if (!access_allows(r->access, ACCESS_OPERATE, t->area))
		return command_denied(r, ACCESS_OPERATE, t->area);
	if (t->type == TAGCODEC_STRING)
		return cmd_check_string(t, v, out);
	if (t->type == TAGCODEC_BOOL)
		return cmd_check_bool(t, v, out);
	return cmd_check_number(t, v, out);
}

static void
cmd_write_free(void *data)
{
	struct cmd_write *w = data;

	free(w->ids);
	json_decref(w->before);
	json_decref(w->values);
	free(w);
}

/* The reply of a finished write: the values read back, and the seq. */
static void
cmd_write_finish(struct cmd_env *env, struct cmd_write *w, struct request *r)
{
	const struct project_tag *t;
	json_t *reply, *list;
	size_t i;

	if (w->error == ERROR_NONE)
		reply = msg_ok();
	else if (w->n == 1)
		reply = msg_error(w->error, "%s", w->message);
	else	/* say what did happen: the other values were written */
		reply = msg_error(w->error, "%zu of %zu writes failed, %zu "
		    "applied; first failure: %s", w->failed, w->n,
		    w->n - w->failed, w->message);
	list = json_array();
	for (i = 0; i < w->n; i++)
		if ((t = project_tag_by_id(env->project, w->ids[i])) != NULL) {
			json_array_append_new(list, image_json(env->image, t));
			command_audit(env, r, "write", t->name,
			    json_object_get(json_array_get(w->before, i),
			    "value"), json_array_get(w->values, i),
			    error_name(w->error), w->error != ERROR_NONE ?
			    w->message : NULL);
		}
	json_object_set_new(reply, "tags", list);
	json_object_set_new(reply, "seq", json_integer(
	    (json_int_t)publisher_seq(env->pub)));
	command_reply_once(env, r, reply);
}

static void
cmd_write_part(struct cmd_write *w, enum error_code rc, const char *message)
{
	if (rc != ERROR_NONE && w->failed++ == 0) {
		w->error = rc;
		snprintf(w->message, sizeof w->message, "%s", message);
	}
	w->outstanding--;
}

/* Parts whose device never answered in time count as timed out. */
static void
cmd_write_expire(void *data, struct request *r, void *arg)
{
	struct cmd_write *w = data;

	while (w->outstanding > 0)
		cmd_write_part(w, ERROR_TIMEOUT, "no answer from the device "
		    "in time; the write may or may not have been applied");
	cmd_write_finish(arg, w, r);
}

static const struct pending_ops cmd_write_ops = {
	.kind = "write",
	.expire = cmd_write_expire,
	.free = cmd_write_free,
};

/* A device has done its part of a write. */
void
cmd_tags_wrote(struct cmd_env *env, uint64_t token, enum error_code rc,
    const char *message)
{
	struct request *r;
	struct cmd_write *w = pending_data(env->pending, token, &r);

	if (w == NULL)
		return;		/* it timed out before; already answered */
	cmd_write_part(w, rc, message);
	if (w->outstanding > 0)
		return;
	cmd_write_finish(env, w, r);
	pending_done(env->pending, token);
}

/* {"tag":..,"value":..} as {"values":{tag:value}}; a new reference. */
static json_t *
cmd_write_values(json_t *body, json_t **error)
{
	json_t *values = json_object_get(body, "values");
	json_t *one = json_object_get(body, "tag");

	*error = NULL;
	if (one != NULL && json_is_string(one) &&
	    json_object_get(body, "value") != NULL && values == NULL)
		return json_pack("{s:O}", json_string_value(one),
		    json_object_get(body, "value"));
	if (one == NULL && json_is_object(values) &&
	    json_object_size(values) > 0) {
		if (json_object_size(values) <= CMD_MAX_WRITES)
			return json_incref(values);
		*error = msg_error(ERROR_TOO_LARGE, "%zu writes in one request;"
		    " the limit is %d", json_object_size(values),
		    CMD_MAX_WRITES);
		return NULL;
	}
	*error = msg_error(ERROR_BAD_REQUEST,
	    "write needs \"tag\" and \"value\", or \"values\"");
	return NULL;
}

/* Every value to its device, under one token; the reply comes later. */
static json_t *
cmd_write_send(struct cmd_env *env, struct request **rp,
    const struct project_tag **tags, json_t **vals, size_t n)
{
	struct cmd_write *w = xcalloc(1, sizeof *w);
	long long deadline = 0, d;
	char why[256];
	uint64_t token;
	size_t i;

	w->ids = xcalloc(n, sizeof *w->ids);
	w->before = json_array();
	w->values = json_array();
	w->n = w->outstanding = n;
	for (i = 0; i < n; i++) {
		w->ids[i] = tags[i]->id;
		json_array_append_new(w->before, image_json(env->image,
		    tags[i]));
		json_array_append(w->values, vals[i]);
		if ((d = devices_write_ms(tags[i])) > deadline)
			deadline = d;
	}
	token = pending_add(env->pending, rp, zclock_mono() + deadline,
	    &cmd_write_ops, w);
	if (token == 0) {
		cmd_write_free(w);
		return msg_error(ERROR_BUSY, "too many requests wait for their "
		    "devices; try again shortly");
	}
	for (i = 0; i < n; i++)
		if (devices_write(env->devices, tags[i], vals[i], token, why,
		    sizeof why) == -1)
			cmd_tags_wrote(env, token, ERROR_BUSY, why);
	return NULL;
}

static json_t *
cmd_write(struct cmd_env *env, struct request **rp)
{
	json_t *values, *v, *err, **vals;
	const struct project_tag **tags;
	const char *name;
	size_t n, k = 0;

	if ((values = cmd_write_values((*rp)->body, &err)) == NULL)
		return err;
	n = json_object_size(values);
	tags = xcalloc(n, sizeof *tags);
	vals = xcalloc(n, sizeof *vals);
	json_object_foreach(values, name, v) {
		if ((err = cmd_check_write(env, *rp, name, v, &tags[k],
		    &vals[k])) != NULL) {
			/* A refused write is an operator action too. */
			command_audit(env, *rp, "write", name, NULL, v,
			    error_name(msg_error_code(err)),
			    msg_error_message(err));
			break;
		}
		k++;
	}
	if (err == NULL)
		err = cmd_write_send(env, rp, tags, vals, n);
	for (k = 0; k < n; k++)
		json_decref(vals[k]);
	free(tags);
	free(vals);
	json_decref(values);
	return err;
}

const struct cmd_entry cmd_read_entry = {
	.name = "read",
	.right = ACCESS_VIEW,
	.exec = cmd_read,
};

const struct cmd_entry cmd_write_entry = {
	.name = "write",
	.flags = CMD_ONCE,
	.right = ACCESS_OPERATE,
	.exec = cmd_write,
};

const struct cmd_entry cmd_browse_entry = {
	.name = "browse",
	.right = ACCESS_VIEW,
	.exec = cmd_browse,
};

const struct cmd_entry cmd_snapshot_entry = {
	.name = "snapshot",
	.right = ACCESS_VIEW,
	.exec = cmd_snapshot,
};
