/*
 * Replies that come later: a request a handler cannot answer at once (a
 * write waiting for its PLC's read-back, later a PAM conversation, a
 * history query, a report) waits here with its deadline. Whoever
 * finishes the work answers it through pending_take(); one whose
 * deadline passes gets its kind's expiry reply.
 */
#ifndef SCADA_PENDING_H
#define SCADA_PENDING_H

#include <stddef.h>
#include <stdint.h>

#include "request.h"

struct pending_ops {
	const char	*kind;
	/* The deadline passed: reply to the request (it is freed after). */
	void		 (*expire)(void *, struct request *, void *);
	void		 (*free)(void *);
};

typedef struct pending pending_t;

pending_t	*pending_new(size_t);
void		 pending_destroy(pending_t **);
uint64_t	 pending_add(pending_t *, struct request **, long long,
		    const struct pending_ops *, void *);
void		*pending_data(pending_t *, uint64_t, struct request **);
void		 pending_done(pending_t *, uint64_t);
int		 pending_retarget(pending_t *, struct request *);
void		 pending_expire(pending_t *, long long, void *);
size_t		 pending_count(pending_t *);
void		 pending_selftest(void);

#endif
