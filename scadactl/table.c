/*
 * Tables for people: rows are collected first, then printed with every
 * column as wide as its widest cell. Widths are measured in terminal
 * cells, not bytes, so units like "°C" or "m³/h" do not push the
 * columns after them out of line.
 */
#include "config.h"

#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "i18n.h"
#include "scadactl.h"
#include "value.h"
#include "xmalloc.h"

#define TABLE_GAP	2

struct table {
	int		  ncols;
	int		 *flags;
	size_t		 *width;
	char		**cells;	/* nrows * ncols */
	size_t		  nrows;
	size_t		  cap;
};

table_t *
table_new(int ncols)
{
	table_t *t = xcalloc(1, sizeof *t);

	t->ncols = ncols;
	t->flags = xcalloc(ncols, sizeof *t->flags);
	t->width = xcalloc(ncols, sizeof *t->width);
	return t;
}

void
table_destroy(table_t **tp)
{
	table_t *t = *tp;
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->flags);
	free(t->width);
	free(t);
	*tp = NULL;
}

void
table_align(table_t *t, int col, int flags)
{
	if (col >= 0 && col < t->ncols)
		t->flags[col] = flags;
}

/* Display width of a string; bytes if it is not valid here. */
size_t
table_width(const char *s)
{
	wchar_t *w;
	size_t n;
	int cells;

	n = mbstowcs(NULL, s, 0);
	if (n == (size_t)-1)
		return strlen(s);
	w = xcalloc(n + 1, sizeof *w);
	mbstowcs(w, s, n + 1);
	cells = wcswidth(w, n);
	free(w);
	return cells < 0 ? strlen(s) : (size_t)cells;
}

/* Adds one row of ncols strings (NULL is an empty cell); copies them. */
void
table_add(table_t *t, ...)
{
	const char *cells[TABLE_MAXCOLS];
	va_list ap;
	int i;

	va_start(ap, t);
	for (i = 0; i < t->ncols && i < TABLE_MAXCOLS; i++)
		cells[i] = va_arg(ap, const char *);
	va_end(ap);
	table_add_row(t, cells);
}

/* A row of ncols cells (NULL: empty). */
void
table_add_row(table_t *t, const char *const *cells)
{
	char **row;
	size_t w;
	int i;

	if (t->nrows == t->cap) {
		size_t cap = t->cap == 0 ? 16 : t->cap * 2;

		t->cells = xreallocarray(t->cells, cap * t->ncols,
		    sizeof *t->cells);
		t->cap = cap;
	}
	row = &t->cells[t->nrows * t->ncols];
	for (i = 0; i < t->ncols; i++)
		row[i] = xstrdup(cells[i] != NULL ? cells[i] : "");
	for (i = 0; i < t->ncols; i++)
		if ((w = table_width(row[i])) > t->width[i])
			t->width[i] = w;
	t->nrows++;
}

static void
table_blanks(FILE *f, size_t n)
{
	while (n-- > 0)
		fputc(' ', f);
}

/* Prints s left-aligned in a field of width cells. */
void
table_pad(FILE *f, const char *s, size_t width)
{
	size_t w = table_width(s);

	fputs(s, f);
	if (w < width)
		table_blanks(f, width - w);
}

/* The last column is never padded, so lines carry no trailing blanks. */
void
table_print(table_t *t, FILE *f)
{
	size_t r, pad;
	int i, last;

	for (r = 0; r < t->nrows; r++) {
		char **row = &t->cells[r * t->ncols];

		for (last = t->ncols - 1; last > 0; last--)
			if (row[last][0] != '\0')
				break;
		for (i = 0; i <= last; i++) {
			pad = t->width[i] - table_width(row[i]);
			if (t->flags[i] & TABLE_RIGHT)
				table_blanks(f, pad);
			fputs(row[i], f);
			if (i == last)
				break;
			if (!(t->flags[i] & TABLE_RIGHT))
				table_blanks(f, pad);
			table_blanks(f, TABLE_GAP);
		}
		fputc('\n', f);
	}
}

/* A member of a row as text: a time as local time, others as JSON. */
static const char *
table_field(json_t *row, const struct table_col *c, char *buf, size_t len)
{
	json_t *v = json_object_get(row, c->key);
	char *text;

	if (v == NULL || json_is_null(v))
		return "";
	if (json_is_string(v))
		return json_string_value(v);
	if ((c->flags & TABLE_TIME) && json_is_integer(v)) {
		if (json_integer_value(v) == 0)
			return "";
		value_time(json_integer_value(v), VALUE_TIME_DATE |
		    VALUE_TIME_MS, buf, len);
		return buf;
	}
	text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	snprintf(buf, len, "%s", text != NULL ? text : "");
	free(text);
	return buf;
}

static void
table_csv(json_t *rows, const struct table_col *cols, size_t ncols)
{
	char buf[256];
	const char *v;
	json_t *row;
	size_t i, k;

	for (k = 0; k < ncols; k++) {
		fputs(k > 0 ? "," : "", stdout);
		csv_fwrite(stdout, cols[k].key, strlen(cols[k].key));
	}
	putchar('\n');
	json_array_foreach(rows, i, row) {
		for (k = 0; k < ncols; k++) {
			v = table_field(row, &cols[k], buf, sizeof buf);
			fputs(k > 0 ? "," : "", stdout);
			csv_fwrite(stdout, v, strlen(v));
		}
		putchar('\n');
	}
}

/*
 * Rows (JSON objects) as format says: "table" for people, "json" one
 * object a line, "csv" with the members' names as the header.
 */
void
table_rows(json_t *rows, const struct table_col *cols, size_t ncols,
    const char *format)
{
	char buf[TABLE_MAXCOLS][256];
	const char *cells[TABLE_MAXCOLS];
	table_t *t;
	json_t *row;
	size_t i, k;

	if (strcmp(format, "json") == 0) {
		json_array_foreach(rows, i, row)
			ctl_print_json(row);
		return;
	}
	if (strcmp(format, "csv") == 0) {
		table_csv(rows, cols, ncols);
		return;
	}
	t = table_new((int)ncols);
	for (k = 0; k < ncols; k++) {
		cells[k] = _(cols[k].heading);
		table_align(t, (int)k, cols[k].flags & TABLE_RIGHT);
	}
	table_add_row(t, cells);
	json_array_foreach(rows, i, row) {
		for (k = 0; k < ncols; k++)
			cells[k] = table_field(row, &cols[k], buf[k],
			    sizeof buf[k]);
		table_add_row(t, cells);
	}
	table_print(t, stdout);
	table_destroy(&t);
}
