/*
 * What a Modbus request touches, and where an RTU frame ends: pure
 * functions over bytes, shared by the transports, the fault matcher and
 * the unit router.
 */
#ifndef SCADASIM_PDU_H
#define SCADASIM_PDU_H

#include <stddef.h>
#include <stdint.h>

enum pdu_area {
	PDU_COIL = 0,
	PDU_DISCRETE,
	PDU_INPUT,
	PDU_HOLDING,
	PDU_NAREAS
};

/* One block of one data area that a request reads or writes. */
struct pdu_range {
	enum pdu_area	 area;
	int		 address;
	int		 count;
	int		 write;
};

#define PDU_MAX_RANGES	2	/* write-and-read touches two */

int		 pdu_ranges(const uint8_t *, int, struct pdu_range *);
int		 pdu_is_write(int);
const char	*pdu_area_name(enum pdu_area);
int		 pdu_area_parse(const char *);
const char	*pdu_function_name(int);
void		 pdu_describe(const uint8_t *, int, char *, size_t);
int		 pdu_rtu_length(const uint8_t *, int);
uint16_t	 pdu_crc16(const uint8_t *, int);
void		 pdu_selftest(void);

#endif
