/*
 * Answering a request. libmodbus builds every reply (normal or
 * exception) but insists on sending it down its context's socket; that
 * socket is one end of a local socket pair here, and the reply is read
 * back off the other end. So the transports own their file descriptors
 * outright and can hold a reply back (the delay fault), send it
 * themselves without blocking, or throw it away (broadcasts).
 *
 * Each unit has its plant image from address 0 and, with scratch areas,
 * a second mapping from PLC_SCRATCH_BASE whose input registers and
 * discrete inputs are the very arrays of its holding registers and
 * coils, so writing one area is reading the other. The addresses in
 * between stay illegal, as on a real PLC.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <modbus-rtu.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "i18n.h"
#include "log.h"
#include "pdu.h"
#include "plant.h"
#include "plc.h"
#include "xmalloc.h"

struct plc_unit {
	int			 id;
	struct plant		 plant;
	modbus_mapping_t	*map;
	modbus_mapping_t	*scratch;
};

struct plc {
	struct plc_unit		 units[PLC_MAX_UNITS];
	int			 nunits;
	struct fault		*fault;
	int			 sink[2];	/* libmodbus writes [0] */
};

static modbus_mapping_t *
plc_scratch_new(int count)
{
	modbus_mapping_t *m;

	m = modbus_mapping_new_start_address(PLC_SCRATCH_BASE, count, 0, 0,
	    PLC_SCRATCH_BASE, count, 0, 0);
	if (m == NULL)
		return NULL;
	m->start_input_bits = PLC_SCRATCH_BASE;
	m->nb_input_bits = count;
	m->tab_input_bits = m->tab_bits;
	m->start_input_registers = PLC_SCRATCH_BASE;
	m->nb_input_registers = count;
	m->tab_input_registers = m->tab_registers;
	return m;
}

static void
plc_scratch_free(modbus_mapping_t *m)
{
	if (m == NULL)
		return;
	/* The mirrors share their arrays: free each once. */
	m->tab_input_bits = NULL;
	m->nb_input_bits = 0;
	m->tab_input_registers = NULL;
	m->nb_input_registers = 0;
	modbus_mapping_free(m);
}

/* Non-blocking and close-on-exec: every transport's sockets and ptys. */
int
plc_nonblock(int fd)
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
 * ids are the unit ids, scratch the size of each scratch area (0 for
 * none). Unit i's noise is seeded with seed + i. Returns NULL with
 * errno set on failure.
 */
struct plc *
plc_new(const int *ids, int n, int scratch, uint32_t seed, int noise,
    struct fault *f)
{
	struct plc *plc;
	struct plc_unit *u;
	int i, saved;

	if (n < 1 || n > PLC_MAX_UNITS || scratch < 0 ||
	    scratch > PLC_SCRATCH_MAX) {
		errno = EINVAL;
		return NULL;
	}
	plc = xcalloc(1, sizeof *plc);
	plc->fault = f;
	plc->sink[0] = plc->sink[1] = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, plc->sink) == -1 ||
	    plc_nonblock(plc->sink[0]) == -1 ||
	    plc_nonblock(plc->sink[1]) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		u = &plc->units[plc->nunits++];
		u->id = ids[i];
		plant_init(&u->plant, seed + (uint32_t)i, noise);
		if ((u->map = plant_mapping_new(&u->plant)) == NULL)
			goto fail;
		if (scratch > 0 && (u->scratch = plc_scratch_new(scratch)) ==
		    NULL)
			goto fail;
	}
	return plc;

fail:
	saved = errno;
	plc_destroy(&plc);
	errno = saved != 0 ? saved : ENOMEM;
	return NULL;
}

void
plc_destroy(struct plc **pp)
{
	struct plc *plc = *pp;
	int i;

	if (plc == NULL)
		return;
	for (i = 0; i < plc->nunits; i++) {
		if (plc->units[i].map != NULL)
			modbus_mapping_free(plc->units[i].map);
		plc_scratch_free(plc->units[i].scratch);
	}
	if (plc->sink[0] != -1)
		close(plc->sink[0]);
	if (plc->sink[1] != -1)
		close(plc->sink[1]);
	free(plc);
	*pp = NULL;
}

/* Moves every plant on by dt seconds, unless the freeze fault holds. */
void
plc_step(struct plc *plc, double dt)
{
	struct plc_unit *u;
	int i;

	if (plc->fault->freeze)
		return;
	for (i = 0; i < plc->nunits; i++) {
		u = &plc->units[i];
		plant_read_map(&u->plant, u->map);
		plant_step(&u->plant, dt);
		plant_write_map(&u->plant, u->map);
	}
}

static struct plc_unit *
plc_unit(struct plc *plc, int id)
{
	int i;

	for (i = 0; i < plc->nunits; i++)
		if (plc->units[i].id == id)
			return &plc->units[i];
	return NULL;
}

/* A request lies in the scratch areas when its first address does. */
static modbus_mapping_t *
plc_mapping(struct plc_unit *u, const uint8_t *pdu, int len)
{
	struct pdu_range r[PDU_MAX_RANGES];

	if (u->scratch != NULL && pdu_ranges(pdu, len, r) > 0 &&
	    r[0].address >= PLC_SCRATCH_BASE)
		return u->scratch;
	return u->map;
}

/* Reads back what libmodbus wrote to the sink; returns its length. */
static int
plc_collect(struct plc *plc, uint8_t *rsp)
{
	ssize_t got;
	int n = 0;

	for (;;) {
		got = recv(plc->sink[1], rsp + n,
		    (size_t)(MODBUS_TCP_MAX_ADU_LENGTH - n), 0);
		if (got <= 0)
			break;
		n += (int)got;
		if (n == MODBUS_TCP_MAX_ADU_LENGTH) {
			/* Never happens with libmodbus; do not mix replies. */
			while (recv(plc->sink[1], rsp, 1, 0) > 0)
				;
			break;
		}
	}
	return n;
}

static int
plc_exception(struct plc *plc, modbus_t *ctx, const uint8_t *req, int code,
    uint8_t *rsp)
{
	modbus_set_socket(ctx, plc->sink[0]);
	if (modbus_reply_exception(ctx, req, (unsigned)code) == -1)
		log_warnx(_("cannot build an exception reply: %s"),
		    modbus_strerror(errno));
	return plc_collect(plc, rsp);
}

static int
plc_reply(struct plc *plc, modbus_t *ctx, struct plc_unit *u,
    const uint8_t *req, int len, const uint8_t *pdu, int pdulen,
    uint8_t *rsp)
{
	modbus_set_socket(ctx, plc->sink[0]);
	if (modbus_reply(ctx, req, len, plc_mapping(u, pdu, pdulen)) == -1)
		log_warnx(_("cannot build a reply: %s"),
		    modbus_strerror(errno));
	return plc_collect(plc, rsp);
}

/*
 * Answers the request req of len bytes, as received on ctx (a TCP or an
 * RTU context: the header length tells), writing the reply to rsp
 * (MODBUS_TCP_MAX_ADU_LENGTH bytes). Returns the reply's length, or 0
 * when there is nothing to send. who names the sender in the log.
 *
 * As a TCP gateway, a unit id not configured is answered "gateway
 * target failed to respond", and 0 and 255 mean the first unit. On a
 * serial line a unit id not ours is someone else's, so it is ignored.
 * Unit 0 writes are broadcasts on either: every unit takes them, and
 * none answers.
 */
int
plc_answer(struct plc *plc, modbus_t *ctx, const uint8_t *req, int len,
    uint8_t *rsp, const char *who)
{
	struct plc_unit *u;
	const uint8_t *pdu;
	int hl, rtu, unit, pdulen, code, i;

	hl = modbus_get_header_length(ctx);
	rtu = hl == 1;
	pdu = req + hl;
	pdulen = len - hl - (rtu ? 2 : 0);
	if (hl < 1 || pdulen < 1)
		return 0;
	plc_collect(plc, rsp);		/* a leftover must not come out later */
	unit = req[hl - 1];

	/*
	 * Broadcast is a serial-line notion. On TCP the unit id 0 (and 255)
	 * addresses the server itself and every request is answered: many
	 * TCP clients (pymodbus among them) send 0 by default.
	 */
	if (unit == 0 && rtu) {
		if (!pdu_is_write(pdu[0]) ||
		    fault_exception(plc->fault, pdu, pdulen) != 0) {
			log_debug(_("%s: broadcast ignored"), who);
			return 0;
		}
		for (i = 0; i < plc->nunits; i++)
			plc_reply(plc, ctx, &plc->units[i], req, len, pdu,
			    pdulen, rsp);
		return 0;
	}
	if ((u = plc_unit(plc, unit)) == NULL && !rtu &&
	    (unit == 0 || unit == 0xff))
		u = &plc->units[0];
	if (u == NULL) {
		log_debug(_("%s: unit %d is not ours"), who, unit);
		if (rtu)
			return 0;
		return plc_exception(plc, ctx, req,
		    MODBUS_EXCEPTION_GATEWAY_TARGET, rsp);
	}
	if ((code = fault_exception(plc->fault, pdu, pdulen)) != 0) {
		log_debug(_("%s: answered with exception %d (fault)"), who,
		    code);
		return plc_exception(plc, ctx, req, code, rsp);
	}
	return plc_reply(plc, ctx, u, req, len, pdu, pdulen, rsp);
}

/*
 * Selftest, which doubles as an example: requests are built by hand and
 * answered in memory, over both framings.
 */
static int
plc_tcp(struct plc *plc, modbus_t *ctx, int unit, const uint8_t *pdu,
    int pdulen, uint8_t *rsp)
{
	uint8_t req[MODBUS_TCP_MAX_ADU_LENGTH];

	req[0] = 0x12;			/* transaction id */
	req[1] = 0x34;
	req[2] = 0;
	req[3] = 0;
	req[4] = (uint8_t)((pdulen + 1) >> 8);
	req[5] = (uint8_t)((pdulen + 1) & 0xff);
	req[6] = (uint8_t)unit;
	memcpy(req + 7, pdu, (size_t)pdulen);
	return plc_answer(plc, ctx, req, 7 + pdulen, rsp, "selftest");
}

static int
plc_rtu(struct plc *plc, modbus_t *ctx, int unit, const uint8_t *pdu,
    int pdulen, uint8_t *rsp)
{
	uint8_t req[MODBUS_RTU_MAX_ADU_LENGTH];
	uint16_t crc;

	req[0] = (uint8_t)unit;
	memcpy(req + 1, pdu, (size_t)pdulen);
	crc = pdu_crc16(req, 1 + pdulen);
	req[1 + pdulen] = (uint8_t)(crc & 0xff);
	req[2 + pdulen] = (uint8_t)(crc >> 8);
	return plc_answer(plc, ctx, req, 3 + pdulen, rsp, "selftest");
}

static void
plc_pdu(uint8_t *pdu, int fc, int a, int b)
{
	pdu[0] = (uint8_t)fc;
	pdu[1] = (uint8_t)(a >> 8);
	pdu[2] = (uint8_t)(a & 0xff);
	pdu[3] = (uint8_t)(b >> 8);
	pdu[4] = (uint8_t)(b & 0xff);
}

/* The first register of a read reply over TCP. */
static int
plc_word(const uint8_t *rsp)
{
	return rsp[9] << 8 | rsp[10];
}

void
plc_selftest(void)
{
	const int ids[] = { 1, 3 };
	struct fault f;
	struct plc *plc;
	modbus_t *tcp, *rtu;
	uint8_t pdu[32], rsp[MODBUS_TCP_MAX_ADU_LENGTH];
	char line[128];
	int n, level;

	printf(" * plc: ");
	fault_init(&f);
	CHECK(plc_new(ids, 0, 0, 1, 0, &f) == NULL);
	CHECK(plc_new(ids, 2, PLC_SCRATCH_MAX + 1, 1, 0, &f) == NULL);
	plc = plc_new(ids, 2, 10, 1, 0, &f);
	CHECK(plc != NULL);
	tcp = modbus_new_tcp("127.0.0.1", 0);
	rtu = modbus_new_rtu("/dev/null", 19200, 'E', 8, 1);
	CHECK(tcp != NULL && rtu != NULL);
	/* libmodbus sleeps this long before an "illegal value" reply. */
	CHECK(modbus_set_response_timeout(tcp, 0, 1) == 0);

	/* A read: transaction id, unit and function echoed, the data. */
	plc_pdu(pdu, 0x03, 0, 5);
	n = plc_tcp(plc, tcp, 1, pdu, 5, rsp);
	CHECK(n == 9 + 10);
	CHECK(rsp[0] == 0x12 && rsp[1] == 0x34 && rsp[6] == 1 &&
	    rsp[7] == 0x03 && rsp[8] == 10);
	CHECK(plc_word(rsp) == 5000);			/* level setpoint */
	CHECK((rsp[17] << 8 | rsp[18]) == 5000);	/* tank 2 setpoint */

	/* Units are separate PLCs. */
	plc_pdu(pdu, 0x06, 0, 1234);
	n = plc_tcp(plc, tcp, 3, pdu, 5, rsp);
	CHECK(n == 12 && rsp[6] == 3 && rsp[7] == 0x06);
	plc_pdu(pdu, 0x03, 0, 1);
	CHECK(plc_tcp(plc, tcp, 3, pdu, 5, rsp) == 11 &&
	    plc_word(rsp) == 1234);
	CHECK(plc_tcp(plc, tcp, 1, pdu, 5, rsp) == 11 &&
	    plc_word(rsp) == 5000);
	/* 0 and 255 reach the first unit over TCP. */
	CHECK(plc_tcp(plc, tcp, 255, pdu, 5, rsp) == 11 &&
	    plc_word(rsp) == 5000 && rsp[6] == 255);
	CHECK(plc_tcp(plc, tcp, 0, pdu, 5, rsp) == 11 &&
	    plc_word(rsp) == 5000);

	/* Nobody behind unit 2: the gateway says so. */
	n = plc_tcp(plc, tcp, 2, pdu, 5, rsp);
	CHECK(n == 9 && rsp[7] == 0x83 && rsp[8] == 0x0b);

	/* Over TCP a write to unit 0 is no broadcast: the first unit
	 * carries it out and answers. */
	plc_pdu(pdu, 0x06, 4, 777);
	CHECK(plc_tcp(plc, tcp, 0, pdu, 5, rsp) == 12);
	plc_pdu(pdu, 0x03, 4, 1);
	CHECK(plc_tcp(plc, tcp, 1, pdu, 5, rsp) == 11 &&
	    plc_word(rsp) == 777);
	CHECK(plc_tcp(plc, tcp, 3, pdu, 5, rsp) == 11 &&
	    plc_word(rsp) != 777);

	/* Scratch: plain memory, inputs mirror holdings, discretes coils. */
	memcpy(pdu, "\x10\x03\xe8\x00\x03\x06\x00\x01\xff\xff\x80\x00", 12);
	CHECK(plc_tcp(plc, tcp, 1, pdu, 12, rsp) == 12);
	plc_pdu(pdu, 0x04, 1000, 3);
	CHECK(plc_tcp(plc, tcp, 1, pdu, 5, rsp) == 15);
	CHECK(memcmp(rsp + 9, "\x00\x01\xff\xff\x80\x00", 6) == 0);
	plc_pdu(pdu, 0x03, 1000, 3);
	CHECK(plc_tcp(plc, tcp, 3, pdu, 5, rsp) == 15);
	CHECK(memcmp(rsp + 9, "\x00\x00\x00\x00\x00\x00", 6) == 0);
	plc_pdu(pdu, 0x05, 1009, 0xff00);
	CHECK(plc_tcp(plc, tcp, 1, pdu, 5, rsp) == 12);
	plc_pdu(pdu, 0x02, 1002, 8);
	CHECK(plc_tcp(plc, tcp, 1, pdu, 5, rsp) == 10 && rsp[9] == 0x80);
	/* ... ten of them, and nothing between the plant and 1000. */
	plc_pdu(pdu, 0x03, 1001, 10);
	n = plc_tcp(plc, tcp, 1, pdu, 5, rsp);
	CHECK(n == 9 && rsp[7] == 0x83 && rsp[8] == 0x02);
	plc_pdu(pdu, 0x03, 100, 1);
	n = plc_tcp(plc, tcp, 1, pdu, 5, rsp);
	CHECK(n == 9 && rsp[7] == 0x83 && rsp[8] == 0x02);
	plc_pdu(pdu, 0x01, 0, 0);	/* zero coils: illegal value */
	n = plc_tcp(plc, tcp, 1, pdu, 5, rsp);
	CHECK(n == 9 && rsp[7] == 0x81 && rsp[8] == 0x03);

	/* The exception fault, everywhere and at one address. */
	CHECK(fault_command(&f, "exception 4", line, sizeof line) ==
	    FAULT_CHANGED);
	plc_pdu(pdu, 0x03, 0, 1);
	n = plc_tcp(plc, tcp, 1, pdu, 5, rsp);
	CHECK(n == 9 && rsp[7] == 0x83 && rsp[8] == 0x04);
	CHECK(fault_command(&f, "exception 6 holding 1002", line,
	    sizeof line) == FAULT_CHANGED);
	CHECK(plc_tcp(plc, tcp, 1, pdu, 5, rsp) == 11);
	plc_pdu(pdu, 0x03, 1000, 3);
	n = plc_tcp(plc, tcp, 1, pdu, 5, rsp);
	CHECK(n == 9 && rsp[7] == 0x83 && rsp[8] == 0x06);
	/* ... which a write to there gets as its answer. */
	plc_pdu(pdu, 0x06, 1002, 42);
	n = plc_tcp(plc, tcp, 0, pdu, 5, rsp);
	CHECK(n == 9 && rsp[7] == 0x86 && rsp[8] == 0x06);
	fault_init(&f);
	plc_pdu(pdu, 0x03, 1002, 1);
	CHECK(plc_tcp(plc, tcp, 3, pdu, 5, rsp) == 11 &&
	    plc_word(rsp) == 0);

	/* RTU: the CRC, silence for other units and for broadcasts. */
	plc_pdu(pdu, 0x03, 0, 1);
	n = plc_rtu(plc, rtu, 3, pdu, 5, rsp);
	CHECK(n == 7 && rsp[0] == 3 && rsp[1] == 0x03 && rsp[2] == 2 &&
	    (rsp[3] << 8 | rsp[4]) == 1234 && pdu_crc16(rsp, n) == 0);
	CHECK(plc_rtu(plc, rtu, 2, pdu, 5, rsp) == 0);
	CHECK(plc_rtu(plc, rtu, 0, pdu, 5, rsp) == 0);
	plc_pdu(pdu, 0x06, 0, 4321);
	CHECK(plc_rtu(plc, rtu, 0, pdu, 5, rsp) == 0);
	plc_pdu(pdu, 0x03, 0, 1);
	CHECK(plc_tcp(plc, tcp, 1, pdu, 5, rsp) == 11 &&
	    plc_word(rsp) == 4321);
	n = plc_rtu(plc, rtu, 1, pdu, 5, rsp);
	CHECK(n == 7 && (rsp[3] << 8 | rsp[4]) == 4321);

	/* Frozen plants stand still; the step after moves them again. */
	plc_pdu(pdu, 0x04, 0, 1);
	CHECK(plc_tcp(plc, tcp, 1, pdu, 5, rsp) == 11);
	level = plc_word(rsp);
	f.freeze = 1;
	plc_step(plc, 1.0);
	CHECK(plc_tcp(plc, tcp, 1, pdu, 5, rsp) == 11 &&
	    plc_word(rsp) == level);
	f.freeze = 0;
	plc_step(plc, 1.0);
	CHECK(plc_tcp(plc, tcp, 1, pdu, 5, rsp) == 11 &&
	    plc_word(rsp) != level);

	modbus_set_socket(tcp, -1);
	modbus_set_socket(rtu, -1);
	modbus_free(tcp);
	modbus_free(rtu);
	plc_destroy(&plc);
	CHECK(plc == NULL);
	plc_destroy(&plc);
	printf("OK\n");
}
