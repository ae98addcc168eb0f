/* Helpers shared by the driver benchmarks: a generated project, loaded. */
#ifndef SCADA_BENCH_DRVBENCH_H
#define SCADA_BENCH_DRVBENCH_H

#include <stdio.h>

#include "project.h"

FILE		*drvbench_create(const char *, const char *);
struct project	*drvbench_load(const char *);
size_t		*drvbench_tags(const struct project *, size_t, size_t *);

#endif
