/*
 * The devices of the running project, each a driver actor: starting
 * them, routing their messages to the server loop, sending them writes,
 * and noticing one that has gone quiet.
 */
#ifndef SCADA_DEVICES_H
#define SCADA_DEVICES_H

#include <czmq.h>
#include <jansson.h>

#include "driver.h"
#include "error.h"
#include "project.h"

struct devices_events {
	/* A batch of changed values from one device, in the order read. */
	void	(*update)(void *, const struct driver_update *, size_t);
	/* A write's part is done: its token, result and message. */
	void	(*wrote)(void *, uint64_t, enum error_code, const char *);
	/* A device has not been heard of for too long: its tags. */
	void	(*quiet)(void *, const struct device_conf *, long long);
	void	*arg;
};

typedef struct devices devices_t;

devices_t	*devices_new(struct project *, zloop_t *,
		    const struct devices_events *);
void		 devices_destroy(devices_t **);
int		 devices_write(devices_t *, const struct project_tag *,
		    json_t *, uint64_t, char *, size_t);
long long	 devices_write_ms(const struct project_tag *);
json_t		*devices_status(devices_t *);
void		 devices_check(devices_t *, long long);

#endif
