/*
 * Loads a project. Every key of the INI file is described once in
 * project_keys (section, name, type, range, default, field), as in redis;
 * every error names file:line and the offending text, and the first
 * error stops the load: a half-understood plant is never run.
 */
#include "config.h"

#include <assert.h>
#include <ctype.h>
#include <czmq.h>
#include <csv.h>
#include <errno.h>
#include <ini.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "project.h"
#include "tagval.h"

enum project_keytype {
	KEY_STRING,
	KEY_INT,
	KEY_BOOL,
	KEY_ORDER,
	KEY_CHOICE,	/* one of the words in choices */
	KEY_ENDPOINT
};

enum project_section {
	SECTION_NONE,
	SECTION_PROJECT,
	SECTION_SERVER,
	SECTION_DEVICE
};

struct project_key {
	enum project_section	 section;
	const char		*name;
	enum project_keytype	 type;
	long			 min, max;
	const char		*def;
	size_t			 offset;
	const char		*choices;
};

#define PKEY(f)		offsetof(struct project, f), NULL
#define DKEY(f)		offsetof(struct project_device, f), NULL
#define DCHOICE(f, c)	offsetof(struct project_device, f), c

static const struct project_key project_keys[] = {
	{ SECTION_PROJECT, "name", KEY_STRING, 0, 0, "", PKEY(name) },
	{ SECTION_PROJECT, "description", KEY_STRING, 0, 0, "",
	    PKEY(description) },
	{ SECTION_SERVER, "command", KEY_ENDPOINT, 0, 0,
	    "tcp://127.0.0.1:7700", PKEY(command) },
	{ SECTION_SERVER, "publish", KEY_ENDPOINT, 0, 0,
	    "tcp://127.0.0.1:7701", PKEY(publish) },
	{ SECTION_SERVER, "heartbeat_ms", KEY_INT, 100, 10000, "1000",
	    PKEY(heartbeat_ms) },
	{ SECTION_DEVICE, "protocol", KEY_CHOICE, 0, 0, "tcp",
	    DCHOICE(protocol, "tcp rtu") },
	{ SECTION_DEVICE, "host", KEY_STRING, 0, 0, "", DKEY(host) },
	{ SECTION_DEVICE, "port", KEY_INT, 1, 65535, "502", DKEY(port) },
	{ SECTION_DEVICE, "serial", KEY_STRING, 0, 0, "", DKEY(serial) },
	/* The rates libmodbus maps to termios; any other would be 9600. */
	{ SECTION_DEVICE, "baud", KEY_INT, 110, 4000000, "19200",
	    DCHOICE(baud, "110 300 600 1200 2400 4800 9600 19200 38400 57600 "
	    "115200 230400 460800 500000 576000 921600 1000000 1152000 "
	    "1500000 2500000 3000000 3500000 4000000") },
	{ SECTION_DEVICE, "parity", KEY_CHOICE, 0, 0, "even",
	    DCHOICE(parity, "none even odd") },
	{ SECTION_DEVICE, "data_bits", KEY_INT, 7, 8, "8", DKEY(data_bits) },
	{ SECTION_DEVICE, "stop_bits", KEY_INT, 1, 2, "1", DKEY(stop_bits) },
	{ SECTION_DEVICE, "rs485", KEY_BOOL, 0, 1, "no", DKEY(rs485) },
	{ SECTION_DEVICE, "unit", KEY_INT, 0, 255, "1", DKEY(unit) },
	{ SECTION_DEVICE, "poll_ms", KEY_INT, 10, 3600000, "1000",
	    DKEY(poll_ms) },
	{ SECTION_DEVICE, "timeout_ms", KEY_INT, 10, 60000, "1000",
	    DKEY(timeout_ms) },
	{ SECTION_DEVICE, "byte_timeout_ms", KEY_INT, 0, 60000, "0",
	    DKEY(byte_timeout_ms) },
	{ SECTION_DEVICE, "retries", KEY_INT, 0, 10, "1", DKEY(retries) },
	{ SECTION_DEVICE, "write_multiple", KEY_BOOL, 0, 1, "no",
	    DKEY(write_multiple) },
	{ SECTION_DEVICE, "backoff_max_ms", KEY_INT, 100, 600000, "10000",
	    DKEY(backoff_max_ms) },
	{ SECTION_DEVICE, "max_registers", KEY_INT, 1, 125, "125",
	    DKEY(max_registers) },
	{ SECTION_DEVICE, "max_bits", KEY_INT, 1, 2000, "2000",
	    DKEY(max_bits) },
	{ SECTION_DEVICE, "max_gap", KEY_INT, 0, 124, "8", DKEY(max_gap) },
	{ SECTION_DEVICE, "byte_order", KEY_ORDER, 0, 0, "ABCD",
	    DKEY(order) },
};

struct project_loader {
	struct project		*p;
	const char		*file;
	int			 line;
	int			 section_line;
	FILE			*fp;
	enum project_section	 section;
	char			*err;
	size_t			 errlen;
	int			 failed;
	size_t			 tags_cap;	/* room in p->tags */
};

static const char *const project_spaces[] = {
	[PROJECT_COIL] = "coil",
	[PROJECT_DISCRETE] = "discrete",
	[PROJECT_INPUT] = "input",
	[PROJECT_HOLDING] = "holding",
	[PROJECT_SYSTEM] = "system",
};

const char *
project_space_name(enum project_space s)
{
	return project_spaces[s];
}

/* Registers (or bits) a tag occupies. */
int
project_tag_width(const struct project_tag *t)
{
	if (t->type == TAGCODEC_BOOL)
		return 1;
	if (t->type == TAGCODEC_STRING)
		return (t->length + 1) / 2;
	return tagcodec_registers(t->type);
}

static int
project_fail(struct project_loader *l, int line, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	if (l->failed)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(l->err, l->errlen, "%s:%d: %s", l->file, line, msg);
	l->failed = 1;
	return 0;
}

/* Parses a whole string as a long; trailing junk is an error. */
static int
project_long(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);	/* 0502 is 502, not octal */
	return (errno != 0 || end == s || *end != '\0') ? -1 : 0;
}

static int
project_double(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return (errno != 0 || end == s || *end != '\0' || !isfinite(*v)) ?
	    -1 : 0;
}

/* yes/true/1 or no/false/0; returns -1 for anything else. */
static int
project_yesno(const char *s)
{
	if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0 ||
	    strcmp(s, "1") == 0)
		return 1;
	if (strcmp(s, "no") == 0 || strcmp(s, "false") == 0 ||
	    strcmp(s, "0") == 0)
		return 0;
	return -1;
}

/* Is word one of the space-separated words in list? */
static int
project_choice(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; n > 0 && (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

/*
 * Stations find the publisher at the command endpoint's host and the
 * port the server announces, so both endpoints must be TCP.
 */
int
project_endpoint_check(const char *ep, char *why, size_t len)
{
	const char *colon;
	long port;

	if (strncmp(ep, "tcp://", 6) != 0) {
		snprintf(why, len, _("'%s' is not a tcp:// endpoint"), ep);
		return -1;
	}
	colon = strrchr(ep + 6, ':');
	if (colon == NULL || colon == ep + 6) {
		snprintf(why, len, _("'%s' has no host:port"), ep);
		return -1;
	}
	if (strcmp(colon + 1, "*") == 0)
		return 0;
	if (project_long(colon + 1, &port) == -1 || port < 1 || port > 65535) {
		snprintf(why, len, _("'%s': port must be 1..65535 or *"), ep);
		return -1;
	}
	return 0;
}

static int
project_int_choice(const char *list, long v)
{
	char word[24];

	snprintf(word, sizeof word, "%ld", v);
	return project_choice(list, word);
}

static int
project_set_key(struct project_loader *l, void *base,
    const struct project_key *k, const char *value)
{
	char **sp = (char **)((char *)base + k->offset);
	int *ip = (int *)((char *)base + k->offset);
	char why[256];
	long v;

	switch (k->type) {
	case KEY_STRING:
		free(*sp);
		*sp = strdup(value);
		return 1;
	case KEY_INT:
		if (project_long(value, &v) == -1)
			return project_fail(l, l->line,
			    _("%s: not a whole number: '%s'"), k->name, value);
		if (v < k->min || v > k->max)
			return project_fail(l, l->line,
			    _("%s: %ld out of range %ld..%ld"), k->name, v,
			    k->min, k->max);
		if (k->choices != NULL && !project_int_choice(k->choices, v))
			return project_fail(l, l->line,
			    _("%s: %ld is not one of: %s"), k->name, v,
			    k->choices);
		*ip = (int)v;
		return 1;
	case KEY_ORDER:
		if (tagcodec_order_from_name(value,
		    (enum tagcodec_order *)ip) == -1)
			return project_fail(l, l->line,
			    _("%s: unknown byte order '%s' (ABCD, CDAB, BADC or DCBA)"),
			    k->name, value);
		return 1;
	case KEY_BOOL:
		if ((*ip = project_yesno(value)) == -1)
			return project_fail(l, l->line,
			    _("%s: '%s' is not yes or no"), k->name, value);
		return 1;
	case KEY_ENDPOINT:
		if (project_endpoint_check(value, why, sizeof why) == -1)
			return project_fail(l, l->line, "%s: %s", k->name,
			    why);
		free(*sp);
		*sp = strdup(value);
		return 1;
	case KEY_CHOICE:
		if (!project_choice(k->choices, value))
			return project_fail(l, l->line,
			    _("%s: '%s' is not one of: %s"), k->name, value,
			    k->choices);
		free(*sp);
		*sp = strdup(value);
		return 1;
	}
	return 0;
}

static void
project_defaults(struct project_loader *l, enum project_section s,
    void *base)
{
	size_t i;

	for (i = 0; i < sizeof project_keys / sizeof *project_keys; i++)
		if (project_keys[i].section == s)
			project_set_key(l, base, &project_keys[i],
			    project_keys[i].def);
}

static int
project_valid_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!(isalnum((unsigned char)*s) || strchr("_.-:", *s) != NULL))
			return 0;
	return 1;
}

static struct project_device *
project_new_device(struct project_loader *l, const char *name)
{
	struct project *p = l->p;
	struct project_device *d;
	size_t i;

	if (!project_valid_name(name)) {
		project_fail(l, l->line, _("bad device name '%s'"), name);
		return NULL;
	}
	for (i = 0; i < p->ndevices; i++)
		if (strcmp(p->devices[i].name, name) == 0) {
			project_fail(l, l->line, _("device '%s' defined twice"),
			    name);
			return NULL;
		}
	d = reallocarray(p->devices, p->ndevices + 1, sizeof *d);
	if (d == NULL)
		return NULL;
	p->devices = d;
	d = &p->devices[p->ndevices++];
	memset(d, 0, sizeof *d);
	d->name = strdup(name);
	d->line = l->line;
	project_defaults(l, SECTION_DEVICE, d);
	return d;
}

static int
project_section_start(struct project_loader *l, const char *section)
{
	int line = l->line;

	l->line = l->section_line;
	if (strcmp(section, "project") == 0)
		l->section = SECTION_PROJECT;
	else if (strcmp(section, "server") == 0)
		l->section = SECTION_SERVER;
	else if (strncmp(section, "device ", 7) == 0) {
		l->section = SECTION_DEVICE;
		if (project_new_device(l, section + 7) == NULL)
			return 0;
	} else
		project_fail(l, l->line,
		    _("unknown section [%s] (project, server, device NAME)"),
		    section);
	l->line = line;
	return !l->failed;
}

static int
project_add_tagfile(struct project_loader *l, const char *value)
{
	struct project *p = l->p;
	char **v;

	v = reallocarray(p->tagfiles, p->ntagfiles + 1, sizeof *v);
	if (v == NULL)
		return 0;
	p->tagfiles = v;
	if (value[0] == '/')
		v[p->ntagfiles++] = strdup(value);
	else if (asprintf(&v[p->ntagfiles++], "%s/%s", p->dir, value) == -1)
		return 0;
	return 1;
}

static int
project_ini_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct project_loader *l = arg;
	void *base;
	size_t i;

	if (l->failed || name == NULL)
		return 1;
	if (l->section == SECTION_NONE)
		return project_fail(l, l->line,
		    _("key '%s' outside any section"), name);
	if (l->section == SECTION_PROJECT && strcmp(name, "tags") == 0)
		return project_add_tagfile(l, value);
	base = l->section == SECTION_DEVICE ?
	    (void *)&l->p->devices[l->p->ndevices - 1] : (void *)l->p;
	for (i = 0; i < sizeof project_keys / sizeof *project_keys; i++)
		if (project_keys[i].section == l->section &&
		    strcmp(project_keys[i].name, name) == 0)
			return project_set_key(l, base, &project_keys[i],
			    value);
	return project_fail(l, l->line, _("unknown key '%s' in [%s]"), name,
	    section);
}

/* Editors on Windows start UTF-8 files with a byte order mark. */
static size_t
project_bom(const char *buf, int line)
{
	return line == 1 && strncmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

/* Counts lines for the handler, which inih does not tell. */
static char *
project_ini_reader(char *buf, int size, void *arg)
{
	struct project_loader *l = arg;
	char *s = fgets(buf, size, l->fp), *p, *end;

	size_t n, skip;

	if (s == NULL || l->failed)
		return s;
	l->line++;
	n = strlen(buf);
	/* inih would take the rest of a long line for a line of its own. */
	if (n == (size_t)size - 1 && buf[n - 1] != '\n' && !feof(l->fp)) {
		project_fail(l, l->line, _("line longer than %d characters"),
		    size - 2);
		return s;
	}
	if ((skip = project_bom(buf, l->line)) > 0)
		memmove(buf, buf + skip, n - skip + 1);
	p = buf + strspn(buf, " \t\r\n");
	if (*p == '\0' || *p == ';' || *p == '#')
		return s;
	/*
	 * Sections start here, not in the handler, which sees a section
	 * only through its first key: an empty or repeated section would
	 * pass unnoticed. Lines inih would skip as errors stop us here.
	 */
	if (*p == '[') {
		if ((end = strchr(p, ']')) == NULL) {
			project_fail(l, l->line, _("syntax error: no ']'"));
			return s;
		}
		*end = '\0';
		l->section_line = l->line;
		project_section_start(l, p + 1);
		*end = ']';
	} else if (strpbrk(p, "=:") == NULL)
		project_fail(l, l->line,
		    _("syntax error: expected 'key = value'"));
	return s;
}

static int
project_check_devices(struct project_loader *l)
{
	size_t i;

	for (i = 0; i < l->p->ndevices; i++) {
		struct project_device *d = &l->p->devices[i];

		if (strcmp(d->protocol, "tcp") == 0 && d->host[0] == '\0')
			return project_fail(l, d->line,
			    _("device '%s' has no host"), d->name);
		if (strcmp(d->protocol, "rtu") == 0 && d->serial[0] == '\0')
			return project_fail(l, d->line,
			    _("device '%s' has no serial (the serial device, "
			    "e.g. /dev/ttyUSB0)"), d->name);
	}
	return 1;
}

enum project_column {
	COL_NAME, COL_DEVICE, COL_AREA, COL_SPACE, COL_ADDRESS, COL_TYPE,
	COL_ORDER, COL_UNITS, COL_RAW_MIN, COL_RAW_MAX, COL_ENG_MIN,
	COL_ENG_MAX, COL_MIN, COL_MAX, COL_WRITABLE, COL_DESCRIPTION,
	COL_UNIT, COL_POLL_MS, COL_BIT, COL_LENGTH, COL_CLAMP,
	COL_COUNT
};

static const char *const project_columns[COL_COUNT] = {
	"name", "device", "area", "space", "address", "type", "byte_order",
	"units", "raw_min", "raw_max", "eng_min", "eng_max", "min", "max",
	"writable", "description", "unit", "poll_ms", "bit", "length", "clamp"
};

#define PROJECT_CSV_MAXCOLS	64

struct project_csv;
static int	project_csv_fail(struct project_csv *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

struct project_csv {
	struct project_loader	*l;
	int			 line;
	int			 row_line;
	int			 header_done;
	int			 colmap[PROJECT_CSV_MAXCOLS];
	int			 ncols;
	int			 nfield;
	char			*fields[COL_COUNT];
};

static int
project_csv_fail(struct project_csv *c, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	project_fail(c->l, c->row_line, "%s", msg);
	return -1;
}

static void
project_csv_header(struct project_csv *c, const char *s)
{
	int i;

	if (c->ncols == PROJECT_CSV_MAXCOLS) {
		project_csv_fail(c, _("too many columns"));
		return;
	}
	for (i = 0; i < COL_COUNT; i++)
		if (strcmp(project_columns[i], s) == 0)
			break;
	if (i == COL_COUNT) {
		project_csv_fail(c, _("unknown column '%s'"), s);
		return;
	}
	for (int k = 0; k < c->ncols; k++)
		if (c->colmap[k] == i) {
			project_csv_fail(c, _("column '%s' given twice"), s);
			return;
		}
	c->colmap[c->ncols++] = i;
}

static void
project_csv_field(void *s, size_t len, void *arg)
{
	struct project_csv *c = arg;

	if (c->nfield == 0)
		c->row_line = c->line;
	if (c->l->failed)
		return;
	if (!c->header_done)
		project_csv_header(c, s);
	else if (c->nfield >= c->ncols)
		project_csv_fail(c, _("more fields than the header has"));
	else if (len > 0) {
		free(c->fields[c->colmap[c->nfield]]);
		c->fields[c->colmap[c->nfield]] = strdup(s);
	}
	c->nfield++;
}

static int
project_csv_number(struct project_csv *c, enum project_column col,
    double *v)
{
	if (project_double(c->fields[col], v) == 0)
		return 0;
	project_csv_fail(c, _("%s: not a number: '%s'"), project_columns[col],
	    c->fields[col]);
	return -1;
}

/* Both or none of a pair of columns; returns 1 if both are given. */
static int
project_csv_pair(struct project_csv *c, enum project_column a,
    enum project_column b, double *va, double *vb)
{
	if ((c->fields[a] == NULL) != (c->fields[b] == NULL)) {
		project_csv_fail(c, _("give both %s and %s, or neither"),
		    project_columns[a], project_columns[b]);
		return -1;
	}
	if (c->fields[a] == NULL)
		return 0;
	if (project_csv_number(c, a, va) == -1 ||
	    project_csv_number(c, b, vb) == -1)
		return -1;
	return 1;
}

static int
project_csv_bool(struct project_csv *c, enum project_column col, int *v)
{
	const char *s = c->fields[col];

	if (s == NULL)
		*v = 0;
	else if ((*v = project_yesno(s)) == -1)
		return project_csv_fail(c, _("%s: '%s' is not yes or no"),
		    project_columns[col], s);
	return 0;
}

/* An optional whole number in lo..hi; def when the field is empty. */
static int
project_csv_int(struct project_csv *c, enum project_column col, long lo,
    long hi, int def, int *v)
{
	const char *s = c->fields[col];
	long n;

	if (s == NULL) {
		*v = def;
		return 0;
	}
	if (project_long(s, &n) == -1 || n < lo || n > hi)
		return project_csv_fail(c, _("%s: '%s' is not a number in "
		    "%ld..%ld"), project_columns[col], s, lo, hi);
	*v = (int)n;
	return 0;
}

static int
project_csv_device(struct project_csv *c, struct project_tag *t)
{
	struct project *p = c->l->p;
	size_t i;

	for (i = 0; i < p->ndevices; i++)
		if (strcmp(p->devices[i].name, c->fields[COL_DEVICE]) == 0) {
			t->device = i;
			t->order = p->devices[i].order;
			if (project_csv_int(c, COL_UNIT, 0, 255,
			    p->devices[i].unit, &t->unit) == -1 ||
			    project_csv_int(c, COL_POLL_MS, 10, 3600000,
			    p->devices[i].poll_ms, &t->poll_ms) == -1)
				return -1;
			return 0;
		}
	project_csv_fail(c, _("unknown device '%s'"),
	    c->fields[COL_DEVICE]);
	return -1;
}

/*
 * Bits live in coils and discrete inputs, or as bit N of a register;
 * everything else in registers. A string needs its length.
 */
static int
project_csv_fit(struct project_csv *c, struct project_tag *t)
{
	int bits = t->space == PROJECT_COIL || t->space == PROJECT_DISCRETE;

	if (project_csv_int(c, COL_BIT, 0, 15, -1, &t->bit) == -1 ||
	    project_csv_int(c, COL_LENGTH, 1, TAGVAL_STR_MAX - 1, 0,
	    &t->length) == -1)
		return -1;
	if (bits && t->type != TAGCODEC_BOOL)
		return project_csv_fail(c, _("type %s does not fit space %s"),
		    c->fields[COL_TYPE], c->fields[COL_SPACE]);
	if (!bits && t->type == TAGCODEC_BOOL && t->bit == -1)
		return project_csv_fail(c, _("a bool in a register needs "
		    "bit (0..15)"));
	if (t->bit != -1 && (bits || t->type != TAGCODEC_BOOL))
		return project_csv_fail(c, _("bit is only for bool tags in "
		    "input or holding registers"));
	if ((t->type == TAGCODEC_STRING) != (t->length > 0))
		return project_csv_fail(c, t->length > 0 ?
		    _("length is only for string tags") :
		    _("a string tag needs length (characters)"));
	return 0;
}

static int
project_csv_space(struct project_csv *c, struct project_tag *t)
{
	const char *s = c->fields[COL_SPACE];
	int i;
	long addr;

	for (i = 0; i <= PROJECT_HOLDING; i++)	/* not system */
		if (strcmp(project_spaces[i], s) == 0)
			break;
	if (i > PROJECT_HOLDING)
		return project_csv_fail(c,
		    _("unknown space '%s' (coil, discrete, input, holding)"), s);
	t->space = i;
	if (tagcodec_type_from_name(c->fields[COL_TYPE], &t->type) == -1)
		return project_csv_fail(c, _("unknown type '%s'"), c->fields[COL_TYPE]);
	if (project_csv_fit(c, t) == -1)
		return -1;
	if (project_long(c->fields[COL_ADDRESS], &addr) == -1 || addr < 0 ||
	    addr > 65535)
		return project_csv_fail(c,
		    _("address '%s' is not a number in 0..65535"), c->fields[COL_ADDRESS]);
	t->address = (int)addr;
	if (t->address + project_tag_width(t) - 1 > 65535)
		return project_csv_fail(c, _("%s at address %s runs past 65535"),
		    c->fields[COL_TYPE], c->fields[COL_ADDRESS]);
	if (c->fields[COL_ORDER] != NULL &&
	    tagcodec_order_from_name(c->fields[COL_ORDER], &t->order) == -1)
		return project_csv_fail(c, _("unknown byte_order '%s'"), c->fields[COL_ORDER]);
	return 0;
}

static int
project_csv_scaling(struct project_csv *c, struct project_tag *t)
{
	struct tagcodec_scale *s = &t->scale;
	int a, b;

	a = project_csv_pair(c, COL_RAW_MIN, COL_RAW_MAX, &s->raw_min,
	    &s->raw_max);
	b = a == -1 ? -1 : project_csv_pair(c, COL_ENG_MIN, COL_ENG_MAX,
	    &s->eng_min, &s->eng_max);
	if (a == -1 || b == -1)
		return -1;
	if (a != b)
		return project_csv_fail(c,
		    _("scaling needs raw_min, raw_max, eng_min and eng_max"));
	if (a == 1 && (s->raw_min == s->raw_max || s->eng_min == s->eng_max))
		return project_csv_fail(c,
		    _("scaling range is empty"));
	if (a == 1 && (t->type == TAGCODEC_BOOL || t->type == TAGCODEC_STRING))
		return project_csv_fail(c, _("a %s tag cannot be scaled"),
		    tagcodec_type_name(t->type));
	s->enabled = a == 1;
	if (project_csv_bool(c, COL_CLAMP, &t->clamp) == -1)
		return -1;
	if (t->clamp && !s->enabled)
		return project_csv_fail(c, _("clamp needs scaling"));
	switch (project_csv_pair(c, COL_MIN, COL_MAX, &t->min, &t->max)) {
	case -1:
		return -1;
	case 1:
		t->has_range = 1;
		if (t->min > t->max)
			return project_csv_fail(c, _("min %s is above max %s"),
			    c->fields[COL_MIN], c->fields[COL_MAX]);
		break;
	default:
		/* Scaling alone is a conversion, not a limit: writes are then
		 * bounded only by what the data type can hold. */
		break;
	}
	return 0;
}

static char *
project_csv_take(struct project_csv *c, enum project_column col)
{
	char *s = c->fields[col];

	c->fields[col] = NULL;
	return s != NULL ? s : strdup("");
}

static void
project_csv_row(struct project_csv *c)
{
	static const enum project_column required[] = { COL_NAME, COL_DEVICE,
	    COL_SPACE, COL_ADDRESS, COL_TYPE };
	struct project *p = c->l->p;
	struct project_tag t = { 0 }, *v;
	size_t i, cap;

	for (i = 0; i < sizeof required / sizeof *required; i++)
		if (c->fields[required[i]] == NULL) {
			project_csv_fail(c, _("missing %s"), project_columns[required[i]]);
			return;
		}
	if (strncmp(c->fields[COL_NAME], "sys.", 4) == 0) {
		project_csv_fail(c, _("tag names starting with sys. are "
		    "reserved for device status"));
		return;
	}
	if (!project_valid_name(c->fields[COL_NAME])) {
		project_csv_fail(c,
		    _("bad tag name '%s' (letters, digits, _ . - :)"), c->fields[COL_NAME]);
		return;
	}
	if (project_csv_device(c, &t) == -1 || project_csv_space(c, &t) == -1 ||
	    project_csv_scaling(c, &t) == -1 ||
	    project_csv_bool(c, COL_WRITABLE, &t.writable) == -1)
		return;
	if (t.writable && (t.space == PROJECT_DISCRETE ||
	    t.space == PROJECT_INPUT)) {
		project_csv_fail(c, _("%s '%s' cannot be writable"),
		    c->fields[COL_SPACE], c->fields[COL_NAME]);
		return;
	}
	/* Doubling: one row at a time would copy the table n times. */
	if (p->ntags == c->l->tags_cap) {
		cap = c->l->tags_cap == 0 ? 64 : 2 * c->l->tags_cap;
		if ((v = reallocarray(p->tags, cap, sizeof *v)) == NULL)
			return;
		p->tags = v;
		c->l->tags_cap = cap;
	}
	t.name = project_csv_take(c, COL_NAME);
	t.area = project_csv_take(c, COL_AREA);
	t.units = project_csv_take(c, COL_UNITS);
	t.description = project_csv_take(c, COL_DESCRIPTION);
	t.file = c->l->file;
	t.line = c->row_line;
	p->tags[p->ntags++] = t;
}

static void
project_csv_clear(struct project_csv *c)
{
	int i;

	for (i = 0; i < COL_COUNT; i++) {
		free(c->fields[i]);
		c->fields[i] = NULL;
	}
	c->nfield = 0;
}

static void
project_csv_end(int ch, void *arg)
{
	struct project_csv *c = arg;
	int i;

	if (!c->l->failed) {
		if (!c->header_done) {
			c->header_done = 1;
			for (i = 0; i < c->ncols; i++)
				if (c->colmap[i] == COL_NAME)
					break;
			if (i == c->ncols)
				project_csv_fail(c,
				    _("the header has no 'name' column"));
		} else
			project_csv_row(c);
	}
	project_csv_clear(c);
}

/* Lines starting with '#' are comments, outside quoted fields. */
static void
project_csv_load(struct project_loader *l, const char *file)
{
	struct project_csv c = { .l = l };
	struct csv_parser parser;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	size_t skip;
	FILE *fp;

	l->file = file;
	if ((fp = fopen(file, "r")) == NULL) {
		snprintf(l->err, l->errlen, "%s: %s", file, strerror(errno));
		l->failed = 1;
		return;
	}
	csv_init(&parser, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI);
	while (!l->failed && (n = getline(&buf, &cap, fp)) != -1) {
		c.line++;
		skip = project_bom(buf, c.line);
		if (c.nfield == 0 && buf[skip] == '#')
			continue;
		if (csv_parse(&parser, buf + skip, n - skip,
		    project_csv_field, project_csv_end, &c) !=
		    (size_t)n - skip) {
			c.row_line = c.line;
			project_csv_fail(&c, "%s",
			    csv_strerror(csv_error(&parser)));
		}
	}
	if (!l->failed && csv_fini(&parser, project_csv_field,
	    project_csv_end, &c) != 0)
		project_csv_fail(&c, "%s", csv_strerror(csv_error(&parser)));
	if (!l->failed && !c.header_done)
		project_fail(l, 1, _("empty tag table"));
	project_csv_clear(&c);
	csv_free(&parser);
	free(buf);
	fclose(fp);
}

static int
project_tag_cmp(const void *a, const void *b)
{
	const struct project_tag *x = *(struct project_tag *const *)a;
	const struct project_tag *y = *(struct project_tag *const *)b;

	if (x->device != y->device)
		return x->device < y->device ? -1 : 1;
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->space != y->space)
		return x->space < y->space ? -1 : 1;
	return x->address - y->address;
}

/* Same device, unit and space: the same table of the same PLC. */
static int
project_same_table(const struct project_tag *x, const struct project_tag *y)
{
	return x->device == y->device && x->unit == y->unit &&
	    x->space == y->space;
}

/*
 * Two tags may alias the same data, but never overlap differently. A bit
 * of a register reads a whole register, whatever else reads it too.
 */
static void
project_check_overlap(struct project_loader *l, struct project_tag **v,
    size_t n)
{
	const struct project_tag *reach = NULL;
	size_t i;

	for (i = 0; i < n && !l->failed; i++) {
		const struct project_tag *t = v[i];

		if (t->bit != -1)
			continue;
		if (reach != NULL && project_same_table(reach, t) &&
		    t->address < reach->address + project_tag_width(reach) &&
		    (t->address != reach->address || t->type != reach->type)) {
			l->file = t->file;
			project_fail(l, t->line,
			    _("tag '%s' overlaps tag '%s' (%s:%d)"), t->name,
			    reach->name, reach->file, reach->line);
		}
		if (reach == NULL || !project_same_table(reach, t) ||
		    t->address + project_tag_width(t) >
		    reach->address + project_tag_width(reach))
			reach = t;
	}
}

static void
project_check_tags(struct project_loader *l)
{
	struct project *p = l->p;
	struct project_tag **v;
	zhashx_t *seen = zhashx_new();
	size_t i;

	for (i = 0; i < p->ntags && !l->failed; i++) {
		struct project_tag *t = &p->tags[i], *o;

		if ((o = zhashx_lookup(seen, t->name)) != NULL) {
			l->file = t->file;
			project_fail(l, t->line,
			    _("tag '%s' already defined at %s:%d"), t->name,
			    o->file, o->line);
		}
		zhashx_insert(seen, t->name, t);
	}
	zhashx_destroy(&seen);
	if (l->failed || (v = calloc(p->ntags + 1, sizeof *v)) == NULL)
		return;
	for (i = 0; i < p->ntags; i++)
		v[i] = &p->tags[i];
	qsort(v, p->ntags, sizeof *v, project_tag_cmp);
	project_check_overlap(l, v, p->ntags);
	free(v);
}

static const struct {
	const char		*name;
	enum tagcodec_type	 type;
	const char		*units;
	const char		*description;
} project_status_tags[PROJECT_STATUS_COUNT] = {
	[PROJECT_STATUS_CONNECTED] = { "connected", TAGCODEC_BOOL, "",
	    "link to the device is up" },
	[PROJECT_STATUS_LAST_ERROR] = { "last_error", TAGCODEC_STRING, "",
	    "last communication error" },
	[PROJECT_STATUS_RTT_MS] = { "rtt_ms", TAGCODEC_FLOAT64, "ms",
	    "round-trip time of the last request" },
	[PROJECT_STATUS_REQUESTS] = { "requests", TAGCODEC_UINT64, "",
	    "requests sent" },
	[PROJECT_STATUS_ERRORS] = { "errors", TAGCODEC_UINT64, "",
	    "failed requests and lost links" },
	[PROJECT_STATUS_RECONNECTS] = { "reconnects", TAGCODEC_UINT64, "",
	    "links re-established" },
};

/* Every device's status, published like any tag: sys.DEVICE.NAME. */
static int
project_add_status_tags(struct project *p)
{
	struct project_tag *v, *t;
	size_t d;
	int k;

	v = reallocarray(p->tags, p->ntags + p->ndevices * PROJECT_STATUS_COUNT
	    + 1, sizeof *v);
	if (v == NULL)
		return -1;
	p->tags = v;
	for (d = 0; d < p->ndevices; d++)
		for (k = 0; k < PROJECT_STATUS_COUNT; k++) {
			t = &p->tags[p->ntags++];
			memset(t, 0, sizeof *t);
			if (asprintf(&t->name, "sys.%s.%s", p->devices[d].name,
			    project_status_tags[k].name) == -1)
				return -1;
			t->area = strdup("sys");
			t->units = strdup(project_status_tags[k].units);
			t->description = strdup(project_status_tags[k].description);
			t->file = p->path;
			t->line = p->devices[d].line;
			t->device = d;
			t->space = PROJECT_SYSTEM;
			t->status = k;
			t->address = k;
			t->bit = -1;
			t->type = project_status_tags[k].type;
			t->length = t->type == TAGCODEC_STRING ?
			    TAGVAL_STR_MAX - 1 : 0;
		}
	return 0;
}

struct project *
project_load(const char *path, char *err, size_t errlen)
{
	struct project_loader l = { .err = err, .errlen = errlen };
	struct stat st;
	char *copy;
	size_t i;
	int rc;

	if ((l.p = calloc(1, sizeof *l.p)) == NULL)
		return NULL;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		rc = asprintf(&l.p->path, "%s/project.ini", path);
	else
		rc = asprintf(&l.p->path, "%s", path);
	if (rc == -1 || (copy = strdup(l.p->path)) == NULL) {
		project_free(&l.p);
		return NULL;
	}
	l.p->dir = strdup(dirname(copy));
	free(copy);
	l.file = l.p->path;
	project_defaults(&l, SECTION_PROJECT, l.p);
	project_defaults(&l, SECTION_SERVER, l.p);
	if ((l.fp = fopen(l.file, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", l.file, strerror(errno));
		project_free(&l.p);
		return NULL;
	}
	/* An indented line is a key of its own, never a continuation. */
	ini_allow_multiline = false;
	rc = ini_parse_stream(project_ini_reader, &l, project_ini_handler, &l);
	fclose(l.fp);
	if (rc > 0 && !l.failed)
		project_fail(&l, rc, _("syntax error"));
	if (!l.failed && project_check_devices(&l) && l.p->ntagfiles == 0)
		project_fail(&l, 1, _("no tag table: add tags = FILE to [project]"));
	for (i = 0; !l.failed && i < l.p->ntagfiles; i++)
		project_csv_load(&l, l.p->tagfiles[i]);
	if (!l.failed)
		project_check_tags(&l);
	if (!l.failed && project_add_status_tags(l.p) == -1)
		l.failed = 1;
	if (l.failed)
		project_free(&l.p);
	return l.p;
}

void
project_free(struct project **pp)
{
	struct project *p = *pp;
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->ndevices; i++) {
		free(p->devices[i].name);
		free(p->devices[i].protocol);
		free(p->devices[i].host);
		free(p->devices[i].serial);
		free(p->devices[i].parity);
	}
	for (i = 0; i < p->ntags; i++) {
		free(p->tags[i].name);
		free(p->tags[i].area);
		free(p->tags[i].units);
		free(p->tags[i].description);
	}
	for (i = 0; i < p->ntagfiles; i++)
		free(p->tagfiles[i]);
	free(p->tagfiles);
	free(p->devices);
	free(p->tags);
	free(p->path);
	free(p->dir);
	free(p->name);
	free(p->description);
	free(p->command);
	free(p->publish);
	free(p);
	*pp = NULL;
}

static void
project_selftest_write(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert(fp != NULL);
	fputs(text, fp);
	fclose(fp);
}

/* Loads ini + csv from a scratch folder; expects "file:line: ..." */
static void
project_selftest_case(const char *dir, const char *ini, const char *csv,
    const char *expect)
{
	char path[512], err[512] = "", *want;
	struct project *p;

	snprintf(path, sizeof path, "%s/tags.csv", dir);
	project_selftest_write(path, csv);
	snprintf(path, sizeof path, "%s/project.ini", dir);
	project_selftest_write(path, ini);
	p = project_load(dir, err, sizeof err);
	if (expect == NULL) {
		assert(p != NULL);
		project_free(&p);
		return;
	}
	want = zsys_sprintf("%s/%s", dir, expect);
	if (p != NULL || strstr(err, want) == NULL)
		fprintf(stderr, "project_selftest: want '%s', got '%s'\n",
		    want, err);
	assert(p == NULL && strstr(err, want) != NULL);
	zstr_free(&want);
}

void
project_selftest(const char *demo)
{
	static const char ini[] = "[project]\nname = t\ntags = tags.csv\n"
	    "[device d1]\nhost = 127.0.0.1\nport = 1502\n";
	static const char head[] = "name,device,space,address,type,writable,"
	    "raw_min,raw_max,eng_min,eng_max\n";
	char dir[] = "/tmp/scada-project-test.XXXXXX", err[512], path[600];
	char longline[300], ini_long[400];
	struct project *p;

	p = project_load(demo, err, sizeof err);
	if (p == NULL)
		fprintf(stderr, "project_selftest: %s\n", err);
	assert(p != NULL && p->ndevices == 1 && p->ntags > 5);
	assert(p->tags[0].scale.enabled && !p->tags[0].has_range);
	assert(p->tags[1].has_range && p->tags[1].min == 5);
	project_free(&p);
	project_free(&p);

	assert(mkdtemp(dir) != NULL);
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d1,holding,0,uint16\n", NULL);
	project_selftest_case(dir, "[project]\ntags = tags.csv\nbogus = 1\n",
	    head, "project.ini:3: unknown key 'bogus'");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[device d]\n"
	    "host = h\nport = 99999\n", head, "project.ini:5: port: 99999 out");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[device d]\n"
	    "port = 5\n", head, "project.ini:3: device 'd' has no host");
	project_selftest_case(dir, "[plant]\nx = 1\n", head,
	    "project.ini:1: unknown section [plant]");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d2,holding,0,uint16\n", "tags.csv:2: unknown device 'd2'");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "# comment\na,d1,holding,0,uint16\na,d1,holding,9,uint16\n",
	    "tags.csv:4: tag 'a' already defined at");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d1,holding,0,float32\nb,d1,holding,1,uint16\n",
	    "tags.csv:3: tag 'b' overlaps tag 'a'");
	project_selftest_case(dir, ini, "name,device,space,address,type,unit\n"
	    "a,d1,holding,0,float32,1\nb,d1,holding,1,uint16,2\n", NULL);
	project_selftest_case(dir, ini, "name,device,space,address,type,bit\n"
	    "a,d1,holding,0,uint32,\nb,d1,holding,1,bool,3\n"
	    "c,d1,holding,2,int16,\n", NULL);
	project_selftest_case(dir, ini, "name,device,space,address,type,bit\n"
	    "a,d1,holding,0,uint32,\nb,d1,holding,0,bool,3\n"
	    "c,d1,holding,1,int16,\n", "tags.csv:4: tag 'c' overlaps tag 'a'");
	project_selftest_case(dir, ini, head, NULL);	/* no rows is fine */
	project_selftest_case(dir, ini, "name,device,space,address,type,"
	    "writable\na,d1,input,0,uint16,yes\n",
	    "tags.csv:2: input 'a' cannot be writable");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d1,coil,0,uint16\n", "tags.csv:2: type uint16 does not fit");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d1,holding,65535,int32\n", "tags.csv:2: int32 at address");
	project_selftest_case(dir, ini, "name,device,space,address,type,"
	    "colour\n", "tags.csv:1: unknown column 'colour'");
	project_selftest_case(dir, ini, "name,device,space,address,type,"
	    "raw_min,raw_max\na,d1,holding,0,uint16,0,10\n",
	    "tags.csv:2: scaling needs");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d1,holding,x1,uint16\n", "tags.csv:2: address 'x1'");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a b,d1,holding,1,uint16\n", "tags.csv:2: bad tag name");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[device d]\n"
	    "host = h\n[device d]\nhost = h\n", head,
	    "project.ini:5: device 'd' defined twice");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[device d]\n"
	    "[device d]\nhost = h\n", head,
	    "project.ini:4: device 'd' defined twice");
	project_selftest_case(dir, "[project]\ntags = tags.csv\njunk\n", head,
	    "project.ini:3: syntax error");
	project_selftest_case(dir, "[project\ntags = tags.csv\n", head,
	    "project.ini:1: syntax error: no ']'");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[server]\n"
	    "publish = ipc:///tmp/x\n", head,
	    "project.ini:4: publish: 'ipc:///tmp/x' is not a tcp:// endpoint");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[server]\n"
	    "command = tcp://127.0.0.1:70000\n", head,
	    "project.ini:4: command: 'tcp://127.0.0.1:70000': port must be");
	project_selftest_case(dir, "\xef\xbb\xbf[project]\ntags = tags.csv\n"
	    "[device d1]\nhost = h\n", "\xef\xbb\xbfname,device,space,address,"
	    "type\na,d1,holding,0,uint16\n", NULL);
	memset(longline, 'x', sizeof longline - 1);
	longline[sizeof longline - 1] = '\0';
	snprintf(ini_long, sizeof ini_long, "[project]\ntags = tags.csv\n"
	    "description = %s\n[device d1]\nhost = h\n", longline);
	project_selftest_case(dir, ini_long, head,
	    "project.ini:3: line longer than");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[device d]\n"
	    "protocol = rtu\n", head, "project.ini:3: device 'd' has no serial");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[device d]\n"
	    "protocol = rtu\nserial = /dev/null\nparity = maybe\n", head,
	    "project.ini:6: parity: 'maybe' is not one of: none even odd");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[device d]\n"
	    "protocol = rtu\nserial = /dev/null\nbaud = 14400\n", head,
	    "project.ini:6: baud: 14400 is not one of: 110 300");
	project_selftest_case(dir, ini, "name,device,space,address,type,type\n",
	    "tags.csv:1: column 'type' given twice");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d1,holding,0,\"uint16\n", "tags.csv:2:");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "sys.x,d1,holding,0,uint16\n", "tags.csv:2: tag names starting");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d1,holding,0,bool\n", "tags.csv:2: a bool in a register needs");
	project_selftest_case(dir, ini, "name,device,space,address,type,bit\n"
	    "a,d1,holding,0,bool,16\n", "tags.csv:2: bit: '16'");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d1,holding,0,string\n", "tags.csv:2: a string tag needs length");
	project_selftest_case(dir, ini, "name,device,space,address,type,length,"
	    "raw_min,raw_max,eng_min,eng_max\na,d1,holding,0,string,8,0,1,0,1\n",
	    "tags.csv:2: a string tag cannot be scaled");
	project_selftest_case(dir, ini, "name,device,space,address,type,clamp\n"
	    "a,d1,holding,0,int16,yes\n", "tags.csv:2: clamp needs scaling");
	project_selftest_case(dir, ini, "name,device,space,address,type,unit\n"
	    "a,d1,holding,010,int16,300\n", "tags.csv:2: unit: '300'");
	project_selftest_case(dir, ini, "name,device,space,address,type,length,"
	    "bit,unit,poll_ms\ns,d1,holding,10,string,5,,2,100\n"
	    "b,d1,input,0,bool,,3,,\n", NULL);
	p = project_load(dir, err, sizeof err);
	assert(p != NULL && p->ntags == 2 + PROJECT_STATUS_COUNT);
	assert(p->tags[0].address == 10 && p->tags[0].unit == 2 &&
	    p->tags[0].poll_ms == 100 && project_tag_width(&p->tags[0]) == 3);
	assert(p->tags[1].bit == 3 && p->tags[1].unit == 1);
	assert(strcmp(p->tags[2].name, "sys.d1.connected") == 0);
	project_free(&p);
	snprintf(path, sizeof path, "%s/tags.csv", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/project.ini", dir);
	unlink(path);
	assert(project_load(dir, err, sizeof err) == NULL);
	assert(strstr(err, "No such file") != NULL);
	rmdir(dir);
}
