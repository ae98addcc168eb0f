/*
 * Requests held back by the "delay" fault: a queue ordered by due time,
 * so one select loop answers each when it falls due and meanwhile
 * serves everyone else. Pure data, no clock: the caller says what time
 * it is.
 */
#ifndef SCADASIM_DELAY_H
#define SCADASIM_DELAY_H

#include <stdint.h>
#include <modbus.h>

#define DELAY_MAX	1024	/* requests held at once */

struct delay_entry {
	double		 due;		/* s, the caller's clock */
	uint64_t	 client;	/* who asked */
	int		 len;
	uint8_t		 adu[MODBUS_TCP_MAX_ADU_LENGTH];
};

struct delay;

struct delay	*delay_new(void);
void		 delay_destroy(struct delay **);
int		 delay_push(struct delay *, double, uint64_t, const uint8_t *,
		    int);
int		 delay_pop(struct delay *, double, struct delay_entry *);
double		 delay_next(const struct delay *);
int		 delay_count(const struct delay *);
void		 delay_forget(struct delay *, uint64_t);
void		 delay_clear(struct delay *);
void		 delay_selftest(void);

#endif
