/*
 * The engineered project: server settings, devices and tags, loaded from
 * an INI file and CSV tag tables (scada-project(5)). Immutable once
 * loaded, so every thread may read it without locks.
 */
#ifndef SCADA_PROJECT_H
#define SCADA_PROJECT_H

#include <stddef.h>

#include "tagcodec.h"

enum project_space {
	PROJECT_COIL,
	PROJECT_DISCRETE,
	PROJECT_INPUT,
	PROJECT_HOLDING,
	PROJECT_SYSTEM		/* device status, kept by scadad itself */
};

/* The status tags every device gets, named sys.DEVICE.NAME. */
enum project_status {
	PROJECT_STATUS_CONNECTED,
	PROJECT_STATUS_LAST_ERROR,
	PROJECT_STATUS_RTT_MS,
	PROJECT_STATUS_REQUESTS,
	PROJECT_STATUS_ERRORS,
	PROJECT_STATUS_RECONNECTS,
	PROJECT_STATUS_COUNT
};

struct project_device {
	char			*name;
	char			*protocol;
	char			*host;
	int			 port;
	char			*serial;	/* RTU: the serial device */
	int			 baud;
	char			*parity;
	int			 data_bits;
	int			 stop_bits;
	int			 rs485;
	int			 unit;
	int			 poll_ms;
	int			 timeout_ms;
	int			 byte_timeout_ms;
	int			 retries;
	int			 write_multiple;
	int			 backoff_max_ms;
	int			 max_registers;
	int			 max_bits;
	int			 max_gap;
	enum tagcodec_order	 order;
	int			 line;
};

struct project_tag {
	char			*name;
	char			*area;
	char			*units;
	char			*description;
	size_t			 device;
	int			 unit;
	int			 poll_ms;
	enum project_space	 space;
	int			 address;
	int			 bit;		/* 0..15 on a register, or -1 */
	int			 length;	/* string characters */
	int			 clamp;
	enum project_status	 status;	/* PROJECT_SYSTEM only */
	enum tagcodec_type	 type;
	enum tagcodec_order	 order;
	struct tagcodec_scale	 scale;
	int			 has_range;
	double			 min, max;	/* write limits, eng. units */
	int			 writable;
	const char		*file;		/* the project's own string */
	int			 line;
};

struct project {
	char			*path;		/* the INI file */
	char			*dir;
	char			*name;
	char			*description;
	char			*command;	/* endpoints */
	char			*publish;
	int			 heartbeat_ms;
	struct project_device	*devices;
	size_t			 ndevices;
	struct project_tag	*tags;
	size_t			 ntags;
	char			**tagfiles;
	size_t			 ntagfiles;
};

struct project	*project_load(const char *, char *, size_t);
void		 project_free(struct project **);
const char	*project_space_name(enum project_space);
int		 project_endpoint_check(const char *, char *, size_t);
int		 project_tag_width(const struct project_tag *);
void		 project_selftest(const char *);

#endif
