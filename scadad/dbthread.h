/*
 * What the threads that own an SQLite file (the audit trail, the alarm
 * journal) share with the server loop: starting with the file open or
 * a reason, three-frame messages (command, token, JSON text) that the
 * loop sends without waiting unless the thread's queue is full, and
 * answers sent back under the token they were asked with.
 */
#ifndef SCADA_DBTHREAD_H
#define SCADA_DBTHREAD_H

#include <czmq.h>
#include <jansson.h>
#include <stdint.h>

zactor_t	*dbthread_start(zactor_fn *, const char *, char *, size_t);
void		 dbthread_send(zactor_t *, const char *, const char *,
		    uint64_t, const char *);
int		 dbthread_answer(zactor_t *, uint64_t *, json_t **);
void		 dbthread_reply(zsock_t *, const char *, json_t *);
int		 dbthread_wait(zsock_t *, long);

#endif
