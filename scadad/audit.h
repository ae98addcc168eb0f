/*
 * The audit trail: every login, logout and operator action, with user,
 * station, time and result, in an SQLite file that only grows. Rows are
 * chained: each holds the SHA-256 of its fields and of the row before,
 * so an edited, deleted or inserted row breaks the chain at that row.
 * The file is written by a thread of its own, in batches, so the server
 * loop never waits on the disk; queries and checks run there too and
 * answer later.
 */
#ifndef SCADA_AUDIT_H
#define SCADA_AUDIT_H

#include <czmq.h>
#include <jansson.h>
#include <stdint.h>

#include "dbthread.h"

/* The trail's thread, as dbthread.c runs it. */
typedef struct dbthread audit_t;

struct audit_event {
	const char	*user;		/* NULL: nobody logged in */
	const char	*station;
	const char	*action;	/* login, logout, write, ... */
	const char	*tag;		/* NULL if none */
	json_t		*old_value;	/* borrowed, or NULL */
	json_t		*new_value;
	const char	*result;	/* "ok", or the error's name */
	const char	*detail;	/* free text, or NULL */
};

/* A query's or a check's answer, with the token it was asked with. */
typedef dbthread_answer_fn audit_answer_fn;

#define AUDIT_QUERY_MAX		10000	/* rows in one answer */

audit_t		*audit_new(const char *, audit_answer_fn *, void *, char *,
		    size_t);
void		 audit_destroy(audit_t **);
zsock_t		*audit_sock(audit_t *);
void		 audit_handle(audit_t *);
void		 audit_log(audit_t *, const struct audit_event *);
void		 audit_query(audit_t *, uint64_t, json_t *);
void		 audit_verify(audit_t *, uint64_t);
void		 audit_selftest(const char *);

#endif
