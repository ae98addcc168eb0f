/*
 * libFuzzer target for the wire decoder: whatever arrives in a frame is
 * decoded as a request, reply or publication body, every tag value in
 * it (of a reply's or a publication's "tags") is decoded and shown as a
 * station would, and every string in it is parsed as operator input for
 * each kind of tag. Nothing here may crash, leak or hang.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "tagval.h"
#include "value.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * The server publishes through tagval_encode and answers snapshots
 * through jansson: both must write the same text for any value.
 */
static void
fuzz_encoders_agree(const char *name, const struct tagval *tv)
{
	char buf[4096], *ref = NULL;
	json_t *o = tagval_to_json(name, tv);
	int n = tagval_encode(name, tv, buf, sizeof buf);

	if (o != NULL)
		ref = json_dumps(o, MSG_DUMP_FLAGS);
	if (n != -1 && (ref == NULL || strcmp(ref, buf) != 0))
		abort();
	free(ref);
	json_decref(o);
}

static void
fuzz_tagval(json_t *o)
{
	struct tagval tv;
	const char *name;
	char buf[64];

	if (tagval_from_json(o, &name, &tv) == 0) {
		value_format(&tv, NULL, VALUE_OPERATOR, buf, sizeof buf);
		value_format(&tv, "float32", VALUE_EXACT, buf, sizeof buf);
		fuzz_encoders_agree(name, &tv);
	}
}

/* Every string member as typed by an operator, for every kind of tag. */
static void
fuzz_input(json_t *o)
{
	static const char *const types[] = { NULL, "bool", "string", "int16",
	    "float32" };
	const char *key;
	json_t *v, *out;
	char err[256];
	size_t i;

	json_object_foreach(o, key, v) {
		if (!json_is_string(v))
			continue;
		for (i = 0; i < sizeof types / sizeof *types; i++) {
			if (value_parse(types[i], json_string_value(v), &out,
			    err, sizeof err) == 0)
				json_decref(out);
		}
	}
}

static void
fuzz_tagvals(json_t *o)
{
	json_t *list, *t;
	size_t i;

	fuzz_tagval(o);
	list = json_object_get(o, "tags");
	json_array_foreach(list, i, t)
		fuzz_tagval(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char err[160];
	json_t *o;
	char *text;

	if ((o = msg_decode(data, len, MSG_MAX_BYTES, err, sizeof err)) == NULL)
		return 0;
	fuzz_tagvals(o);
	fuzz_input(o);
	(void)msg_is_ok(o);
	(void)msg_error_code(o);
	(void)msg_error_message(o);
	if ((text = msg_encode(o)) != NULL)
		free(text);
	json_decref(o);
	return 0;
}
