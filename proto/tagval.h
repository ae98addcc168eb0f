/* A tag's live value as it travels on the wire: value, quality, time. */
#ifndef SCADA_TAGVAL_H
#define SCADA_TAGVAL_H

#include <stdint.h>
#include <jansson.h>

enum quality {
	QUALITY_GOOD,
	QUALITY_UNCERTAIN,
	QUALITY_BAD
};

#define TAGVAL_REASON_MAX	128
#define TAGVAL_STR_MAX		128	/* longest string value + NUL */

struct tagval {
	double		 value;		/* unused for strings */
	int		 is_bool;
	int		 is_string;
	char		 str[TAGVAL_STR_MAX];
	enum quality	 quality;
	long long	 ts_ms;		/* Unix ms when value or quality last
					 * changed */
	char		 reason[TAGVAL_REASON_MAX];	/* why not good */
};

const char	*tagval_quality_name(enum quality);
int		 tagval_quality_from_name(const char *, enum quality *);
json_t		*tagval_to_json(const char *name, const struct tagval *);
int		 tagval_encode(const char *name, const struct tagval *, char *,
		    size_t);
int		 tagval_from_json(json_t *, const char **name, struct tagval *);
int		 tagval_same(const struct tagval *, const struct tagval *);
long long	 tagval_now_ms(void);
void		 tagval_selftest(void);

#endif
