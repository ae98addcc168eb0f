/*
 * The device owner's part of a project: the [device NAME] sections,
 * the columns that say where a tag lives in its device, the checks that
 * need every tag (no two tags overlap differently), and the status tags
 * each device gets.
 */
#include "config.h"

#include <czmq.h>
#include <stdlib.h>
#include <string.h>

#include "driver_conf.h"
#include "i18n.h"
#include "project_ini.h"
#include "tagval.h"
#include "xmalloc.h"

#define IO_SPACE_WORDS	"coil discrete input holding"

struct driver_conf {
	struct device_conf	**devices;
	size_t			  n;
};

static const char *const driver_conf_spaces[] = {
	[IO_COIL] = "coil",
	[IO_DISCRETE] = "discrete",
	[IO_INPUT] = "input",
	[IO_HOLDING] = "holding",
	[IO_SYSTEM] = "system",
};

#define DKEY(f)		offsetof(struct device_conf, f)

/* The rates libmodbus maps to termios; any other would be 9600. */
#define DRIVER_CONF_BAUDS	"110 300 600 1200 2400 4800 9600 19200 " \
	"38400 57600 115200 230400 460800 500000 576000 921600 1000000 " \
	"1152000 1500000 2500000 3000000 3500000 4000000"

static const struct conf_key driver_conf_keys[] = {
	{ .name = "protocol", .type = CONF_CHOICE, .def = "tcp",
	    .offset = DKEY(protocol), .choices = "tcp rtu" },
	{ .name = "host", .type = CONF_STRING, .def = "",
	    .offset = DKEY(host) },
	{ .name = "port", .type = CONF_INT, .min = 1, .max = 65535,
	    .def = "502", .offset = DKEY(port) },
	{ .name = "serial", .type = CONF_STRING, .def = "",
	    .offset = DKEY(serial) },
	{ .name = "baud", .type = CONF_INT, .min = 110, .max = 4000000,
	    .def = "19200", .offset = DKEY(baud),
	    .choices = DRIVER_CONF_BAUDS },
	{ .name = "parity", .type = CONF_CHOICE, .def = "even",
	    .offset = DKEY(parity), .choices = "none even odd" },
	{ .name = "data_bits", .type = CONF_INT, .min = 7, .max = 8,
	    .def = "8", .offset = DKEY(data_bits) },
	{ .name = "stop_bits", .type = CONF_INT, .min = 1, .max = 2,
	    .def = "1", .offset = DKEY(stop_bits) },
	{ .name = "rs485", .type = CONF_BOOL, .max = 1, .def = "no",
	    .offset = DKEY(rs485) },
	{ .name = "unit", .type = CONF_INT, .max = 255, .def = "1",
	    .offset = DKEY(unit) },
	{ .name = "poll_ms", .type = CONF_INT, .min = 10, .max = 3600000,
	    .def = "1000", .offset = DKEY(poll_ms) },
	{ .name = "timeout_ms", .type = CONF_INT, .min = 10, .max = 60000,
	    .def = "1000", .offset = DKEY(timeout_ms) },
	{ .name = "byte_timeout_ms", .type = CONF_INT, .max = 60000,
	    .def = "0", .offset = DKEY(byte_timeout_ms) },
	{ .name = "retries", .type = CONF_INT, .max = 10, .def = "1",
	    .offset = DKEY(retries) },
	{ .name = "write_multiple", .type = CONF_BOOL, .max = 1, .def = "no",
	    .offset = DKEY(write_multiple) },
	{ .name = "backoff_max_ms", .type = CONF_INT, .min = 100,
	    .max = 600000, .def = "10000", .offset = DKEY(backoff_max_ms) },
	{ .name = "max_registers", .type = CONF_INT, .min = 1, .max = 125,
	    .def = "125", .offset = DKEY(max_registers) },
	{ .name = "max_bits", .type = CONF_INT, .min = 1, .max = 2000,
	    .def = "2000", .offset = DKEY(max_bits) },
	{ .name = "max_gap", .type = CONF_INT, .max = 124, .def = "8",
	    .offset = DKEY(max_gap) },
	{ .name = "byte_order", .type = CONF_ENUM, .def = "ABCD",
	    .offset = DKEY(order), .choices = TAGCODEC_ORDER_WORDS },
	CONF_END
};

static void *
driver_conf_init(struct project_loader *l)
{
	return xcalloc(1, sizeof(struct driver_conf));
}

static void
driver_conf_free_device(struct device_conf *d)
{
	free(d->name);
	free(d->protocol);
	free(d->host);
	free(d->serial);
	free(d->parity);
	free(d->tags);
	free(d);
}

static void
driver_conf_free(void *data)
{
	struct driver_conf *dc = data;
	size_t i;

	for (i = 0; i < dc->n; i++)
		driver_conf_free_device(dc->devices[i]);
	free(dc->devices);
	free(dc);
}

static struct device_conf *
driver_conf_lookup(struct driver_conf *dc, const char *name)
{
	size_t i;

	for (i = 0; i < dc->n; i++)
		if (strcmp(dc->devices[i]->name, name) == 0)
			return dc->devices[i];
	return NULL;
}

/* [device NAME]: a new device, with every default. */
static void *
driver_conf_open(struct project_loader *l, void *data, const char *name)
{
	struct driver_conf *dc = data;
	struct device_conf *d;

	if (!conf_valid_name(name) || strlen(name) > PROJECT_NAME_MAX / 2) {
		loader_fail(l, loader_line(l), _("bad device name '%s' "
		    "(letters, digits, _ . - :, at most %d)"), name,
		    PROJECT_NAME_MAX / 2);
		return NULL;
	}
	if (driver_conf_lookup(dc, name) != NULL) {
		loader_fail(l, loader_line(l), _("device '%s' defined twice"),
		    name);
		return NULL;
	}
	d = xcalloc(1, sizeof *d);
	d->name = xstrdup(name);
	d->line = loader_line(l);
	d->ord = dc->n;
	conf_defaults(l, d, driver_conf_keys);
	dc->devices = xreallocarray(dc->devices, dc->n + 1,
	    sizeof *dc->devices);
	dc->devices[dc->n++] = d;
	return d;
}

static int
driver_conf_parse_device(void *l, const char *value, void *field, char *why,
    size_t len)
{
	struct driver_conf *dc = loader_data(l, &driver_conf_section);

	if ((*(const struct device_conf **)field = driver_conf_lookup(dc,
	    value)) == NULL) {
		snprintf(why, len, _("unknown device '%s'"), value);
		return -1;
	}
	return 0;
}

#define IKEY(f)		offsetof(struct tag_io, f)

static const struct conf_key driver_conf_columns_keys[] = {
	{ .name = "device", .type = CONF_PARSE, .offset = IKEY(device),
	    .flags = CONF_REQUIRED, .parse = driver_conf_parse_device },
	{ .name = "space", .type = CONF_ENUM, .offset = IKEY(space),
	    .choices = IO_SPACE_WORDS, .flags = CONF_REQUIRED },
	{ .name = "address", .type = CONF_INT, .max = 65535,
	    .offset = IKEY(address), .flags = CONF_REQUIRED },
	{ .name = "byte_order", .type = CONF_ENUM, .offset = IKEY(order),
	    .choices = TAGCODEC_ORDER_WORDS },
	{ .name = "unit", .type = CONF_INT, .max = 255, .offset = IKEY(unit) },
	{ .name = "poll_ms", .type = CONF_INT, .min = 10, .max = 3600000,
	    .offset = IKEY(poll_ms) },
	{ .name = "bit", .type = CONF_INT, .max = 15, .offset = IKEY(bit) },
	{ .name = "raw_min", .type = CONF_DOUBLE,
	    .offset = IKEY(scale.raw_min) },
	{ .name = "raw_max", .type = CONF_DOUBLE,
	    .offset = IKEY(scale.raw_max) },
	{ .name = "eng_min", .type = CONF_DOUBLE,
	    .offset = IKEY(scale.eng_min) },
	{ .name = "eng_max", .type = CONF_DOUBLE,
	    .offset = IKEY(scale.eng_max) },
	{ .name = "clamp", .type = CONF_BOOL, .max = 1,
	    .offset = IKEY(clamp) },
	CONF_END
};

enum { COL_DEVICE, COL_SPACE, COL_ADDRESS, COL_ORDER, COL_UNIT, COL_POLL_MS,
    COL_BIT, COL_RAW_MIN, COL_RAW_MAX, COL_ENG_MIN, COL_ENG_MAX, COL_CLAMP };

/* Until the row's check: -1 where the device's value applies. */
static void *
driver_conf_row(struct project_loader *l, struct project_tag *t, void *data)
{
	struct tag_io *io = xcalloc(1, sizeof *io);

	io->order = io->unit = io->poll_ms = io->bit = -1;
	t->io = io;
	return io;
}

const struct tag_io *
driver_conf_io(const struct project_tag *t)
{
	return t->io;
}

/* Registers (or bits) a tag occupies. */
int
driver_conf_width(const struct project_tag *t)
{
	if (t->type == TAGCODEC_BOOL)
		return 1;
	if (t->type == TAGCODEC_STRING)
		return (t->length + 1) / 2;
	return tagcodec_registers(t->type);
}

/*
 * Bits live in coils and discrete inputs, or as bit N of a register;
 * everything else in registers.
 */
static int
driver_conf_fit(struct project_loader *l, struct project_tag *t,
    const struct tag_io *io, const char *const *given)
{
	int bits = io->space == IO_COIL || io->space == IO_DISCRETE;
	int line = loader_line(l);

	if (bits && t->type != TAGCODEC_BOOL)
		return loader_fail(l, line, _("type %s does not fit space %s"),
		    tagcodec_type_name(t->type), given[COL_SPACE]);
	if (!bits && t->type == TAGCODEC_BOOL && io->bit == -1)
		return loader_fail(l, line, _("a bool in a register needs "
		    "bit (0..15)"));
	if (io->bit != -1 && (bits || t->type != TAGCODEC_BOOL))
		return loader_fail(l, line, _("bit is only for bool tags in "
		    "input or holding registers"));
	if (io->address + driver_conf_width(t) - 1 > 65535)
		return loader_fail(l, line, _("%s at address %d runs past "
		    "65535"), tagcodec_type_name(t->type), io->address);
	if (t->writable && (io->space == IO_DISCRETE ||
	    io->space == IO_INPUT))
		return loader_fail(l, line, _("%s '%s' cannot be writable"),
		    given[COL_SPACE], t->name);
	return 1;
}

/* Both of a pair or neither; returns 1 if both are given. */
static int
driver_conf_pair(struct project_loader *l, const char *const *given, int a,
    int b)
{
	if ((given[a] == NULL) != (given[b] == NULL)) {
		loader_fail(l, loader_line(l),
		    _("give both %s and %s, or neither"),
		    driver_conf_columns_keys[a].name,
		    driver_conf_columns_keys[b].name);
		return -1;
	}
	return given[a] != NULL;
}

static int
driver_conf_scaling(struct project_loader *l, struct project_tag *t,
    struct tag_io *io, const char *const *given)
{
	struct tagcodec_scale *s = &io->scale;
	int a, b, line = loader_line(l);

	if ((a = driver_conf_pair(l, given, COL_RAW_MIN, COL_RAW_MAX)) == -1 ||
	    (b = driver_conf_pair(l, given, COL_ENG_MIN, COL_ENG_MAX)) == -1)
		return 0;
	if (a != b)
		return loader_fail(l, line,
		    _("scaling needs raw_min, raw_max, eng_min and eng_max"));
	if (a == 1 && (s->raw_min == s->raw_max || s->eng_min == s->eng_max))
		return loader_fail(l, line, _("scaling range is empty"));
	if (a == 1 && (t->type == TAGCODEC_BOOL || t->type == TAGCODEC_STRING))
		return loader_fail(l, line, _("a %s tag cannot be scaled"),
		    tagcodec_type_name(t->type));
	s->enabled = a == 1;
	if (io->clamp && !s->enabled)
		return loader_fail(l, line, _("clamp needs scaling"));
	return 1;
}

static int
driver_conf_row_check(struct project_loader *l, struct project_tag *t,
    void *data, const char *const *given)
{
	struct tag_io *io = t->io;

	t->device = io->device;
	if (io->order == -1)
		io->order = io->device->order;
	if (io->unit == -1)
		io->unit = io->device->unit;
	if (io->poll_ms == -1)
		io->poll_ms = io->device->poll_ms;
	return driver_conf_fit(l, t, io, given) &&
	    driver_conf_scaling(l, t, io, given);
}

const struct project_columns driver_conf_columns = {
	.owner = &driver_conf_section,
	.keys = driver_conf_columns_keys,
	.row = driver_conf_row,
	.check = driver_conf_row_check,
};

static int
driver_conf_check_devices(struct project_loader *l, struct driver_conf *dc)
{
	const char *ini = project_path(loader_project(l));
	size_t i;

	for (i = 0; i < dc->n; i++) {
		struct device_conf *d = dc->devices[i];

		if (strcmp(d->protocol, "tcp") == 0 && d->host[0] == '\0')
			return loader_fail_at(l, ini, d->line,
			    _("device '%s' has no host"), d->name);
		if (strcmp(d->protocol, "rtu") == 0 && d->serial[0] == '\0')
			return loader_fail_at(l, ini, d->line,
			    _("device '%s' has no serial (the serial device, "
			    "e.g. /dev/ttyUSB0)"), d->name);
	}
	return 1;
}

static int
driver_conf_cmp(const void *a, const void *b)
{
	const struct project_tag *x = *(struct project_tag *const *)a;
	const struct project_tag *y = *(struct project_tag *const *)b;
	const struct tag_io *p = x->io, *q = y->io;

	if (p->device->ord != q->device->ord)
		return p->device->ord < q->device->ord ? -1 : 1;
	if (p->unit != q->unit)
		return p->unit < q->unit ? -1 : 1;
	if (p->space != q->space)
		return p->space < q->space ? -1 : 1;
	if (p->address != q->address)
		return p->address - q->address;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Same device, unit and space: the same table of the same PLC. */
static int
driver_conf_same_table(const struct tag_io *x, const struct tag_io *y)
{
	return x->device == y->device && x->unit == y->unit &&
	    x->space == y->space;
}

/*
 * Two tags may alias the same data, but never overlap differently. A bit
 * of a register reads a whole register, whatever else reads it too.
 */
static int
driver_conf_overlap(struct project_loader *l, struct project_tag **v,
    size_t n)
{
	const struct project_tag *reach = NULL;
	const struct tag_io *r = NULL, *io;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct project_tag *t = v[i];

		io = t->io;
		if (io->bit != -1)
			continue;
		if (reach != NULL && driver_conf_same_table(r, io) &&
		    io->address < r->address + driver_conf_width(reach) &&
		    (io->address != r->address || t->type != reach->type))
			return loader_fail_at(l, t->file, t->line,
			    _("tag '%s' overlaps tag '%s' (%s:%d)"), t->name,
			    reach->name, reach->file, reach->line);
		if (reach == NULL || !driver_conf_same_table(r, io) ||
		    io->address + driver_conf_width(t) >
		    r->address + driver_conf_width(reach)) {
			reach = t;
			r = io;
		}
	}
	return 1;
}

static int
driver_conf_check_overlap(struct project_loader *l)
{
	size_t i, n = loader_ntags(l);
	struct project_tag **v = xcalloc(n + 1, sizeof *v);
	int rc;

	for (i = 0; i < n; i++)
		v[i] = loader_tag_at(l, i);
	qsort(v, n, sizeof *v, driver_conf_cmp);
	rc = driver_conf_overlap(l, v, n);
	free(v);
	return rc;
}

static const struct {
	const char		*name;
	enum tagcodec_type	 type;
	const char		*units;
	const char		*description;
} driver_conf_status_tags[DEVICE_STATUS_COUNT] = {
	[DEVICE_STATUS_CONNECTED] = { "connected", TAGCODEC_BOOL, "",
	    "link to the device is up" },
	[DEVICE_STATUS_LAST_ERROR] = { "last_error", TAGCODEC_STRING, "",
	    "last communication error" },
	[DEVICE_STATUS_RTT_MS] = { "rtt_ms", TAGCODEC_FLOAT64, "ms",
	    "round-trip time of the last request" },
	[DEVICE_STATUS_REQUESTS] = { "requests", TAGCODEC_UINT64, "",
	    "requests sent" },
	[DEVICE_STATUS_ERRORS] = { "errors", TAGCODEC_UINT64, "",
	    "failed requests and lost links" },
	[DEVICE_STATUS_RECONNECTS] = { "reconnects", TAGCODEC_UINT64, "",
	    "links re-established" },
};

/* Every device's status, published like any tag: sys.DEVICE.NAME. */
static void
driver_conf_add_status(struct project_loader *l, struct device_conf *d)
{
	struct project_tag *t;
	struct tag_io *io;
	int k;

	for (k = 0; k < DEVICE_STATUS_COUNT; k++) {
		t = loader_tag_new(l);
		io = xcalloc(1, sizeof *io);
		t->name = xasprintf("sys.%s.%s", d->name,
		    driver_conf_status_tags[k].name);
		t->area = loader_intern(l, "sys");
		t->units = loader_intern(l, driver_conf_status_tags[k].units);
		t->description = xstrdup(driver_conf_status_tags[k].description);
		t->file = loader_intern(l, project_path(loader_project(l)));
		t->line = d->line;
		t->type = driver_conf_status_tags[k].type;
		t->length = t->type == TAGCODEC_STRING ? TAGVAL_STR_MAX - 1 : 0;
		t->device = d;
		t->io = io;
		io->device = d;
		io->space = IO_SYSTEM;
		io->status = k;
		io->address = k;
		io->bit = -1;
	}
}

static int
driver_conf_check(struct project_loader *l, void *data)
{
	struct driver_conf *dc = data;
	size_t i;

	if (!driver_conf_check_devices(l, dc) || !driver_conf_check_overlap(l))
		return 0;
	for (i = 0; i < dc->n; i++)
		driver_conf_add_status(l, dc->devices[i]);
	return 1;
}

/* Each device's own tags, in id order, once the table is final. */
static void
driver_conf_finish(struct project *p, void *data)
{
	struct driver_conf *dc = data;
	const struct project_tag *t;
	struct device_conf *d;
	const struct tag_io *io;
	uint32_t id = 0;

	for (t = project_tag_next(p, 0); t != NULL;
	    t = project_tag_next(p, id)) {
		id = t->id + 1;
		io = t->io;
		d = dc->devices[io->device->ord];
		if (io->space == IO_SYSTEM) {
			d->status[io->status] = t;
			continue;
		}
		d->tags = xreallocarray(d->tags, d->ntags + 1,
		    sizeof *d->tags);
		d->tags[d->ntags++] = t;
	}
}

const struct project_section driver_conf_section = {
	.name = "device",
	.named = 1,
	.keys = driver_conf_keys,
	.init = driver_conf_init,
	.open = driver_conf_open,
	.check = driver_conf_check,
	.finish = driver_conf_finish,
	.free = driver_conf_free,
};

size_t
driver_conf_count(const struct project *p)
{
	const struct driver_conf *dc = project_data(p, &driver_conf_section);

	return dc->n;
}

const struct device_conf *
driver_conf_device(const struct project *p, size_t i)
{
	const struct driver_conf *dc = project_data(p, &driver_conf_section);

	return i < dc->n ? dc->devices[i] : NULL;
}

const char *
driver_conf_space_name(int s)
{
	return driver_conf_spaces[s];
}

/* What browse tells of a tag's place in its device. */
void
driver_conf_meta(const struct project_tag *t, json_t *o)
{
	const struct tag_io *io = t->io;

	json_object_set_new(o, "device", json_string(t->device->name));
	json_object_set_new(o, "space", json_string(
	    driver_conf_space_name(io->space)));
	json_object_set_new(o, "address", json_integer(io->address));
	if (io->space != IO_SYSTEM) {
		json_object_set_new(o, "unit", json_integer(io->unit));
		json_object_set_new(o, "poll_ms", json_integer(io->poll_ms));
	}
	if (io->bit != -1)
		json_object_set_new(o, "bit", json_integer(io->bit));
}
