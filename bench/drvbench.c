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

#include "driver_conf.h"
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

/* A project of its own, not a newer generation of another one. */
struct project *
drvbench_load(const char *dir)
{
	struct project *p;
	char err[512];

	if ((p = project_load(dir, NULL, err, sizeof err)) == NULL)
		fprintf(stderr, "%s\n", err);
	return p;
}

/*
 * The tag of an id in an actor's UPDATE if the driver polls it, or NULL:
 * the actor sends its device's status tags (sys.DEVICE.*) there too.
 */
const struct project_tag *
drvbench_polled(const struct project *p, uint32_t id)
{
	const struct project_tag *t = project_tag_by_id(p, id);

	return t != NULL && driver_conf_io(t)->space != IO_SYSTEM ? t : NULL;
}
