/*
 * The link to the login helper is a socket pair of datagrams: a message
 * is never split, and the loop reads it when poll says so. If the
 * helper dies, logins stop (each says why) and everything else goes on.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth.h"
#include "authd.h"
#include "log.h"
#include "xmalloc.h"

struct auth {
	int		 fd;
	zloop_t		*loop;
	zmq_pollitem_t	 item;
	auth_fn		*fn;
	void		*arg;
	int		 dead;
};

static int
auth_send(auth_t *a, json_t *o)
{
	char *text = json_dumps(o, JSON_COMPACT);
	ssize_t n = -1;

	if (text != NULL && !a->dead)
		n = send(a->fd, text, strlen(text), MSG_DONTWAIT | MSG_NOSIGNAL);
	if (text != NULL) {
		explicit_bzero(text, strlen(text));	/* may hold a password */
		free(text);
	}
	return n < 0 ? -1 : 0;
}

static int
auth_on_readable(zloop_t *loop, zmq_pollitem_t *item, void *arg)
{
	auth_t *a = arg;
	char buf[AUTHD_MSG_MAX + 1];
	ssize_t n;
	json_t *o;

	while ((n = recv(a->fd, buf, AUTHD_MSG_MAX, MSG_DONTWAIT)) > 0) {
		buf[n] = '\0';
		if ((o = json_loads(buf, 0, NULL)) != NULL &&
		    json_is_string(json_object_get(o, "op")))
			a->fn(a->arg, (uint64_t)json_integer_value(
			    json_object_get(o, "id")), json_string_value(
			    json_object_get(o, "op")), o);
		json_decref(o);
	}
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
		log_errx("the login helper has gone: no more logins until "
		    "scadad restarts");
		a->dead = 1;
		zloop_poller_end(loop, item);
	}
	return 0;
}

auth_t *
auth_new(int fd, zloop_t *loop, auth_fn *fn, void *arg)
{
	auth_t *a = xcalloc(1, sizeof *a);

	a->fd = fd;
	a->loop = loop;
	a->fn = fn;
	a->arg = arg;
	a->item.fd = fd;
	a->item.events = ZMQ_POLLIN;
	if (fd == -1)
		a->dead = 1;
	else
		zloop_poller(loop, &a->item, auth_on_readable, a);
	return a;
}

void
auth_destroy(auth_t **ap)
{
	auth_t *a = *ap;

	if (a == NULL)
		return;
	if (!a->dead)
		zloop_poller_end(a->loop, &a->item);
	if (a->fd != -1)
		close(a->fd);
	free(a);
	*ap = NULL;
}

int
auth_alive(auth_t *a)
{
	return !a->dead;
}

int
auth_start(auth_t *a, uint64_t id, const char *service, const char *dir,
    const char *user, const char *station, const char *rhost)
{
	json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s}", "op",
	    "start", "id", (json_int_t)id, "service", service, "dir", dir,
	    "user", user, "station", station, "rhost", rhost != NULL ? rhost :
	    "");
	int rc = auth_send(a, o);

	json_decref(o);
	return rc;
}

/* The answers are the caller's; what this copied of them is wiped. */
int
auth_answer(auth_t *a, uint64_t id, json_t *answers)
{
	json_t *o = json_pack("{s:s, s:I, s:O}", "op", "answer", "id",
	    (json_int_t)id, "answers", answers);
	int rc = auth_send(a, o);

	json_decref(o);
	return rc;
}

void
auth_abort(auth_t *a, uint64_t id)
{
	json_t *o = json_pack("{s:s, s:I}", "op", "abort", "id",
	    (json_int_t)id);

	auth_send(a, o);
	json_decref(o);
}
