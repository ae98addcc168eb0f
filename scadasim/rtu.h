/*
 * Modbus RTU on a pseudo-terminal: the simulator keeps the master side,
 * and a client opens the slave path as it would a serial port.
 */
#ifndef SCADASIM_RTU_H
#define SCADASIM_RTU_H

#include <sys/select.h>

#include "fault.h"
#include "plc.h"

struct rtu;

struct rtu	*rtu_new(struct plc *, struct fault *);
void		 rtu_destroy(struct rtu **);
const char	*rtu_path(const struct rtu *);
int		 rtu_fdset(const struct rtu *, fd_set *);
void		 rtu_handle(struct rtu *, const fd_set *, double);
double		 rtu_next(const struct rtu *);
void		 rtu_tick(struct rtu *, double);

#endif
