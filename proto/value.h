/*
 * Tag values as people read and type them, the same in every program:
 * the words for on and off, numbers with as many digits as the reader
 * needs, times, and the parsing of what an operator types.
 */
#ifndef SCADA_VALUE_H
#define SCADA_VALUE_H

#include <stddef.h>
#include <jansson.h>

#include "tagval.h"

enum value_style {
	VALUE_OPERATOR,		/* about six significant digits: a screen */
	VALUE_EXACT		/* every digit the type holds: a script */
};

#define VALUE_TIME_MS		0x1	/* HH:MM:SS.mmm */
#define VALUE_TIME_DATE		0x2	/* YYYY-MM-DD in front */

int	 value_type_is_bool(const char *);
int	 value_type_is_string(const char *);
int	 value_word(const char *, int *);
const char *value_bool_text(int);
void	 value_number(double, const char *, enum value_style, char *, size_t);
void	 value_shortest(double, char *, size_t);
void	 value_format(const struct tagval *, const char *, enum value_style,
	    char *, size_t);
void	 value_format_json(json_t *, const char *, enum value_style, char *,
	    size_t);
void	 value_time(long long, int, char *, size_t);
long long value_when(const char *);
void	 value_range(const char *, int, double, double, const char *, char *,
	    size_t);
int	 value_parse(const char *, const char *, json_t **, char *, size_t);
void	 value_selftest(void);

#endif
