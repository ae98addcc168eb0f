/*
 * libFuzzer target for the wire decoder: whatever arrives in a frame is
 * decoded as a request or publication body, and every tag value in it is
 * decoded as a station would. Nothing here may crash, leak or hang.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "tagval.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_tagvals(json_t *o)
{
	struct tagval tv;
	const char *name;
	json_t *list, *t;
	size_t i;
	char buf[64];

	if (tagval_from_json(o, &name, &tv) == 0)
		tagval_format(&tv, buf, sizeof buf);
	list = json_object_get(o, "tags");
	json_array_foreach(list, i, t)
		if (tagval_from_json(t, &name, &tv) == 0)
			tagval_format(&tv, buf, sizeof buf);
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
