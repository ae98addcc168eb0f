/* Helpers shared by the driver benchmarks: a generated project, loaded. */
#ifndef SCADA_BENCH_DRVBENCH_H
#define SCADA_BENCH_DRVBENCH_H

#include <stdint.h>
#include <stdio.h>

#include "project.h"

FILE		*drvbench_create(const char *, const char *);
struct project	*drvbench_load(const char *);
const struct project_tag *drvbench_polled(const struct project *, uint32_t);

#endif
