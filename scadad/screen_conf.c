/*
 * The screens of a project: [screens] names the files, each read here.
 * A file has [screen] keys, one [layout] whose lines are the picture
 * verbatim, and a [field NAME] per marker. A marker is @NAME and the
 * dots after it, its width theirs; @@ is an @ of the picture.
 */
#include "config.h"

#include <czmq.h>
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "screen_conf.h"
#include "station_conf.h"
#include "tagcodec.h"
#include "value.h"
#include "xmalloc.h"

#define SCREEN_LINE_MAX		1024	/* bytes of a line of a screen file */
#define SCREEN_ROWS_MAX		200
#define SCREEN_COLS_MAX		400

#define SKEY(f)	offsetof(struct screen_conf, f)
#define PKEY(f)	offsetof(struct screen, f)
#define FKEY(f)	offsetof(struct screen_field, f)

static const struct conf_key screen_conf_keys[] = {
	{ .name = "files", .type = CONF_WORDS, .offset = SKEY(files) },
	{ .name = "start", .type = CONF_STRING, .offset = SKEY(start) },
	{ .name = "overview", .type = CONF_STRING, .offset = SKEY(overview) },
	CONF_END
};

static const struct conf_key screen_keys[] = {
	{ .name = "name", .type = CONF_STRING, .offset = PKEY(name) },
	{ .name = "title", .type = CONF_STRING, .offset = PKEY(title) },
	{ .name = "title_de", .type = CONF_STRING, .offset = PKEY(title_de) },
	CONF_END
};

static const struct conf_key screen_field_keys[] = {
	{ .name = "kind", .type = CONF_ENUM, .choices = SCREEN_KIND_WORDS,
	    .def = "value", .offset = FKEY(kind) },
	{ .name = "tag", .type = CONF_PARSE, .offset = FKEY(tag) },
	{ .name = "decimals", .type = CONF_INT, .min = -1, .max = 9,
	    .def = "-1", .offset = FKEY(decimals) },
	{ .name = "units", .type = CONF_BOOL, .def = "yes",
	    .offset = FKEY(units) },
	{ .name = "states", .type = CONF_WORDS, .offset = FKEY(states) },
	{ .name = "states_de", .type = CONF_WORDS, .offset = FKEY(states_de) },
	{ .name = "min", .type = CONF_DOUBLE, .offset = FKEY(min) },
	{ .name = "max", .type = CONF_DOUBLE, .offset = FKEY(max) },
	{ .name = "width", .type = CONF_INT, .min = 1, .max = SCREEN_COLS_MAX,
	    .offset = FKEY(width) },
	{ .name = "height", .type = CONF_INT, .min = 1, .max = SCREEN_ROWS_MAX,
	    .def = "1", .offset = FKEY(height) },
	{ .name = "screen", .type = CONF_STRING, .offset = FKEY(screen) },
	{ .name = "value", .type = CONF_STRING, .offset = FKEY(value) },
	{ .name = "confirm", .type = CONF_BOOL, .offset = FKEY(confirm) },
	{ .name = "label", .type = CONF_STRING, .offset = FKEY(label) },
	{ .name = "label_de", .type = CONF_STRING, .offset = FKEY(label_de) },
	CONF_END
};

static const char *
screen_kind_name(int k)
{
	static const char *const names[SCREEN_NKINDS] = { "value", "bar",
	    "vbar", "state", "input", "button", "link", "text" };

	return k >= 0 && k < SCREEN_NKINDS ? names[k] : "?";
}

/* A file being read. */
struct screen_reader {
	struct project_loader	*l;
	struct screen		*sc;
	enum { SR_NONE, SR_SCREEN, SR_LAYOUT, SR_FIELD } mode;
	int			 has_layout;
	int			 layout_line;	/* of its first line */
	struct screen_field	*f;
};

static void *
screen_conf_init(struct project_loader *l)
{
	struct screen_conf *c = xcalloc(1, sizeof *c);

	conf_defaults(l, c, screen_conf_keys);
	return c;
}

static void *
screen_conf_open(struct project_loader *l, void *data, const char *name)
{
	((struct screen_conf *)data)->line = loader_line(l);
	return data;
}

static void
screen_field_free(struct screen_field *f)
{
	free(f->name);
	conf_words_free(&f->states);
	conf_words_free(&f->states_de);
	free(f->screen);
	free(f->value);
	free(f->label);
	free(f->label_de);
}

static void
screen_free(struct screen *sc)
{
	size_t i;

	free(sc->name);
	free(sc->title);
	free(sc->title_de);
	for (i = 0; i < sc->nlines; i++)
		free(sc->layout[i]);
	free(sc->layout);
	for (i = 0; i < sc->nfields; i++)
		screen_field_free(&sc->fields[i]);
	free(sc->fields);
	json_decref(sc->json);
}

static void
screen_conf_free(void *data)
{
	struct screen_conf *c = data;
	size_t i;

	conf_words_free(&c->files);
	free(c->start);
	free(c->overview);
	for (i = 0; i < c->n; i++)
		screen_free(&c->v[i]);
	free(c->v);
	free(c);
}

/* A field's tag is kept as given, and checked once every file is read. */
static int
screen_set(struct project_loader *l, void *base, const struct conf_key *k,
    const char *value)
{
	if (k->type == CONF_PARSE) {
		*(const char **)((char *)base + k->offset) =
		    loader_intern(l, value);
		return 1;
	}
	return conf_set(l, base, k, value);
}

static struct screen_field *
screen_field_new(struct screen_reader *r, const char *name)
{
	struct screen *sc = r->sc;
	struct screen_field *f;
	size_t i;

	for (i = 0; i < sc->nfields; i++)
		if (strcmp(sc->fields[i].name, name) == 0) {
			loader_fail(r->l, loader_line(r->l), _("field %s "
			    "defined twice (first at line %d)"), name,
			    sc->fields[i].line);
			return NULL;
		}
	sc->fields = xreallocarray(sc->fields, sc->nfields + 1,
	    sizeof *sc->fields);
	f = &sc->fields[sc->nfields++];
	memset(f, 0, sizeof *f);
	conf_defaults(r->l, f, screen_field_keys);
	f->confirm = -1;	/* unset: as the tag is marked critical */
	f->min = f->max = NAN;
	f->name = xstrdup(name);
	f->line = loader_line(r->l);
	f->row = -1;
	return f;
}

static int
screen_valid_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* A [header] line, outside the layout or ending it; 0 if not one. */
static int
screen_header(struct screen_reader *r, const char *line)
{
	char name[128];
	size_t n = strlen(line);

	while (n > 0 && isspace((unsigned char)line[n - 1]))
		n--;
	if (line[0] != '[' || n < 2 || line[n - 1] != ']')
		return 0;
	if (n == 8 && strncmp(line, "[screen]", 8) == 0)
		r->mode = SR_SCREEN;
	else if (n == 8 && strncmp(line, "[layout]", 8) == 0) {
		if (r->has_layout)
			return loader_fail(r->l, loader_line(r->l), "%s",
			    _("a second [layout]")) - 1;
		r->mode = SR_LAYOUT;
		r->has_layout = 1;
		r->layout_line = loader_line(r->l) + 1;
	} else if (n > 8 && strncmp(line, "[field ", 7) == 0 &&
	    n - 8 < sizeof name) {
		memcpy(name, line + 7, n - 8);
		name[n - 8] = '\0';
		if (!screen_valid_name(name))
			return loader_fail(r->l, loader_line(r->l), _("field "
			    "name '%s': letters, digits and _ only"), name) - 1;
		if ((r->f = screen_field_new(r, name)) == NULL)
			return -1;
		r->mode = SR_FIELD;
	} else if (r->mode == SR_LAYOUT)
		return 0;	/* a picture's line that looks like one */
	else
		return loader_fail(r->l, loader_line(r->l), _("unknown section "
		    "%.*s (screen, layout or field NAME)"), (int)n, line) - 1;
	return 1;
}

static void
screen_key(struct screen_reader *r, char *line)
{
	const struct conf_key *keys = r->mode == SR_SCREEN ? screen_keys :
	    screen_field_keys;
	char *eq = strchr(line, '='), *k = line, *v, *end;
	const struct conf_key *key;

	if (eq == NULL) {
		loader_fail(r->l, loader_line(r->l), _("'%s' is not key = "
		    "value"), line);
		return;
	}
	*eq = '\0';
	v = eq + 1;
	for (end = eq; end > k && isspace((unsigned char)end[-1]); end--)
		end[-1] = '\0';
	v += strspn(v, " \t");
	for (end = v + strlen(v); end > v && isspace((unsigned char)end[-1]);
	    end--)
		end[-1] = '\0';
	if ((key = conf_find(keys, k)) == NULL) {
		loader_fail(r->l, loader_line(r->l), _("unknown key '%s' in "
		    "%s"), k, r->mode == SR_SCREEN ? "[screen]" : "[field]");
		return;
	}
	screen_set(r->l, r->mode == SR_SCREEN ? (void *)r->sc : (void *)r->f,
	    key, v);
}

/* Columns of s up to byte n: UTF-8 characters, each one cell. */
static int
screen_columns(const char *s, size_t n)
{
	int cols = 0;
	size_t i;

	for (i = 0; i < n && s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			cols++;
	return cols;
}

static void
screen_line(struct screen_reader *r, char *line)
{
	struct screen *sc = r->sc;
	int h;

	line[strcspn(line, "\r\n")] = '\0';
	/* A byte order mark, as some editors write one, is not text. */
	if (loader_line(r->l) == 1 && strncmp(line, "\xef\xbb\xbf", 3) == 0)
		memmove(line, line + 3, strlen(line + 3) + 1);
	if ((h = screen_header(r, line)) != 0)
		return;
	if (r->mode == SR_LAYOUT) {
		if (screen_columns(line, strlen(line)) > SCREEN_COLS_MAX) {
			loader_fail(r->l, loader_line(r->l), _("a layout line "
			    "of more than %d columns"), SCREEN_COLS_MAX);
			return;
		}
		if (sc->nlines >= SCREEN_ROWS_MAX) {
			loader_fail(r->l, loader_line(r->l), _("a layout of "
			    "more than %d lines"), SCREEN_ROWS_MAX);
			return;
		}
		sc->layout = xreallocarray(sc->layout, sc->nlines + 1,
		    sizeof *sc->layout);
		sc->layout[sc->nlines++] = xstrdup(line);
		return;
	}
	line += strspn(line, " \t");
	if (*line == '\0' || *line == '#' || *line == ';')
		return;
	if (r->mode == SR_NONE)
		loader_fail(r->l, loader_line(r->l), "%s", _("a key before "
		    "[screen], [layout] or [field NAME]"));
	else
		screen_key(r, line);
}

static struct screen_field *
screen_field_named(struct screen *sc, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < sc->nfields; i++)
		if (strlen(sc->fields[i].name) == n &&
		    strncmp(sc->fields[i].name, name, n) == 0)
			return &sc->fields[i];
	return NULL;
}

/* Finds the markers of one layout line and blanks them out. */
static void
screen_markers(struct screen_reader *r, size_t row)
{
	struct screen *sc = r->sc;
	char *s = sc->layout[row], *out = xstrdup(s), *o = out;
	struct screen_field *f;
	size_t i = 0, n, span;
	int line = r->layout_line + (int)row, col;

	while (s[i] != '\0' && !loader_failed(r->l)) {
		if (s[i] != '@') {
			*o++ = s[i++];
			continue;
		}
		if (s[i + 1] == '@') {
			*o++ = '@';
			i += 2;
			continue;
		}
		for (n = 0; isalnum((unsigned char)s[i + 1 + n]) ||
		    s[i + 1 + n] == '_'; n++)
			;
		if (n == 0) {
			loader_fail_at(r->l, sc->file, line, "%s", _("an @ with "
			    "no field name after it (@@ for an @)"));
			break;
		}
		for (span = 1 + n; s[i + span] == '.'; span++)
			;
		col = screen_columns(out, (size_t)(o - out));
		if ((f = screen_field_named(sc, s + i + 1, n)) == NULL)
			loader_fail_at(r->l, sc->file, line, _("marker @%.*s "
			    "has no [field %.*s]"), (int)n, s + i + 1, (int)n,
			    s + i + 1);
		else if (f->row >= 0)
			loader_fail_at(r->l, sc->file, line, _("marker @%s is "
			    "in the layout twice (first at line %d)"), f->name,
			    r->layout_line + f->row);
		else {
			f->row = (int)row;
			f->col = col;
			if (f->width == 0)
				f->width = (int)span;
		}
		memset(o, ' ', span);
		o += span;
		i += span;
	}
	*o = '\0';
	free(sc->layout[row]);
	sc->layout[row] = out;
}

static int
screen_rows_overlap(const struct screen_field *a, const struct screen_field *b)
{
	int a0 = a->row - (a->kind == SCREEN_VBAR ? a->height - 1 : 0);
	int b0 = b->row - (b->kind == SCREEN_VBAR ? b->height - 1 : 0);

	return a0 <= b->row && b0 <= a->row && a->col < b->col + b->width &&
	    b->col < a->col + a->width;
}

/* A button's value, as the tag would take it from an operator. */
static void
screen_button_check(struct screen_reader *r, const struct project_tag *t,
    const struct screen_field *f)
{
	char why[256];
	json_t *v;

	if (value_parse(tagcodec_type_name(t->type), f->value, &v, why,
	    sizeof why) == -1) {
		loader_fail_at(r->l, r->sc->file, f->line, _("field %s: value: "
		    "%s"), f->name, why);
		return;
	}
	if (t->has_range && json_is_number(v) && (json_number_value(v) <
	    t->min || json_number_value(v) > t->max))
		loader_fail_at(r->l, r->sc->file, f->line, _("field %s: value "
		    "%s is out of %s's range %g..%g"), f->name, f->value,
		    t->name, t->min, t->max);
	json_decref(v);
}

/* What a field's kind asks of its keys and its tag. */
static void
screen_field_check(struct screen_reader *r, zhashx_t *tags,
    struct screen_field *f)
{
	const struct project_tag *t = f->tag != NULL ?
	    zhashx_lookup(tags, f->tag) : NULL;
	const char *file = r->sc->file;
	int needs_tag = f->kind != SCREEN_LINK && f->kind != SCREEN_TEXT;

	if (f->row < 0) {
		loader_fail_at(r->l, file, f->line, _("field %s is not in the "
		    "layout (no @%s)"), f->name, f->name);
		return;
	}
	if (needs_tag && f->tag == NULL) {
		loader_fail_at(r->l, file, f->line, _("field %s: a %s needs a "
		    "tag"), f->name, screen_kind_name(f->kind));
		return;
	}
	if (f->tag != NULL && t == NULL) {
		loader_fail_at(r->l, file, f->line, _("field %s: unknown tag "
		    "'%s'"), f->name, f->tag);
		return;
	}
	if ((f->kind == SCREEN_INPUT || f->kind == SCREEN_BUTTON) &&
	    !t->writable)
		loader_fail_at(r->l, file, f->line, _("field %s: %s is not "
		    "writable"), f->name, t->name);
	else if (f->kind == SCREEN_BUTTON && f->value == NULL)
		loader_fail_at(r->l, file, f->line, _("field %s: a button "
		    "needs the value it writes"), f->name);
	else if (f->kind == SCREEN_BUTTON)
		screen_button_check(r, t, f);
	else if (f->kind == SCREEN_LINK && f->screen == NULL)
		loader_fail_at(r->l, file, f->line, _("field %s: a link needs "
		    "its screen"), f->name);
	else if (f->kind == SCREEN_STATE && f->states.n < 2)
		loader_fail_at(r->l, file, f->line, _("field %s: a state "
		    "field needs two states or more"), f->name);
	else if (f->states_de.n > 0 && f->states_de.n != f->states.n)
		loader_fail_at(r->l, file, f->line, _("field %s: states_de "
		    "has %zu words, states %zu"), f->name, f->states_de.n,
		    f->states.n);
	else if (f->kind == SCREEN_VBAR && f->height > f->row + 1)
		loader_fail_at(r->l, file, f->line, _("field %s: %d rows do "
		    "not fit above line %d of the layout"), f->name,
		    f->height, f->row + 1);
	if (f->kind != SCREEN_BAR && f->kind != SCREEN_VBAR)
		return;
	if (isnan(f->min) && t->has_range)
		f->min = t->min;
	if (isnan(f->max) && t->has_range)
		f->max = t->max;
	if (isnan(f->min) || isnan(f->max) || !(f->min < f->max))
		loader_fail_at(r->l, file, f->line, _("field %s: a bar needs "
		    "min below max, or a tag with a range"), f->name);
}

static void
screen_finish_file(struct screen_reader *r, zhashx_t *tags)
{
	struct screen *sc = r->sc;
	size_t i, k;

	if (!r->has_layout) {
		loader_fail_at(r->l, sc->file, 1, "%s", _("no [layout]"));
		return;
	}
	for (i = 0; i < sc->nlines && !loader_failed(r->l); i++)
		screen_markers(r, i);
	for (i = 0; i < sc->nfields && !loader_failed(r->l); i++)
		screen_field_check(r, tags, &sc->fields[i]);
	for (i = 0; i < sc->nfields && !loader_failed(r->l); i++)
		for (k = 0; k < i && !loader_failed(r->l); k++)
			if (screen_rows_overlap(&sc->fields[i], &sc->fields[k]))
				loader_fail_at(r->l, sc->file,
				    sc->fields[i].line, _("field %s overlaps "
				    "field %s (line %d)"), sc->fields[i].name,
				    sc->fields[k].name, sc->fields[k].line);
}

/* The screen's name: its own, else the file's without .screen. */
static char *
screen_default_name(const char *path)
{
	char *copy = xstrdup(path), *base = xstrdup(basename(copy)), *dot;

	free(copy);
	if ((dot = strrchr(base, '.')) != NULL && dot != base)
		*dot = '\0';
	return base;
}

static void
screen_read(struct project_loader *l, struct screen_conf *c,
    const char *path, zhashx_t *tags)
{
	struct screen_reader r = { .l = l };
	char buf[SCREEN_LINE_MAX + 2];
	struct screen *sc;
	FILE *fp;
	size_t n;

	c->v = xreallocarray(c->v, c->n + 1, sizeof *c->v);
	sc = &c->v[c->n++];
	memset(sc, 0, sizeof *sc);
	loader_set_file(l, path);
	sc->file = loader_file(l);
	r.sc = sc;
	if ((fp = fopen(path, "r")) == NULL) {
		loader_fail_at(l, NULL, 0, "%s: %s", path, strerror(errno));
		return;
	}
	while (!loader_failed(l) && fgets(buf, sizeof buf, fp) != NULL) {
		loader_set_line(l, loader_line(l) + 1);
		n = strlen(buf);
		if (n > SCREEN_LINE_MAX && buf[n - 1] != '\n')
			loader_fail(l, loader_line(l), _("line longer than %d "
			    "bytes"), SCREEN_LINE_MAX);
		else
			screen_line(&r, buf);
	}
	fclose(fp);
	if (sc->name == NULL)
		sc->name = screen_default_name(path);
	if (sc->title == NULL)
		sc->title = xstrdup(sc->name);
	if (!loader_failed(l))
		screen_finish_file(&r, tags);
}

static json_t *
screen_words_json(const struct conf_words *w)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < w->n; i++)
		json_array_append_new(a, json_string(w->v[i]));
	return a;
}

static json_t *
screen_field_json(const struct screen_field *f)
{
	json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i}", "name",
	    f->name, "kind", screen_kind_name(f->kind),
	    "row", f->row, "col", f->col, "width", f->width, "height",
	    f->height);

	if (f->tag != NULL)
		json_object_set_new(o, "tag", json_string(f->tag));
	if (f->decimals >= 0)
		json_object_set_new(o, "decimals", json_integer(f->decimals));
	if (!f->units)
		json_object_set_new(o, "units", json_false());
	if (f->states.n > 0)
		json_object_set_new(o, "states", screen_words_json(&f->states));
	if (f->states_de.n > 0)
		json_object_set_new(o, "states_de",
		    screen_words_json(&f->states_de));
	if (f->kind == SCREEN_BAR || f->kind == SCREEN_VBAR) {
		json_object_set_new(o, "min", json_real(f->min));
		json_object_set_new(o, "max", json_real(f->max));
	}
	if (f->screen != NULL)
		json_object_set_new(o, "screen", json_string(f->screen));
	if (f->value != NULL)
		json_object_set_new(o, "value", json_string(f->value));
	if (f->confirm >= 0)
		json_object_set_new(o, "confirm", json_boolean(f->confirm));
	if (f->label != NULL)
		json_object_set_new(o, "label", json_string(f->label));
	if (f->label_de != NULL)
		json_object_set_new(o, "label_de", json_string(f->label_de));
	return o;
}

static json_t *
screen_json(const struct screen *sc)
{
	json_t *o = json_pack("{s:s, s:s, s:[], s:[]}", "name", sc->name,
	    "title", sc->title, "layout", "fields");
	size_t i;

	if (sc->title_de != NULL)
		json_object_set_new(o, "title_de", json_string(sc->title_de));
	for (i = 0; i < sc->nlines; i++)
		json_array_append_new(json_object_get(o, "layout"),
		    json_string(sc->layout[i]));
	for (i = 0; i < sc->nfields; i++)
		json_array_append_new(json_object_get(o, "fields"),
		    screen_field_json(&sc->fields[i]));
	return o;
}

/* Links, the start and the overview name screens that exist. */
static void
screen_conf_links(struct project_loader *l, struct screen_conf *c)
{
	const struct project *p = loader_project(l);
	size_t i, k;

	for (i = 0; i < c->n && !loader_failed(l); i++) {
		for (k = 0; k < i; k++)
			if (strcmp(c->v[i].name, c->v[k].name) == 0)
				loader_fail_at(l, c->v[i].file, 1, _("screen "
				    "%s is also %s"), c->v[i].name,
				    c->v[k].file);
		for (k = 0; k < c->v[i].nfields && !loader_failed(l); k++)
			if (c->v[i].fields[k].screen != NULL &&
			    screen_conf_find(p, c->v[i].fields[k].screen) ==
			    NULL)
				loader_fail_at(l, c->v[i].file,
				    c->v[i].fields[k].line, _("field %s: no "
				    "screen '%s'"), c->v[i].fields[k].name,
				    c->v[i].fields[k].screen);
	}
	if (c->n > 0 && c->start == NULL)
		c->start = xstrdup(c->v[0].name);
	if (c->n > 0 && c->overview == NULL)
		c->overview = xstrdup(c->start);
	if (!loader_failed(l) && c->start != NULL &&
	    screen_conf_find(p, c->start) == NULL)
		loader_fail_at(l, project_path(p), c->line, _("[screens] "
		    "start: no screen '%s'"), c->start);
	else if (!loader_failed(l) && c->overview != NULL &&
	    screen_conf_find(p, c->overview) == NULL)
		loader_fail_at(l, project_path(p), c->line, _("[screens] "
		    "overview: no screen '%s'"), c->overview);
}

static int
screen_conf_check(struct project_loader *l, void *data)
{
	struct screen_conf *c = data;
	zhashx_t *tags = zhashx_new();
	char *path;
	size_t i;

	for (i = 0; i < loader_ntags(l); i++)
		zhashx_insert(tags, loader_tag_at(l, i)->name,
		    loader_tag_at(l, i));
	for (i = 0; i < c->files.n && !loader_failed(l); i++) {
		path = c->files.v[i][0] == '/' ? xstrdup(c->files.v[i]) :
		    xasprintf("%s/%s", loader_dir(l), c->files.v[i]);
		screen_read(l, c, path, tags);
		free(path);
	}
	zhashx_destroy(&tags);
	if (!loader_failed(l))
		screen_conf_links(l, c);
	if (!loader_failed(l))
		station_conf_check(l);
	for (i = 0; i < c->n && !loader_failed(l); i++)
		c->v[i].json = screen_json(&c->v[i]);
	return 0;
}

const struct project_section screen_conf_section = {
	.name = "screens",
	.keys = screen_conf_keys,
	.init = screen_conf_init,
	.open = screen_conf_open,
	.check = screen_conf_check,
	.free = screen_conf_free,
};

const struct screen_conf *
screen_conf(const struct project *p)
{
	return project_data(p, &screen_conf_section);
}

const struct screen *
screen_conf_find(const struct project *p, const char *name)
{
	const struct screen_conf *c = screen_conf(p);
	size_t i;

	for (i = 0; c != NULL && i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return &c->v[i];
	return NULL;
}
