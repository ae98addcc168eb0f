/*
 * The server loop. It owns the live image, the PUB and ROUTER sockets,
 * and nothing that can block: PLC traffic runs in driver actors, and a
 * write is sent to its device and answered when the device reports back.
 * No request may hold the loop for long: requests are taken a few
 * milliseconds' worth at a time, so the heartbeat and the drivers'
 * updates keep their period whatever the load.
 */
#include "config.h"

#include <errno.h>
#include <sys/signalfd.h>

#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "command.h"
#include "daemon.h"
#include "devices.h"
#include "driver_conf.h"
#include "log.h"
#include "msg.h"
#include "security_conf.h"
#include "server.h"
#include "server_conf.h"
#include "xmalloc.h"
#include "zap.h"

#define SERVER_REPLAY_SIZE	4096
#define SERVER_PENDING_MAX	10000
#define SERVER_SLICE_MS		5	/* of requests, between other work */
#define SERVER_SLICE_MAX	256
#define SERVER_ALARM_TICK_MS	100

struct server {
	struct project		*project;
	zloop_t			*loop;
	zsock_t			*router;
	publisher_t		*pub;
	image_t			*image;
	devices_t		*devices;
	pending_t		*pending;
	replay_t		*replay;
	sessions_t		*sessions;
	auth_t			*auth;
	audit_t			*audit;
	throttle_t		*throttle;
	zap_t			*zap;
	alarms_t		*alarms;
	journal_t		*journal;
	struct project		*config;	/* as last loaded: env.config */
	int			 sigfd;		/* SIGHUP, or -1 */
	size_t			 restored;	/* alarms the journal set */
	zcert_t			*cert;		/* CurveZMQ: the server's */
	struct cmd_stats	 stats;
	struct cmd_env		 env;
	long long		 bad_logged;
	size_t			 trim_bytes;	/* dropped since the last trim */
};

static void
server_bad_request(struct server *s, zmsg_t *envelope, json_t *reply)
{
	s->stats.bad_requests++;
	if (log_ratelimit(&s->bad_logged, 5000))
		log_warnx("bad request (%lu so far): %s", s->stats.bad_requests,
		    msg_error_message(reply));
	request_send(s->router, envelope, project_gen(s->project), reply);
}

/*
 * Receives one message frame by frame, keeping at most MSG_MAX_FRAMES
 * frames of at most MSG_MAX_BYTES in all; the rest of a bigger one is
 * read and dropped at once, a one-byte frame in its place so that the
 * envelope before it still finds its end. Returns the frames, or NULL
 * if there were none; *dropped counts the bytes let go.
 */
/* Who sent a request, as libzmq knows it. */
struct server_peer {
	char	station[PROJECT_NAME_MAX + 1];	/* its CURVE key's */
	char	addr[64];			/* numeric, as PAM's rhost */
};

static zmsg_t *
server_recv(struct server *s, size_t *dropped, struct server_peer *peer)
{
	void *raw = zsock_resolve(s->router);
	size_t total = 0, frames = 0;
	zmsg_t *m = zmsg_new();
	const char *user;
	zframe_t *f;
	zmq_msg_t part;
	int more;

	*dropped = 0;
	peer->station[0] = peer->addr[0] = '\0';
	do {
		zmq_msg_init(&part);
		if (zmq_msg_recv(&part, raw, ZMQ_DONTWAIT) == -1) {
			zmq_msg_close(&part);
			break;
		}
		/*
		 * The station the ZAP handler let in; none on plain links.
		 * The routing id ROUTER puts first carries no metadata: the
		 * frames the peer sent do.
		 */
		if (peer->station[0] == '\0' && s->zap != NULL &&
		    (user = zmq_msg_gets(&part, "User-Id")) != NULL)
			snprintf(peer->station, sizeof peer->station, "%s",
			    user);
		if (peer->addr[0] == '\0' &&
		    (user = zmq_msg_gets(&part, "Peer-Address")) != NULL)
			snprintf(peer->addr, sizeof peer->addr, "%s", user);
		more = zmq_msg_more(&part);
		total += zmq_msg_size(&part);
		if (++frames <= MSG_MAX_FRAMES &&
		    total <= MSG_MAX_BYTES + 4096) {
			f = zframe_new(zmq_msg_data(&part), zmq_msg_size(&part));
			zmsg_append(m, &f);
		} else {
			if (*dropped == 0)
				zmsg_addstr(m, "-");
			*dropped += zmq_msg_size(&part) + (*dropped == 0);
		}
		zmq_msg_close(&part);
	} while (more);
	if (frames == 0)
		zmsg_destroy(&m);
	return m;
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

static void
server_request(struct server *s, zmsg_t *m, size_t dropped,
    const struct server_peer *peer)
{
	zmsg_t *envelope = zmsg_new();
	zframe_t *body = server_split(m, envelope);
	struct request *r = NULL;
	json_t *error = NULL;

	if (zmsg_size(envelope) == 0)
		;	/* nowhere to reply to */
	else if (dropped > 0)
		server_bad_request(s, envelope, msg_error(ERROR_TOO_LARGE,
		    "request of more than %d bytes or %d frames; it was "
		    "dropped", MSG_MAX_BYTES, MSG_MAX_FRAMES));
	else if (body == NULL)
		server_bad_request(s, envelope, msg_error(ERROR_BAD_REQUEST,
		    "a request is exactly one frame"));
	else if ((r = request_new(s->router, envelope, body,
	    project_gen(s->project), &error)) == NULL)
		server_bad_request(s, envelope, error);
	else {
		envelope = NULL;	/* the request's now */
		request_set_peer(r, peer->station, peer->addr);
		command_dispatch(&s->env, &r);
	}
	zframe_destroy(&body);
	zmsg_destroy(&envelope);
}

/*
 * The end of a piece of the loop's work: its values go out, and its
 * alarm transitions to the journal, each as one batch.
 */
static void
server_done(struct server *s)
{
	publisher_flush(s->pub);
	journal_flush(s->journal);
}

static int
server_on_router(zloop_t *loop, zsock_t *router, void *arg)
{
	struct server *s = arg;
	long long end = zclock_mono() + SERVER_SLICE_MS;
	struct server_peer peer;
	size_t dropped;
	zmsg_t *m;
	int i;

	/* A slice, so a flood of requests cannot starve the rest. */
	for (i = 0; i < SERVER_SLICE_MAX && zclock_mono() < end &&
	    (zsock_events(router) & ZMQ_POLLIN); i++) {
		if ((m = server_recv(s, &dropped, &peer)) == NULL)
			break;
		s->stats.requests++;
		server_request(s, m, dropped, &peer);
		zmsg_destroy(&m);
		s->trim_bytes += dropped;
	}
	server_done(s);
	/* What a huge request cost goes back to the system. */
	if (s->trim_bytes > MSG_MAX_BYTES) {
		malloc_trim(0);
		s->trim_bytes = 0;
	}
	return 0;
}

/*
 * A value changed: into the image and out, and past the alarms that
 * watch it, whose transitions follow it out in the same order.
 */
static void
server_changed(struct server *s, const struct project_tag *t,
    const struct tagval *tv)
{
	if (!image_set(s->image, t->id, tv))
		return;
	publisher_tag(s->pub, t->name, tv);
	alarms_value(s->alarms, t, tv);
}

/* A driver's batch: the changes go into the image and out at once. */
static void
server_on_update(void *arg, const struct driver_update *u, size_t n)
{
	struct server *s = arg;
	const struct project_tag *t;
	size_t i;

	for (i = 0; i < n; i++)
		if ((t = project_tag_by_id(s->project, u[i].id)) != NULL)
			server_changed(s, t, &u[i].tv);
	server_done(s);
}

/* An alarm's transition as the journal keeps it. */
static void
server_journal(struct server *s, const struct alarm *a, const char *event,
    const struct alarm_actor *who)
{
	char text[64];
	struct journal_entry e = {
		.ts = a->since_ms,
		.alarm = a->def->id,
		.tag = a->def->tag,
		.kind = alarm_kind_name(a->def->kind),
		.event = event,
		.state = alarm_state_name(alarm_state(a)),
		.value = a->has_value ? alarm_text(a, text, sizeof text) : NULL,
		.priority = a->def->priority,
		.area = a->def->area,
		.message = a->texts->message,
		.user = who->user,
		.station = who->station,
		.comment = who->comment,
		.flags = alarm_flags(a),
		.until = a->shelved ? a->shelved_until : 0,
	};

	journal_log(s->journal, &e);
}

/* An alarm's transition: one publication, in the sequence. */
static void
server_on_alarm(void *arg, const struct alarm *a, const char *event,
    const struct alarm_actor *who)
{
	struct server *s = arg;
	json_t *o = json_pack("{s:s, s:o}", "event", event, "alarm",
	    alarm_json(a));

	if (who->user != NULL)
		json_object_set_new(o, "user", json_string(who->user));
	if (who->station != NULL)
		json_object_set_new(o, "station", json_string(who->station));
	if (who->comment != NULL)
		json_object_set_new(o, "comment", json_string(who->comment));
	/* The event flushes the batch: the value that caused it goes first. */
	publisher_event(s->pub, MSG_TOPIC_ALARM, o);
	json_decref(o);
	server_journal(s, a, event, who);
}


/*
 * SIGHUP: the project read again. What stations are told of themselves
 * ([station]) and their screens ([screens]) takes effect at once: a new
 * generation, and sys/reload, which has every station greet the server
 * again. The rest (devices, tags, alarms, rights) takes a restart. A
 * project with an error changes nothing.
 */
static void
server_reload(struct server *s)
{
	struct project *p;
	char err[512];

	if ((p = project_load(project_path(s->project), s->project, err,
	    sizeof err)) == NULL) {
		log_errx("reload: %s; the project in use stays", err);
		return;
	}
	project_unref(&s->config);
	s->config = p;
	s->env.config = p;
	publisher_flush(s->pub);	/* what came before, in the old one */
	project_set_gen(s->project, project_gen(s->project) + 1);
	project_set_gen(p, project_gen(s->project));
	publisher_set_gen(s->pub, project_gen(s->project));
	publisher_event(s->pub, MSG_TOPIC_RELOAD, NULL);
	log_info("reloaded %s (generation %llu): stations and screens as it "
	    "says now; changes to devices, tags, alarms and rights take a "
	    "restart", project_path(p), (unsigned long long)project_gen(p));
}

/* SIGHUP, as the signalfd reads it (main.c blocks it in every thread). */
static int
server_on_signal(zloop_t *loop, zmq_pollitem_t *item, void *arg)
{
	struct signalfd_siginfo si;

	while (read(item->fd, &si, sizeof si) == (ssize_t)sizeof si)
		if (si.ssi_signo == SIGHUP)
			server_reload(arg);
	return 0;
}

static void
server_signals(struct server *s)
{
	zmq_pollitem_t item = { NULL, -1, ZMQ_POLLIN, 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	if ((item.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1) {
		log_warn("signalfd: SIGHUP will not reload the project");
		return;
	}
	s->sigfd = item.fd;
	zloop_poller(s->loop, &item, server_on_signal, s);
}

static int
server_on_alarm_tick(zloop_t *loop, int timer, void *arg)
{
	struct server *s = arg;

	alarms_tick(s->alarms, tagval_now_ms());
	server_done(s);
	return 0;
}

static void
server_on_wrote(void *arg, uint64_t token, enum error_code rc,
    const char *message)
{
	struct server *s = arg;

	cmd_tags_wrote(&s->env, token, rc, message);
}

/* A driver gone quiet: its good values are no longer known to be. */
static void
server_on_quiet(void *arg, const struct device_conf *d, long long ms)
{
	struct server *s = arg;
	struct tagval tv;
	size_t i;

	for (i = 0; i < d->ntags + DEVICE_STATUS_COUNT; i++) {
		const struct project_tag *t = i < d->ntags ? d->tags[i] :
		    d->status[i - d->ntags];

		if (t == NULL)
			continue;
		image_get(s->image, t->id, &tv);
		if (tv.quality != QUALITY_GOOD)
			continue;
		tv.quality = QUALITY_UNCERTAIN;
		snprintf(tv.reason, sizeof tv.reason, "not confirmed by its "
		    "device for %lld s", ms / 1000);
		tv.ts_ms = tagval_now_ms();
		server_changed(s, t, &tv);
	}
	server_done(s);
}

static int
server_on_heartbeat(zloop_t *loop, int timer, void *arg)
{
	struct server *s = arg;
	long long now = zclock_mono();

	publisher_heartbeat(s->pub);
	pending_expire(s->pending, now, &s->env);
	devices_check(s->devices, now);
	cmd_login_tick(&s->env, now);
	return 0;
}

static void
server_on_helper(void *arg, uint64_t id, const char *op, json_t *m)
{
	struct server *s = arg;

	cmd_login_helper(&s->env, id, op, m);
}

static void
server_on_session_end(void *arg, const struct session *ss, const char *why)
{
	struct server *s = arg;

	cmd_session_ended(&s->env, ss, why);
}

static void
server_on_audit_answer(void *arg, uint64_t token, json_t *answer)
{
	struct server *s = arg;

	cmd_audit_answer(&s->env, token, answer);
}

static int
server_on_audit(zloop_t *loop, zsock_t *sock, void *arg)
{
	struct server *s = arg;

	audit_handle(s->audit);
	return 0;
}

/* The ZAP handler's question: whose is this key? */
static const char *
server_station_of(void *arg, const char *key)
{
	struct server *s = arg;
	const struct access_station *st = access_station_by_key(s->project,
	    key);

	return st != NULL ? st->name : NULL;
}

/*
 * CurveZMQ: the server's key pair, and the handler that admits only
 * registered stations, bound before either socket. Plain links only on
 * loopback unless the project insists, and never without a warning.
 */
static int
server_security(struct server *s, const struct server_options *o,
    const char *cmd, const char *pub)
{
	const struct security_conf *sc = security_conf(s->project);

	if (!sc->curve) {
		if (!sc->plain_remote && (!security_conf_loopback(cmd) ||
		    !security_conf_loopback(pub))) {
			log_errx("curve = no: commands, values and passwords "
			    "would cross the network in clear text; bind to "
			    "127.0.0.1 or set plain_remote = yes");
			return -1;
		}
		log_warnx("CurveZMQ is off ([security] curve = no): commands, "
		    "values and passwords go in clear text");
		return 0;
	}
	/* Loaded and checked before scadad gave up root: o->cert. */
	if ((s->cert = o->cert) == NULL) {
		log_errx("server key %s: not loaded", sc->server_key);
		return -1;
	}
	if ((s->zap = zap_new(s->loop, server_station_of, s)) == NULL)
		return -1;
	log_info("CurveZMQ on: server key %s, %zu stations registered",
	    zcert_public_txt(s->cert), access_nstations(s->project));
	return 0;
}

/* The audit trail, in the data directory (made if its parent exists). */
static int
server_open_audit(struct server *s, const struct server_options *o)
{
	char err[512] = "", *path;
	int rc = -1;

	path = security_conf_audit_path(s->project, o->data_dir);
	if (daemon_mkdir_for(path, "audit trail", "create it, or name "
	    "another in [server] data_dir or with -D") == 0 &&
	    (s->audit = audit_new(path, server_on_audit_answer, s, err,
	    sizeof err)) != NULL) {
		zloop_reader(s->loop, audit_sock(s->audit), server_on_audit, s);
		rc = 0;
	} else if (s->audit == NULL && err[0] != '\0')
		log_errx("%s", err);
	free(path);
	return rc;
}

static void
server_on_journal_answer(void *arg, uint64_t token, json_t *answer)
{
	struct server *s = arg;

	cmd_alarm_journal_answer(&s->env, token, answer);
}

static int
server_on_journal(zloop_t *loop, zsock_t *sock, void *arg)
{
	struct server *s = arg;

	journal_handle(s->journal);
	return 0;
}

static void
server_on_journal_state(void *arg, const struct journal_state *js)
{
	struct server *s = arg;

	alarms_restore(s->alarms, js);
	s->restored++;
}

/*
 * The alarm journal, beside the audit trail; the alarms start as it
 * says they were left, acknowledgements and shelves included.
 */
static int
server_open_journal(struct server *s, const struct server_options *o)
{
	char err[512] = "", *path;
	int rc = -1;

	path = alarm_conf_journal_path(s->project, o->data_dir);
	if (daemon_mkdir_for(path, "alarm journal", "create it, or name "
	    "another in [server] data_dir or with -D") == 0 &&
	    (s->journal = journal_new(path, server_on_journal_answer, s, err,
	    sizeof err)) != NULL) {
		zloop_reader(s->loop, journal_sock(s->journal),
		    server_on_journal, s);
		if (journal_states(path, server_on_journal_state, s, err,
		    sizeof err) == -1)
			log_warnx("%s: the alarms start normal", err);
		else if (s->restored > 0)
			log_info("%zu alarms as the journal left them",
			    s->restored);
		rc = 0;
	} else if (s->journal == NULL && err[0] != '\0')
		log_errx("%s", err);
	free(path);
	return rc;
}

static int
server_write_endpoints(struct server *s, const char *path)
{
	char *tmp = xasprintf("%s.tmp", path), *cmd;
	FILE *fp;
	int rc = -1;

	cmd = zsock_last_endpoint(s->router);
	if ((fp = fopen(tmp, "w")) != NULL) {
		fprintf(fp, "command %s\npublish %s\n", cmd,
		    publisher_endpoint(s->pub));
		if (fclose(fp) == 0 && rename(tmp, path) == 0)
			rc = 0;
	}
	if (rc == -1)
		log_err("endpoints file %s", path);
	free(tmp);
	zstr_free(&cmd);
	return rc;
}

static int
server_bind(struct server *s, const struct server_options *o)
{
	const struct server_conf *sc = server_conf(s->project);
	const char *cmd = o->command != NULL ? o->command : sc->command;
	const char *pub = o->publish != NULL ? o->publish : sc->publish;
	char err[256];

	if (server_security(s, o, cmd, pub) == -1)
		return -1;
	if ((s->pub = publisher_new(pub, s->cert, err, sizeof err)) == NULL) {
		log_errx("%s", err);
		return -1;
	}
	publisher_set_gen(s->pub, project_gen(s->project));
	if ((s->router = zsock_new(ZMQ_ROUTER)) == NULL)
		return -1;
	zsock_set_linger(s->router, 200);
	zsock_set_sndhwm(s->router, 100000);
	zsock_set_rcvhwm(s->router, 100000);
	/* A frame this big never reaches us: its sender is cut off. */
	zsock_set_maxmsgsize(s->router, MSG_TRANSPORT_MAX);
	if (s->cert != NULL)
		zap_secure(s->router, s->cert);
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

static void
server_cleanup(struct server *s)
{
	cmd_logins_destroy(&s->env.logins, &s->env);
	pending_destroy(&s->pending);
	sessions_destroy(&s->sessions);
	throttle_destroy(&s->throttle);
	auth_destroy(&s->auth);
	devices_destroy(&s->devices);
	replay_destroy(&s->replay);
	zsock_destroy(&s->router);
	publisher_destroy(&s->pub);
	zap_destroy(&s->zap);
	audit_destroy(&s->audit);
	project_unref(&s->config);
	if (s->sigfd >= 0)
		close(s->sigfd);
	journal_destroy(&s->journal);
	alarms_destroy(&s->alarms);
	zloop_destroy(&s->loop);
	image_destroy(&s->image);
}

static int
server_start(struct server *s, const struct server_options *o)
{
	const struct devices_events ev = {
		.update = server_on_update,
		.wrote = server_on_wrote,
		.quiet = server_on_quiet,
		.arg = s,
	};

	s->stats.started = zclock_mono();
	s->image = image_new(s->project);
	s->loop = zloop_new();
	s->replay = replay_new(SERVER_REPLAY_SIZE);
	s->pending = pending_new(SERVER_PENDING_MAX);
	s->sessions = sessions_new(server_on_session_end, s);
	s->throttle = throttle_new();
	s->auth = auth_new(o->auth_fd, s->loop, server_on_helper, s);
	/* Before the devices: their first values pass the alarms too. */
	s->alarms = alarms_new(s->project, server_on_alarm, s);
	if (server_open_audit(s, o) == -1 || server_open_journal(s, o) == -1 ||
	    server_bind(s, o) == -1)
		return -1;
	if ((s->devices = devices_new(s->project, s->loop, &ev)) == NULL)
		return -1;
	s->config = project_ref(s->project);
	s->env = (struct cmd_env){
		.project = s->project,
		.config = s->config,
		.image = s->image,
		.pub = s->pub,
		.devices = s->devices,
		.pending = s->pending,
		.replay = s->replay,
		.stats = &s->stats,
		.sessions = s->sessions,
		.auth = s->auth,
		.audit = s->audit,
		.throttle = s->throttle,
		.logins = cmd_logins_new(),
		.alarms = s->alarms,
		.journal = s->journal,
	};
	zloop_reader(s->loop, s->router, server_on_router, s);
	zloop_timer(s->loop, server_conf(s->project)->heartbeat_ms, 0,
	    server_on_heartbeat, s);
	/* Delays and timed shelving: a tenth of a second is fine enough. */
	zloop_timer(s->loop, SERVER_ALARM_TICK_MS, 0, server_on_alarm_tick, s);
	server_signals(s);
	return 0;
}

/* Runs until SIGINT or SIGTERM; returns the exit status. */
int
server_run(struct project *p, const struct server_options *o)
{
	struct server s = { .project = p, .sigfd = -1 };
	char *endpoint;
	int rc = 1;

	if (server_start(&s, o) == 0) {
		endpoint = zsock_last_endpoint(s.router);
		log_info("serving project '%s': %zu devices, %zu tags; "
		    "commands on %s, updates on %s", project_name(p),
		    driver_conf_count(p), project_ntags(p), endpoint,
		    publisher_endpoint(s.pub));
		zstr_free(&endpoint);
		if (o->ready != NULL)
			o->ready();
		zloop_start(s.loop);
		log_info("shutting down");
		publisher_event(s.pub, MSG_TOPIC_SHUTDOWN, NULL);
		rc = 0;
	}
	server_cleanup(&s);
	return rc;
}
