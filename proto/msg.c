/*
 * The wire codec. Every body is one JSON object; decoding never trusts
 * the peer: size, number of values, UTF-8, nesting and type are all
 * checked here, once.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "i18n.h"
#include "msg.h"
#include "xmalloc.h"

/*
 * Counts the values a JSON text would make (every '{', '[' and ','
 * outside strings starts one more), without building anything, so a
 * text that would cost the parser too much is refused first.
 */
static size_t
msg_count_values(const char *s, size_t len)
{
	size_t i, n = 1;
	int in_string = 0;

	for (i = 0; i < len; i++) {
		if (in_string) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_string = 0;
		} else if (s[i] == '"')
			in_string = 1;
		else if (s[i] == '{' || s[i] == '[' || s[i] == ',')
			n++;
	}
	return n;
}

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
	size_t n;

	if (len > max) {
		snprintf(err, errlen, "message of %zu bytes exceeds %zu",
		    len, max);
		return NULL;
	}
	if (max <= MSG_MAX_BYTES &&
	    (n = msg_count_values(data, len)) > MSG_MAX_VALUES) {
		snprintf(err, errlen, "message of more than %d JSON values "
		    "(%zu)", MSG_MAX_VALUES, n);
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

/* A request id or session: 1 to max printable ASCII characters, no blank. */
int
msg_valid_id(json_t *v, size_t max)
{
	const char *p = json_string_value(v);
	size_t n = 0;

	if (p == NULL)
		return 0;
	for (; *p != '\0'; p++, n++)
		if (*p <= ' ' || *p > '~')
			return 0;
	return n > 0 && n <= max;
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

/* The protocol's word for a priority; the station translates it. */
const char *
msg_priority_name(int p)
{
	static const char *const names[MSG_PRIORITIES] = { N_("urgent"),
	    N_("high"), N_("medium"), N_("low") };

	return p >= 1 && p <= MSG_PRIORITIES ? names[p - 1] : "?";
}

/* 1..MSG_PRIORITIES from a word or its number; 0 if neither. */
int
msg_priority_parse(const char *s)
{
	int i;

	for (i = 1; i <= MSG_PRIORITIES; i++)
		if (strcmp(s, msg_priority_name(i)) == 0 ||
		    (s[0] == '0' + i && s[1] == '\0'))
			return i;
	return 0;
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
	char err[128], *big, *many;
	json_t *o, *e;
	size_t i, n;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		err[0] = '\0';
		CHECK(msg_decode(bad[i], strlen(bad[i]), MSG_MAX_BYTES, err,
		    sizeof err) == NULL);
		CHECK(err[0] != '\0');
	}
	big = xcalloc(1, MSG_MAX_BYTES + 1);
	CHECK(msg_decode(big, MSG_MAX_BYTES + 1, MSG_MAX_BYTES, err,
	    sizeof err) == NULL);
	free(big);
	/* Just over the value limit: refused before parsing. */
	n = MSG_MAX_VALUES / 2 + 1;
	many = xmalloc(3 * n + 8);
	strcpy(many, "{\"a\":[");
	for (i = 0; i < n; i++)
		strcat(many + 6 + 3 * i, i + 1 < n ? "{}," : "{}");
	strcat(many, "]}");
	CHECK(msg_decode(many, strlen(many), MSG_MAX_BYTES, err,
	    sizeof err) == NULL);
	CHECK(strstr(err, "JSON values") != NULL);
	/* Commas and brackets inside strings are no values. */
	CHECK(msg_count_values("{\"a\":\"[,{\\\",\"}", 15) == 2);
	free(many);
	o = msg_decode("{\"op\":\"ping\"}", 13, MSG_MAX_BYTES, err,
	    sizeof err);
	CHECK(o != NULL);
	json_decref(o);
	e = msg_error(ERROR_UNKNOWN_TAG, "unknown tag: %s", "x");
	CHECK(!msg_is_ok(e) && msg_error_code(e) == ERROR_UNKNOWN_TAG);
	CHECK_STR(msg_error_message(e), "unknown tag: x");
	json_decref(e);
	e = msg_ok();
	CHECK(msg_is_ok(e) && msg_error_code(e) == ERROR_NONE);
	json_decref(e);
	for (i = 0; i < ERROR_COUNT; i++)
		CHECK(error_from_name(error_name(i)) == (enum error_code)i);
	o = json_string("a-1");
	CHECK(msg_valid_id(o, 3) && !msg_valid_id(o, 2));
	json_decref(o);
	o = json_string("a b");
	CHECK(!msg_valid_id(o, 10));
	json_decref(o);
}
