/*
 * Raw Modbus data to engineering values and back: data types, byte and
 * word order, linear scaling, and range checks on writes.
 */
#ifndef SCADA_TAGCODEC_H
#define SCADA_TAGCODEC_H

#include <stddef.h>
#include <stdint.h>

enum tagcodec_type {
	TAGCODEC_BOOL,
	TAGCODEC_INT16,
	TAGCODEC_UINT16,
	TAGCODEC_INT32,
	TAGCODEC_UINT32,
	TAGCODEC_INT64,
	TAGCODEC_UINT64,
	TAGCODEC_FLOAT32,
	TAGCODEC_FLOAT64,
	TAGCODEC_STRING,	/* fixed length, two characters a register */
	TAGCODEC_TYPE_COUNT
};

/* The names of the types and orders above, in the order of their values. */
#define TAGCODEC_TYPE_WORDS	"bool int16 uint16 int32 uint32 int64 " \
	"uint64 float32 float64 string"
#define TAGCODEC_ORDER_WORDS	"ABCD CDAB BADC DCBA"

/* Letters name bytes from most to least significant, A first on the wire. */
enum tagcodec_order {
	TAGCODEC_ABCD,		/* big-endian words, high word first */
	TAGCODEC_CDAB,		/* big-endian words, low word first */
	TAGCODEC_BADC,		/* byte-swapped words, high word first */
	TAGCODEC_DCBA,		/* fully little-endian */
	TAGCODEC_ORDER_COUNT
};

struct tagcodec_scale {
	int	 enabled;
	double	 raw_min, raw_max;
	double	 eng_min, eng_max;
};

int		 tagcodec_type_from_name(const char *, enum tagcodec_type *);
const char	*tagcodec_type_name(enum tagcodec_type);
int		 tagcodec_registers(enum tagcodec_type);
int		 tagcodec_order_from_name(const char *, enum tagcodec_order *);
const char	*tagcodec_order_name(enum tagcodec_order);
int		 tagcodec_raw_limits(enum tagcodec_type, double *, double *);
double		 tagcodec_decode(enum tagcodec_type, enum tagcodec_order,
		    const uint16_t *);
int		 tagcodec_encode(enum tagcodec_type, enum tagcodec_order,
		    double, uint16_t *);
void		 tagcodec_string_decode(enum tagcodec_order,
		    const uint16_t *, int, char *, size_t);
int		 tagcodec_string_encode(enum tagcodec_order, const char *,
		    int, uint16_t *);
double		 tagcodec_to_eng(const struct tagcodec_scale *, double);
double		 tagcodec_to_raw(const struct tagcodec_scale *, double);
void		 tagcodec_selftest(void);

#endif
