/*
 * Helpers shared by the driver benchmarks. Each writes its project as
 * files and loads it with project_load(), so the driver sees exactly what
 * scadad would give it.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drvbench.h"
#include "i18n.h"

/* Opens dir/name for writing; the caller closes it. */
FILE *
drvbench_create(const char *dir, const char *name)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		fprintf(stderr, _("cannot create %s: %s\n"), path,
		    strerror(errno));
	return f;
}

struct project *
drvbench_load(const char *dir)
{
	struct project *p;
	char err[512];

	if ((p = project_load(dir, err, sizeof err)) == NULL)
		fprintf(stderr, "%s\n", err);
	return p;
}

/* The indices of a device's polled tags, as driver.c lists them. */
size_t *
drvbench_tags(const struct project *p, size_t device, size_t *n)
{
	size_t i, *tags = calloc(p->ntags + 1, sizeof *tags);

	*n = 0;
	if (tags == NULL)
		return NULL;
	for (i = 0; i < p->ntags; i++)
		if (p->tags[i].device == device &&
		    p->tags[i].space != PROJECT_SYSTEM)
			tags[(*n)++] = i;
	return tags;
}
