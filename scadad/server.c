/*
 * The server loop. It owns the live image, the PUB and ROUTER sockets,
 * and nothing that can block: PLC traffic runs in driver actors, and a
 * write is sent to its device and answered when the device reports back.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "driver.h"
#include "log.h"
#include "msg.h"
#include "server.h"

#define SERVER_REPLAY_SIZE	4096
#define SERVER_RID_MAX		128

/* Sends the reply (taken) along the envelope (borrowed). */
void
server_reply(struct server *s, zmsg_t *envelope, json_t *reply)
{
	char *text = msg_encode(reply);

	server_reply_text(s, envelope, text != NULL ? text :
	    "{\"ok\":false,\"error\":\"internal\"}");
	free(text);
	json_decref(reply);
}

/* A reply already encoded. */
void
server_reply_text(struct server *s, zmsg_t *envelope, const char *text)
{
	zmsg_t *m = zmsg_dup(envelope);

	zmsg_addstr(m, text);
	zmsg_send(&m, s->router);
}

static void
server_bad_request(struct server *s, zmsg_t *envelope, const char *why)
{
	s->bad_requests++;
	if (log_ratelimit(&s->bad_logged, 5000))
		log_warnx("bad request (%lu so far): %s", s->bad_requests, why);
	server_reply(s, envelope, msg_error(ERROR_BAD_REQUEST, "%s", why));
}

/*
 * Splits [identity...][empty][body] (REQ, or through a proxy) or
 * [identity][body] (a bare DEALER) into envelope and body. Returns the
 * body, or NULL if the message has no single body frame.
 */
static zframe_t *
server_split(zmsg_t *m, zmsg_t *envelope)
{
	zframe_t *f;
	size_t frames = zmsg_size(m);
	int delimited = 0;

	for (f = zmsg_first(m); f != NULL; f = zmsg_next(m))
		if (zframe_size(f) == 0) {
			delimited = 1;
			break;
		}
	while (zmsg_size(m) > 1) {
		f = zmsg_pop(m);
		if (delimited && zframe_size(f) == 0) {
			zmsg_append(envelope, &f);
			break;
		}
		zmsg_append(envelope, &f);
		if (!delimited)
			break;
	}
	if (frames < 2 || zmsg_size(m) != 1)
		return NULL;
	return zmsg_pop(m);
}

static int
server_valid_rid(json_t *rid)
{
	const char *p = json_string_value(rid);
	size_t n = 0;

	if (p == NULL)
		return 0;
	for (; *p != '\0'; p++, n++)
		if (*p <= ' ' || *p > '~')
			return 0;
	return n > 0 && n <= SERVER_RID_MAX;
}

static void
server_request(struct server *s, zmsg_t *m)
{
	struct server_request r = { .envelope = zmsg_new() };
	zframe_t *body = server_split(m, r.envelope);
	json_t *reply, *rid;
	char err[160];

	if (zmsg_size(r.envelope) == 0)
		;	/* nowhere to reply to */
	else if (body == NULL)
		server_bad_request(s, r.envelope,
		    "a request is exactly one frame");
	else if (zframe_size(body) > MSG_MAX_BYTES)
		server_reply(s, r.envelope, msg_error(ERROR_TOO_LARGE,
		    "request of %zu bytes; the limit is %d", zframe_size(body),
		    MSG_MAX_BYTES));
	else if ((r.body = msg_decode(zframe_data(body), zframe_size(body),
	    MSG_MAX_BYTES, err, sizeof err)) == NULL)
		server_bad_request(s, r.envelope, err);
	else if ((r.op = json_string_value(json_object_get(r.body, "op"))) ==
	    NULL)
		server_bad_request(s, r.envelope,
		    "\"op\" is missing or not a string");
	else if ((rid = json_object_get(r.body, "rid")) != NULL &&
	    !server_valid_rid(rid))
		server_bad_request(s, r.envelope, "\"rid\" must be 1 to 128 "
		    "printable ASCII characters without spaces");
	else {
		r.rid = json_string_value(rid);
		if ((reply = command_dispatch(s, &r)) != NULL)
			server_reply(s, r.envelope, reply);
	}
	json_decref(r.body);
	zframe_destroy(&body);
	zmsg_destroy(&r.envelope);
}

static int
server_on_router(zloop_t *loop, zsock_t *router, void *arg)
{
	struct server *s = arg;
	zmsg_t *m;

	/* Bounded, so a flood of requests cannot starve the drivers. */
	for (int i = 0; i < 256 && (zsock_events(router) & ZMQ_POLLIN); i++) {
		if ((m = zmsg_recv(router)) == NULL)
			break;
		s->requests++;
		server_request(s, m);
		zmsg_destroy(&m);
	}
	return 0;
}

static void
server_free_write(void **item)
{
	struct server_write *w = *item;

	if (w == NULL)
		return;
	zmsg_destroy(&w->envelope);
	free(w->rid);
	free(w);
	*item = NULL;
}

struct server_write *
server_write_new(struct server *s, struct server_request *r, int parts)
{
	struct server_write *w = calloc(1, sizeof *w);

	if (w == NULL)
		return NULL;
	w->envelope = zmsg_dup(r->envelope);
	/* The space keeps it apart from every rid a client may send. */
	w->rid = r->rid != NULL ? strdup(r->rid) :
	    zsys_sprintf("anonymous %llu", (unsigned long long)s->next_token);
	w->outstanding = parts;
	w->parts = parts;
	/* Registered under its rid; the rid table owns it. */
	zhashx_insert(s->writes_by_rid, w->rid, w);
	return w;
}

/* The value is borrowed. */
void
server_write_send(struct server *s, struct server_write *w, size_t tag,
    json_t *value)
{
	const struct project_tag *t = &s->project->tags[tag];
	const struct project_device *d = &s->project->devices[t->device];
	long long deadline;
	char token[32];

	snprintf(token, sizeof token, "%llu",
	    (unsigned long long)++s->next_token);
	deadline = zclock_mono() + 4LL * d->timeout_ms * (d->retries + 1) +
	    1000;
	if (deadline > w->deadline)
		w->deadline = deadline;
	zhashx_insert(s->writes_by_token, token, w);
	driver_write(s->drivers[t->device], s->next_token, tag, value);
}

static void
server_write_finish(struct server *s, struct server_write *w)
{
	json_t *reply;
	char *text;

	if (w->error == ERROR_NONE)
		reply = msg_ok();
	else if (w->parts == 1)
		reply = msg_error(w->error, "%s", w->message);
	else	/* say what did happen: the other values were written */
		reply = msg_error(w->error, "%d of %d writes failed, %d "
		    "applied; first failure: %s", w->failed, w->parts,
		    w->parts - w->failed, w->message);
	if (strncmp(w->rid, "anonymous ", 10) != 0 &&
	    (text = msg_encode(reply)) != NULL) {
		replay_store(s->replay, w->rid, text);
		free(text);
	}
	server_reply(s, w->envelope, reply);
	zhashx_delete(s->writes_by_rid, w->rid);
}

static void
server_write_part_done(struct server *s, const char *token,
    enum error_code rc, const char *message)
{
	struct server_write *w = zhashx_lookup(s->writes_by_token, token);

	if (w == NULL)
		return;		/* it timed out before; already answered */
	zhashx_delete(s->writes_by_token, token);
	if (rc != ERROR_NONE && w->failed++ == 0) {
		w->error = rc;
		snprintf(w->message, sizeof w->message, "%s", message);
	}
	if (--w->outstanding == 0)
		server_write_finish(s, w);
}

static void
server_apply_updates(struct server *s, zframe_t *f)
{
	const struct driver_update *u;
	size_t i, n;

	if (f == NULL || zframe_size(f) % sizeof *u != 0)
		return;
	u = (const struct driver_update *)zframe_data(f);
	n = zframe_size(f) / sizeof *u;
	for (i = 0; i < n; i++) {
		if (u[i].tag >= tagdb_count(s->db))
			continue;
		if (tagdb_set(s->db, u[i].tag, &u[i].tv))
			publisher_tag(s->pub, s->project->tags[u[i].tag].name,
			    &u[i].tv);
	}
}

static void
server_device_status(struct server *s, size_t dev, const char *text)
{
	json_t *o = json_loads(text, 0, NULL);

	if (o == NULL)
		return;
	json_decref(s->device_status[dev]);
	s->device_status[dev] = o;
}

static int
server_on_driver(zloop_t *loop, zsock_t *pipe, void *arg)
{
	struct server *s = arg;
	zmsg_t *m = zmsg_recv(pipe);
	char *kind, *token, *rc, *message;
	size_t dev;

	if (m == NULL)
		return 0;
	for (dev = 0; dev < s->project->ndevices; dev++)
		if (zactor_sock(s->drivers[dev]) == pipe)
			break;
	kind = zmsg_popstr(m);
	if (kind != NULL && strcmp(kind, "UPDATE") == 0) {
		zframe_t *f = zmsg_pop(m);

		server_apply_updates(s, f);
		zframe_destroy(&f);
	} else if (kind != NULL && strcmp(kind, "STATUS") == 0) {
		char *text = zmsg_popstr(m);

		if (text != NULL && dev < s->project->ndevices)
			server_device_status(s, dev, text);
		zstr_free(&text);
	} else if (kind != NULL && strcmp(kind, "WROTE") == 0) {
		token = zmsg_popstr(m);
		rc = zmsg_popstr(m);
		message = zmsg_popstr(m);
		if (token != NULL && rc != NULL)
			server_write_part_done(s, token, atoi(rc),
			    message != NULL ? message : "");
		zstr_free(&token);
		zstr_free(&rc);
		zstr_free(&message);
	}
	zstr_free(&kind);
	zmsg_destroy(&m);
	return 0;
}

/* Writes whose device never answered in time get a timeout reply. */
static void
server_expire_writes(struct server *s)
{
	struct server_write *w;
	zlistx_t *late = zlistx_new();
	const char *token;
	long long now = zclock_mono();

	for (w = zhashx_first(s->writes_by_token); w != NULL;
	    w = zhashx_next(s->writes_by_token))
		if (w->deadline < now)
			zlistx_add_end(late,
			    (void *)zhashx_cursor(s->writes_by_token));
	for (token = zlistx_first(late); token != NULL;
	    token = zlistx_next(late))
		server_write_part_done(s, token, ERROR_TIMEOUT,
		    "no answer from the device in time; the write may or may "
		    "not have been applied");
	zlistx_destroy(&late);
}

static int
server_on_heartbeat(zloop_t *loop, int timer, void *arg)
{
	struct server *s = arg;

	publisher_heartbeat(s->pub);
	server_expire_writes(s);
	return 0;
}

static int
server_write_endpoints(struct server *s, const char *path)
{
	char *tmp = zsys_sprintf("%s.tmp", path), *cmd;
	FILE *fp;
	int rc = -1;

	cmd = zsock_last_endpoint(s->router);
	if (tmp != NULL && (fp = fopen(tmp, "w")) != NULL) {
		fprintf(fp, "command %s\npublish %s\n", cmd,
		    publisher_endpoint(s->pub));
		if (fclose(fp) == 0 && rename(tmp, path) == 0)
			rc = 0;
	}
	if (rc == -1)
		log_err("endpoints file %s", path);
	zstr_free(&tmp);
	zstr_free(&cmd);
	return rc;
}

static int
server_bind(struct server *s, const struct server_options *o)
{
	const char *cmd = o->command != NULL ? o->command : s->project->command;
	const char *pub = o->publish != NULL ? o->publish : s->project->publish;
	char err[256];

	if ((s->pub = publisher_new(pub, err, sizeof err)) == NULL) {
		log_errx("%s", err);
		return -1;
	}
	if ((s->router = zsock_new(ZMQ_ROUTER)) == NULL)
		return -1;
	zsock_set_linger(s->router, 200);
	zsock_set_sndhwm(s->router, 100000);
	zsock_set_rcvhwm(s->router, 100000);
	if (zsock_bind(s->router, "%s", cmd) == -1) {
		log_errx("cannot bind command endpoint %s: %s", cmd,
		    zmq_strerror(zmq_errno()));
		return -1;
	}
	if (o->endpoints_file != NULL &&
	    server_write_endpoints(s, o->endpoints_file) == -1)
		return -1;
	return 0;
}

static int
server_start_drivers(struct server *s)
{
	size_t i;

	s->drivers = calloc(s->project->ndevices + 1, sizeof *s->drivers);
	s->device_status = calloc(s->project->ndevices + 1,
	    sizeof *s->device_status);
	if (s->drivers == NULL || s->device_status == NULL)
		return -1;
	for (i = 0; i < s->project->ndevices; i++) {
		s->device_status[i] = json_pack("{s:s, s:b}", "name",
		    s->project->devices[i].name, "connected", 0);
		if ((s->drivers[i] = driver_start(s->project, i)) == NULL) {
			log_errx("device %s: cannot start its driver",
			    s->project->devices[i].name);
			return -1;
		}
		zloop_reader(s->loop, zactor_sock(s->drivers[i]),
		    server_on_driver, s);
	}
	return 0;
}

static void
server_cleanup(struct server *s)
{
	size_t i;

	for (i = 0; s->drivers != NULL && i < s->project->ndevices; i++)
		zactor_destroy(&s->drivers[i]);
	for (i = 0; s->device_status != NULL && i < s->project->ndevices; i++)
		json_decref(s->device_status[i]);
	free(s->drivers);
	free(s->device_status);
	zhashx_destroy(&s->writes_by_token);
	free(s->browse_all);
	zhashx_destroy(&s->writes_by_rid);
	replay_destroy(&s->replay);
	zloop_destroy(&s->loop);
	zsock_destroy(&s->router);
	publisher_destroy(&s->pub);
	tagdb_destroy(&s->db);
}

/* Runs until SIGINT or SIGTERM; returns the exit status. */
int
server_run(struct project *p, const struct server_options *o)
{
	struct server s = { .project = p };
	char *endpoint;
	int rc = 1;

	s.started = zclock_mono();
	s.db = tagdb_new(p);
	s.loop = zloop_new();
	s.replay = replay_new(SERVER_REPLAY_SIZE);
	s.writes_by_rid = zhashx_new();
	s.writes_by_token = zhashx_new();
	if (s.db == NULL || s.loop == NULL || s.replay == NULL ||
	    s.writes_by_rid == NULL || s.writes_by_token == NULL)
		goto out;
	zhashx_set_destructor(s.writes_by_rid, server_free_write);
	if (server_bind(&s, o) == -1 || server_start_drivers(&s) == -1)
		goto out;
	zloop_reader(s.loop, s.router, server_on_router, &s);
	zloop_timer(s.loop, p->heartbeat_ms, 0, server_on_heartbeat, &s);
	endpoint = zsock_last_endpoint(s.router);
	log_info("serving project '%s': %zu devices, %zu tags; commands on "
	    "%s, updates on %s", p->name, p->ndevices, p->ntags, endpoint,
	    publisher_endpoint(s.pub));
	zstr_free(&endpoint);
	if (o->ready != NULL)
		o->ready();
	zloop_start(s.loop);
	log_info("shutting down");
	publisher_system(s.pub, "shutdown", NULL);
	rc = 0;
out:
	server_cleanup(&s);
	return rc;
}
