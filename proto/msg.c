/*
 * The wire codec. Every body is one JSON object; decoding never trusts
 * the peer: size, UTF-8, nesting and type are all checked here, once.
 */
#include "config.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"

/*
 * Decodes one frame of at most max bytes into a JSON object, or returns
 * NULL with a reason in err. jansson checks UTF-8 and refuses embedded
 * NULs.
 */
json_t *
msg_decode(const void *data, size_t len, size_t max, char *err,
    size_t errlen)
{
	json_error_t jerr;
	json_t *o;

	if (len > max) {
		snprintf(err, errlen, "message of %zu bytes exceeds %zu",
		    len, max);
		return NULL;
	}
	o = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL) {
		snprintf(err, errlen, "malformed JSON at byte %d: %s",
		    jerr.position, jerr.text);
		return NULL;
	}
	if (!json_is_object(o)) {
		snprintf(err, errlen, "body is not a JSON object");
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Returns a string the caller frees. */
char *
msg_encode(json_t *o)
{
	return json_dumps(o, MSG_DUMP_FLAGS);
}

/* Publishes [topic][body]; the body is borrowed. */
int
msg_publish(zsock_t *pub, const char *prefix, const char *name, json_t *body)
{
	char *text, *topic;
	int rc;

	if ((text = msg_encode(body)) == NULL)
		return -1;
	if (name != NULL)
		topic = zsys_sprintf("%s%s", prefix, name);
	else
		topic = strdup(prefix);
	rc = zsock_send(pub, "ss", topic, text);
	zstr_free(&topic);
	free(text);
	return rc;
}

/*
 * Receives [topic][body] from a SUB socket. Returns the body and the
 * topic (caller frees both), or NULL if the message is malformed.
 */
json_t *
msg_recv_publication(zsock_t *sub, char **topic)
{
	zmsg_t *m;
	zframe_t *tf, *bf;
	char err[128];
	json_t *o = NULL;

	*topic = NULL;
	if ((m = zmsg_recv(sub)) == NULL)
		return NULL;
	tf = zmsg_first(m);
	bf = zmsg_next(m);
	if (zmsg_size(m) == 2 && tf != NULL && bf != NULL) {
		o = msg_decode(zframe_data(bf), zframe_size(bf),
		    MSG_MAX_BYTES, err, sizeof err);
		if (o != NULL)
			*topic = zframe_strdup(tf);
	}
	zmsg_destroy(&m);
	return o;
}

json_t *
msg_error(enum error_code code, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return json_pack("{s:b, s:s, s:s}", "ok", 0, "error",
	    error_name(code), "message", buf);
}

json_t *
msg_ok(void)
{
	return json_pack("{s:b}", "ok", 1);
}

int
msg_is_ok(json_t *reply)
{
	return json_is_true(json_object_get(reply, "ok"));
}

enum error_code
msg_error_code(json_t *reply)
{
	if (msg_is_ok(reply))
		return ERROR_NONE;
	return error_from_name(json_string_value(json_object_get(reply,
	    "error")));
}

const char *
msg_error_message(json_t *reply)
{
	const char *s = json_string_value(json_object_get(reply, "message"));

	return s != NULL ? s : error_text(msg_error_code(reply));
}

void
msg_selftest(void)
{
	static const char *const bad[] = { "", "{", "[1,2]", "42",
	    "{\"a\":1,\"a\":2}", "{\"s\":\"\\u0000\"}", "\xff\xfe" };
	char err[128], big[64];
	json_t *o, *e;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		err[0] = '\0';
		assert(msg_decode(bad[i], strlen(bad[i]), MSG_MAX_BYTES, err,
		    sizeof err) == NULL);
		assert(err[0] != '\0');
	}
	assert(msg_decode(big, MSG_MAX_BYTES + 1, MSG_MAX_BYTES, err,
	    sizeof err) == NULL);
	o = msg_decode("{\"op\":\"ping\"}", 13, MSG_MAX_BYTES, err,
	    sizeof err);
	assert(o != NULL);
	json_decref(o);
	e = msg_error(ERROR_UNKNOWN_TAG, "unknown tag: %s", "x");
	assert(!msg_is_ok(e) && msg_error_code(e) == ERROR_UNKNOWN_TAG);
	assert(strcmp(msg_error_message(e), "unknown tag: x") == 0);
	json_decref(e);
	e = msg_ok();
	assert(msg_is_ok(e) && msg_error_code(e) == ERROR_NONE);
	json_decref(e);
	for (i = 0; i < ERROR_COUNT; i++)
		assert(error_from_name(error_name(i)) == (enum error_code)i);
}
