/*
 * The control socket. Commands go to fault_command; this file only
 * moves lines. Several controllers may be connected at once, each with
 * its own line buffer, and none of them can block the simulator: the
 * sockets are non-blocking and a controller that does not read its
 * replies is disconnected.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "i18n.h"
#include "log.h"
#include "xmalloc.h"

struct control_client {
	int	 fd;
	int	 n;
	int	 overlong;	/* discarding up to the next newline */
	char	 buf[FAULT_LINE_MAX];
};

struct control {
	int			 fd;
	struct fault		*fault;
	struct sockaddr_un	 sun;
	struct control_client	 clients[CONTROL_MAX_CLIENTS];
	int			 nclients;
};

static int
control_address(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun->sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun->sun_path, path, strlen(path) + 1);
	return 0;
}

static int
control_socket(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/*
 * A socket file left by a simulator that died is taken over; one that
 * a live simulator answers on, or a file that is no socket, is not.
 */
static int
control_stale(const struct sockaddr_un *sun)
{
	int fd, rc;

	if (!control_socket(sun->sun_path))
		return 0;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof *sun);
	close(fd);
	return rc == -1 && errno == ECONNREFUSED;
}

/* Returns NULL with errno set on failure. */
struct control *
control_new(const char *path, struct fault *f)
{
	struct control *c;
	mode_t mask;
	int rc, saved;

	c = xcalloc(1, sizeof *c);
	c->fault = f;
	c->fd = -1;
	if (control_address(&c->sun, path) == -1)
		goto fail;
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1)
		goto fail;
	if (c->fd >= FD_SETSIZE) {
		errno = EMFILE;
		goto fail;
	}
	/* Only its owner may inject faults. */
	mask = umask(077);
	rc = bind(c->fd, (struct sockaddr *)&c->sun, sizeof c->sun);
	if (rc == -1 && errno == EADDRINUSE && control_stale(&c->sun) &&
	    unlink(path) == 0)
		rc = bind(c->fd, (struct sockaddr *)&c->sun, sizeof c->sun);
	else if (rc == -1 && errno == EADDRINUSE && !control_socket(path))
		errno = EEXIST;		/* clearer for a plain file */
	saved = errno;
	umask(mask);
	errno = saved;
	if (rc == -1)
		goto fail;
	if (listen(c->fd, CONTROL_MAX_CLIENTS) == -1) {
		saved = errno;
		unlink(path);
		errno = saved;
		goto fail;
	}
	return c;

fail:
	saved = errno;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	free(c);
	errno = saved;
	return NULL;
}

static void
control_drop(struct control *c, int i)
{
	close(c->clients[i].fd);
	c->clients[i] = c->clients[--c->nclients];
}

void
control_destroy(struct control **cp)
{
	struct control *c = *cp;

	if (c == NULL)
		return;
	while (c->nclients > 0)
		control_drop(c, c->nclients - 1);
	if (c->fd != -1) {
		close(c->fd);
		unlink(c->sun.sun_path);
	}
	free(c);
	*cp = NULL;
}

int
control_fdset(const struct control *c, fd_set *rfds)
{
	int i, max = c->fd;

	FD_SET(c->fd, rfds);
	for (i = 0; i < c->nclients; i++) {
		FD_SET(c->clients[i].fd, rfds);
		if (c->clients[i].fd > max)
			max = c->clients[i].fd;
	}
	return max;
}

static void
control_accept(struct control *c)
{
	int fd;

	fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("%s", _("control socket: accept"));
		return;
	}
	if (c->nclients == CONTROL_MAX_CLIENTS || fd >= FD_SETSIZE) {
		log_warnx(_("control socket: already %d controllers, "
		    "one refused"), c->nclients);
		close(fd);
		return;
	}
	memset(&c->clients[c->nclients], 0, sizeof c->clients[0]);
	c->clients[c->nclients++].fd = fd;
	log_debug("%s", _("control socket: a controller connected"));
}

static int
control_reply(struct control_client *cl, const char *reply)
{
	char line[FAULT_LINE_MAX + 2];
	int n;

	n = snprintf(line, sizeof line, "%s\n", reply);
	if (n >= (int)sizeof line) {
		n = (int)sizeof line - 1;
		line[n - 1] = '\n';
	}
	return send(cl->fd, line, (size_t)n, MSG_NOSIGNAL) == n ? 0 : -1;
}

/* One command line; -1 when the controller is to be dropped. */
static int
control_line(struct control *c, struct control_client *cl, char *line)
{
	char reply[FAULT_LINE_MAX];
	int rc;

	line[strcspn(line, "\r")] = '\0';
	if (line[strspn(line, " \t")] == '\0')
		return 0;		/* blank lines get no reply */
	rc = fault_command(c->fault, line, reply, sizeof reply);
	if (rc == FAULT_CHANGED)
		log_info(_("fault: %s"), reply + 3);
	else
		log_debug(_("control socket: '%s': %s"), line, reply);
	return control_reply(cl, reply);
}

static int
control_read(struct control *c, struct control_client *cl)
{
	char *nl, *line;
	ssize_t got;

	got = recv(cl->fd, cl->buf + cl->n, sizeof cl->buf - 1 - (size_t)cl->n,
	    0);
	if (got == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (got <= 0)
		return -1;
	cl->n += (int)got;
	cl->buf[cl->n] = '\0';
	line = cl->buf;
	while ((nl = strchr(line, '\n')) != NULL) {
		*nl = '\0';
		if (cl->overlong)
			cl->overlong = 0;
		else if (control_line(c, cl, line) == -1)
			return -1;
		line = nl + 1;
	}
	cl->n -= (int)(line - cl->buf);
	memmove(cl->buf, line, (size_t)cl->n);
	if (cl->n == (int)sizeof cl->buf - 1) {
		/* No command is this long: say so once, skip to its end. */
		cl->n = 0;
		if (!cl->overlong &&
		    control_reply(cl, "error: command too long") == -1)
			return -1;
		cl->overlong = 1;
	}
	return 0;
}

void
control_handle(struct control *c, const fd_set *rfds)
{
	int i;

	for (i = c->nclients - 1; i >= 0; i--)
		if (FD_ISSET(c->clients[i].fd, rfds) &&
		    control_read(c, &c->clients[i]) == -1)
			control_drop(c, i);
	if (FD_ISSET(c->fd, rfds))
		control_accept(c);
}

/*
 * The client: sends command to the socket at path and puts the reply
 * line, without newline, in reply. Returns 0 on an "ok" reply, 1 on an
 * "error:" reply, -1 with errno set when there was no reply.
 */
int
control_send(const char *path, const char *command, char *reply,
    size_t size)
{
	struct sockaddr_un sun;
	struct pollfd pfd;
	size_t n = 0;
	ssize_t got;
	int fd, saved;

	if (size < 2 || control_address(&sun, path) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1 ||
	    send(fd, command, strlen(command), MSG_NOSIGNAL) == -1 ||
	    send(fd, "\n", 1, MSG_NOSIGNAL) == -1)
		goto fail;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (n < size - 1 && memchr(reply, '\n', n) == NULL) {
		if (poll(&pfd, 1, CONTROL_TIMEOUT_MS) != 1) {
			errno = ETIMEDOUT;
			goto fail;
		}
		if ((got = recv(fd, reply + n, size - 1 - n, 0)) <= 0) {
			if (got == 0)
				errno = ECONNRESET;
			goto fail;
		}
		n += (size_t)got;
	}
	close(fd);
	reply[n] = '\0';
	reply[strcspn(reply, "\n")] = '\0';
	return strncmp(reply, "ok", 2) == 0 &&
	    (reply[2] == '\0' || reply[2] == ' ') ? 0 : 1;

fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
