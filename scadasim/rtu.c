/*
 * The serial side. libmodbus can frame RTU requests, but only for the
 * one unit id it is set to, so framing is done here (by the length the
 * function code implies, or where the line falls silent for a function
 * we do not know), the CRC checked, and the frame handed to the plc,
 * which answers for every unit through libmodbus's RTU context.
 *
 * Nobody holding the slave side open shows as a hang-up on the master:
 * select would then wake at once forever, so while the line is hung up
 * the master is not selected but polled a few times a second, and
 * nothing is written to it, lest a stale reply wait for the next client.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <modbus-rtu.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "delay.h"
#include "i18n.h"
#include "log.h"
#include "pdu.h"
#include "rtu.h"
#include "xmalloc.h"

#define RTU_GAP			0.02	/* s of silence that ends a frame */
#define RTU_HANGUP_POLL		0.1	/* s between looks at a hung-up line */
#define RTU_MIN_FRAME		4	/* unit, function, CRC */

struct rtu {
	modbus_t	*ctx;
	struct plc	*plc;
	struct fault	*fault;
	struct delay	*delay;
	unsigned	 drops;
	long long	 full_ms;	/* last "queue full" log */
	int		 master;
	char		 path[PATH_MAX];
	int		 hungup;
	double		 next_poll;
	uint8_t		 buf[MODBUS_RTU_MAX_ADU_LENGTH];
	int		 n;
	double		 last_rx;
};

static int
rtu_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t) == -1)
		return -1;
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	cfsetispeed(&t, B19200);
	cfsetospeed(&t, B19200);
	return tcsetattr(fd, TCSANOW, &t);
}

/*
 * Opens a new pseudo-terminal pair. The slave starts raw, so whatever
 * opens it first sees bytes as they were sent even before it sets the
 * line up itself. Returns NULL with errno set on failure.
 */
struct rtu *
rtu_new(struct plc *plc, struct fault *f)
{
	struct rtu *r;
	int slave = -1, saved;

	r = xcalloc(1, sizeof *r);
	r->master = -1;
	r->plc = plc;
	r->fault = f;
	r->drops = f->drops;
	r->hungup = 1;
	r->delay = delay_new();
	if ((r->master = posix_openpt(O_RDWR | O_NOCTTY)) == -1)
		goto fail;
	if (grantpt(r->master) == -1 || unlockpt(r->master) == -1 ||
	    ptsname_r(r->master, r->path, sizeof r->path) != 0)
		goto fail;
	if ((slave = open(r->path, O_RDWR | O_NOCTTY)) == -1 ||
	    rtu_raw(slave) == -1 || rtu_raw(r->master) == -1)
		goto fail;
	close(slave);
	slave = -1;
	if (plc_nonblock(r->master) == -1)
		goto fail;
	if (r->master >= FD_SETSIZE) {
		errno = EMFILE;
		goto fail;
	}
	if ((r->ctx = modbus_new_rtu(r->path, 19200, 'E', 8, 1)) == NULL ||
	    modbus_set_response_timeout(r->ctx, 0, 1) == -1)
		goto fail;
	return r;

fail:
	saved = errno;
	if (slave != -1)
		close(slave);
	rtu_destroy(&r);
	errno = saved;
	return NULL;
}

void
rtu_destroy(struct rtu **rp)
{
	struct rtu *r = *rp;

	if (r == NULL)
		return;
	if (r->ctx != NULL) {
		modbus_set_socket(r->ctx, -1);
		modbus_free(r->ctx);
	}
	if (r->master != -1)
		close(r->master);
	delay_destroy(&r->delay);
	free(r);
	*rp = NULL;
}

const char *
rtu_path(const struct rtu *r)
{
	return r->path;
}

int
rtu_fdset(const struct rtu *r, fd_set *rfds)
{
	if (r->hungup)
		return -1;
	FD_SET(r->master, rfds);
	return r->master;
}

static int
rtu_line_hungup(const struct rtu *r)
{
	struct pollfd pfd = { .fd = r->master, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP) != 0;
}

static void
rtu_answer(struct rtu *r, const uint8_t *req, int len)
{
	uint8_t rsp[MODBUS_TCP_MAX_ADU_LENGTH];
	ssize_t sent;
	int n;

	n = plc_answer(r->plc, r->ctx, req, len, rsp, r->path);
	modbus_set_socket(r->ctx, -1);
	if (n == 0 || rtu_line_hungup(r))
		return;
	sent = write(r->master, rsp, (size_t)n);
	if (sent != n)
		log_warnx(_("%s: reply of %d bytes not sent whole (%s)"),
		    r->path, n, sent == -1 ? strerror(errno) : _("short"));
}

/* One whole frame off the line; -1 when the rest is to be thrown away. */
static int
rtu_frame(struct rtu *r, const uint8_t *frame, int len, double now)
{
	char what[128];

	if (len < RTU_MIN_FRAME || pdu_crc16(frame, len) != 0) {
		log_warnx(_("%s: bad frame (CRC), %d bytes discarded"),
		    r->path, r->n);
		return -1;
	}
	if (log_verbosity() >= 1) {
		pdu_describe(frame + 1, len - 3, what, sizeof what);
		log_debug(_("%s: unit %u, %s"), r->path, frame[0], what);
	}
	if (r->fault->mute) {
		log_debug(_("%s: request ignored (mute fault)"), r->path);
		return 0;
	}
	if (r->fault->delay_ms > 0) {
		if (delay_push(r->delay, now + r->fault->delay_ms / 1000.0, 0,
		    frame, len) == -1 && log_ratelimit(&r->full_ms, 1000))
			log_warnx(_("%s: %d requests delayed already, "
			    "request ignored"), r->path, delay_count(r->delay));
		return 0;
	}
	rtu_answer(r, frame, len);
	return 0;
}

/* Serves every whole frame in the buffer. */
static void
rtu_frames(struct rtu *r, double now)
{
	int len;

	while (r->n > 0) {
		len = pdu_rtu_length(r->buf, r->n);
		if (len > MODBUS_RTU_MAX_ADU_LENGTH) {
			log_warnx(_("%s: frame too long, %d bytes discarded"),
			    r->path, r->n);
			r->n = 0;
			return;
		}
		if (len <= 0 || r->n < len)
			return;		/* more to come, or the gap ends it */
		if (rtu_frame(r, r->buf, len, now) == -1) {
			r->n = 0;
			return;
		}
		r->n -= len;
		memmove(r->buf, r->buf + len, (size_t)r->n);
	}
}

static void
rtu_hangup(struct rtu *r, double now)
{
	r->hungup = 1;
	r->next_poll = now + RTU_HANGUP_POLL;
	r->n = 0;
	delay_clear(r->delay);
	log_info(_("%s: closed by the client"), r->path);
}

void
rtu_handle(struct rtu *r, const fd_set *rfds, double now)
{
	ssize_t got;

	if (r->hungup || !FD_ISSET(r->master, rfds))
		return;
	if (r->n == (int)sizeof r->buf) {
		log_warnx(_("%s: no frame in %d bytes, discarded"), r->path,
		    r->n);
		r->n = 0;
	}
	got = read(r->master, r->buf + r->n, sizeof r->buf - (size_t)r->n);
	if (got == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (got <= 0) {
		/* EIO: the last holder of the slave side closed it. */
		if (got == -1 && errno != EIO)
			log_warn("%s", r->path);
		rtu_hangup(r, now);
		return;
	}
	r->n += (int)got;
	r->last_rx = now;
	rtu_frames(r, now);
}

/* When rtu_tick next has something to do; -1 for nothing. */
double
rtu_next(const struct rtu *r)
{
	double next = delay_next(r->delay);

	if (r->n > 0 && (next < 0 || r->last_rx + RTU_GAP < next))
		next = r->last_rx + RTU_GAP;
	if (r->hungup && (next < 0 || r->next_poll < next))
		next = r->next_poll;
	return next;
}

/*
 * The drop fault (nothing to close on a serial line: the line is
 * flushed), a client opening the line, the end of a frame of unknown
 * length, and the delayed replies now due.
 */
void
rtu_tick(struct rtu *r, double now)
{
	struct delay_entry e;

	if (r->drops != r->fault->drops) {
		r->drops = r->fault->drops;
		r->n = 0;
		delay_clear(r->delay);
		tcflush(r->master, TCIOFLUSH);
		log_info(_("%s: line flushed (drop fault)"), r->path);
	}
	if (r->hungup && now >= r->next_poll) {
		r->next_poll = now + RTU_HANGUP_POLL;
		if (!rtu_line_hungup(r)) {
			r->hungup = 0;
			log_info(_("%s: opened by a client"), r->path);
		}
	}
	if (r->n > 0 && now >= r->last_rx + RTU_GAP) {
		if (pdu_rtu_length(r->buf, r->n) == -1)
			rtu_frame(r, r->buf, r->n, now);
		else
			log_warnx(_("%s: incomplete frame, %d bytes "
			    "discarded"), r->path, r->n);
		r->n = 0;
	}
	while (delay_pop(r->delay, now, &e) == 1)
		if (!r->fault->mute && !r->hungup)
			rtu_answer(r, e.adu, e.len);
}
