/*
 * Device drivers. A driver is a const table of operations; driver.c runs
 * each device in its own actor thread so a slow or dead PLC never delays
 * another device or the server loop.
 */
#ifndef SCADA_DRIVER_H
#define SCADA_DRIVER_H

#include <czmq.h>

#include "driver_conf.h"
#include "error.h"
#include "project.h"
#include "tagval.h"

struct driver_stats {
	int		 connected;
	char		 last_error[TAGVAL_REASON_MAX];
	double		 rtt_ms;
	unsigned long	 requests;
	unsigned long	 answers;	/* requests the device answered */
	unsigned long	 errors;
	unsigned long	 reconnects;
};

/* A device as its driver sees it: its polled tags, by position. */
struct driver_device {
	const struct device_conf	 *conf;
	const struct project_tag *const	 *tags;
	size_t				  ntags;
	struct driver_stats		 *stats;
	/* True when a write waits: a scan then yields between requests. */
	int				(*interrupted)(void *);
	/* Every value read, as it is read. */
	void				(*emit)(void *, size_t,
					    const struct tagval *);
	void				 *arg;
};

struct driver_ops {
	const char	*protocol;
	void		*(*open)(const struct driver_device *);
	int		 (*connect)(void *, char *, size_t);
	void		 (*disconnect)(void *);
	/*
	 * Reads what is due at now (monotonic ms), emitting each value,
	 * and sets *next to when more is due. Returns -1 only if the link
	 * failed.
	 */
	int		 (*scan)(void *, long long, long long *, char *, size_t);
	/* Writes one tag, reads it back and emits what it read. */
	enum error_code	 (*write)(void *, size_t, json_t *, char *, size_t);
	void		 (*close)(void **);
};

/* Sent from a driver actor to the server over the actor pipe. */
struct driver_update {
	uint32_t	id;		/* the tag's id */
	struct tagval	tv;
};

/* Updates in one message at most: a scan of many changes is a few. */
#define DRIVER_BATCH	256

extern const struct driver_ops driver_modbus_tcp;
extern const struct driver_ops driver_modbus_rtu;

zactor_t	*driver_start(struct project *, const struct device_conf *);
int		 driver_write(zactor_t *, uint64_t, uint32_t, json_t *);
int		 driver_resend(zactor_t *);
void		 driver_selftest(void);
void		 driver_modbus_selftest(void);

#endif
