/* Tag values as an operator reads and types them. */
#ifndef SCADATUI_VALUE_H
#define SCADATUI_VALUE_H

#include <stddef.h>
#include <jansson.h>

#include "mirror.h"

int	value_is_bool(const struct mirror_tag *);
void	value_format(double, int, char *, size_t);
void	value_format_json(json_t *, char *, size_t);
void	value_time(long long, char *, size_t);
void	value_range(const struct mirror_tag *, char *, size_t);
int	value_parse(const struct mirror_tag *, const char *, json_t **,
	    char *, size_t);

#endif
