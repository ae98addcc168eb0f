/*
 * Device drivers. A driver is a const table of operations; driver.c runs
 * each device in its own actor thread so a slow or dead PLC never delays
 * another device or the server loop.
 */
#ifndef SCADA_DRIVER_H
#define SCADA_DRIVER_H

#include <czmq.h>

#include "error.h"
#include "project.h"
#include "tagval.h"

struct driver_stats {
	int		 connected;
	char		 last_error[TAGVAL_REASON_MAX];
	double		 rtt_ms;
	unsigned long	 requests;
	unsigned long	 errors;
	unsigned long	 reconnects;
};

/* The device's polled tags, by index into project->tags. */
struct driver_device {
	const struct project		*project;
	const struct project_device	*conf;
	const size_t			*tags;
	size_t				 ntags;
	struct driver_stats		*stats;
	/* True when a write waits: a scan then yields between requests. */
	int				(*interrupted)(void *);
	void				*arg;
};

struct driver_ops {
	const char	*protocol;
	void		*(*open)(const struct driver_device *);
	int		 (*connect)(void *, char *, size_t);
	void		 (*disconnect)(void *);
	/*
	 * Reads what is due at now (monotonic ms) into out[ntags] and sets
	 * *next to when more is due. Returns -1 only if the link failed.
	 */
	int		 (*scan)(void *, struct tagval *, long long,
			    long long *, char *, size_t);
	enum error_code	 (*write)(void *, size_t, json_t *, struct tagval *,
			    char *, size_t);
	void		 (*close)(void **);
};

/* Sent from a driver actor to the server over the actor pipe. */
struct driver_update {
	uint32_t	tag;		/* index into project->tags */
	struct tagval	tv;
};

extern const struct driver_ops driver_modbus_tcp;
extern const struct driver_ops driver_modbus_rtu;

zactor_t	*driver_start(const struct project *, size_t);
int		 driver_write(zactor_t *, uint64_t, size_t, json_t *);
void		 driver_modbus_selftest(void);

#endif
