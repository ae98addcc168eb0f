/*
 * The client side of the command channel. A REQ socket that timed out is
 * unusable (its state machine waits for a reply forever), so on timeout
 * we close it and open a new one. Every request carries a request id, the
 * same on every retry, so the server applies a retried write only once.
 */
#include "config.h"

#include <czmq.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "msg.h"

struct client {
	char		*endpoint;
	zsock_t		*req;
	int		 timeout_ms;
	int		 retries;
	char		 rid_prefix[33];
	unsigned long	 rid_next;
};

static int
client_open(client_t *c)
{
	zsock_destroy(&c->req);
	c->req = zsock_new(ZMQ_REQ);
	if (c->req == NULL)
		return -1;
	zsock_set_linger(c->req, 0);
	if (zsock_connect(c->req, "%s", c->endpoint) == -1) {
		zsock_destroy(&c->req);
		return -1;
	}
	return 0;
}

/* Returns NULL if the endpoint is not a valid ZeroMQ endpoint. */
client_t *
client_new(const char *endpoint, int timeout_ms, int retries)
{
	client_t *c;
	zuuid_t *uuid;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	c->endpoint = strdup(endpoint);
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : CLIENT_TIMEOUT_MS;
	c->retries = retries > 0 ? retries : CLIENT_RETRIES;
	uuid = zuuid_new();
	if (uuid == NULL || c->endpoint == NULL || client_open(c) == -1) {
		zuuid_destroy(&uuid);
		client_destroy(&c);
		return NULL;
	}
	/* Unique across processes and hosts: the server keys replays on it. */
	snprintf(c->rid_prefix, sizeof c->rid_prefix, "%s", zuuid_str(uuid));
	zuuid_destroy(&uuid);
	return c;
}

void
client_destroy(client_t **cp)
{
	client_t *c = *cp;

	if (c == NULL)
		return;
	zsock_destroy(&c->req);
	free(c->endpoint);
	free(c);
	*cp = NULL;
}

const char *
client_endpoint(client_t *c)
{
	return c->endpoint;
}

/*
 * Sends one request and waits for its reply. Always returns a reply
 * object: the server's, or an "unreachable" error made here. The request
 * is borrowed; a "rid" is added if it has none.
 */
json_t *
client_call(client_t *c, json_t *req)
{
	char *text, err[128];
	json_t *reply = NULL;
	int attempt;

	if (json_object_get(req, "rid") == NULL)
		json_object_set_new(req, "rid", json_sprintf("%s-%lu",
		    c->rid_prefix, c->rid_next++));
	if ((text = msg_encode(req)) == NULL)
		return msg_error(ERROR_INTERNAL, "cannot encode request");
	for (attempt = 0; attempt < c->retries && reply == NULL; attempt++) {
		zpoller_t *p;
		zframe_t *f;

		if (c->req == NULL && client_open(c) == -1)
			break;
		if (zstr_send(c->req, text) == -1) {
			client_open(c);
			continue;
		}
		p = zpoller_new(c->req, NULL);
		if (zpoller_wait(p, c->timeout_ms) == c->req &&
		    (f = zframe_recv(c->req)) != NULL) {
			reply = msg_decode(zframe_data(f), zframe_size(f),
			    MSG_REPLY_MAX_BYTES, err, sizeof err);
			if (reply == NULL)
				reply = msg_error(ERROR_BAD_REQUEST,
				    "malformed reply from server: %s", err);
			zframe_destroy(&f);
		}
		zpoller_destroy(&p);
		if (reply == NULL)
			client_open(c);
	}
	free(text);
	if (reply == NULL)
		reply = msg_error(ERROR_UNREACHABLE,
		    "no reply from %s after %d attempts of %d ms",
		    c->endpoint, c->retries, c->timeout_ms);
	return reply;
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
	return zsys_sprintf("tcp://%.*s:%d", (int)(colon - host), host, port);
}

const char *
client_default_endpoint(void)
{
	const char *e = getenv("SCADA_SERVER");

	return e != NULL && *e != '\0' ? e : CLIENT_DEFAULT_ENDPOINT;
}
