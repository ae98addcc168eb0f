/*
 * Tables for people: rows are collected first, then printed with every
 * column as wide as its widest cell. Widths are measured in terminal
 * cells, not bytes, so units like "°C" or "m³/h" do not push the
 * columns after them out of line.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "scadactl.h"
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
	va_list ap;
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
	va_start(ap, t);
	for (i = 0; i < t->ncols; i++) {
		const char *s = va_arg(ap, const char *);

		row[i] = xstrdup(s != NULL ? s : "");
	}
	va_end(ap);
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
