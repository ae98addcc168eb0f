/*
 * ZAP requests come from libzmq's own threads during the handshake, on
 * an inproc socket of this process; the server loop answers them like
 * any other socket, so the table of keys is the running project's.
 */
#include "config.h"

#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "zap.h"

#define ZAP_ENDPOINT	"inproc://zeromq.zap.01"

struct zap {
	zsock_t		*rep;
	zloop_t		*loop;
	zap_lookup_fn	*lookup;
	void		*arg;
	unsigned long	 refused;
	long long	 logged;
};

static void
zap_reply(zap_t *z, const char *version, const char *id, const char *code,
    const char *text, const char *user)
{
	zmsg_t *m = zmsg_new();

	zmsg_addstr(m, version);
	zmsg_addstr(m, id);
	zmsg_addstr(m, code);
	zmsg_addstr(m, text);
	zmsg_addstr(m, user);
	zmsg_addmem(m, NULL, 0);	/* no metadata */
	zmsg_send(&m, z->rep);
}

static int
zap_on_request(zloop_t *loop, zsock_t *rep, void *arg)
{
	zap_t *z = arg;
	zmsg_t *m = zmsg_recv(rep);
	char *version, *id, *domain, *address, *mechanism, key[41];
	zframe_t *identity, *cred;
	const char *station = NULL;

	if (m == NULL)
		return 0;
	version = zmsg_popstr(m);
	id = zmsg_popstr(m);
	domain = zmsg_popstr(m);
	address = zmsg_popstr(m);
	identity = zmsg_pop(m);
	mechanism = zmsg_popstr(m);
	cred = zmsg_pop(m);
	if (mechanism != NULL && strcmp(mechanism, "CURVE") == 0 &&
	    cred != NULL && zframe_size(cred) == 32 &&
	    zmq_z85_encode(key, zframe_data(cred), 32) != NULL)
		station = z->lookup(z->arg, key);
	if (station != NULL)
		zap_reply(z, "1.0", id != NULL ? id : "", "200", "OK", station);
	else {
		z->refused++;
		if (log_ratelimit(&z->logged, 10000))
			log_warnx("refused a connection from %s: its key is no "
			    "registered station's (%lu refused so far)",
			    address != NULL ? address : "?", z->refused);
		zap_reply(z, "1.0", id != NULL ? id : "", "400",
		    "not a registered station", "");
	}
	zstr_free(&version);
	zstr_free(&id);
	zstr_free(&domain);
	zstr_free(&address);
	zstr_free(&mechanism);
	zframe_destroy(&identity);
	zframe_destroy(&cred);
	zmsg_destroy(&m);
	return 0;
}

/* Bind before any socket that uses the domain. */
zap_t *
zap_new(zloop_t *loop, zap_lookup_fn *lookup, void *arg)
{
	zap_t *z = xcalloc(1, sizeof *z);

	z->loop = loop;
	z->lookup = lookup;
	z->arg = arg;
	if ((z->rep = zsock_new_rep("@" ZAP_ENDPOINT)) == NULL) {
		log_errx("cannot bind the ZAP handler at %s", ZAP_ENDPOINT);
		free(z);
		return NULL;
	}
	zloop_reader(loop, z->rep, zap_on_request, z);
	return z;
}

void
zap_destroy(zap_t **zp)
{
	zap_t *z = *zp;

	if (z == NULL)
		return;
	zloop_reader_end(z->loop, z->rep);
	zsock_destroy(&z->rep);
	free(z);
	*zp = NULL;
}

unsigned long
zap_refused(zap_t *z)
{
	return z->refused;
}

/* Makes s a CurveZMQ server with cert, its peers checked by the handler. */
void
zap_secure(zsock_t *s, zcert_t *cert)
{
	zcert_apply(cert, s);
	zsock_set_curve_server(s, 1);
	zsock_set_zap_domain(s, ZAP_DOMAIN);
}
