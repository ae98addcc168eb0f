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
void		 dbthread_log(dbthread_t *, const char *);
void		 dbthread_flush(dbthread_t *);

/* Ends each entry of a LOG's text. */
#define DBTHREAD_RS	'\x1e'


/*
 * The thread's side: its loop takes what has come, up to batch commands
 * (command returns -1 to end), writes it at once (flush), and waits for
 * more, or retry_ms while held says entries wait for the disk.
 */
struct dbthread_ops {
	int		 batch;
	long		 retry_ms;
	int		(*command)(void *, zsock_t *);
	void		(*flush)(void *);
	size_t		(*held)(void *);
};

void		 dbthread_run(zsock_t *, const struct dbthread_ops *, void *);
void		 dbthread_reply(zsock_t *, const char *, json_t *);

#endif
