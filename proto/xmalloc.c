/*
 * Allocation that cannot fail. A process that cannot get memory cannot
 * do its job safely either: a server that goes on half-allocated may
 * publish wrong values. It stops with one line saying why, and its
 * supervisor (systemd, the operator) starts it again.
 */
#include "config.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

static void __attribute__((noreturn))
xmalloc_fail(size_t n)
{
	fatalx("out of memory (allocating %zu bytes)", n);
}

void *
xmalloc(size_t n)
{
	void *p;

	if (n == 0)
		n = 1;
	if ((p = malloc(n)) == NULL)
		xmalloc_fail(n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		xmalloc_fail(n * size);
	return p;
}

/* Zeroed, on a boundary of align bytes (a power of two): for cache lines. */
void *
xcalloc_aligned(size_t align, size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		n = size = 1;
	if (n > SIZE_MAX / size || posix_memalign(&p, align, n * size) != 0)
		xmalloc_fail(n * size);
	memset(p, 0, n * size);
	return p;
}

void *
xreallocarray(void *old, size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = reallocarray(old, n, size)) == NULL)
		xmalloc_fail(n * size);
	return p;
}

char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		xmalloc_fail(strlen(s) + 1);
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p;

	if ((p = strndup(s, n)) == NULL)
		xmalloc_fail(n + 1);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n == -1)
		xmalloc_fail(strlen(fmt));
	return s;
}

/* jansson wants malloc's signature, and so gets ours. */
void
xmalloc_init(void)
{
	json_set_alloc_funcs(xmalloc, free);
}
