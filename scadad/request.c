/*
 * Requests as they arrive: everything about the body that does not
 * depend on the operation is checked here, once, so a handler sees only
 * well-formed requests of the version it speaks.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "msg.h"
#include "request.h"
#include "xmalloc.h"

/* A reply to an envelope, without a request: a body we could not read. */
void
request_send(zsock_t *router, zmsg_t *envelope, uint64_t gen, json_t *reply)
{
	zmsg_t *m = zmsg_dup(envelope);
	char *text;

	json_object_set_new(reply, "gen", json_integer((json_int_t)gen));
	text = msg_encode(reply);
	zmsg_addstr(m, text != NULL ? text :
	    "{\"ok\":false,\"error\":\"internal\"}");
	zmsg_send(&m, router);
	free(text);
	json_decref(reply);
}

static json_t *
request_version_error(json_t *v)
{
	json_t *e;

	if (v == NULL)
		e = msg_error(ERROR_VERSION, "the request names no protocol "
		    "version (\"v\"); this server speaks version %d, see "
		    "scada-proto(7)", MSG_VERSION);
	else if (!json_is_integer(v))
		e = msg_error(ERROR_VERSION, "\"v\" must be an integer, a "
		    "JSON number without fraction or exponent; this server "
		    "speaks version %d", MSG_VERSION);
	else
		e = msg_error(ERROR_VERSION, "protocol version %"
		    JSON_INTEGER_FORMAT " is not supported; this server speaks "
		    "version %d, see scada-proto(7)", json_integer_value(v),
		    MSG_VERSION);
	json_object_set_new(e, "supported", json_pack("[i]", MSG_VERSION));
	return e;
}

/*
 * Reads the body of a request. Returns the request, which takes the
 * envelope, or NULL with the error reply in *error (the envelope then
 * stays the caller's).
 */
struct request *
request_new(zsock_t *router, zmsg_t *envelope, zframe_t *body, uint64_t gen,
    json_t **error)
{
	struct request *r;
	json_t *o, *rid, *v, *session;
	char err[160];

	*error = NULL;
	if (zframe_size(body) > MSG_MAX_BYTES) {
		*error = msg_error(ERROR_TOO_LARGE, "request of %zu bytes; the "
		    "limit is %d", zframe_size(body), MSG_MAX_BYTES);
		return NULL;
	}
	if ((o = msg_decode(zframe_data(body), zframe_size(body),
	    MSG_MAX_BYTES, err, sizeof err)) == NULL) {
		*error = msg_error(strstr(err, "JSON values") != NULL ?
		    ERROR_TOO_LARGE : ERROR_BAD_REQUEST, "%s", err);
		return NULL;
	}
	rid = json_object_get(o, "rid");
	v = json_object_get(o, "v");
	session = json_object_get(o, "session");
	if (rid != NULL && !msg_valid_id(rid, MSG_RID_MAX))
		*error = msg_error(ERROR_BAD_REQUEST, "\"rid\" must be 1 to %d "
		    "printable ASCII characters without spaces", MSG_RID_MAX);
	else if (v == NULL || !json_is_integer(v) ||
	    json_integer_value(v) != MSG_VERSION)
		*error = request_version_error(v);
	else if (!json_is_string(json_object_get(o, "op")))
		*error = msg_error(ERROR_BAD_REQUEST,
		    "\"op\" is missing or not a string");
	else if (session != NULL && !msg_valid_id(session, MSG_SESSION_MAX))
		*error = msg_error(ERROR_BAD_REQUEST, "\"session\" must be 1 to "
		    "%d printable ASCII characters", MSG_SESSION_MAX);
	if (*error != NULL) {
		/* Say which request failed, if it said. */
		if (rid != NULL && msg_valid_id(rid, MSG_RID_MAX))
			json_object_set(*error, "rid", rid);
		json_decref(o);
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->router = router;
	r->envelope = envelope;
	r->body = o;
	r->op = json_string_value(json_object_get(o, "op"));
	r->rid = rid != NULL ? xstrdup(json_string_value(rid)) : NULL;
	r->session = json_string_value(session);
	r->gen = gen;
	return r;
}

void
request_destroy(struct request **rp)
{
	struct request *r = *rp;

	if (r == NULL)
		return;
	zmsg_destroy(&r->envelope);
	json_decref(r->body);
	free(r->rid);
	free(r->peer);
	free(r->addr);
	free(r->key);
	free(r);
	*rp = NULL;
}

/* The station a ZAP handler vouched for, or NULL (plain links). */
void
request_set_peer(struct request *r, const char *peer, const char *addr)
{
	free(r->peer);
	r->peer = peer != NULL && *peer != '\0' ? xstrdup(peer) : NULL;
	free(r->addr);
	r->addr = addr != NULL && *addr != '\0' ? xstrdup(addr) : NULL;
}

/*
 * What a retry is known by: its rid and who sent it, the CURVE station
 * (else the station claimed) and the session. Another client that
 * reuses a rid is not retrying, and gets nobody else's reply: a login's
 * holds a session token. NULL without a rid.
 */
const char *
request_key(struct request *r)
{
	const char *st = r->peer;

	if (r->rid == NULL)
		return NULL;
	if (r->key == NULL) {
		if (st == NULL)
			st = json_string_value(json_object_get(r->body,
			    "station"));
		r->key = xasprintf("%s\n%s\n%s", r->rid, st != NULL ? st : "",
		    r->session != NULL ? r->session : "");
	}
	return r->key;
}

/* Sends the reply (taken), with the request's id and generation. */
void
request_reply(struct request *r, json_t *reply)
{
	if (r->rid != NULL)
		json_object_set_new(reply, "rid", json_string(r->rid));
	request_send(r->router, r->envelope, r->gen, reply);
}

/* A reply already encoded, as a replayed one is. */
void
request_reply_text(struct request *r, const char *text)
{
	zmsg_t *m = zmsg_dup(r->envelope);

	zmsg_addstr(m, text);
	zmsg_send(&m, r->router);
}

static json_t *
request_selftest_try(const char *text)
{
	zframe_t *f = zframe_new(text, strlen(text));
	zmsg_t *env = zmsg_new();
	struct request *r;
	json_t *e;

	r = request_new(NULL, env, f, 3, &e);
	zframe_destroy(&f);
	if (r != NULL) {
		request_destroy(&r);
		return msg_ok();
	}
	zmsg_destroy(&env);
	return e;
}

static void
request_selftest_expect(const char *text, enum error_code code)
{
	json_t *e = request_selftest_try(text);

	if (msg_error_code(e) != code)
		fprintf(stderr, "request_selftest: %s: got %s, want %s\n",
		    text, error_name(msg_error_code(e)), error_name(code));
	CHECK(msg_error_code(e) == code);
	json_decref(e);
}

void
request_selftest(void)
{
	json_t *e;

	request_selftest_expect("{\"v\":2,\"op\":\"ping\"}", ERROR_NONE);
	request_selftest_expect("{\"v\":2,\"op\":\"ping\",\"rid\":\"a-1\","
	    "\"session\":\"s\"}", ERROR_NONE);
	/* A version-1 client gets a version error, whatever it asks. */
	request_selftest_expect("{\"op\":\"hello\",\"version\":1}",
	    ERROR_VERSION);
	request_selftest_expect("{\"op\":\"read\",\"tags\":[\"x\"]}",
	    ERROR_VERSION);
	request_selftest_expect("{\"v\":1,\"op\":\"ping\"}", ERROR_VERSION);
	request_selftest_expect("{\"v\":2.0,\"op\":\"ping\"}", ERROR_VERSION);
	request_selftest_expect("{\"v\":2}", ERROR_BAD_REQUEST);
	request_selftest_expect("{\"v\":2,\"op\":7}", ERROR_BAD_REQUEST);
	request_selftest_expect("{\"v\":2,\"op\":\"ping\",\"rid\":\"a b\"}",
	    ERROR_BAD_REQUEST);
	request_selftest_expect("{\"v\":2,\"op\":\"ping\",\"session\":5}",
	    ERROR_BAD_REQUEST);
	request_selftest_expect("[1]", ERROR_BAD_REQUEST);
	e = request_selftest_try("{\"op\":\"ping\",\"rid\":\"r-9\"}");
	CHECK_STR(json_string_value(json_object_get(e, "rid")), "r-9");
	CHECK(json_integer_value(json_array_get(json_object_get(e,
	    "supported"), 0)) == MSG_VERSION);
	json_decref(e);
}
