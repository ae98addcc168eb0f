/*
 * The key engine and the INI reader. A key's table entry says all there
 * is to know about it, so setting, defaulting and checking are one code
 * path for every section and every column; every error names file:line
 * and the offending text, and the first error stops the load: a
 * half-understood plant is never run.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "project_ini.h"
#include "xmalloc.h"

/* Parses a whole string as a long; trailing junk is an error. */
int
conf_long(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);	/* 0502 is 502, not octal */
	return (errno != 0 || end == s || *end != '\0') ? -1 : 0;
}

int
conf_double(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return (errno != 0 || end == s || *end != '\0' || !isfinite(*v)) ?
	    -1 : 0;
}

/* yes/true/1 or no/false/0; returns -1 for anything else. */
int
conf_yesno(const char *s)
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
int
conf_choice(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; n > 0 && (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

/* Which word of the list, in any case; -1 if none. */
int
conf_enum(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;
	int i;

	for (i = 0; n > 0 && *p != '\0'; i++) {
		if (strncasecmp(p, word, n) == 0 && (p[n] == ' ' ||
		    p[n] == '\0'))
			return i;
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	return -1;
}

/* Device and tag names: letters, digits and _ . - : */
int
conf_valid_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!(isalnum((unsigned char)*s) || strchr("_.-:", *s) != NULL))
			return 0;
	return 1;
}

static int
conf_int_choice(const char *list, long v)
{
	char word[24];

	snprintf(word, sizeof word, "%ld", v);
	return conf_choice(list, word);
}

static int
conf_set_int(struct project_loader *l, int *ip, const struct conf_key *k,
    const char *value)
{
	long v;

	if (conf_long(value, &v) == -1)
		return loader_fail(l, loader_line(l),
		    _("%s: not a whole number: '%s'"), k->name, value);
	if (v < k->min || v > k->max)
		return loader_fail(l, loader_line(l),
		    _("%s: %ld out of range %ld..%ld"), k->name, v, k->min,
		    k->max);
	if (k->choices != NULL && !conf_int_choice(k->choices, v))
		return loader_fail(l, loader_line(l),
		    _("%s: %ld is not one of: %s"), k->name, v, k->choices);
	*ip = (int)v;
	return 1;
}

/*
 * A list of words parted by blanks or commas, each one of the key's
 * choices if it has some (in any case; stored in lower case then).
 */
static int
conf_set_words(struct project_loader *l, struct conf_words *w,
    const struct conf_key *k, const char *value)
{
	char *copy = xstrdup(value), *word, *last;
	struct conf_words got = { 0 };
	int i;

	for (word = strtok_r(copy, " \t,", &last); word != NULL;
	    word = strtok_r(NULL, " \t,", &last)) {
		if (k->choices != NULL &&
		    (i = conf_enum(k->choices, word)) == -1) {
			loader_fail(l, loader_line(l),
			    _("%s: '%s' is not one of: %s"), k->name, word,
			    k->choices);
			conf_words_free(&got);
			free(copy);
			return 0;
		}
		for (i = 0; k->choices != NULL && word[i] != '\0'; i++)
			word[i] = (char)tolower((unsigned char)word[i]);
		got.v = xreallocarray(got.v, got.n + 2, sizeof *got.v);
		got.v[got.n++] = xstrdup(word);
		got.v[got.n] = NULL;
	}
	free(copy);
	conf_words_free(w);
	*w = got;
	return 1;
}

void
conf_words_free(struct conf_words *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

/* Is word in the list, or is "*" in it? */
int
conf_words_has(const struct conf_words *w, const char *word)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->v[i], "*") == 0 || strcmp(w->v[i], word) == 0)
			return 1;
	return 0;
}

/* Returns 1 if the value was taken, 0 after reporting why not. */
int
conf_set(struct project_loader *l, void *base, const struct conf_key *k,
    const char *value)
{
	void *field = (char *)base + k->offset;
	char **sp = field, why[256];

	switch (k->type) {
	case CONF_STRING:
		free(*sp);
		*sp = xstrdup(value);
		return 1;
	case CONF_ATOM:
		*(const char **)field = loader_intern(l, value);
		return 1;
	case CONF_INT:
		return conf_set_int(l, field, k, value);
	case CONF_DOUBLE:
		if (conf_double(value, field) == -1)
			return loader_fail(l, loader_line(l),
			    _("%s: not a number: '%s'"), k->name, value);
		return 1;
	case CONF_BOOL:
		if ((*(int *)field = conf_yesno(value)) == -1)
			return loader_fail(l, loader_line(l),
			    _("%s: '%s' is not yes or no"), k->name, value);
		return 1;
	case CONF_CHOICE:
		if (!conf_choice(k->choices, value))
			return loader_fail(l, loader_line(l),
			    _("%s: '%s' is not one of: %s"), k->name, value,
			    k->choices);
		free(*sp);
		*sp = xstrdup(value);
		return 1;
	case CONF_ENUM:
		if ((*(int *)field = conf_enum(k->choices, value)) == -1)
			return loader_fail(l, loader_line(l),
			    _("%s: '%s' is not one of: %s"), k->name, value,
			    k->choices);
		return 1;
	case CONF_WORDS:
		return conf_set_words(l, field, k, value);
	case CONF_PARSE:
		if (k->parse(l, value, field, why, sizeof why) == -1)
			return loader_fail(l, loader_line(l), "%s: %s",
			    k->name, why);
		return 1;
	}
	return 0;
}

/* Every key with a default gets it. */
void
conf_defaults(struct project_loader *l, void *base,
    const struct conf_key *keys)
{
	const struct conf_key *k;

	for (k = keys; k->name != NULL; k++)
		if (k->def != NULL)
			conf_set(l, base, k, k->def);
}

const struct conf_key *
conf_find(const struct conf_key *keys, const char *name)
{
	const struct conf_key *k;

	for (k = keys; k->name != NULL; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

size_t
conf_count(const struct conf_key *keys)
{
	size_t n = 0;

	while (keys[n].name != NULL)
		n++;
	return n;
}

/* The INI reader's state, handed to inih. */
struct project_ini {
	struct project_loader	*l;
	FILE			*fp;
	int			 line;
	int			(*section)(struct project_loader *,
				    const char *);
	int			(*key)(struct project_loader *, const char *,
				    const char *);
};

/* Editors on Windows start UTF-8 files with a byte order mark. */
static size_t
project_ini_bom(const char *buf, int line)
{
	return line == 1 && strncmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

/* A line the reader sees first: a section starts here. */
static void
project_ini_line(struct project_ini *r, char *p)
{
	char *end;

	if (*p == '\0' || *p == ';' || *p == '#')
		return;
	/*
	 * Sections start here, not in the handler, which sees a section
	 * only through its first key: an empty or repeated section would
	 * pass unnoticed. Lines inih would skip as errors stop us here.
	 */
	if (*p == '[') {
		if ((end = strchr(p, ']')) == NULL) {
			loader_fail(r->l, r->line, _("syntax error: no ']'"));
			return;
		}
		*end = '\0';
		r->section(r->l, p + 1);
		*end = ']';
	} else if (strpbrk(p, "=:") == NULL)
		loader_fail(r->l, r->line,
		    _("syntax error: expected 'key = value'"));
}

/* Counts lines for the handler, which inih does not tell. */
static char *
project_ini_reader(char *buf, int size, void *arg)
{
	struct project_ini *r = arg;
	char *s = fgets(buf, size, r->fp);
	size_t n, skip;

	if (s == NULL || loader_failed(r->l))
		return s;
	loader_set_line(r->l, ++r->line);
	n = strlen(buf);
	/* inih would take the rest of a long line for a line of its own. */
	if (n == (size_t)size - 1 && buf[n - 1] != '\n' && !feof(r->fp)) {
		loader_fail(r->l, r->line, _("line longer than %d characters"),
		    size - 2);
		return s;
	}
	if ((skip = project_ini_bom(buf, r->line)) > 0)
		memmove(buf, buf + skip, n - skip + 1);
	project_ini_line(r, buf + strspn(buf, " \t\r\n"));
	return s;
}

static int
project_ini_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct project_ini *r = arg;

	if (loader_failed(r->l) || name == NULL)
		return 1;
	return r->key(r->l, name, value);
}

/*
 * Reads an INI file, calling section() for each [section] line and
 * key() for each key; loader_line() tells the line meanwhile. Returns
 * -1 if the load failed.
 */
int
project_ini_read(struct project_loader *l, FILE *fp,
    int (*section)(struct project_loader *, const char *),
    int (*key)(struct project_loader *, const char *, const char *))
{
	struct project_ini r = { .l = l, .fp = fp, .section = section,
	    .key = key };
	int rc;

	/* An indented line is a key of its own, never a continuation. */
	ini_allow_multiline = false;
	rc = ini_parse_stream(project_ini_reader, &r, project_ini_handler, &r);
	if (rc > 0 && !loader_failed(l))
		loader_fail(l, rc, _("syntax error"));
	return loader_failed(l) ? -1 : 0;
}
