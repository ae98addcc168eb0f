/*
 * Modbus requests as data: which area and addresses a request touches,
 * how long an RTU request frame is, and the RTU CRC. The simulator lets
 * libmodbus answer; these only decide who answers and when a serial
 * frame is complete, which libmodbus cannot tell us for several units.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "i18n.h"
#include "pdu.h"

static int
pdu_word(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static void
pdu_set(struct pdu_range *r, enum pdu_area area, int address, int count,
    int write)
{
	r->area = area;
	r->address = address;
	r->count = count;
	r->write = write;
}

/*
 * Fills r (PDU_MAX_RANGES long) with what the request in pdu (function
 * code first) reads or writes, and returns how many ranges that is: 0
 * for a function that touches no data area or a PDU too short to say.
 */
int
pdu_ranges(const uint8_t *pdu, int len, struct pdu_range *r)
{
	if (len < 5)
		return 0;
	switch (pdu[0]) {
	case 0x01:
		pdu_set(r, PDU_COIL, pdu_word(pdu + 1), pdu_word(pdu + 3), 0);
		return 1;
	case 0x02:
		pdu_set(r, PDU_DISCRETE, pdu_word(pdu + 1), pdu_word(pdu + 3),
		    0);
		return 1;
	case 0x03:
		pdu_set(r, PDU_HOLDING, pdu_word(pdu + 1), pdu_word(pdu + 3),
		    0);
		return 1;
	case 0x04:
		pdu_set(r, PDU_INPUT, pdu_word(pdu + 1), pdu_word(pdu + 3), 0);
		return 1;
	case 0x05:
		pdu_set(r, PDU_COIL, pdu_word(pdu + 1), 1, 1);
		return 1;
	case 0x06:
	case 0x16:
		pdu_set(r, PDU_HOLDING, pdu_word(pdu + 1), 1, 1);
		return 1;
	case 0x0f:
		pdu_set(r, PDU_COIL, pdu_word(pdu + 1), pdu_word(pdu + 3), 1);
		return 1;
	case 0x10:
		pdu_set(r, PDU_HOLDING, pdu_word(pdu + 1), pdu_word(pdu + 3),
		    1);
		return 1;
	case 0x17:
		if (len < 9)
			return 0;
		pdu_set(&r[0], PDU_HOLDING, pdu_word(pdu + 1),
		    pdu_word(pdu + 3), 0);
		pdu_set(&r[1], PDU_HOLDING, pdu_word(pdu + 5),
		    pdu_word(pdu + 7), 1);
		return 2;
	default:
		return 0;
	}
}

/* The functions a broadcast may carry: writes without a read part. */
int
pdu_is_write(int fc)
{
	return fc == 0x05 || fc == 0x06 || fc == 0x0f || fc == 0x10 ||
	    fc == 0x16;
}

static const char *const pdu_area_names[PDU_NAREAS] = {
	"coil", "discrete", "input", "holding"
};

const char *
pdu_area_name(enum pdu_area a)
{
	return a < PDU_NAREAS ? pdu_area_names[a] : "?";
}

/* Returns the area named s, or -1. */
int
pdu_area_parse(const char *s)
{
	int i;

	for (i = 0; i < PDU_NAREAS; i++)
		if (strcmp(s, pdu_area_names[i]) == 0)
			return i;
	return -1;
}

const char *
pdu_function_name(int fc)
{
	switch (fc) {
	case 0x01:
		return _("read coils");
	case 0x02:
		return _("read discrete inputs");
	case 0x03:
		return _("read holding registers");
	case 0x04:
		return _("read input registers");
	case 0x05:
		return _("write single coil");
	case 0x06:
		return _("write single register");
	case 0x0f:
		return _("write multiple coils");
	case 0x10:
		return _("write multiple registers");
	case 0x11:
		return _("report server id");
	case 0x16:
		return _("mask write register");
	case 0x17:
		return _("write and read registers");
	default:
		return _("unsupported function");
	}
}

/* One line for the request log: function, address, count or value. */
void
pdu_describe(const uint8_t *pdu, int len, char *buf, size_t size)
{
	if (len < 1)
		snprintf(buf, size, "%s", _("empty request"));
	else if (len >= 5)
		snprintf(buf, size, _("%s (0x%02x), address %u, "
		    "count or value %u"), pdu_function_name(pdu[0]),
		    (unsigned)pdu[0], (unsigned)pdu_word(pdu + 1),
		    (unsigned)pdu_word(pdu + 3));
	else
		snprintf(buf, size, "%s (0x%02x)", pdu_function_name(pdu[0]),
		    (unsigned)pdu[0]);
}

/*
 * The length of the RTU request frame (unit, PDU, CRC) that starts at
 * adu, of which n bytes have arrived: the length once it is known, 0
 * while more bytes are needed to tell, -1 for a function whose length
 * we do not know, which then ends where the line falls silent.
 */
int
pdu_rtu_length(const uint8_t *adu, int n)
{
	if (n < 2)
		return 0;
	switch (adu[1]) {
	case 0x07:	/* read exception status */
	case 0x0b:	/* get comm event counter */
	case 0x0c:	/* get comm event log */
	case 0x11:	/* report server id */
		return 4;
	case 0x18:	/* read FIFO queue */
		return 6;
	case 0x01:
	case 0x02:
	case 0x03:
	case 0x04:
	case 0x05:
	case 0x06:
	case 0x08:	/* diagnostics: sub-function and one word */
		return 8;
	case 0x16:
		return 10;
	case 0x0f:
	case 0x10:
		return n < 7 ? 0 : 9 + adu[6];
	case 0x14:	/* read and write file record */
	case 0x15:
		return n < 3 ? 0 : 5 + adu[2];
	case 0x17:
		return n < 11 ? 0 : 13 + adu[10];
	case 0x2b:	/* read device identification */
		return n < 3 ? 0 : adu[2] == 0x0e ? 7 : -1;
	default:
		return -1;
	}
}

/* CRC-16/MODBUS; sent low byte first. */
uint16_t
pdu_crc16(const uint8_t *p, int n)
{
	uint16_t crc = 0xffff;
	int i, bit;

	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (bit = 0; bit < 8; bit++)
			crc = crc & 1 ? (uint16_t)(crc >> 1 ^ 0xa001) :
			    (uint16_t)(crc >> 1);
	}
	return crc;
}

void
pdu_selftest(void)
{
	/* Read 2 holding registers at 107, from the Modbus spec. */
	const uint8_t read_hr[] = { 0x11, 0x03, 0x00, 0x6b, 0x00, 0x03 };
	const uint8_t wr_coils[] = { 0x0f, 0x00, 0x13, 0x00, 0x0a, 0x02,
	    0xcd, 0x01 };
	const uint8_t wr_rd[] = { 0x17, 0x00, 0x03, 0x00, 0x06, 0x00, 0x0e,
	    0x00, 0x03, 0x06, 0, 0xff, 0, 0xff, 0, 0xff };
	uint8_t frame[16];
	struct pdu_range r[PDU_MAX_RANGES];
	char buf[128];
	uint16_t crc;

	printf(" * pdu: ");

	/* The spec's example frame 11 03 00 6B 00 03 ends in 76 87. */
	crc = pdu_crc16(read_hr, sizeof read_hr);
	CHECK((crc & 0xff) == 0x76 && crc >> 8 == 0x87);
	memcpy(frame, read_hr, sizeof read_hr);
	frame[6] = (uint8_t)(crc & 0xff);
	frame[7] = (uint8_t)(crc >> 8);
	CHECK(pdu_crc16(frame, 8) == 0);	/* a good frame checks to 0 */

	CHECK(pdu_ranges(read_hr + 1, 5, r) == 1);
	CHECK(r[0].area == PDU_HOLDING && r[0].address == 0x6b &&
	    r[0].count == 3 && !r[0].write);
	CHECK(pdu_ranges(read_hr + 1, 4, r) == 0);
	CHECK(pdu_ranges(wr_coils, sizeof wr_coils, r) == 1);
	CHECK(r[0].area == PDU_COIL && r[0].address == 0x13 &&
	    r[0].count == 10 && r[0].write);
	CHECK(pdu_ranges(wr_rd, sizeof wr_rd, r) == 2);
	CHECK(r[0].area == PDU_HOLDING && r[0].address == 3 &&
	    r[0].count == 6 && !r[0].write);
	CHECK(r[1].area == PDU_HOLDING && r[1].address == 14 &&
	    r[1].count == 3 && r[1].write);
	frame[0] = 0x05;	/* write single coil: one coil, the value */
	frame[1] = 0x00;
	frame[2] = 0x07;
	frame[3] = 0xff;
	frame[4] = 0x00;
	CHECK(pdu_ranges(frame, 5, r) == 1 && r[0].area == PDU_COIL &&
	    r[0].address == 7 && r[0].count == 1 && r[0].write);
	frame[0] = 0x11;
	CHECK(pdu_ranges(frame, 5, r) == 0);

	CHECK(pdu_is_write(0x06) && pdu_is_write(0x10) &&
	    !pdu_is_write(0x03) && !pdu_is_write(0x17));
	CHECK(pdu_area_parse("holding") == PDU_HOLDING);
	CHECK(pdu_area_parse("discrete") == PDU_DISCRETE);
	CHECK(pdu_area_parse("register") == -1);
	CHECK(strcmp(pdu_area_name(PDU_INPUT), "input") == 0);

	/* The request log line the integration tests grep for. */
	frame[0] = 0x06;
	frame[1] = 0x00;
	frame[2] = 0x00;
	frame[3] = 0x00;
	frame[4] = 0x47;
	pdu_describe(frame, 5, buf, sizeof buf);
	CHECK(strstr(buf, "(0x06), address 0, count or value 71") != NULL);
	pdu_describe(frame, 1, buf, sizeof buf);
	CHECK(strstr(buf, "(0x06)") != NULL);

	/* Frame lengths, known as soon as the bytes that say so arrive. */
	CHECK(pdu_rtu_length(read_hr, 1) == 0);
	CHECK(pdu_rtu_length(read_hr, 2) == 8);
	frame[0] = 1;
	frame[1] = 0x10;
	frame[6] = 4;
	CHECK(pdu_rtu_length(frame, 6) == 0);
	CHECK(pdu_rtu_length(frame, 7) == 13);
	frame[1] = 0x17;
	frame[10] = 6;
	CHECK(pdu_rtu_length(frame, 10) == 0);
	CHECK(pdu_rtu_length(frame, 11) == 19);
	frame[1] = 0x11;
	CHECK(pdu_rtu_length(frame, 2) == 4);
	frame[1] = 0x16;
	CHECK(pdu_rtu_length(frame, 2) == 10);
	frame[1] = 0x42;
	CHECK(pdu_rtu_length(frame, 2) == -1);
	frame[1] = 0x83;	/* an exception is no request */
	CHECK(pdu_rtu_length(frame, 2) == -1);

	printf("OK\n");
}
