/*
 * Checks for the selftests. Unlike assert(), they run whatever NDEBUG
 * says, and a failure names the file, the line and what was found, then
 * aborts, so make check reports it and a core shows where.
 */
#ifndef SCADA_CHECK_H
#define SCADA_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
		abort();						\
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *check_g_ = (got), *check_w_ = (want);		\
	if (check_g_ == NULL || strcmp(check_g_, check_w_) != 0) {	\
		fprintf(stderr, "%s:%d: check failed: %s\n"		\
		    "  want: %s\n  got:  %s\n", __FILE__, __LINE__,	\
		    #got, check_w_, check_g_ != NULL ? check_g_ : "NULL"); \
		abort();						\
	}								\
} while (0)

#endif
