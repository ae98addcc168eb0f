/*
 * Modbus TCP through libmodbus. Tags are coalesced into blocks: sorted by
 * area and address, a block grows while it stays within the protocol's
 * (or the device's) maximum and the hole to bridge is at most max_gap,
 * so contiguous tags cost the fewest requests the protocol allows.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <modbus.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "log.h"
#include "tagcodec.h"

struct driver_modbus_block {
	enum project_space	 space;
	int			 start;
	int			 count;
	size_t			 first;		/* into order[] */
	size_t			 n;
};

struct driver_modbus {
	const struct driver_device	*dev;
	modbus_t			*ctx;
	size_t				*order;	/* positions by address */
	struct driver_modbus_block	*blocks;
	size_t				 nblocks;
	uint16_t			 regs[MODBUS_MAX_READ_REGISTERS];
	uint8_t				 bits[MODBUS_MAX_READ_BITS];
};

static const struct project_tag *
driver_modbus_tag(struct driver_modbus *m, size_t pos)
{
	return &m->dev->project->tags[m->dev->tags[pos]];
}

static int
driver_modbus_cmp(const void *a, const void *b, void *arg)
{
	struct driver_modbus *m = arg;
	const struct project_tag *x = driver_modbus_tag(m, *(const size_t *)a);
	const struct project_tag *y = driver_modbus_tag(m, *(const size_t *)b);

	if (x->space != y->space)
		return x->space < y->space ? -1 : 1;
	return x->address - y->address;
}

static int
driver_modbus_limit(struct driver_modbus *m, enum project_space s)
{
	if (s == PROJECT_COIL || s == PROJECT_DISCRETE)
		return m->dev->conf->max_bits;
	return m->dev->conf->max_registers;
}

static int
driver_modbus_plan(struct driver_modbus *m)
{
	struct driver_modbus_block *b = NULL;
	size_t i, n = m->dev->ntags;

	m->order = calloc(n + 1, sizeof *m->order);
	m->blocks = calloc(n + 1, sizeof *m->blocks);
	if (m->order == NULL || m->blocks == NULL)
		return -1;
	for (i = 0; i < n; i++)
		m->order[i] = i;
	qsort_r(m->order, n, sizeof *m->order, driver_modbus_cmp, m);
	for (i = 0; i < n; i++) {
		const struct project_tag *t = driver_modbus_tag(m, m->order[i]);
		int end = t->address + project_tag_width(t);

		if (b == NULL || b->space != t->space ||
		    t->address > b->start + b->count + m->dev->conf->max_gap ||
		    end - b->start > driver_modbus_limit(m, t->space)) {
			b = &m->blocks[m->nblocks++];
			b->space = t->space;
			b->start = t->address;
			b->count = 0;
			b->first = i;
		}
		if (end - b->start > b->count)
			b->count = end - b->start;
		b->n++;
	}
	log_debug("device %s: %zu tags in %zu blocks", m->dev->conf->name, n,
	    m->nblocks);
	return 0;
}

static void *
driver_modbus_open(const struct driver_device *dev)
{
	struct driver_modbus *m = calloc(1, sizeof *m);
	char port[16];

	if (m == NULL)
		return NULL;
	m->dev = dev;
	snprintf(port, sizeof port, "%d", dev->conf->port);
	m->ctx = modbus_new_tcp_pi(dev->conf->host, port);
	if (m->ctx == NULL || driver_modbus_plan(m) == -1) {
		log_warn("device %s: cannot set up Modbus TCP to %s:%s",
		    dev->conf->name, dev->conf->host, port);
		if (m->ctx != NULL)
			modbus_free(m->ctx);
		free(m->order);
		free(m->blocks);
		free(m);
		return NULL;
	}
	modbus_set_slave(m->ctx, dev->conf->unit);
	modbus_set_response_timeout(m->ctx, dev->conf->timeout_ms / 1000,
	    (dev->conf->timeout_ms % 1000) * 1000);
	return m;
}

static void
driver_modbus_close(void **p)
{
	struct driver_modbus *m = *p;

	if (m == NULL)
		return;
	modbus_close(m->ctx);
	modbus_free(m->ctx);
	free(m->order);
	free(m->blocks);
	free(m);
	*p = NULL;
}

static int
driver_modbus_connect(void *p, char *err, size_t errlen)
{
	struct driver_modbus *m = p;

	if (modbus_connect(m->ctx) == -1) {
		snprintf(err, errlen, "connect to %s:%d: %s",
		    m->dev->conf->host, m->dev->conf->port,
		    modbus_strerror(errno));
		return -1;
	}
	return 0;
}

static void
driver_modbus_disconnect(void *p)
{
	struct driver_modbus *m = p;

	modbus_close(m->ctx);
}

/* A Modbus exception: the PLC answered, the link is fine. */
static int
driver_modbus_is_exception(int e)
{
	return e > MODBUS_ENOBASE && e <= EMBXGTAR;
}

static int
driver_modbus_read(struct driver_modbus *m, enum project_space s, int addr,
    int count)
{
	struct driver_stats *st = m->dev->stats;
	long long t0 = zclock_usecs();
	int rc = -1, attempt;

	for (attempt = 0; attempt <= m->dev->conf->retries; attempt++) {
		st->requests++;
		switch (s) {
		case PROJECT_COIL:
			rc = modbus_read_bits(m->ctx, addr, count, m->bits);
			break;
		case PROJECT_DISCRETE:
			rc = modbus_read_input_bits(m->ctx, addr, count,
			    m->bits);
			break;
		case PROJECT_INPUT:
			rc = modbus_read_input_registers(m->ctx, addr, count,
			    m->regs);
			break;
		case PROJECT_HOLDING:
			rc = modbus_read_registers(m->ctx, addr, count,
			    m->regs);
			break;
		}
		if (rc != -1 || errno != ETIMEDOUT)
			break;
		modbus_flush(m->ctx);
	}
	if (rc != -1)
		st->rtt_ms = (zclock_usecs() - t0) / 1000.0;
	return rc;
}

/* Decodes one tag from the block just read, starting at address base. */
static void
driver_modbus_decode(struct driver_modbus *m, const struct project_tag *t,
    int base, struct tagval *tv)
{
	double raw;

	if (t->type == TAGCODEC_BOOL) {
		tv->is_bool = 1;
		tv->value = m->bits[t->address - base] != 0;
	} else {
		raw = tagcodec_decode(t->type, t->order,
		    &m->regs[t->address - base]);
		tv->value = tagcodec_to_eng(&t->scale, raw);
	}
	tv->quality = isfinite(tv->value) ? QUALITY_GOOD : QUALITY_BAD;
	snprintf(tv->reason, sizeof tv->reason, "%s",
	    tv->quality == QUALITY_GOOD ? "" : "not a finite number");
}

static void
driver_modbus_block_bad(struct driver_modbus *m,
    const struct driver_modbus_block *b, struct tagval *out, long long now)
{
	size_t i;

	m->dev->stats->errors++;
	snprintf(m->dev->stats->last_error, sizeof m->dev->stats->last_error,
	    "exception: %s", modbus_strerror(errno));
	for (i = b->first; i < b->first + b->n; i++) {
		struct tagval *tv = &out[m->order[i]];

		tv->quality = QUALITY_BAD;
		tv->ts_ms = now;
		snprintf(tv->reason, sizeof tv->reason, "exception: %s",
		    modbus_strerror(errno));
	}
}

static int
driver_modbus_scan(void *p, struct tagval *out, char *err, size_t errlen)
{
	struct driver_modbus *m = p;
	long long now;
	size_t bi, i;

	for (bi = 0; bi < m->nblocks; bi++) {
		const struct driver_modbus_block *b = &m->blocks[bi];

		if (driver_modbus_read(m, b->space, b->start, b->count) == -1) {
			if (!driver_modbus_is_exception(errno)) {
				snprintf(err, errlen, "%s",
				    modbus_strerror(errno));
				return -1;
			}
			driver_modbus_block_bad(m, b, out, tagval_now_ms());
			continue;
		}
		now = tagval_now_ms();
		for (i = b->first; i < b->first + b->n; i++) {
			size_t pos = m->order[i];

			driver_modbus_decode(m, driver_modbus_tag(m, pos),
			    b->start, &out[pos]);
			out[pos].ts_ms = now;
		}
	}
	return 0;
}

static enum error_code
driver_modbus_error(char *err, size_t errlen, const char *what)
{
	int e = errno;

	snprintf(err, errlen, "%s: %s", what, modbus_strerror(e));
	if (driver_modbus_is_exception(e))
		return ERROR_DEVICE_ERROR;
	return e == ETIMEDOUT ? ERROR_TIMEOUT : ERROR_DEVICE_OFFLINE;
}

static enum error_code
driver_modbus_write(void *p, size_t pos, double value, struct tagval *tv,
    char *err, size_t errlen)
{
	struct driver_modbus *m = p;
	const struct project_tag *t = driver_modbus_tag(m, pos);
	uint16_t regs[4];
	int n, rc;

	if (t->type == TAGCODEC_BOOL) {
		m->dev->stats->requests++;
		rc = modbus_write_bit(m->ctx, t->address, value != 0);
	} else {
		if (tagcodec_encode(t->type, t->order,
		    tagcodec_to_raw(&t->scale, value), regs) == -1) {
			snprintf(err, errlen, "%g does not fit %s", value,
			    tagcodec_type_name(t->type));
			return ERROR_OUT_OF_RANGE;
		}
		n = tagcodec_registers(t->type);
		m->dev->stats->requests++;
		rc = n == 1 ? modbus_write_register(m->ctx, t->address,
		    regs[0]) : modbus_write_registers(m->ctx, t->address, n,
		    regs);
	}
	if (rc == -1)
		return driver_modbus_error(err, errlen, "write refused");
	/* Read back, so every station sees what the PLC really holds. */
	if (driver_modbus_read(m, t->space, t->address,
	    project_tag_width(t)) == -1)
		return driver_modbus_error(err, errlen, "read-back failed");
	memset(tv, 0, sizeof *tv);
	driver_modbus_decode(m, t, t->address, tv);
	tv->ts_ms = tagval_now_ms();
	return ERROR_NONE;
}

const struct driver_ops driver_modbus_tcp = {
	.protocol = "tcp",
	.open = driver_modbus_open,
	.connect = driver_modbus_connect,
	.disconnect = driver_modbus_disconnect,
	.scan = driver_modbus_scan,
	.write = driver_modbus_write,
	.close = driver_modbus_close,
};
