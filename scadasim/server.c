/*
 * The Modbus TCP server, after libmodbus's bandwidth-server-many-up.c:
 * one modbus_t, one listening socket, and the caller's select() over it
 * and every client. A request is read only once select() says its
 * socket is readable, and the byte timeout bounds how long a client
 * that stops mid-request can hold the others up; a client that hangs
 * up, talks nonsense or does not read its replies is dropped alone.
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

#include "i18n.h"
#include "log.h"
#include "server.h"

#define SERVER_BACKLOG		16
#define SERVER_BYTE_TIMEOUT_US	200000	/* within one request */
#define SERVER_MBAP_LENGTH	6	/* MBAP bytes before its length */

struct server_client {
	int	 fd;
	char	 name[INET_ADDRSTRLEN + 8];	/* address:port */
};

struct server {
	modbus_t		*ctx;
	modbus_mapping_t	*map;
	int			 listen_fd;
	int			 port;
	int			 unit;
	struct server_client	 clients[SERVER_MAX_CLIENTS];
	int			 nclients;
};

static int
server_nonblock(int fd)
{
	int flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1 ||
	    (flags = fcntl(fd, F_GETFD)) == -1 ||
	    fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == -1)
		return -1;
	return 0;
}

/*
 * Returns NULL with errno set on failure, so the caller can say why it
 * could not listen (most often: the port is taken).
 */
struct server *
server_new(const char *address, int port, int unit, modbus_mapping_t *map)
{
	struct server *s;
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int saved;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	s->listen_fd = -1;
	s->unit = unit;
	s->map = map;
	if ((s->ctx = modbus_new_tcp(address, port)) == NULL)
		goto fail;
	if (modbus_set_byte_timeout(s->ctx, 0, SERVER_BYTE_TIMEOUT_US) == -1 ||
	    modbus_set_indication_timeout(s->ctx, 0,
	    SERVER_BYTE_TIMEOUT_US) == -1)
		goto fail;
	if ((s->listen_fd = modbus_tcp_listen(s->ctx, SERVER_BACKLOG)) == -1)
		goto fail;
	if (s->listen_fd >= FD_SETSIZE) {
		errno = EMFILE;
		goto fail;
	}
	/* A client that gives up between select and accept must not block. */
	if (server_nonblock(s->listen_fd) == -1)
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
	if (server_nonblock(fd) == -1) {
		log_warn("%s", _("fcntl"));
		close(fd);
		return;
	}
	c = &s->clients[s->nclients++];
	c->fd = fd;
	snprintf(c->name, sizeof c->name, "%s:%u", host,
	    (unsigned)ntohs(sin.sin_port));
	log_info(_("%s: connected"), c->name);
}

static const char *
server_function_name(int fc)
{
	switch (fc) {
	case MODBUS_FC_READ_COILS:
		return _("read coils");
	case MODBUS_FC_READ_DISCRETE_INPUTS:
		return _("read discrete inputs");
	case MODBUS_FC_READ_HOLDING_REGISTERS:
		return _("read holding registers");
	case MODBUS_FC_READ_INPUT_REGISTERS:
		return _("read input registers");
	case MODBUS_FC_WRITE_SINGLE_COIL:
		return _("write single coil");
	case MODBUS_FC_WRITE_SINGLE_REGISTER:
		return _("write single register");
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
		return _("write multiple coils");
	case MODBUS_FC_WRITE_MULTIPLE_REGISTERS:
		return _("write multiple registers");
	case MODBUS_FC_REPORT_SLAVE_ID:
		return _("report server id");
	case MODBUS_FC_MASK_WRITE_REGISTER:
		return _("mask write register");
	case MODBUS_FC_WRITE_AND_READ_REGISTERS:
		return _("write and read registers");
	default:
		return _("unsupported function");
	}
}

static void
server_log_request(const struct server_client *c, const uint8_t *req,
    int len)
{
	int fc = req[7];

	if (log_verbosity() < 1)
		return;
	if (len >= 12)
		log_debug(_("%s: unit %u, %s (0x%02x), address %u, "
		    "count or value %u"), c->name, req[6],
		    server_function_name(fc), (unsigned)fc,
		    (unsigned)(req[8] << 8 | req[9]),
		    (unsigned)(req[10] << 8 | req[11]));
	else
		log_debug(_("%s: unit %u, %s (0x%02x)"), c->name, req[6],
		    server_function_name(fc), (unsigned)fc);
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

/* Returns -1 when the client is to be dropped. */
static int
server_serve(struct server *s, struct server_client *c)
{
	uint8_t req[MODBUS_TCP_MAX_ADU_LENGTH];
	int len, want, unit;

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

	/* As a gateway would: answer for our unit, 0 and 255 only. */
	unit = req[6];
	if (unit != s->unit && unit != 0 && unit != 0xff) {
		log_debug(_("%s: unit %d is not ours"), c->name, unit);
		if (modbus_reply_exception(s->ctx, req,
		    MODBUS_EXCEPTION_GATEWAY_TARGET) == -1)
			goto send_failed;
		return 0;
	}
	if (modbus_reply(s->ctx, req, len, s->map) == -1)
		goto send_failed;
	return 0;

send_failed:
	/* libmodbus reports a partial send as EMBBADDATA. */
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EMBBADDATA)
		log_warnx(_("%s: not reading its replies, dropped"), c->name);
	else
		log_info(_("%s: disconnected (%s)"), c->name,
		    modbus_strerror(errno));
	return -1;
}

/* Serves every socket select() found readable in rfds. */
void
server_handle(struct server *s, const fd_set *rfds)
{
	int i;

	/* Backwards, as dropping a client moves the last one into its slot. */
	for (i = s->nclients - 1; i >= 0; i--) {
		if (FD_ISSET(s->clients[i].fd, rfds) &&
		    server_serve(s, &s->clients[i]) == -1)
			server_drop(s, i);
	}
	if (FD_ISSET(s->listen_fd, rfds))
		server_accept(s);
	modbus_set_socket(s->ctx, -1);
}
