/*
 * The alarm journal: every alarm transition (time, alarm, tag, event,
 * state, value, priority, area, message, and the user, station and
 * comment of an operator's action) in an SQLite file of the data
 * directory, written by a thread of its own in batches so the server
 * loop never waits on the disk. Transitions the disk refuses are held
 * and written when it can. Queries run in the thread and answer later.
 */
#ifndef SCADA_JOURNAL_H
#define SCADA_JOURNAL_H

#include <czmq.h>
#include <jansson.h>
#include <stdint.h>

#include "dbthread.h"

/* The journal's thread, as dbthread.c runs it. */
typedef struct dbthread journal_t;

/* A transition as the journal keeps it; NULL where there is nothing. */
struct journal_entry {
	long long	 ts;
	const char	*alarm;
	const char	*tag;
	const char	*kind;
	const char	*event;
	const char	*state;
	const char	*value;
	int		 priority;
	const char	*area;
	const char	*message;
	const char	*user;
	const char	*station;
	const char	*comment;
	int		 flags;		/* the alarm's, alarm.h's ALARM_F_* */
	long long	 until;		/* shelved until, or 0 */
};
typedef dbthread_answer_fn journal_answer_fn;

/* What a restart needs of an alarm's newest transition. */
struct journal_state {
	const char	*alarm;
	int		 flags;
	long long	 until;
	long long	 since;		/* its newest transition */
	long long	 active_since;	/* its newest activation, or 0 */
	const char	*message;
	const char	*shelved_by;	/* of its newest shelving */
	const char	*reason;
};
typedef void (journal_state_fn)(void *, const struct journal_state *);

#define JOURNAL_QUERY_MAX	10000	/* rows in one answer */

journal_t	*journal_new(const char *, journal_answer_fn *, void *, char *,
		    size_t);
void		 journal_destroy(journal_t **);
zsock_t		*journal_sock(journal_t *);
void		 journal_handle(journal_t *);
void		 journal_log(journal_t *, const struct journal_entry *);
void		 journal_flush(journal_t *);
void		 journal_query(journal_t *, uint64_t, json_t *);
void		 journal_stats(journal_t *, uint64_t, json_t *);
int		 journal_states(const char *, journal_state_fn *, void *,
		    char *, size_t);

#endif
