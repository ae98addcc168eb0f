/* The live tag image: one entry per configured tag, owned by the server
 * loop alone (one writer). */
#ifndef SCADA_TAGDB_H
#define SCADA_TAGDB_H

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

#include "project.h"
#include "tagval.h"

struct tagdb_entry {
	const struct project_tag	*conf;
	struct tagval			 tv;
};

typedef struct tagdb tagdb_t;

tagdb_t			*tagdb_new(const struct project *);
void			 tagdb_destroy(tagdb_t **);
size_t			 tagdb_count(tagdb_t *);
struct tagdb_entry	*tagdb_at(tagdb_t *, size_t);
ssize_t			 tagdb_find(tagdb_t *, const char *);
int			 tagdb_set(tagdb_t *, size_t, const struct tagval *);
json_t			*tagdb_meta(tagdb_t *, size_t);
json_t			*tagdb_value(tagdb_t *, size_t);
void			 tagdb_selftest(const struct project *);

#endif
