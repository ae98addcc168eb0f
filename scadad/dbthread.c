/*
 * The server loop's side and the thread's side of a thread that owns an
 * SQLite file. The thread gets a copy of the path; it first sends ""
 * (open) or the reason it could not open the file.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbthread.h"
#include "log.h"
#include "xmalloc.h"

#define DBTHREAD_HWM	100000	/* entries the loop may queue */

zactor_t *
dbthread_start(zactor_fn *fn, const char *path, char *err, size_t len)
{
	zactor_t *a;
	char *why;

	/* The thread takes its own copy of the path. */
	if ((a = zactor_new(fn, xstrdup(path))) == NULL ||
	    (why = zstr_recv(a)) == NULL) {
		snprintf(err, len, "%s: cannot start its thread", path);
		zactor_destroy(&a);
		return NULL;
	}
	if (why[0] != '\0') {
		snprintf(err, len, "%s", why);
		zstr_free(&why);
		zactor_destroy(&a);
		return NULL;
	}
	zstr_free(&why);
	zsock_set_sndhwm(zactor_sock(a), DBTHREAD_HWM);
	return a;
}

/*
 * Sends to the thread without waiting; if its queue is full (the disk
 * stalls), waits rather than lose the entry, and says so.
 */
void
dbthread_send(zactor_t *a, const char *what, const char *cmd,
    uint64_t token, const char *text)
{
	zsock_t *s = zactor_sock(a);
	char t[24];

	snprintf(t, sizeof t, "%llu", (unsigned long long)token);
	zsock_set_sndtimeo(s, 0);
	if (zsock_send(s, "sss", cmd, t, text) == 0)
		return;
	zsock_set_sndtimeo(s, -1);
	log_warnx("%s: its queue is full; waiting for the disk", what);
	zsock_send(s, "sss", cmd, t, text);
}

/* An answer from the thread, a new reference; -1 if none. */
int
dbthread_answer(zactor_t *a, uint64_t *token, json_t **o)
{
	char *cmd = NULL, *t = NULL, *text = NULL;
	int rc = -1;

	if (zsock_recv(a, "sss", &cmd, &t, &text) == 0 && cmd != NULL &&
	    strcmp(cmd, "ANSWER") == 0 &&
	    (*o = json_loads(text, 0, NULL)) != NULL) {
		*token = strtoull(t, NULL, 10);
		rc = 0;
	}
	zstr_free(&cmd);
	zstr_free(&t);
	zstr_free(&text);
	return rc;
}

/* The thread's answer (taken) to the loop. */
void
dbthread_reply(zsock_t *pipe, const char *token, json_t *answer)
{
	char *text = json_dumps(answer, JSON_COMPACT);

	zsock_send(pipe, "sss", "ANSWER", token, text != NULL ? text : "{}");
	free(text);
	json_decref(answer);
}

/* Waits for the loop up to ms (-1: for ever); -1 if stopped for good. */
int
dbthread_wait(zsock_t *pipe, long ms)
{
	zmq_pollitem_t item = { zsock_resolve(pipe), 0, ZMQ_POLLIN, 0 };

	if (zmq_poll(&item, 1, ms) == -1 && zmq_errno() != EINTR)
		return -1;
	return 0;
}
