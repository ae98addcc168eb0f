/*
 * The client side of the command channel. Requests go out on one DEALER
 * socket, each with a request id the server echoes in its reply, so
 * replies may come in any order and none is waited for. A request that
 * times out is sent again with the same id, so the server applies a
 * retried write only once; before it is resent the socket is closed and
 * opened anew, dropping anything still queued for a dead connection,
 * so a write the operator was told had failed is never delivered later
 * (Lazy Pirate, as the ZeroMQ guide has it).
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "client.h"
#include "i18n.h"
#include "keys.h"
#include "log.h"
#include "msg.h"
#include "xmalloc.h"

struct client_request {
	uint64_t	 id;
	char		*rid;
	char		*text;
	int		 timeout_ms;
	int		 attempts;	/* left, this one included */
	int		 sent;		/* on the current socket */
	long long	 deadline;	/* monotonic ms */
	client_fn	*fn;
	void		*arg;
};

struct client {
	char		*endpoint;
	zsock_t		*dealer;
	int		 timeout_ms;
	int		 retries;
	char		 rid_prefix[33];
	uint64_t	 next_id;
	zhashx_t	*requests;	/* rid -> struct client_request */
	unsigned long	 stray;		/* replies to no request of ours */
	const struct keys *keys;	/* CurveZMQ, or NULL: plain */
	char		*session;	/* sent with every request */
	char		*station;	/* claimed on plain links */
};

static void	client_finish(client_t *, struct client_request *, json_t *);

static int
client_open(client_t *c)
{
	zsock_destroy(&c->dealer);
	if ((c->dealer = zsock_new(ZMQ_DEALER)) == NULL)
		return -1;
	zsock_set_linger(c->dealer, 0);
	zsock_set_rcvhwm(c->dealer, 1000);
	keys_apply(c->keys, c->dealer);
	if (zsock_connect(c->dealer, "%s", c->endpoint) == -1) {
		zsock_destroy(&c->dealer);
		return -1;
	}
	return 0;
}

static void
client_request_free(struct client_request *r)
{
	free(r->rid);
	free(r->text);
	free(r);
}

/* Returns NULL if the endpoint is not a valid ZeroMQ endpoint. */
client_t *
client_new(const char *endpoint, int timeout_ms, int retries)
{
	client_t *c = xcalloc(1, sizeof *c);
	zuuid_t *uuid;

	c->endpoint = xstrdup(endpoint);
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : CLIENT_TIMEOUT_MS;
	c->retries = retries > 0 ? retries : CLIENT_RETRIES;
	c->requests = zhashx_new();
	if (client_open(c) == -1) {
		client_destroy(&c);
		return NULL;
	}
	/* Unique across processes and hosts: the server keys replays on it. */
	uuid = zuuid_new();
	snprintf(c->rid_prefix, sizeof c->rid_prefix, "%s", zuuid_str(uuid));
	zuuid_destroy(&uuid);
	return c;
}

void
client_destroy(client_t **cp)
{
	client_t *c = *cp;
	struct client_request *r;
	size_t n;
	json_t *e;

	if (c == NULL)
		return;
	/*
	 * A request already made still goes out, for up to a second: a write
	 * typed just before quitting must not vanish in our queue.
	 */
	if (c->dealer != NULL && zhashx_size(c->requests) > 0)
		zsock_set_linger(c->dealer, CLIENT_CLOSE_LINGER_MS);
	/* Each still gets its one callback; those made meanwhile do not. */
	for (n = zhashx_size(c->requests); n > 0 &&
	    (r = zhashx_first(c->requests)) != NULL; n--) {
		e = msg_error(ERROR_UNREACHABLE, "%s", _("closed before the "
		    "server answered"));
		client_finish(c, r, e);
		json_decref(e);
	}
	for (r = zhashx_first(c->requests); r != NULL;
	    r = zhashx_next(c->requests))
		client_request_free(r);
	zhashx_destroy(&c->requests);
	zsock_destroy(&c->dealer);
	free(c->endpoint);
	if (c->session != NULL)
		explicit_bzero(c->session, strlen(c->session));
	free(c->session);
	free(c->station);
	free(c);
	*cp = NULL;
}

const char *
client_endpoint(client_t *c)
{
	return c->endpoint;
}

zsock_t *
client_sock(client_t *c)
{
	return c->dealer;
}

/*
 * CurveZMQ from now on, with keys (borrowed; NULL: plain). The link is
 * made again: requests waiting are sent again on it.
 */
int
client_set_keys(client_t *c, const struct keys *keys)
{
	struct client_request *r;

	c->keys = keys;
	if (client_open(c) == -1)
		return -1;
	for (r = zhashx_first(c->requests); r != NULL;
	    r = zhashx_next(c->requests))
		r->sent = 0;
	return 0;
}

const struct keys *
client_keys(client_t *c)
{
	return c->keys;
}

/* The session every later request carries (NULL: none). */
void
client_set_session(client_t *c, const char *token)
{
	if (c->session != NULL)
		explicit_bzero(c->session, strlen(c->session));
	free(c->session);
	c->session = token != NULL ? xstrdup(token) : NULL;
}

const char *
client_session(client_t *c)
{
	return c->session;
}

/*
 * The station name a plain link claims; under CurveZMQ the server
 * knows it from the key and ignores this.
 */
void
client_set_station(client_t *c, const char *name)
{
	free(c->station);
	c->station = name != NULL ? xstrdup(name) : NULL;
}

size_t
client_outstanding(client_t *c)
{
	return zhashx_size(c->requests);
}

/*
 * Without waiting: a full queue leaves it for the next tick. The empty
 * delimiter in front, as REQ sends it, lets proxies on the way add
 * their envelopes and the server find where they end.
 */
static void
client_transmit(client_t *c, struct client_request *r)
{
	void *raw;

	if (c->dealer == NULL && client_open(c) == -1)
		return;
	raw = zsock_resolve(c->dealer);
	if (zmq_send(raw, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT) == -1)
		return;
	if (zmq_send(raw, r->text, strlen(r->text), 0) == -1)
		return;
	r->sent = 1;
	r->deadline = zclock_mono() + r->timeout_ms;
}

/*
 * Sends a request (borrowed) with its own timeout and attempts (0: the
 * client's), adding the protocol version and a request id unless it has
 * them. Returns a number for client_cancel().
 */
uint64_t
client_send(client_t *c, json_t *req, int timeout_ms, int attempts,
    client_fn *fn, void *arg)
{
	struct client_request *r = xcalloc(1, sizeof *r), *old;
	const char *rid;

	if (json_object_get(req, "v") == NULL)
		json_object_set_new(req, "v", json_integer(MSG_VERSION));
	if (c->session != NULL && json_object_get(req, "session") == NULL)
		json_object_set_new(req, "session", json_string(c->session));
	if (c->station != NULL && json_object_get(req, "station") == NULL)
		json_object_set_new(req, "station", json_string(c->station));
	/* A null session says: not this one, for this request. */
	if (json_is_null(json_object_get(req, "session")))
		json_object_del(req, "session");
	if ((rid = json_string_value(json_object_get(req, "rid"))) == NULL) {
		r->rid = xasprintf("%s-%llu", c->rid_prefix,
		    (unsigned long long)c->next_id + 1);
		json_object_set_new(req, "rid", json_string(r->rid));
	} else
		r->rid = xstrdup(rid);
	r->id = ++c->next_id;
	r->text = msg_encode(req);
	r->timeout_ms = timeout_ms > 0 ? timeout_ms : c->timeout_ms;
	r->attempts = attempts > 0 ? attempts : c->retries;
	r->fn = fn;
	r->arg = arg;
	r->deadline = zclock_mono() + r->timeout_ms;
	/* A caller's own rid may repeat an outstanding one: the new wins. */
	if ((old = zhashx_lookup(c->requests, r->rid)) != NULL) {
		zhashx_delete(c->requests, old->rid);
		client_request_free(old);
	}
	zhashx_insert(c->requests, r->rid, r);
	client_transmit(c, r);
	return r->id;
}

/* The callback of the request will not be called. */
void
client_cancel(client_t *c, uint64_t id)
{
	struct client_request *r;

	for (r = zhashx_first(c->requests); r != NULL;
	    r = zhashx_next(c->requests))
		if (r->id == id) {
			zhashx_delete(c->requests, r->rid);
			client_request_free(r);
			return;
		}
}

/* Takes the request out of the table, then calls back. */
static void
client_finish(client_t *c, struct client_request *r, json_t *reply)
{
	client_fn *fn = r->fn;
	void *arg = r->arg;

	zhashx_delete(c->requests, r->rid);
	client_request_free(r);
	if (fn != NULL)
		fn(arg, reply);
}

static void
client_reply(client_t *c, zframe_t *f)
{
	struct client_request *r;
	const char *rid;
	char err[160];
	json_t *reply;

	reply = msg_decode(zframe_data(f), zframe_size(f),
	    MSG_REPLY_MAX_BYTES, err, sizeof err);
	rid = json_string_value(json_object_get(reply, "rid"));
	if (rid == NULL || (r = zhashx_lookup(c->requests, rid)) == NULL) {
		/* A late reply to an attempt already answered, or noise. */
		c->stray++;
		json_decref(reply);
		return;
	}
	client_finish(c, r, reply);
	json_decref(reply);
}

/*
 * Takes the replies waiting on the socket, without blocking, for at
 * most CLIENT_SLICE_MS: a station's keys are never kept waiting by a
 * heap of big replies; the rest stays for the next call.
 */
void
client_handle(client_t *c)
{
	long long end = zclock_mono() + CLIENT_SLICE_MS;
	zframe_t *f;
	zmsg_t *m;

	while (c->dealer != NULL && (zsock_events(c->dealer) & ZMQ_POLLIN) &&
	    zclock_mono() < end) {
		if ((m = zmsg_recv(c->dealer)) == NULL)
			break;
		/* [body], or [empty][body] from a server behind a proxy */
		f = zmsg_last(m);
		if (f != NULL && zframe_size(f) > 0)
			client_reply(c, f);
		zmsg_destroy(&m);
	}
}

/*
 * Gives up on requests out of attempts, resends the others that timed
 * out on a new socket, and sends what could not be sent before. Call
 * it a few times a second.
 */
void
client_tick(client_t *c)
{
	long long now = zclock_mono();
	struct client_request *r;
	zlistx_t *done = zlistx_new();
	int reopen = 0;
	json_t *e;

	for (r = zhashx_first(c->requests); r != NULL;
	    r = zhashx_next(c->requests)) {
		if (r->deadline > now)
			continue;
		if (--r->attempts <= 0)
			zlistx_add_end(done, r);
		else
			reopen = 1;
	}
	for (r = zlistx_first(done); r != NULL; r = zlistx_next(done)) {
		e = msg_error(ERROR_UNREACHABLE, "no reply from %s in time",
		    c->endpoint);
		client_finish(c, r, e);
		json_decref(e);
	}
	zlistx_destroy(&done);
	if (reopen || (client_outstanding(c) == 0 && c->dealer == NULL))
		client_open(c);
	for (r = zhashx_first(c->requests); r != NULL;
	    r = zhashx_next(c->requests)) {
		if (reopen)
			r->sent = 0;
		if (!r->sent)
			client_transmit(c, r);
	}
}

static void
client_store(void *arg, json_t *reply)
{
	*(json_t **)arg = json_incref(reply);
}

/*
 * Sends one request and waits for its reply. Always returns a reply
 * object: the server's, or an "unreachable" error made here.
 */
json_t *
client_call_timeout(client_t *c, json_t *req, int timeout_ms, int attempts)
{
	json_t *reply = NULL;
	zpoller_t *p;

	client_send(c, req, timeout_ms, attempts, client_store, &reply);
	while (reply == NULL) {
		p = zpoller_new(c->dealer, NULL);
		zpoller_wait(p, 20);
		zpoller_destroy(&p);
		client_handle(c);
		if (reply == NULL)
			client_tick(c);
	}
	return reply;
}

json_t *
client_call(client_t *c, json_t *req)
{
	return client_call_timeout(c, req, 0, 0);
}

/* Builds the request with json_pack(fmt, ...) and calls it. */
json_t *
client_callf(client_t *c, const char *fmt, ...)
{
	json_error_t jerr;
	json_t *req, *reply;
	va_list ap;

	va_start(ap, fmt);
	req = json_vpack_ex(&jerr, 0, fmt, ap);
	va_end(ap);
	if (req == NULL)
		return msg_error(ERROR_INTERNAL, "cannot build request: %s",
		    jerr.text);
	reply = client_call(c, req);
	json_decref(req);
	return reply;
}

/*
 * The publisher lives on the same host as the command socket; the server
 * tells only its port, so a station needs just one address.
 */
char *
client_pub_endpoint(client_t *c, int port)
{
	const char *host = strstr(c->endpoint, "://");
	const char *colon;

	if (host == NULL)
		return NULL;
	host += 3;
	colon = strrchr(host, ':');
	if (colon == NULL || colon == host)
		return NULL;
	return xasprintf("tcp://%.*s:%d", (int)(colon - host), host, port);
}

const char *
client_default_endpoint(void)
{
	const char *e = getenv("SCADA_SERVER");

	return e != NULL && *e != '\0' ? e : CLIENT_DEFAULT_ENDPOINT;
}

struct client_selftest {
	int	 calls;
	char	 last[64];
};

static void
client_selftest_done(void *arg, json_t *reply)
{
	struct client_selftest *t = arg;
	const char *echo = json_string_value(json_object_get(reply, "echo"));

	t->calls++;
	snprintf(t->last, sizeof t->last, "%s", echo != NULL ? echo :
	    error_name(msg_error_code(reply)));
}

/* What the server side got: the request's rid, and the frames to reply. */
static char *
client_selftest_rid(zmsg_t *m)
{
	zframe_t *f = zmsg_last(m);
	json_t *o = json_loadb((const char *)zframe_data(f), zframe_size(f),
	    0, NULL);
	char *rid;

	CHECK(json_integer_value(json_object_get(o, "v")) == MSG_VERSION);
	rid = xstrdup(json_string_value(json_object_get(o, "rid")));
	json_decref(o);
	zmsg_remove(m, f);
	zframe_destroy(&f);
	return rid;
}

static void
client_selftest_pump(client_t *c, int ms)
{
	long long end = zclock_mono() + ms;
	zpoller_t *p;

	while (zclock_mono() < end) {
		p = zpoller_new(client_sock(c), NULL);
		zpoller_wait(p, 10);
		zpoller_destroy(&p);
		client_handle(c);
		client_tick(c);
	}
}

static void
client_selftest_send(client_t *c, const char *op, int timeout_ms,
    struct client_selftest *t)
{
	json_t *req = json_pack("{s:s}", "op", op);

	client_send(c, req, timeout_ms, 1, client_selftest_done, t);
	json_decref(req);
}

/*
 * Against a ROUTER in this thread: replies out of order are matched by
 * rid, a duplicate reply is dropped, a request nobody answers is retried
 * and then reported unreachable, and a cancelled one never calls back.
 */
void
client_selftest(void)
{
	struct client_selftest a = { 0 }, b = { 0 }, d = { 0 };
	zsock_t *router = zsock_new_router("tcp://127.0.0.1:*");
	char *ep = zsock_last_endpoint(router), *rida, *ridb;
	zmsg_t *ma, *mb, *dup;
	json_t *req, *o;
	client_t *c;
	uint64_t id;

	CHECK(router != NULL && (c = client_new(ep, 100, 2)) != NULL);
	client_selftest_send(c, "a", 2000, &a);
	client_selftest_send(c, "b", 2000, &b);
	CHECK((ma = zmsg_recv(router)) != NULL);
	CHECK((mb = zmsg_recv(router)) != NULL);
	rida = client_selftest_rid(ma);
	ridb = client_selftest_rid(mb);
	zmsg_addstrf(mb, "{\"ok\":true,\"rid\":\"%s\",\"echo\":\"b\"}", ridb);
	zmsg_addstrf(ma, "{\"ok\":true,\"rid\":\"%s\",\"echo\":\"a\"}", rida);
	dup = zmsg_dup(ma);
	zmsg_send(&mb, router);
	zmsg_send(&ma, router);
	zmsg_send(&dup, router);
	client_selftest_pump(c, 200);
	CHECK(a.calls == 1 && b.calls == 1);
	CHECK_STR(a.last, "a");
	CHECK_STR(b.last, "b");
	CHECK(client_outstanding(c) == 0);
	/* Nobody answers now: two attempts, then unreachable. */
	req = json_pack("{s:s}", "op", "lost");
	o = client_call_timeout(c, req, 50, 2);
	json_decref(req);
	CHECK(msg_error_code(o) == ERROR_UNREACHABLE);
	json_decref(o);
	req = json_pack("{s:s}", "op", "cancelled");
	id = client_send(c, req, 50, 1, client_selftest_done, &d);
	json_decref(req);
	client_cancel(c, id);
	client_selftest_pump(c, 100);
	CHECK(d.calls == 0 && client_outstanding(c) == 0);
	/* One still waiting when the client goes gets its one callback. */
	client_selftest_send(c, "orphan", 2000, &d);
	client_destroy(&c);
	CHECK(d.calls == 1);
	CHECK_STR(d.last, "unreachable");
	free(rida);
	free(ridb);
	zstr_free(&ep);
	client_destroy(&c);
	zsock_destroy(&router);
}
