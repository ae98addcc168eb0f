/*
 * The operations of the command channel, one handler each, found through
 * one const table. A handler returns its reply, or NULL when the reply
 * comes later (a write waits for its devices). Handlers check everything
 * the client sent: a bad request gets a typed error, never a crash.
 */
#include "config.h"

#include <fnmatch.h>
#include <math.h>
#include <string.h>

#include "command.h"
#include "driver.h"
#include "log.h"
#include "msg.h"

struct command_entry {
	const char	*name;
	int		 once;	/* not idempotent: applied once per rid */
	json_t		*(*exec)(struct server *, struct server_request *);
};

static json_t *
command_hello(struct server *s, struct server_request *r)
{
	json_t *v = json_object_get(r->body, "version");

	if (v != NULL && (!json_is_integer(v) ||
	    json_integer_value(v) != MSG_VERSION)) {
		json_t *e = msg_error(ERROR_VERSION,
		    "protocol version not supported; this server speaks %d",
		    MSG_VERSION);

		json_object_set_new(e, "supported", json_pack("[i]",
		    MSG_VERSION));
		return e;
	}
	return json_pack("{s:b, s:i, s:s, s:s, s:s, s:i, s:I, s:i}",
	    "ok", 1, "version", MSG_VERSION,
	    "server", PACKAGE_NAME "d " PACKAGE_VERSION,
	    "project", s->project->name,
	    "instance", publisher_instance(s->pub),
	    "pub_port", publisher_port(s->pub),
	    "seq", (json_int_t)publisher_seq(s->pub),
	    "heartbeat_ms", s->project->heartbeat_ms);
}

static json_t *
command_ping(struct server *s, struct server_request *r)
{
	return json_pack("{s:b, s:I}", "ok", 1, "time",
	    (json_int_t)tagval_now_ms());
}

static json_t *
command_snapshot(struct server *s, struct server_request *r)
{
	json_t *prefix = json_object_get(r->body, "prefix");
	const char *p = json_string_value(prefix);
	json_t *list = json_array();
	size_t i, plen = p != NULL ? strlen(p) : 0;

	if (prefix != NULL && p == NULL) {
		json_decref(list);
		return msg_error(ERROR_BAD_REQUEST, "prefix must be a string");
	}
	for (i = 0; i < tagdb_count(s->db); i++)
		if (p == NULL ||
		    strncmp(tagdb_at(s->db, i)->conf->name, p, plen) == 0)
			json_array_append_new(list, tagdb_value(s->db, i));
	return json_pack("{s:b, s:I, s:s, s:o}", "ok", 1, "seq",
	    (json_int_t)publisher_seq(s->pub), "instance",
	    publisher_instance(s->pub), "tags", list);
}

static json_t *
command_unknown_tag(const char *name)
{
	json_t *e = msg_error(ERROR_UNKNOWN_TAG, "unknown tag: %s", name);

	json_object_set_new(e, "tag", json_string(name));
	return e;
}

static json_t *
command_read(struct server *s, struct server_request *r)
{
	json_t *names = json_object_get(r->body, "tags"), *n, *list;
	ssize_t idx;
	size_t i;

	if (!json_is_array(names) || json_array_size(names) == 0)
		return msg_error(ERROR_BAD_REQUEST,
		    "read needs \"tags\": a non-empty array of names");
	json_array_foreach(names, i, n) {
		if (!json_is_string(n))
			return msg_error(ERROR_BAD_REQUEST,
			    "tags[%zu] is not a string", i);
		if (tagdb_find(s->db, json_string_value(n)) == -1)
			return command_unknown_tag(json_string_value(n));
	}
	list = json_array();
	json_array_foreach(names, i, n) {
		idx = tagdb_find(s->db, json_string_value(n));
		json_array_append_new(list, tagdb_value(s->db, (size_t)idx));
	}
	return json_pack("{s:b, s:o}", "ok", 1, "tags", list);
}

/*
 * Every station browses the whole plant when it connects, 20 MB for
 * 100,000 tags, and the tags' metadata never changes while the project
 * is loaded: encode it once.
 */
static json_t *
command_browse_all(struct server *s, struct server_request *r)
{
	json_t *list, *reply;
	size_t i;

	if (s->browse_all == NULL) {
		list = json_array();
		for (i = 0; i < tagdb_count(s->db); i++)
			json_array_append_new(list, tagdb_meta(s->db, i));
		reply = json_pack("{s:b, s:o}", "ok", 1, "tags", list);
		s->browse_all = msg_encode(reply);
		json_decref(reply);
		if (s->browse_all == NULL)
			return msg_error(ERROR_INTERNAL, "out of memory");
	}
	server_reply_text(s, r->envelope, s->browse_all);
	return NULL;
}

static json_t *
command_browse(struct server *s, struct server_request *r)
{
	json_t *pattern = json_object_get(r->body, "pattern");
	const char *p = json_string_value(pattern);
	json_t *list;
	size_t i;

	if (pattern != NULL && p == NULL)
		return msg_error(ERROR_BAD_REQUEST, "pattern must be a string");
	if (p == NULL)
		return command_browse_all(s, r);
	list = json_array();
	for (i = 0; i < tagdb_count(s->db); i++)
		if (p == NULL ||
		    fnmatch(p, tagdb_at(s->db, i)->conf->name, 0) == 0)
			json_array_append_new(list, tagdb_meta(s->db, i));
	return json_pack("{s:b, s:o}", "ok", 1, "tags", list);
}

static json_t *
command_status(struct server *s, struct server_request *r)
{
	json_t *devices = json_array();
	size_t i;

	for (i = 0; i < s->project->ndevices; i++)
		json_array_append(devices, s->device_status[i]);
	return json_pack("{s:b, s:s, s:s, s:s, s:I, s:I, s:i, s:i, s:I, s:I,"
	    " s:I, s:o}", "ok", 1,
	    "server", PACKAGE_NAME "d " PACKAGE_VERSION,
	    "project", s->project->name,
	    "instance", publisher_instance(s->pub),
	    "uptime_s", (json_int_t)((zclock_mono() - s->started) / 1000),
	    "seq", (json_int_t)publisher_seq(s->pub),
	    "tags", (int)tagdb_count(s->db),
	    "stations", publisher_stations(s->pub),
	    "requests", (json_int_t)s->requests,
	    "bad_requests", (json_int_t)s->bad_requests,
	    "published", (json_int_t)publisher_count(s->pub),
	    "devices", devices);
}

/* A string tag takes text that fits it. */
static json_t *
command_check_string(const struct project_tag *t, json_t *v, json_t **out)
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
command_check_number(const struct project_tag *t, json_t *v, json_t **out)
{
	double d;

	if (!json_is_number(v))
		return msg_error(ERROR_BAD_VALUE, "%s needs a number", t->name);
	d = json_number_value(v);
	if (!isfinite(d))
		return msg_error(ERROR_BAD_VALUE, "%s: value is not finite",
		    t->name);
	if (t->has_range && (d < t->min || d > t->max))
		return msg_error(ERROR_OUT_OF_RANGE,
		    "%s: %g is out of range %g..%g %s", t->name, d, t->min,
		    t->max, t->units);
	*out = json_real(d);
	return NULL;
}

/*
 * Checks one write before anything is sent to a device; on success *out
 * is the value in its normal form (a boolean, a real or a string).
 */
static json_t *
command_check_write(struct server *s, const char *name, json_t *v,
    size_t *idx, json_t **out)
{
	const struct project_tag *t;
	ssize_t i = tagdb_find(s->db, name);

	if (i == -1)
		return command_unknown_tag(name);
	t = tagdb_at(s->db, (size_t)i)->conf;
	*idx = (size_t)i;
	if (!t->writable)
		return msg_error(ERROR_NOT_WRITABLE, "%s is read-only", name);
	if (t->type == TAGCODEC_STRING)
		return command_check_string(t, v, out);
	if (t->type != TAGCODEC_BOOL)
		return command_check_number(t, v, out);
	if (json_is_boolean(v))
		*out = json_incref(v);
	else if (json_is_integer(v) && (json_integer_value(v) == 0 ||
	    json_integer_value(v) == 1))
		*out = json_boolean(json_integer_value(v));
	else
		return msg_error(ERROR_BAD_VALUE, "%s needs true or false",
		    name);
	return NULL;
}

static json_t *
command_write(struct server *s, struct server_request *r)
{
	json_t *values = json_object_get(r->body, "values"), *v, *err;
	json_t *one = json_object_get(r->body, "tag");
	struct server_write *w;
	const char *name;
	size_t n, k = 0, *idx;
	json_t **val;

	if (one != NULL) {
		if (!json_is_string(one) ||
		    json_object_get(r->body, "value") == NULL || values != NULL)
			return msg_error(ERROR_BAD_REQUEST,
			    "write needs \"tag\" and \"value\", or \"values\"");
		values = json_pack("{s:O}", json_string_value(one),
		    json_object_get(r->body, "value"));
	} else if (json_is_object(values) && json_object_size(values) > 0)
		json_incref(values);
	else
		return msg_error(ERROR_BAD_REQUEST,
		    "write needs \"tag\" and \"value\", or \"values\"");
	if ((n = json_object_size(values)) > COMMAND_MAX_WRITES) {
		json_decref(values);
		return msg_error(ERROR_TOO_LARGE,
		    "%zu writes in one request; the limit is %d", n,
		    COMMAND_MAX_WRITES);
	}
	idx = calloc(n, sizeof *idx);
	val = calloc(n, sizeof *val);
	err = NULL;
	json_object_foreach(values, name, v) {
		if ((err = command_check_write(s, name, v, &idx[k],
		    &val[k])) != NULL)
			break;
		k++;
	}
	if (err == NULL) {
		w = server_write_new(s, r, (int)n);
		for (k = 0; k < n; k++)
			server_write_send(s, w, idx[k], val[k]);
	}
	for (k = 0; k < n; k++)
		json_decref(val[k]);
	free(idx);
	free(val);
	json_decref(values);
	return err;
}

static const struct command_entry command_table[] = {
	{ .name = "hello", .exec = command_hello },
	{ .name = "ping", .exec = command_ping },
	{ .name = "snapshot", .exec = command_snapshot },
	{ .name = "read", .exec = command_read },
	{ .name = "write", .once = 1, .exec = command_write },
	{ .name = "browse", .exec = command_browse },
	{ .name = "status", .exec = command_status },
};

/*
 * A retried request id gets the first reply again; if the first is still
 * with the devices, the reply goes to whoever asked last.
 */
static json_t *
command_replay(struct server *s, struct server_request *r)
{
	struct server_write *w;
	const char *text;

	if ((text = replay_lookup(s->replay, r->rid)) != NULL)
		return json_loads(text, 0, NULL);
	if ((w = zhashx_lookup(s->writes_by_rid, r->rid)) != NULL) {
		zmsg_destroy(&w->envelope);
		w->envelope = zmsg_dup(r->envelope);
		return json_null();
	}
	return NULL;
}

json_t *
command_dispatch(struct server *s, struct server_request *r)
{
	const struct command_entry *e;
	json_t *reply;
	size_t i;

	for (i = 0; i < sizeof command_table / sizeof *command_table; i++) {
		e = &command_table[i];
		if (strcmp(e->name, r->op) != 0)
			continue;
		if (e->once && r->rid != NULL &&
		    (reply = command_replay(s, r)) != NULL) {
			if (json_is_null(reply)) {
				json_decref(reply);
				return NULL;
			}
			return reply;
		}
		return e->exec(s, r);
	}
	return msg_error(ERROR_UNKNOWN_OP, "unknown operation: %s", r->op);
}
