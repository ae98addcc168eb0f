/*
 * The tag tables: CSV files whose columns are named in their header, in
 * any order. The loader owns the columns every tag has (name, type,
 * units, limits); the owner of the devices owns those that say where a
 * tag lives in its device. Each column is a key of an owner's table, so
 * it is read, defaulted and checked by the same engine as the INI keys.
 */
#include "config.h"

#include <csv.h>
#include <czmq.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarm_conf.h"
#include "driver_conf.h"
#include "i18n.h"
#include "project_ini.h"
#include "tagval.h"
#include "xmalloc.h"

#define PROJECT_TAGS_MAXCOLS	64

/* Every column set, the loader's own first. */
static const struct project_columns *const project_tags_sets[] = {
	&project_tags_columns,
	&driver_conf_columns,
	&alarm_conf_columns,
};

#define PROJECT_TAGS_NSETS \
	(sizeof project_tags_sets / sizeof *project_tags_sets)

#define TKEY(f)	offsetof(struct project_tag, f)

static const struct conf_key project_tags_keys[] = {
	{ .name = "name", .type = CONF_STRING, .offset = TKEY(name),
	    .flags = CONF_REQUIRED },
	{ .name = "area", .type = CONF_ATOM, .offset = TKEY(area) },
	{ .name = "type", .type = CONF_ENUM, .offset = TKEY(type),
	    .choices = TAGCODEC_TYPE_WORDS, .flags = CONF_REQUIRED },
	{ .name = "length", .type = CONF_INT, .min = 1,
	    .max = TAGVAL_STR_MAX - 1, .offset = TKEY(length) },
	{ .name = "units", .type = CONF_ATOM, .offset = TKEY(units) },
	{ .name = "description", .type = CONF_STRING,
	    .offset = TKEY(description) },
	{ .name = "writable", .type = CONF_BOOL, .max = 1,
	    .offset = TKEY(writable) },
	{ .name = "min", .type = CONF_DOUBLE, .offset = TKEY(min) },
	{ .name = "max", .type = CONF_DOUBLE, .offset = TKEY(max) },
	{ .name = "critical", .type = CONF_BOOL, .max = 1,
	    .offset = TKEY(critical) },
	CONF_END
};

/* The keys' places, as check sees them given. */
enum { KEY_NAME, KEY_AREA, KEY_TYPE, KEY_LENGTH, KEY_UNITS,
    KEY_DESCRIPTION, KEY_WRITABLE, KEY_MIN, KEY_MAX, KEY_CRITICAL };

static void *
project_tags_row(struct project_loader *l, struct project_tag *t, void *data)
{
	t->area = t->units = loader_intern(l, "");
	return t;
}

static int
project_tags_check(struct project_loader *l, struct project_tag *t,
    void *data, const char *const *given)
{
	int line = loader_line(l);

	if (t->description == NULL)
		t->description = xstrdup("");
	if (strncmp(t->name, "sys.", 4) == 0)
		return loader_fail(l, line, _("tag names starting with sys. "
		    "are reserved for device status"));
	if (strlen(t->name) > PROJECT_NAME_MAX)
		return loader_fail(l, line, _("tag name longer than %d "
		    "characters"), PROJECT_NAME_MAX);
	if (!conf_valid_name(t->name))
		return loader_fail(l, line,
		    _("bad tag name '%s' (letters, digits, _ . - :)"), t->name);
	if ((t->type == TAGCODEC_STRING) != (t->length > 0))
		return loader_fail(l, line, t->length > 0 ?
		    _("length is only for string tags") :
		    _("a string tag needs length (characters)"));
	if ((given[KEY_MIN] == NULL) != (given[KEY_MAX] == NULL))
		return loader_fail(l, line, _("give both min and max, or "
		    "neither"));
	t->has_range = given[KEY_MIN] != NULL;
	if (t->has_range && t->min > t->max)
		return loader_fail(l, line, _("min %s is above max %s"),
		    given[KEY_MIN], given[KEY_MAX]);
	if (t->has_range && (t->type == TAGCODEC_BOOL ||
	    t->type == TAGCODEC_STRING))
		return loader_fail(l, line, _("a %s tag has no min and max"),
		    tagcodec_type_name(t->type));
	return 1;
}

const struct project_columns project_tags_columns = {
	.owner = NULL,
	.keys = project_tags_keys,
	.row = project_tags_row,
	.check = project_tags_check,
};

/* Where header column i goes: which set, which key. */
struct project_tags_col {
	size_t			 set;
	size_t			 key;
};

struct project_tags {
	struct project_loader	*l;
	int			 line;
	int			 row_line;
	int			 header_done;
	struct project_tags_col	 cols[PROJECT_TAGS_MAXCOLS];
	int			 ncols;
	int			 nfield;
	char			**fields[PROJECT_TAGS_NSETS];
	/*
	 * A table of annotations (project_tags_annotate): its rows name
	 * tags of the tag tables, and its columns are this set's.
	 */
	const struct project_columns *only;
	zhashx_t		*byname;
};

static int	project_tags_fail(struct project_tags *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* An error of the row being read. */
static int
project_tags_fail(struct project_tags *c, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	loader_set_line(c->l, c->row_line);
	return loader_fail(c->l, c->row_line, "%s", msg);
}

static void
project_tags_header(struct project_tags *c, const char *s)
{
	const struct conf_key *k = NULL;
	size_t set;
	int i;

	if (c->ncols == PROJECT_TAGS_MAXCOLS) {
		project_tags_fail(c, "%s", _("too many columns"));
		return;
	}
	for (set = 0; set < PROJECT_TAGS_NSETS; set++)
		if ((k = conf_find(project_tags_sets[set]->keys, s)) != NULL)
			break;
	if (k == NULL) {
		project_tags_fail(c, _("unknown column '%s'"), s);
		return;
	}
	if (c->only != NULL && project_tags_sets[set] != c->only &&
	    !(set == 0 && k == &project_tags_keys[KEY_NAME])) {
		project_tags_fail(c, _("column '%s' belongs in a tag table, "
		    "not here"), s);
		return;
	}
	for (i = 0; i < c->ncols; i++)
		if (c->cols[i].set == set && project_tags_sets[set]->keys +
		    c->cols[i].key == k) {
			project_tags_fail(c, _("column '%s' given twice"), s);
			return;
		}
	c->cols[c->ncols].set = set;
	c->cols[c->ncols].key = (size_t)(k - project_tags_sets[set]->keys);
	c->ncols++;
}

static void
project_tags_field(void *s, size_t len, void *arg)
{
	struct project_tags *c = arg;
	char **f;

	if (c->nfield == 0)
		c->row_line = c->line;
	if (loader_failed(c->l))
		return;
	if (!c->header_done)
		project_tags_header(c, s);
	else if (c->nfield >= c->ncols)
		project_tags_fail(c, "%s",
		    _("more fields than the header has"));
	else if (len > 0) {
		f = &c->fields[c->cols[c->nfield].set][c->cols[c->nfield].key];
		free(*f);
		*f = xstrdup(s);
	}
	c->nfield++;
}

static void
project_tags_clear(struct project_tags *c)
{
	size_t set, k;

	for (set = 0; set < PROJECT_TAGS_NSETS; set++)
		for (k = 0; project_tags_sets[set]->keys[k].name != NULL; k++) {
			free(c->fields[set][k]);
			c->fields[set][k] = NULL;
		}
	c->nfield = 0;
}

/* Every required column, in the order of the sets and their keys. */
static int
project_tags_required(struct project_tags *c)
{
	const struct conf_key *k;
	size_t set;

	for (set = 0; set < PROJECT_TAGS_NSETS; set++)
		for (k = project_tags_sets[set]->keys; k->name != NULL; k++)
			if ((k->flags & CONF_REQUIRED) && (c->only == NULL ||
			    k == &project_tags_keys[KEY_NAME]) &&
			    c->fields[set][k - project_tags_sets[set]->keys] ==
			    NULL)
				return project_tags_fail(c, _("missing %s"),
				    k->name);
	return 1;
}

/* One row, column set by column set: fields, then the owner's check. */
static void
project_tags_row_end(struct project_tags *c)
{
	const struct project_columns *cs;
	struct project_tag *t;
	size_t set, k;
	void *base, *data;

	loader_set_line(c->l, c->row_line);
	if (!project_tags_required(c))
		return;
	if (c->only != NULL) {
		if ((t = zhashx_lookup(c->byname, c->fields[0][KEY_NAME])) ==
		    NULL) {
			project_tags_fail(c, _("unknown tag '%s'"),
			    c->fields[0][KEY_NAME]);
			return;
		}
	} else {
		t = loader_tag_new(c->l);
		t->file = loader_file(c->l);
		t->line = c->row_line;
	}
	for (set = 0; set < PROJECT_TAGS_NSETS && !loader_failed(c->l);
	    set++) {
		cs = project_tags_sets[set];
		if (c->only != NULL && cs != c->only)
			continue;
		data = cs->owner != NULL ? loader_data(c->l, cs->owner) : NULL;
		base = cs->row(c->l, t, data);
		for (k = 0; cs->keys[k].name != NULL; k++)
			if (c->fields[set][k] != NULL &&
			    !conf_set(c->l, base, &cs->keys[k],
			    c->fields[set][k]))
				return;
		cs->check(c->l, t, data, (const char *const *)c->fields[set]);
	}
}

static void
project_tags_end(int ch, void *arg)
{
	struct project_tags *c = arg;
	int i;

	if (!loader_failed(c->l)) {
		if (!c->header_done) {
			c->header_done = 1;
			for (i = 0; i < c->ncols; i++)
				if (c->cols[i].set == 0 &&
				    c->cols[i].key == KEY_NAME)
					break;
			if (i == c->ncols)
				project_tags_fail(c, "%s", _("the header has no "
				    "'name' column"));
		} else
			project_tags_row_end(c);
	}
	project_tags_clear(c);
}

static void
project_tags_parse(struct project_tags *c, FILE *fp)
{
	struct csv_parser parser;
	char *buf = NULL;
	size_t cap = 0, skip;
	ssize_t n;

	csv_init(&parser, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI);
	while (!loader_failed(c->l) && (n = getline(&buf, &cap, fp)) != -1) {
		c->line++;
		/* Editors on Windows start UTF-8 with a byte order mark. */
		skip = c->line == 1 && strncmp(buf, "\xef\xbb\xbf", 3) == 0 ?
		    3 : 0;
		/* Lines starting with '#' are comments, outside quotes. */
		if (c->nfield == 0 && buf[skip] == '#')
			continue;
		if (csv_parse(&parser, buf + skip, n - skip,
		    project_tags_field, project_tags_end, c) !=
		    (size_t)n - skip) {
			c->row_line = c->line;
			project_tags_fail(c, "%s",
			    csv_strerror(csv_error(&parser)));
		}
	}
	if (!loader_failed(c->l) && csv_fini(&parser, project_tags_field,
	    project_tags_end, c) != 0)
		project_tags_fail(c, "%s", csv_strerror(csv_error(&parser)));
	if (!loader_failed(c->l) && !c->header_done) {
		c->row_line = 1;
		project_tags_fail(c, "%s", _("empty tag table"));
	}
	csv_free(&parser);
	free(buf);
}

static void project_tags_file(struct project_tags *, const char *);

/* Reads one tag table; the loader's file is the table meanwhile. */
void
project_tags_read(struct project_loader *l, const char *file)
{
	struct project_tags c = { .l = l };

	project_tags_file(&c, file);
}

/*
 * Reads a table whose rows add cs's columns to tags the tag tables
 * have made, named in its 'name' column (the alarm list, say). Call
 * once every tag table is read: a tag's address in memory is final.
 */
void
project_tags_annotate(struct project_loader *l, const char *file,
    const struct project_columns *cs)
{
	struct project_tags c = { .l = l, .only = cs };
	size_t i;

	c.byname = zhashx_new();
	for (i = 0; i < loader_ntags(l); i++)
		zhashx_insert(c.byname, loader_tag_at(l, i)->name,
		    loader_tag_at(l, i));
	project_tags_file(&c, file);
	zhashx_destroy(&c.byname);
}

static void
project_tags_file(struct project_tags *c, const char *file)
{
	struct project_loader *l = c->l;
	size_t set;
	FILE *fp;

	if ((fp = fopen(file, "r")) == NULL) {
		loader_fail_at(l, NULL, 0, "%s: %s", file, strerror(errno));
		return;
	}
	loader_set_file(l, file);
	for (set = 0; set < PROJECT_TAGS_NSETS; set++)
		c->fields[set] = xcalloc(conf_count(project_tags_sets[set]->keys)
		    + 1, sizeof *c->fields[set]);
	project_tags_parse(c, fp);
	project_tags_clear(c);
	for (set = 0; set < PROJECT_TAGS_NSETS; set++)
		free(c->fields[set]);
	fclose(fp);
}
