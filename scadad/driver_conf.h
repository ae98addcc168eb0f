/*
 * The devices of a project and where each tag lives in its device: the
 * [device NAME] sections and the addressing columns of the tag tables,
 * owned by the driver that uses them (scada-project(5)).
 */
#ifndef SCADA_DRIVER_CONF_H
#define SCADA_DRIVER_CONF_H

#include <jansson.h>
#include <stddef.h>

#include "project.h"
#include "tagcodec.h"

enum io_space {
	IO_COIL,
	IO_DISCRETE,
	IO_INPUT,
	IO_HOLDING,
	IO_SYSTEM		/* device status, kept by scadad itself */
};

/* The status tags every device gets, named sys.DEVICE.NAME. */
enum device_status {
	DEVICE_STATUS_CONNECTED,
	DEVICE_STATUS_LAST_ERROR,
	DEVICE_STATUS_RTT_MS,
	DEVICE_STATUS_REQUESTS,
	DEVICE_STATUS_ERRORS,
	DEVICE_STATUS_RECONNECTS,
	DEVICE_STATUS_COUNT
};

struct device_conf {
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
	int			 order;		/* enum tagcodec_order */
	int			 line;
	size_t			 ord;		/* among the devices */
	/* Made once the tags are final: */
	const struct project_tag **tags;	/* polled, in id order */
	size_t			 ntags;
	const struct project_tag *status[DEVICE_STATUS_COUNT];
};

/* Where a tag lives in its device. */
struct tag_io {
	const struct device_conf *device;
	int			 space;		/* enum io_space */
	int			 unit;
	int			 poll_ms;
	int			 address;
	int			 bit;		/* 0..15 on a register, or -1 */
	int			 clamp;
	int			 order;		/* enum tagcodec_order */
	int			 status;	/* IO_SYSTEM: enum device_status */
	struct tagcodec_scale	 scale;
};

struct project_section;
struct project_columns;
extern const struct project_section driver_conf_section;
extern const struct project_columns driver_conf_columns;

size_t		 driver_conf_count(const struct project *);
const struct device_conf *driver_conf_device(const struct project *, size_t);
const struct tag_io *driver_conf_io(const struct project_tag *);
const char	*driver_conf_space_name(int);
int		 driver_conf_width(const struct project_tag *);
void		 driver_conf_meta(const struct project_tag *, json_t *);

#endif
