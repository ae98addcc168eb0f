/*
 * A thread that owns an SQLite file (the audit trail, the alarm
 * journal), and the server loop's handle on it: started with the file
 * open or a reason, fed three-frame messages (command, token, text) that
 * the loop sends without waiting unless the thread's queue is full, and
 * answering under the token a question was asked with.
 */
#ifndef SCADA_DBTHREAD_H
#define SCADA_DBTHREAD_H

#include <czmq.h>
#include <jansson.h>
#include <stdint.h>

typedef struct dbthread dbthread_t;
/* An answer (borrowed) to the question asked with the token. */
typedef void (dbthread_answer_fn)(void *, uint64_t, json_t *);

dbthread_t	*dbthread_new(zactor_fn *, const char *, const char *,
		    dbthread_answer_fn *, void *, char *, size_t);
void		 dbthread_destroy(dbthread_t **);
zsock_t		*dbthread_sock(dbthread_t *);
void		 dbthread_handle(dbthread_t *);
void		 dbthread_send(dbthread_t *, const char *, uint64_t,
		    const char *);
void		 dbthread_send_json(dbthread_t *, const char *, uint64_t,
		    json_t *);

/* The thread's side. */
void		 dbthread_reply(zsock_t *, const char *, json_t *);
int		 dbthread_wait(zsock_t *, long);

#endif
