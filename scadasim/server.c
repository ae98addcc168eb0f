/*
 * The Modbus TCP server, after libmodbus's bandwidth-server-many-up.c:
 * one modbus_t, one listening socket, and the caller's select() over it
 * and every client. A request is read only once select() says its
 * socket is readable, and the byte timeout bounds how long a client
 * that stops mid-request can hold the others up; a client that hangs
 * up, talks nonsense or does not read its replies is dropped alone.
 *
 * The plc builds the replies and this file sends them, at once or,
 * under the delay fault, from a queue the main loop drains on time, so
 * a delayed client never holds up another.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "delay.h"
#include "i18n.h"
#include "log.h"
#include "pdu.h"
#include "server.h"
#include "xmalloc.h"

#define SERVER_BACKLOG		16
#define SERVER_BYTE_TIMEOUT_US	200000	/* within one request */
#define SERVER_MBAP_LENGTH	6	/* MBAP bytes before its length */

struct server_client {
	int		 fd;
	uint64_t	 id;			/* never reused, unlike fd */
	char		 name[INET_ADDRSTRLEN + 8];	/* address:port */
};

struct server {
	modbus_t		*ctx;
	struct plc		*plc;
	struct fault		*fault;
	struct delay		*delay;
	unsigned		 drops;		/* drop faults carried out */
	long long		 full_ms;	/* last "queue full" log */
	uint64_t		 last_id;
	int			 listen_fd;
	int			 port;
	struct server_client	 clients[SERVER_MAX_CLIENTS];
	int			 nclients;
};

/*
 * Returns NULL with errno set on failure, so the caller can say why it
 * could not listen (most often: the port is taken).
 */
struct server *
server_new(const char *address, int port, struct plc *plc, struct fault *f)
{
	struct server *s;
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int saved;

	s = xcalloc(1, sizeof *s);
	s->listen_fd = -1;
	s->plc = plc;
	s->fault = f;
	s->drops = f->drops;
	s->delay = delay_new();
	if ((s->ctx = modbus_new_tcp(address, port)) == NULL)
		goto fail;
	/*
	 * The response timeout is how long libmodbus sleeps before it
	 * answers a bad count: a stall for everyone, so keep it short.
	 */
	if (modbus_set_byte_timeout(s->ctx, 0, SERVER_BYTE_TIMEOUT_US) == -1 ||
	    modbus_set_indication_timeout(s->ctx, 0,
	    SERVER_BYTE_TIMEOUT_US) == -1 ||
	    modbus_set_response_timeout(s->ctx, 0, 1) == -1)
		goto fail;
	if ((s->listen_fd = modbus_tcp_listen(s->ctx, SERVER_BACKLOG)) == -1)
		goto fail;
	if (s->listen_fd >= FD_SETSIZE) {
		errno = EMFILE;
		goto fail;
	}
	/* A client that gives up between select and accept must not block. */
	if (plc_nonblock(s->listen_fd) == -1)
		goto fail;
	if (getsockname(s->listen_fd, (struct sockaddr *)&sin, &len) == -1)
		goto fail;
	s->port = ntohs(sin.sin_port);
	return s;

fail:
	saved = errno;
	server_destroy(&s);
	errno = saved;
	return NULL;
}

static void
server_drop(struct server *s, int i)
{
	delay_forget(s->delay, s->clients[i].id);
	close(s->clients[i].fd);
	s->clients[i] = s->clients[--s->nclients];
}

void
server_destroy(struct server **sp)
{
	struct server *s = *sp;

	if (s == NULL)
		return;
	while (s->nclients > 0)
		server_drop(s, s->nclients - 1);
	if (s->listen_fd != -1)
		close(s->listen_fd);
	if (s->ctx != NULL) {
		/* The sockets are ours: keep modbus_free from touching them. */
		modbus_set_socket(s->ctx, -1);
		modbus_free(s->ctx);
	}
	delay_destroy(&s->delay);
	free(s);
	*sp = NULL;
}

int
server_port(const struct server *s)
{
	return s->port;
}

/* Fills rfds with every socket to watch and returns the highest. */
int
server_fdset(const struct server *s, fd_set *rfds)
{
	int i, max = s->listen_fd;

	FD_SET(s->listen_fd, rfds);
	for (i = 0; i < s->nclients; i++) {
		FD_SET(s->clients[i].fd, rfds);
		if (s->clients[i].fd > max)
			max = s->clients[i].fd;
	}
	return max;
}

static void
server_accept(struct server *s)
{
	struct server_client *c;
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	char host[INET_ADDRSTRLEN];
	int fd;

	if ((fd = accept(s->listen_fd, (struct sockaddr *)&sin, &len)) == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR && errno != ECONNABORTED)
			log_warn("%s", _("accept"));
		return;
	}
	if (inet_ntop(AF_INET, &sin.sin_addr, host, sizeof host) == NULL)
		snprintf(host, sizeof host, "?");
	if (s->fault->refuse) {
		log_info(_("%s:%u: refused (refuse fault)"), host,
		    (unsigned)ntohs(sin.sin_port));
		close(fd);
		return;
	}
	if (s->nclients == SERVER_MAX_CLIENTS || fd >= FD_SETSIZE) {
		log_warnx(_("%s:%u: refused, already %d clients"), host,
		    (unsigned)ntohs(sin.sin_port), s->nclients);
		close(fd);
		return;
	}
	/*
	 * Non-blocking, so a client that never reads its replies makes
	 * send fail and gets dropped instead of stalling the server.
	 * libmodbus always selects before it reads.
	 */
	if (plc_nonblock(fd) == -1) {
		log_warn("%s", _("fcntl"));
		close(fd);
		return;
	}
	c = &s->clients[s->nclients++];
	c->fd = fd;
	c->id = ++s->last_id;
	snprintf(c->name, sizeof c->name, "%s:%u", host,
	    (unsigned)ntohs(sin.sin_port));
	log_info(_("%s: connected"), c->name);
}

static void
server_log_request(const struct server_client *c, const uint8_t *req,
    int len)
{
	char what[128];

	if (log_verbosity() < 1)
		return;
	pdu_describe(req + 7, len - 7, what, sizeof what);
	log_debug(_("%s: unit %u, %s"), c->name, req[6], what);
}

/*
 * libmodbus reads as much as the function code says. For a function it
 * does not know, that is less than the MBAP header announced; read off
 * the rest, or it would be taken for the next request.
 */
static int
server_discard(int fd, int n)
{
	uint8_t buf[MODBUS_TCP_MAX_ADU_LENGTH];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t got;

	while (n > 0) {
		if (poll(&pfd, 1, SERVER_BYTE_TIMEOUT_US / 1000) <= 0)
			return -1;
		got = recv(fd, buf, (size_t)n, 0);
		if (got <= 0) {
			if (got == -1 && (errno == EAGAIN || errno == EINTR))
				continue;
			return -1;
		}
		n -= (int)got;
	}
	return 0;
}

/* Answers one request now; returns -1 when the client is to be dropped. */
static int
server_answer(struct server *s, struct server_client *c, const uint8_t *req,
    int len)
{
	uint8_t rsp[MODBUS_TCP_MAX_ADU_LENGTH];
	ssize_t sent;
	int n;

	if ((n = plc_answer(s->plc, s->ctx, req, len, rsp, c->name)) == 0)
		return 0;
	sent = send(c->fd, rsp, (size_t)n, MSG_NOSIGNAL);
	if (sent == n)
		return 0;
	if (sent >= 0 || errno == EAGAIN || errno == EWOULDBLOCK)
		log_warnx(_("%s: not reading its replies, dropped"), c->name);
	else
		log_info(_("%s: disconnected (%s)"), c->name, strerror(errno));
	return -1;
}

/* Returns -1 when the client is to be dropped. */
static int
server_serve(struct server *s, struct server_client *c, double now)
{
	uint8_t req[MODBUS_TCP_MAX_ADU_LENGTH];
	int len, want;

	modbus_set_socket(s->ctx, c->fd);
	len = modbus_receive(s->ctx, req);
	if (len == -1) {
		if (errno == ECONNRESET || errno == EPIPE)
			log_info(_("%s: disconnected"), c->name);
		else if (errno == ETIMEDOUT)
			log_warnx(_("%s: stalled in mid-request, dropped"),
			    c->name);
		else
			log_warnx(_("%s: %s, dropped"), c->name,
			    modbus_strerror(errno));
		return -1;
	}
	if (len == 0)
		return 0;

	/* libmodbus checks neither the protocol id nor the MBAP length. */
	want = SERVER_MBAP_LENGTH + (req[4] << 8 | req[5]);
	if (req[2] != 0 || req[3] != 0 || want < len ||
	    want > MODBUS_TCP_MAX_ADU_LENGTH) {
		log_warnx(_("%s: not a Modbus TCP request, dropped"), c->name);
		return -1;
	}
	if (want > len && server_discard(c->fd, want - len) == -1) {
		log_warnx(_("%s: truncated request, dropped"), c->name);
		return -1;
	}
	server_log_request(c, req, len);

	if (s->fault->mute) {
		log_debug(_("%s: request ignored (mute fault)"), c->name);
		return 0;
	}
	if (s->fault->delay_ms > 0) {
		if (delay_push(s->delay, now + s->fault->delay_ms / 1000.0,
		    c->id, req, len) == -1 && log_ratelimit(&s->full_ms, 1000))
			log_warnx(_("%s: %d requests delayed already, "
			    "request ignored"), c->name, delay_count(s->delay));
		return 0;
	}
	return server_answer(s, c, req, len);
}

/* Serves every socket select() found readable in rfds; now is the time. */
void
server_handle(struct server *s, const fd_set *rfds, double now)
{
	int i;

	/* Backwards, as dropping a client moves the last one into its slot. */
	for (i = s->nclients - 1; i >= 0; i--) {
		if (FD_ISSET(s->clients[i].fd, rfds) &&
		    server_serve(s, &s->clients[i], now) == -1)
			server_drop(s, i);
	}
	if (FD_ISSET(s->listen_fd, rfds))
		server_accept(s);
	modbus_set_socket(s->ctx, -1);
}

/* When server_tick next has a delayed reply to send; -1 for never. */
double
server_next(const struct server *s)
{
	return delay_next(s->delay);
}

static int
server_find(const struct server *s, uint64_t id)
{
	int i;

	for (i = 0; i < s->nclients; i++)
		if (s->clients[i].id == id)
			return i;
	return -1;
}

/*
 * Carries out a drop fault, and answers the delayed requests that are
 * due by now, unless the mute fault came in the meantime.
 */
void
server_tick(struct server *s, double now)
{
	struct delay_entry e;
	int i, n;

	if (s->drops != s->fault->drops) {
		s->drops = s->fault->drops;
		n = s->nclients;
		while (s->nclients > 0)
			server_drop(s, s->nclients - 1);
		log_info(_("closed %d connections (drop fault)"), n);
	}
	while (delay_pop(s->delay, now, &e) == 1) {
		if (s->fault->mute || (i = server_find(s, e.client)) == -1)
			continue;
		if (server_answer(s, &s->clients[i], e.adu, e.len) == -1)
			server_drop(s, i);
	}
	modbus_set_socket(s->ctx, -1);
}
