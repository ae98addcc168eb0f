/*
 * Modbus TCP and RTU through libmodbus. Tags are coalesced into blocks:
 * sorted by poll period, unit, area and address, a block grows while it
 * stays within the protocol's (or the device's) maximum and the hole to
 * bridge is at most max_gap, so contiguous tags cost the fewest requests
 * the protocol allows. A block the PLC refuses as a whole (illegal
 * address or function) is read tag by tag to find the culprit, which is
 * then reported once as a configuration error and asked again only
 * rarely, never as a storm.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <modbus.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "driver.h"
#include "log.h"
#include "project_ini.h"
#include "tagcodec.h"
#include "value.h"
#include "xmalloc.h"

struct driver_modbus_block {
	int			 poll_ms;
	int			 unit;
	int			 space;		/* enum io_space */
	int			 start;
	int			 count;
	size_t			 first;		/* into order[] */
	size_t			 n;
	long long		 due;		/* monotonic ms */
	int			 split;		/* read tag by tag */
};

struct driver_modbus {
	const struct driver_device	*dev;
	modbus_t			*ctx;
	size_t				*order;	/* positions by address */
	long long			*parked; /* config error: until */
	struct driver_modbus_block	*blocks;
	size_t				 nblocks;
	int				 rs485_warned;
	uint16_t			 regs[MODBUS_MAX_READ_REGISTERS];
	uint8_t				 bits[MODBUS_MAX_READ_BITS];
};

static const struct project_tag *
driver_modbus_tag(struct driver_modbus *m, size_t pos)
{
	return m->dev->tags[pos];
}

static const struct tag_io *
driver_modbus_io(struct driver_modbus *m, size_t pos)
{
	return driver_conf_io(m->dev->tags[pos]);
}

static int
driver_modbus_cmp(const void *a, const void *b, void *arg)
{
	struct driver_modbus *m = arg;
	const struct tag_io *x = driver_modbus_io(m, *(const size_t *)a);
	const struct tag_io *y = driver_modbus_io(m, *(const size_t *)b);

	if (x->poll_ms != y->poll_ms)
		return x->poll_ms < y->poll_ms ? -1 : 1;
	if (x->unit != y->unit)
		return x->unit - y->unit;
	if (x->space != y->space)
		return x->space < y->space ? -1 : 1;
	return x->address - y->address;
}

static int
driver_modbus_limit(struct driver_modbus *m, int s)
{
	if (s == IO_COIL || s == IO_DISCRETE)
		return m->dev->conf->max_bits;
	return m->dev->conf->max_registers;
}

static int
driver_modbus_joins(struct driver_modbus *m,
    const struct driver_modbus_block *b, const struct project_tag *t)
{
	const struct tag_io *io = driver_conf_io(t);
	int end = io->address + driver_conf_width(t);

	return b != NULL && b->poll_ms == io->poll_ms && b->unit == io->unit &&
	    b->space == io->space &&
	    io->address <= b->start + b->count + m->dev->conf->max_gap &&
	    end - b->start <= driver_modbus_limit(m, io->space);
}

static int
driver_modbus_plan(struct driver_modbus *m)
{
	struct driver_modbus_block *b = NULL;
	size_t i, n = m->dev->ntags;

	m->order = xcalloc(n + 1, sizeof *m->order);
	m->parked = xcalloc(n + 1, sizeof *m->parked);
	m->blocks = xcalloc(n + 1, sizeof *m->blocks);
	for (i = 0; i < n; i++)
		m->order[i] = i;
	qsort_r(m->order, n, sizeof *m->order, driver_modbus_cmp, m);
	for (i = 0; i < n; i++) {
		const struct project_tag *t = driver_modbus_tag(m, m->order[i]);
		const struct tag_io *io = driver_conf_io(t);
		int end = io->address + driver_conf_width(t);

		if (!driver_modbus_joins(m, b, t)) {
			b = &m->blocks[m->nblocks++];
			b->poll_ms = io->poll_ms;
			b->unit = io->unit;
			b->space = io->space;
			b->start = io->address;
			b->first = i;
		}
		if (end - b->start > b->count)
			b->count = end - b->start;
		b->n++;
	}
	/* Room was made for a block a tag: keep what the plan needs. */
	m->blocks = xreallocarray(m->blocks, m->nblocks + 1, sizeof *m->blocks);
	log_debug("device %s: %zu tags in %zu blocks", m->dev->conf->name, n,
	    m->nblocks);
	return 0;
}

static modbus_t *
driver_modbus_new_ctx(const struct device_conf *d)
{
	char port[16];

	if (strcmp(d->protocol, "rtu") == 0)
		return modbus_new_rtu(d->serial, d->baud,
		    strcmp(d->parity, "none") == 0 ? 'N' :
		    strcmp(d->parity, "odd") == 0 ? 'O' : 'E',
		    d->data_bits, d->stop_bits);
	snprintf(port, sizeof port, "%d", d->port);
	return modbus_new_tcp_pi(d->host, port);
}

static void *
driver_modbus_open(const struct driver_device *dev)
{
	const struct device_conf *d = dev->conf;
	struct driver_modbus *m = xcalloc(1, sizeof *m);

	m->dev = dev;
	m->ctx = driver_modbus_new_ctx(d);
	if (m->ctx == NULL || driver_modbus_plan(m) == -1) {
		log_warn("device %s: cannot set up Modbus %s", d->name,
		    d->protocol);
		if (m->ctx != NULL)
			modbus_free(m->ctx);
		free(m->order);
		free(m->parked);
		free(m->blocks);
		free(m);
		return NULL;
	}
	modbus_set_slave(m->ctx, d->unit);
	modbus_set_response_timeout(m->ctx, d->timeout_ms / 1000,
	    (d->timeout_ms % 1000) * 1000);
	if (d->byte_timeout_ms > 0)
		modbus_set_byte_timeout(m->ctx, d->byte_timeout_ms / 1000,
		    (d->byte_timeout_ms % 1000) * 1000);
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
	free(m->parked);
	free(m->blocks);
	free(m);
	*p = NULL;
}

static int
driver_modbus_connect(void *p, char *err, size_t errlen)
{
	struct driver_modbus *m = p;
	const struct device_conf *d = m->dev->conf;

	if (modbus_connect(m->ctx) == -1) {
		if (strcmp(d->protocol, "rtu") == 0)
			snprintf(err, errlen, "open %s: %s", d->serial,
			    modbus_strerror(errno));
		else
			snprintf(err, errlen, "connect to %s:%d: %s", d->host,
			    d->port, modbus_strerror(errno));
		return -1;
	}
	/* Not every port can switch its driver to RS-485: say so once. */
	if (d->rs485 && modbus_rtu_set_serial_mode(m->ctx,
	    MODBUS_RTU_RS485) == -1 && !m->rs485_warned) {
		log_warn("device %s: %s cannot do RS-485 mode", d->name,
		    d->serial);
		m->rs485_warned = 1;
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

/* Exceptions that mean "this address or function is not here". */
static int
driver_modbus_is_config_error(int e)
{
	return e == EMBXILFUN || e == EMBXILADD;
}

static int
driver_modbus_read(struct driver_modbus *m, int unit, int s, int addr,
    int count)
{
	struct driver_stats *st = m->dev->stats;
	long long t0 = zclock_usecs();
	int rc = -1, attempt;

	modbus_set_slave(m->ctx, unit);
	for (attempt = 0; attempt <= m->dev->conf->retries; attempt++) {
		st->requests++;
		switch (s) {
		case IO_COIL:
			rc = modbus_read_bits(m->ctx, addr, count, m->bits);
			break;
		case IO_DISCRETE:
			rc = modbus_read_input_bits(m->ctx, addr, count,
			    m->bits);
			break;
		case IO_INPUT:
			rc = modbus_read_input_registers(m->ctx, addr, count,
			    m->regs);
			break;
		default:
			rc = modbus_read_registers(m->ctx, addr, count,
			    m->regs);
			break;
		}
		if (rc != -1 || errno != ETIMEDOUT)
			break;
		/* A late answer must not be taken for the retry's. */
		if (attempt < m->dev->conf->retries) {
			modbus_flush(m->ctx);
			errno = ETIMEDOUT;
		}
	}
	if (rc != -1)
		st->rtt_ms = (zclock_usecs() - t0) / 1000.0;
	/* An exception is an answer too: the PLC is there. */
	if (rc != -1 || driver_modbus_is_exception(errno))
		st->answers++;
	return rc;
}

/* Decodes one tag from the data just read, which starts at base. */
static void
driver_modbus_decode(struct driver_modbus *m, const struct project_tag *t,
    int base, struct tagval *tv)
{
	const struct tag_io *io = driver_conf_io(t);
	const uint16_t *r = &m->regs[io->address - base];
	double v, lo, hi;

	tv->is_bool = t->type == TAGCODEC_BOOL;
	tv->is_string = t->type == TAGCODEC_STRING;
	tv->str[0] = '\0';
	if (io->space == IO_COIL || io->space == IO_DISCRETE)
		v = m->bits[io->address - base] != 0;
	else if (io->bit != -1)
		v = (*r >> io->bit) & 1;
	else if (tv->is_string) {
		tagcodec_string_decode(io->order, r, t->length,
		    tv->str, sizeof tv->str);
		v = 0;
	} else
		v = tagcodec_to_eng(&io->scale, tagcodec_decode(t->type,
		    io->order, r));
	/* A NaN or infinity from the PLC is a fault, not a range end. */
	if (io->clamp && isfinite(v)) {
		lo = fmin(io->scale.eng_min, io->scale.eng_max);
		hi = fmax(io->scale.eng_min, io->scale.eng_max);
		v = fmin(fmax(v, lo), hi);
	}
	tv->value = v;
	tv->quality = isfinite(v) ? QUALITY_GOOD : QUALITY_BAD;
	/* Every tag, every scan: no printf for the common case. */
	if (isfinite(v))
		tv->reason[0] = '\0';
	else
		snprintf(tv->reason, sizeof tv->reason, "not a finite number");
}

/* Counts a refused request; the device's last error says what it was. */
static void
driver_modbus_count_error(struct driver_modbus *m, const char *kind)
{
	struct driver_stats *st = m->dev->stats;

	st->errors++;
	snprintf(st->last_error, sizeof st->last_error, "%s: %s", kind,
	    modbus_strerror(errno));
}

/* A tag the PLC would not give: bad, with the PLC's reason. */
static void
driver_modbus_emit_bad(struct driver_modbus *m, size_t pos, long long ts,
    const char *kind)
{
	const struct project_tag *t = driver_modbus_tag(m, pos);
	struct tagval tv;

	memset(&tv, 0, sizeof tv);
	tv.value = NAN;
	tv.is_bool = t->type == TAGCODEC_BOOL;
	tv.is_string = t->type == TAGCODEC_STRING;
	tv.quality = QUALITY_BAD;
	tv.ts_ms = ts;
	snprintf(tv.reason, sizeof tv.reason, "%s: %s", kind,
	    modbus_strerror(errno));
	m->dev->emit(m->dev->arg, pos, &tv);
}

static void
driver_modbus_emit(struct driver_modbus *m, size_t pos, int base,
    long long ts)
{
	struct tagval tv;

	driver_modbus_decode(m, driver_modbus_tag(m, pos), base, &tv);
	tv.ts_ms = ts;
	m->dev->emit(m->dev->arg, pos, &tv);
}

/*
 * One tag alone, in a block the PLC refused as a whole. A tag it
 * refuses on its own is a configuration error: logged once, then asked
 * again only every backoff_max_ms in case the PLC program changes.
 */
static int
driver_modbus_read_one(struct driver_modbus *m, size_t i, long long now)
{
	size_t pos = m->order[i];
	const struct project_tag *t = driver_modbus_tag(m, pos);
	const struct tag_io *io = driver_conf_io(t);
	long long ts = tagval_now_ms();

	if (m->parked[pos] > now)
		return 0;
	if (driver_modbus_read(m, io->unit, io->space, io->address,
	    driver_conf_width(t)) != -1) {
		if (m->parked[pos] != 0)
			log_info("device %s: tag %s: readable again",
			    m->dev->conf->name, t->name);
		m->parked[pos] = 0;
		driver_modbus_emit(m, pos, io->address, ts);
		return 0;
	}
	if (!driver_modbus_is_exception(errno))
		return -1;
	driver_modbus_count_error(m, "exception");
	if (!driver_modbus_is_config_error(errno)) {
		driver_modbus_emit_bad(m, pos, ts, "exception");
		return 0;
	}
	if (m->parked[pos] == 0)
		log_warnx("device %s: tag %s (%s:%d): configuration error: %s "
		    "at %s %d, unit %d", m->dev->conf->name, t->name, t->file,
		    t->line, modbus_strerror(errno),
		    driver_conf_space_name(io->space), io->address, io->unit);
	m->parked[pos] = now + m->dev->conf->backoff_max_ms;
	driver_modbus_emit_bad(m, pos, ts, "configuration error");
	return 0;
}

static int
driver_modbus_read_block(struct driver_modbus *m,
    struct driver_modbus_block *b, long long now)
{
	long long ts;
	size_t i;

	if (b->split) {
		for (i = b->first; i < b->first + b->n; i++)
			if (driver_modbus_read_one(m, i, now) == -1)
				return -1;
		return 0;
	}
	if (driver_modbus_read(m, b->unit, b->space, b->start, b->count) ==
	    -1) {
		if (!driver_modbus_is_exception(errno))
			return -1;
		if (driver_modbus_is_config_error(errno) && b->n == 1) {
			b->split = 1;
			return driver_modbus_read_one(m, b->first, now);
		}
		if (driver_modbus_is_config_error(errno)) {
			log_info("device %s: unit %d refused %s %d..%d (%s); "
			    "reading its %zu tags one by one",
			    m->dev->conf->name, b->unit,
			    driver_conf_space_name(b->space), b->start,
			    b->start + b->count - 1, modbus_strerror(errno),
			    b->n);
			b->split = 1;
			return driver_modbus_read_block(m, b, now);
		}
		driver_modbus_count_error(m, "exception");
		ts = tagval_now_ms();
		for (i = b->first; i < b->first + b->n; i++)
			driver_modbus_emit_bad(m, m->order[i], ts, "exception");
		return 0;
	}
	ts = tagval_now_ms();
	for (i = b->first; i < b->first + b->n; i++)
		driver_modbus_emit(m, m->order[i], b->start, ts);
	return 0;
}

static int
driver_modbus_scan(void *p, long long now, long long *next, char *err,
    size_t errlen)
{
	struct driver_modbus *m = p;
	struct driver_modbus_block *b;
	size_t i;
	int rc = 0;

	for (i = 0; i < m->nblocks && rc == 0; i++) {
		b = &m->blocks[i];
		if (b->due > now)
			continue;
		if (m->dev->interrupted(m->dev->arg))
			break;		/* a write waits; come back at once */
		/* Keep the period; skip reads that overran it. */
		if (b->due == 0)
			b->due = now;
		b->due += b->poll_ms * ((now - b->due) / b->poll_ms + 1);
		if (driver_modbus_read_block(m, b, now) == -1) {
			snprintf(err, errlen, "%s", modbus_strerror(errno));
			rc = -1;
		}
	}
	*next = now + 60000;
	for (i = 0; i < m->nblocks; i++)
		if (m->blocks[i].due < *next)
			*next = m->blocks[i].due;
	return rc;
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

/* The value as written, and the raw one if the tag is scaled. */
static void
driver_modbus_unfit(const struct project_tag *t, double value, double raw,
    char *err, size_t errlen)
{
	char typed[32], scaled[32];

	value_shortest(value, typed, sizeof typed);
	value_shortest(raw, scaled, sizeof scaled);
	if (raw == value)
		snprintf(err, errlen, "%s does not fit %s", typed,
		    tagcodec_type_name(t->type));
	else
		snprintf(err, errlen, "%s (raw %s) does not fit %s", typed,
		    scaled, tagcodec_type_name(t->type));
}

/* Registers for a value; returns 0, or the error for the reply. */
static enum error_code
driver_modbus_encode(struct driver_modbus *m, const struct project_tag *t,
    json_t *value, uint16_t *regs, char *err, size_t errlen)
{
	const struct tag_io *io = driver_conf_io(t);
	double v;

	if (t->type == TAGCODEC_STRING) {
		if (tagcodec_string_encode(io->order, json_string_value(value),
		    t->length, regs) == -1) {
			snprintf(err, errlen, "text longer than %d characters",
			    t->length);
			return ERROR_OUT_OF_RANGE;
		}
		return ERROR_NONE;
	}
	if (io->bit != -1) {
		/* Bit N of a register: read, change the bit, write back. */
		if (driver_modbus_read(m, io->unit, IO_HOLDING, io->address,
		    1) == -1)
			return driver_modbus_error(err, errlen,
			    "reading the register to change its bit");
		regs[0] = json_is_true(value) ? m->regs[0] | 1u << io->bit :
		    m->regs[0] & ~(1u << io->bit);
		return ERROR_NONE;
	}
	v = tagcodec_to_raw(&io->scale, json_number_value(value));
	if (tagcodec_encode(t->type, io->order, v, regs) == -1) {
		driver_modbus_unfit(t, json_number_value(value), v, err,
		    errlen);
		return ERROR_OUT_OF_RANGE;
	}
	return ERROR_NONE;
}

/* FC 5 or 15 for coils, 6 or 16 for registers (15/16 if forced). */
static int
driver_modbus_send(struct driver_modbus *m, const struct project_tag *t,
    json_t *value, const uint16_t *regs)
{
	const struct tag_io *io = driver_conf_io(t);
	int n = driver_conf_width(t), multiple = m->dev->conf->write_multiple;
	uint8_t bit = json_is_true(value);

	m->dev->stats->requests++;
	modbus_set_slave(m->ctx, io->unit);
	if (io->space == IO_COIL)
		return multiple ? modbus_write_bits(m->ctx, io->address, 1,
		    &bit) : modbus_write_bit(m->ctx, io->address, bit);
	if (n == 1 && !multiple)
		return modbus_write_register(m->ctx, io->address, regs[0]);
	return modbus_write_registers(m->ctx, io->address, n, regs);
}

static enum error_code
driver_modbus_write(void *p, size_t pos, json_t *value, char *err,
    size_t errlen)
{
	struct driver_modbus *m = p;
	const struct project_tag *t = driver_modbus_tag(m, pos);
	const struct tag_io *io = driver_conf_io(t);
	uint16_t regs[MODBUS_MAX_WRITE_REGISTERS];
	enum error_code rc = ERROR_NONE;

	if (io->space == IO_HOLDING)
		rc = driver_modbus_encode(m, t, value, regs, err, errlen);
	if (rc != ERROR_NONE)
		return rc;
	if (driver_modbus_send(m, t, value, regs) == -1) {
		if (driver_modbus_is_exception(errno)) {
			m->dev->stats->answers++;
			return driver_modbus_error(err, errlen, "write refused");
		}
		/* No answer: the PLC did not refuse it; it is not there. */
		if (errno == ETIMEDOUT)
			return driver_modbus_error(err, errlen, "no answer to "
			    "the write, which may or may not have been applied");
		return driver_modbus_error(err, errlen, "device unreachable");
	}
	m->dev->stats->answers++;
	/* Read back, so every station sees what the PLC really holds. */
	if (driver_modbus_read(m, io->unit, io->space, io->address,
	    driver_conf_width(t)) == -1)
		return driver_modbus_error(err, errlen, "written, but the "
		    "read-back failed");
	driver_modbus_emit(m, pos, io->address, tagval_now_ms());
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

const struct driver_ops driver_modbus_rtu = {
	.protocol = "rtu",
	.open = driver_modbus_open,
	.connect = driver_modbus_connect,
	.disconnect = driver_modbus_disconnect,
	.scan = driver_modbus_scan,
	.write = driver_modbus_write,
	.close = driver_modbus_close,
};

/* The plan for a tag table written to a scratch project. */
static size_t
driver_modbus_selftest_plan(const char *rows, int max_registers)
{
	char dir[] = "/tmp/scada-plan-test.XXXXXX", path[600], err[512];
	struct driver_stats stats = { 0 };
	struct driver_device dev = { .stats = &stats };
	const struct device_conf *d;
	struct driver_modbus *m;
	struct project *p;
	size_t blocks;
	FILE *fp;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/project.ini", dir);
	CHECK((fp = fopen(path, "w")) != NULL);
	fprintf(fp, "[project]\ntags = tags.csv\n[device d]\nhost = 127.0.0.1\n"
	    "max_registers = %d\nmax_gap = 8\n", max_registers);
	fclose(fp);
	snprintf(path, sizeof path, "%s/tags.csv", dir);
	CHECK((fp = fopen(path, "w")) != NULL);
	fprintf(fp, "name,device,space,address,type,poll_ms,unit\n%s", rows);
	fclose(fp);
	p = project_load(dir, NULL, err, sizeof err);
	if (p == NULL)
		fprintf(stderr, "driver_modbus_selftest: %s\n", err);
	CHECK(p != NULL);
	d = driver_conf_device(p, 0);
	dev.conf = d;
	dev.tags = d->tags;
	dev.ntags = d->ntags;
	m = driver_modbus_open(&dev);
	CHECK(m != NULL);
	blocks = m->nblocks;
	driver_modbus_close((void **)&m);
	project_unref(&p);
	unlink(path);
	snprintf(path, sizeof path, "%s/project.ini", dir);
	unlink(path);
	rmdir(dir);
	return blocks;
}

static char *
driver_modbus_selftest_rows(const char *space, const char *type, int first,
    int count, int step, const char *extra)
{
	char *rows = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&rows, &len);
	int i;

	for (i = 0; i < count; i++)
		fprintf(fp, "%s%d,d,%s,%d,%s,%s\n", space, i, space,
		    first + i * step, type, extra);
	fclose(fp);
	return rows;
}

static void
driver_modbus_selftest_count(const char *space, const char *type, int count,
    int step, int max_registers, size_t want)
{
	char *rows = driver_modbus_selftest_rows(space, type, 0, count, step,
	    ",");
	size_t got = driver_modbus_selftest_plan(rows, max_registers);

	if (got != want)
		fprintf(stderr, "driver_modbus_selftest: %d %s %s (step %d, "
		    "max %d): %zu blocks, want %zu\n", count, space, type, step,
		    max_registers, got, want);
	CHECK(got == want);
	free(rows);
}

void
driver_modbus_selftest(void)
{
	/* 1000 contiguous registers: ceil(1000 / 125) requests. */
	driver_modbus_selftest_count("holding", "uint16", 1000, 1, 125, 8);
	driver_modbus_selftest_count("holding", "uint16", 1000, 1, 100, 10);
	/* The protocol's maximum, on both sides of it. */
	driver_modbus_selftest_count("holding", "uint16", 125, 1, 125, 1);
	driver_modbus_selftest_count("holding", "uint16", 126, 1, 125, 2);
	driver_modbus_selftest_count("input", "uint16", 124, 1, 125, 1);
	/* float32s: 2 registers each; a block never splits a value. */
	driver_modbus_selftest_count("holding", "float32", 100, 2, 125, 2);
	driver_modbus_selftest_count("holding", "float32", 63, 2, 125, 2);
	driver_modbus_selftest_count("holding", "float32", 62, 2, 125, 1);
	/* 2500 coils: 2000 + 500; 2000 exactly: one. */
	driver_modbus_selftest_count("coil", "bool", 2500, 1, 125, 2);
	driver_modbus_selftest_count("coil", "bool", 2000, 1, 125, 1);
	driver_modbus_selftest_count("discrete", "bool", 2001, 1, 125, 2);
	/* Holes up to max_gap are bridged, larger ones are not. */
	driver_modbus_selftest_count("input", "int16", 10, 9, 125, 1);
	driver_modbus_selftest_count("input", "int16", 10, 10, 125, 10);
	/* Poll periods and unit ids each get their own requests. */
	CHECK(driver_modbus_selftest_plan("a,d,holding,0,uint16,100,\n"
	    "b,d,holding,1,uint16,1000,\nc,d,holding,2,uint16,1000,2\n"
	    "d,d,holding,3,uint16,1000,2\n", 125) == 3);
}
