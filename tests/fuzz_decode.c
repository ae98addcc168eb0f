/*
 * libFuzzer target for the wire decoder: whatever arrives in a frame is
 * decoded as a request or publication body, and every tag value in it is
 * decoded as a station would. Nothing here may crash, leak or hang.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "tagval.h"

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
	int n = tagval_encode(name, tv, 42, buf, sizeof buf);

	if (o != NULL && json_object_set_new(o, "seq", json_integer(42)) == 0)
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
		tagval_format(&tv, buf, sizeof buf);
		fuzz_encoders_agree(name, &tv);
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
	(void)msg_is_ok(o);
	(void)msg_error_code(o);
	(void)msg_error_message(o);
	if ((text = msg_encode(o)) != NULL)
		free(text);
	json_decref(o);
	return 0;
}
