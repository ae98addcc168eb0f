/*
 * The server loop's side and the thread's side of a thread that owns an
 * SQLite file. The thread gets a copy of the path (and frees it); it
 * first sends "" (open) or the reason it could not open the file.
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

struct dbthread {
	zactor_t		*actor;
	const char		*what;		/* for the log: "audit trail" */
	dbthread_answer_fn	*answer;
	void			*arg;
	/* Entries for the next LOG, each ended by DBTHREAD_RS. */
	char			*batch;
	size_t			 len;
	size_t			 cap;
	int			 entries;
};

#define DBTHREAD_BATCH_ENTRIES	256
#define DBTHREAD_BATCH_BYTES	(256 * 1024)

/*
 * Starts fn on a copy of path; NULL with the reason in err. what names
 * the file in the log, and lives as long as the thread.
 */
dbthread_t *
dbthread_new(zactor_fn *fn, const char *path, const char *what,
    dbthread_answer_fn *answer, void *arg, char *err, size_t len)
{
	dbthread_t *t = xcalloc(1, sizeof *t);
	char *why;

	t->what = what;
	t->answer = answer;
	t->arg = arg;
	if ((t->actor = zactor_new(fn, xstrdup(path))) == NULL ||
	    (why = zstr_recv(t->actor)) == NULL) {
		snprintf(err, len, "%s %s: cannot start its thread", what,
		    path);
		dbthread_destroy(&t);
		return NULL;
	}
	if (why[0] != '\0') {
		snprintf(err, len, "%s", why);
		zstr_free(&why);
		dbthread_destroy(&t);
		return NULL;
	}
	zstr_free(&why);
	zsock_set_sndhwm(zactor_sock(t->actor), DBTHREAD_HWM);
	return t;
}

void
dbthread_destroy(dbthread_t **tp)
{
	dbthread_t *t = *tp;

	if (t == NULL)
		return;
	if (t->actor != NULL)
		dbthread_flush(t);
	zactor_destroy(&t->actor);
	free(t->batch);
	free(t);
	*tp = NULL;
}

zsock_t *
dbthread_sock(dbthread_t *t)
{
	return zactor_sock(t->actor);
}

/*
 * Sends to the thread without waiting; if its queue is full (the disk
 * stalls), waits rather than lose the entry, and says so.
 */
static void
dbthread_send_now(dbthread_t *t, const char *cmd, uint64_t token,
    const char *text)
{
	zsock_t *s = zactor_sock(t->actor);
	char tok[24];

	snprintf(tok, sizeof tok, "%llu", (unsigned long long)token);
	zsock_set_sndtimeo(s, 0);
	if (zsock_send(s, "sss", cmd, tok, text) == 0)
		return;
	zsock_set_sndtimeo(s, -1);
	log_warnx("%s: its queue is full; waiting for the disk", t->what);
	zsock_send(s, "sss", cmd, tok, text);
}

/* What was logged goes first: a question sees every entry before it. */
void
dbthread_send(dbthread_t *t, const char *cmd, uint64_t token,
    const char *text)
{
	dbthread_flush(t);
	dbthread_send_now(t, cmd, token, text);
}

/*
 * An entry for the thread's LOG, sent with those after it in one
 * message (a storm's thousands of transitions cost the thread a few
 * messages, not thousands): when the batch is full, or at
 * dbthread_flush(), which the server loop calls after each piece of
 * work. text may not hold DBTHREAD_RS.
 */
void
dbthread_log(dbthread_t *t, const char *text)
{
	size_t n = strlen(text);

	if (t->len + n + 2 > t->cap) {
		t->cap = t->len + n + 2 > 2 * t->cap ? t->len + n + 2 :
		    2 * t->cap;
		t->batch = xreallocarray(t->batch, t->cap, 1);
	}
	memcpy(t->batch + t->len, text, n);
	t->len += n;
	t->batch[t->len++] = DBTHREAD_RS;
	t->batch[t->len] = '\0';
	if (++t->entries >= DBTHREAD_BATCH_ENTRIES ||
	    t->len >= DBTHREAD_BATCH_BYTES)
		dbthread_flush(t);
}

void
dbthread_flush(dbthread_t *t)
{
	if (t == NULL || t->entries == 0)
		return;
	dbthread_send_now(t, "LOG", 0, t->batch);
	t->len = 0;
	t->entries = 0;
}

void
dbthread_send_json(dbthread_t *t, const char *cmd, uint64_t token, json_t *o)
{
	char *text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;

	dbthread_send(t, cmd, token, text != NULL ? text : "");
	free(text);
}

/* An answer from the thread: to the callback. */
void
dbthread_handle(dbthread_t *t)
{
	char *cmd = NULL, *tok = NULL, *text = NULL;
	json_t *o;

	if (zsock_recv(t->actor, "sss", &cmd, &tok, &text) == 0 &&
	    cmd != NULL && strcmp(cmd, "ANSWER") == 0 &&
	    (o = json_loads(text, 0, NULL)) != NULL) {
		t->answer(t->arg, strtoull(tok, NULL, 10), o);
		json_decref(o);
	}
	zstr_free(&cmd);
	zstr_free(&tok);
	zstr_free(&text);
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
static int
dbthread_wait(zsock_t *pipe, long ms)
{
	zmq_pollitem_t item = { zsock_resolve(pipe), 0, ZMQ_POLLIN, 0 };

	if (zmq_poll(&item, 1, ms) == -1 && zmq_errno() != EINTR)
		return -1;
	return 0;
}

void
dbthread_run(zsock_t *pipe, const struct dbthread_ops *ops, void *state)
{
	int n, rc;

	for (;;) {
		for (n = 0, rc = 0; n < ops->batch && rc != -1 &&
		    (zsock_events(pipe) & ZMQ_POLLIN); n++)
			rc = ops->command(state, pipe);
		if (rc == -1)
			return;
		ops->flush(state);
		if (n == 0 && dbthread_wait(pipe, ops->held(state) > 0 ?
		    ops->retry_ms : -1) == -1)
			return;
	}
}
