/*
 * What the commands share: the request helpers, and the one way an
 * error reaches the user and becomes an exit status.
 */
#include "config.h"

#include <sys/stat.h>

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "msg.h"
#include "scadactl.h"
#include "value.h"
#include "xmalloc.h"

static int ctl_json;	/* -j: errors as JSON objects on stdout too */

void
ctl_json_errors(void)
{
	ctl_json = 1;
}

static void
ctl_vwarnx(const char *fmt, va_list ap)
{
	fflush(stdout);		/* keep the order of a mixed terminal */
	fprintf(stderr, "%s: ", CTL_NAME);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
ctl_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctl_vwarnx(fmt, ap);
	va_end(ap);
}

/*
 * The one way an error ends a command: the text on stderr and, with -j,
 * the same as the protocol's error object on stdout, so a script reading
 * JSON lines sees it in its stream. Extra members (such as "tag") may
 * be given in extra, which is taken. Returns the exit status.
 */
int
ctl_error(enum error_code code, json_t *extra, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	json_t *o;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	ctl_warnx("%s", text);
	if (ctl_json) {
		o = msg_error(code, "%s", text);
		if (extra != NULL)
			json_object_update(o, extra);
		ctl_print_json(o);
		json_decref(o);
	}
	json_decref(extra);
	return error_exit_status(code);
}

/*
 * Where logins are kept between commands: one line "endpoint token"
 * each, in $XDG_RUNTIME_DIR/scada/sessions (else ~/.cache/scada),
 * readable by its owner only.
 */
static void
ctl_session_path(char *buf, size_t len, int dir_only)
{
	const char *run = getenv("XDG_RUNTIME_DIR"), *home = getenv("HOME");

	if (run != NULL && *run != '\0')
		snprintf(buf, len, "%s/scada%s", run, dir_only ? "" :
		    "/sessions");
	else
		snprintf(buf, len, "%s/.cache/scada%s", home != NULL ? home :
		    "", dir_only ? "" : "/sessions");
}

/* Every line of the file but the endpoint's, and its token if asked. */
static char *
ctl_session_read(const char *endpoint, char *token, size_t len)
{
	char path[1024], line[1024];
	size_t n = strlen(endpoint);
	char *rest = xstrdup("");
	FILE *f;

	if (token != NULL)
		token[0] = '\0';
	ctl_session_path(path, sizeof path, 0);
	if ((f = fopen(path, "r")) == NULL)
		return rest;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, endpoint, n) == 0 && line[n] == ' ') {
			if (token != NULL) {
				snprintf(token, len, "%s", line + n + 1);
				token[strcspn(token, "\r\n")] = '\0';
			}
			continue;
		}
		rest = xreallocarray(rest, strlen(rest) + strlen(line) + 1, 1);
		strcat(rest, line);
	}
	fclose(f);
	explicit_bzero(line, sizeof line);
	return rest;
}

/* The directory and those above it, private where made. */
static void
ctl_mkdirs(char *path)
{
	char *p;

	for (p = path + 1; *p != '\0'; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0700);
			*p = '/';
		}
	mkdir(path, 0700);
}

static int
ctl_session_write(const char *rest, const char *endpoint, const char *token)
{
	char path[1024], tmp[1100];
	mode_t old;
	FILE *f;
	int rc = -1;

	ctl_session_path(path, sizeof path, 1);
	ctl_mkdirs(path);
	ctl_session_path(path, sizeof path, 0);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	old = umask(077);
	if ((f = fopen(tmp, "w")) != NULL) {
		fputs(rest, f);
		if (token != NULL)
			fprintf(f, "%s %s\n", endpoint, token);
		if (fclose(f) == 0 && rename(tmp, path) == 0)
			rc = 0;
	}
	umask(old);
	if (rc == -1)
		ctl_warnx(_("cannot keep the session in %s: %s"), path,
		    strerror(errno));
	return rc;
}

/* Keeps the login for the next commands to this endpoint. */
int
ctl_session_save(struct ctl *ctl, const char *token)
{
	char *rest = ctl_session_read(ctl->endpoint, NULL, 0);
	int rc = ctl_session_write(rest, ctl->endpoint, token);

	free(rest);
	return rc;
}

void
ctl_session_forget(struct ctl *ctl)
{
	char *rest = ctl_session_read(ctl->endpoint, NULL, 0);

	ctl_session_write(rest, ctl->endpoint, NULL);
	free(rest);
	client_set_session(ctl->client, NULL);
}

/* The session to send: $SCADA_SESSION, else the one kept. */
static void
ctl_session_load(struct ctl *ctl)
{
	const char *env = getenv("SCADA_SESSION");
	char token[512], *rest;

	if (env != NULL && *env != '\0') {
		client_set_session(ctl->client, env);
		return;
	}
	rest = ctl_session_read(ctl->endpoint, token, sizeof token);
	free(rest);
	if (token[0] != '\0') {
		client_set_session(ctl->client, token);
		ctl->session_kept = 1;
	}
	explicit_bzero(token, sizeof token);
}

/*
 * The station a plain link names: $SCADA_STATION, else the host name.
 * Under CurveZMQ the server takes it from the key instead.
 */
static void
ctl_station(struct ctl *ctl)
{
	const char *env = getenv("SCADA_STATION");
	char host[256];

	if (env != NULL && *env != '\0')
		client_set_station(ctl->client, env);
	else if (gethostname(host, sizeof host) == 0) {
		host[sizeof host - 1] = '\0';
		host[strcspn(host, ".")] = '\0';
		client_set_station(ctl->client, host);
	}
}

/*
 * Opens the request client with its keys, session and station; says so
 * if something is wrong, and returns the exit status.
 */
int
ctl_open(struct ctl *ctl)
{
	char err[512];

	if (ctl->client != NULL)
		return 0;
	if (keys_load(&ctl->keys, ctl->key, ctl->server_key, err,
	    sizeof err) == -1)
		return ctl_error(ERROR_BAD_REQUEST, NULL, "%s", err);
	ctl->client = client_new(ctl->endpoint, ctl->timeout_ms,
	    CLIENT_RETRIES);
	if (ctl->client == NULL)
		return ctl_error(ERROR_BAD_REQUEST, NULL,
		    _("invalid server endpoint: %s"), ctl->endpoint);
	if (ctl->keys.mine != NULL)
		client_set_keys(ctl->client, &ctl->keys);
	ctl_station(ctl);
	ctl_session_load(ctl);
	return 0;
}

void
ctl_close(struct ctl *ctl)
{
	client_destroy(&ctl->client);
	keys_free(&ctl->keys);
}

/*
 * A kept session the server no longer knows (it ended, or the server
 * restarted) is dropped, so the next command goes without it.
 */
static json_t *
ctl_reply(struct ctl *ctl, json_t *reply)
{
	if (ctl->session_kept &&
	    msg_error_code(reply) == ERROR_UNAUTHENTICATED) {
		ctl_session_forget(ctl);
		client_set_session(ctl->client, NULL);
		ctl->session_kept = 0;
	}
	return reply;
}

/*
 * Builds a request with json_pack(fmt, ...) and sends it. Like
 * client_call it always returns a reply, so callers have one path for
 * every failure.
 */
json_t *
ctl_call(struct ctl *ctl, const char *fmt, ...)
{
	json_error_t jerr;
	json_t *req, *reply;
	va_list ap;

	assert(ctl->client != NULL);	/* the entry lacks CMD_CLIENT */
	va_start(ap, fmt);
	req = json_vpack_ex(&jerr, 0, fmt, ap);
	va_end(ap);
	if (req == NULL)
		return msg_error(ERROR_INTERNAL, "%s: %s",
		    _("cannot build request"), jerr.text);
	reply = client_call(ctl->client, req);
	json_decref(req);
	return ctl_reply(ctl, reply);
}

/* A write may wait on a slow PLC: more time for its reply. */
json_t *
ctl_call_write(struct ctl *ctl, json_t *req)
{
	int ms = ctl->timeout_ms > CLIENT_WRITE_TIMEOUT_MS ? ctl->timeout_ms :
	    CLIENT_WRITE_TIMEOUT_MS;

	assert(ctl->client != NULL);
	return ctl_reply(ctl, client_call_timeout(ctl->client, req, ms, 0));
}

/*
 * Reports an error reply and returns the exit status for it. The
 * server's message usually names the error already ("unknown tag:
 * x"), so the generic text is added only when it does not.
 */
int
ctl_fail(json_t *reply)
{
	enum error_code code = msg_error_code(reply);
	const char *text = error_text(code);
	const char *message = msg_error_message(reply);

	if (code == ERROR_NONE)
		code = ERROR_INTERNAL;
	if (strncasecmp(message, text, strlen(text)) == 0)
		ctl_warnx("%s", message);
	else
		ctl_warnx("%s: %s", text, message);
	/* The server's own error object, as the protocol has it. */
	if (ctl_json)
		ctl_print_json(reply);
	return error_exit_status(code);
}

/*
 * The reply (taken) to an action that prints nothing when it works:
 * the error if it failed, the reply itself with -j. Returns the exit
 * status.
 */
int
ctl_done(json_t *reply)
{
	int rc = 0;

	if (!msg_is_ok(reply))
		rc = ctl_fail(reply);
	else if (ctl_json)
		ctl_print_json(reply);
	json_decref(reply);
	return rc;
}

/*
 * -s since and -e until, as times value_when() reads, into o's "since"
 * and "until". Returns 0, or the exit status after saying what is wrong.
 */
int
ctl_window(struct cmd_args *args, json_t *o)
{
	const char *v;
	long long ms;
	int i;

	for (i = 0; i < 2; i++) {
		if ((v = args->opt[i == 0 ? 's' : 'e']) == NULL)
			continue;
		if ((ms = value_when(v)) < 0)
			return ctl_error(ERROR_BAD_REQUEST, NULL, _("bad time "
			    "'%s': YYYY-MM-DD [HH:MM[:SS]], or an age such as "
			    "15m, 2h, 7d"), v);
		json_object_set_new(o, i == 0 ? "since" : "until",
		    json_integer(ms));
	}
	return 0;
}

/* -n count, 1 to 10000, into *n if given; 0, or the exit status. */
int
ctl_count(struct cmd_args *args, long *n)
{
	const char *v = args->opt['n'];
	char *end;

	if (v == NULL)
		return 0;
	errno = 0;
	*n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || *n < 1 || *n > 10000)
		return ctl_error(ERROR_BAD_REQUEST, NULL, _("bad count (1 to "
		    "10000): %s"), v);
	return 0;
}

/*
 * -f table|json|csv (json with -j, else table), or NULL after saying
 * what is wrong, with the exit status in *rc.
 */
const char *
ctl_format(struct ctl *ctl, struct cmd_args *args, const char *cmd, int *rc)
{
	const char *f = args->opt['f'] != NULL ? args->opt['f'] : ctl->json ?
	    "json" : "table";

	if (strcmp(f, "table") == 0 || strcmp(f, "json") == 0 ||
	    strcmp(f, "csv") == 0)
		return f;
	*rc = ctl_error(ERROR_BAD_REQUEST, NULL, _("%s -f: '%s' is not table, "
	    "json or csv"), cmd, f);
	return NULL;
}

/* One compact JSON object per line, flushed: made for pipes. */
void
ctl_print_json(json_t *o)
{
	char *text = msg_encode(o);

	if (text != NULL) {
		puts(text);
		free(text);
	}
	fflush(stdout);
}

/* Returns 0, or -1 if stdout is gone (closed pipe, full disk). */
int
ctl_flush(void)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		return -1;
	return 0;
}

/*
 * Every tag matching pattern (all if NULL), page by page. Returns the
 * list, or NULL with the server's error reply in *error.
 */
json_t *
ctl_browse(struct ctl *ctl, const char *pattern, json_t **error)
{
	json_t *list = json_array(), *reply, *next;
	json_int_t cursor = 0;
	int more;

	*error = NULL;
	for (;;) {
		if (pattern != NULL)
			reply = ctl_call(ctl, "{s:s, s:s, s:I, s:i}", "op",
			    "browse", "pattern", pattern, "cursor", cursor,
			    "limit", CTL_PAGE);
		else
			reply = ctl_call(ctl, "{s:s, s:I, s:i}", "op",
			    "browse", "cursor", cursor, "limit", CTL_PAGE);
		if (!msg_is_ok(reply) || !json_is_array(json_object_get(reply,
		    "tags"))) {
			json_decref(list);
			*error = reply;
			return NULL;
		}
		json_array_extend(list, json_object_get(reply, "tags"));
		next = json_object_get(reply, "next");
		more = json_is_integer(next);
		cursor = json_integer_value(next);
		json_decref(reply);
		if (!more)
			return list;
	}
}
