/*
 * The simulated PLC, or a gateway with several behind it: one plant and
 * one register image per unit id, optional scratch areas, and the one
 * place that decides how a request is answered. The transports only
 * move bytes; this turns a request into the reply bytes to send.
 */
#ifndef SCADASIM_PLC_H
#define SCADASIM_PLC_H

#include <stdint.h>
#include <modbus.h>

#include "fault.h"

#define PLC_MAX_UNITS		32
#define PLC_SCRATCH_BASE	1000
#define PLC_SCRATCH_MAX		60000

struct plc;

int		 plc_nonblock(int);
struct plc	*plc_new(const int *, int, int, uint32_t, int, struct fault *);
void		 plc_destroy(struct plc **);
void		 plc_step(struct plc *, double);
int		 plc_answer(struct plc *, modbus_t *, const uint8_t *, int,
		    uint8_t *, const char *);
void		 plc_selftest(void);

#endif
