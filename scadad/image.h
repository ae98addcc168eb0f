/*
 * The live tag image: a value, quality and time for every tag, by tag
 * id, owned by the server loop alone (one writer, no locks); drivers
 * send their readings by message.
 */
#ifndef SCADA_IMAGE_H
#define SCADA_IMAGE_H

#include <jansson.h>
#include <stdint.h>

#include "project.h"
#include "tagval.h"

typedef struct image image_t;

image_t	*image_new(const struct project *);
void	 image_destroy(image_t **);
int	 image_set(image_t *, uint32_t, const struct tagval *);
void	 image_get(image_t *, uint32_t, struct tagval *);
json_t	*image_json(image_t *, const struct project_tag *);
int	 image_encode(image_t *, const struct project_tag *, char *, size_t);
void	 image_selftest(const struct project *);

#endif
