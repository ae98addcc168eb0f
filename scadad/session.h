/*
 * The logins: a session per successful login, bound to the station it
 * was made on, with the rights of its user there. A station that has
 * not logged in has the anonymous rights of its station, kept here too.
 */
#ifndef SCADA_SESSION_H
#define SCADA_SESSION_H

#include <jansson.h>
#include <stdint.h>

#include "access.h"
#include "project.h"

#define SESSION_TOKEN_LEN	64	/* hex of 32 random bytes */
#define SESSION_ID_LEN		12	/* public: for lists and revoking */

struct session {
	char			 token[SESSION_TOKEN_LEN + 1];
	char			 id[SESSION_ID_LEN + 1];
	char			*user;
	struct conf_words	 groups;	/* Unix groups, for the rights */
	char			*station;
	struct access		*access;
	uint64_t		 gen;		/* the access was resolved for */
	long long		 since_ms;	/* wall clock */
	long long		 last_ms;	/* monotonic: last request */
	int			 idle_s;	/* 0: never logged out for it */
};

typedef struct sessions sessions_t;

/* Why a session ends, as the audit trail and publication say it. */
#define SESSION_LOGOUT	"logout"
#define SESSION_IDLE	"idle"
#define SESSION_REVOKED	"revoked"

typedef void (sessions_ended_fn)(void *, const struct session *,
		    const char *);

sessions_t	*sessions_new(sessions_ended_fn *, void *);
void		 sessions_destroy(sessions_t **);
struct session	*sessions_add(sessions_t *, const struct project *,
		    const char *, const struct conf_words *, const char *);
struct session	*sessions_find(sessions_t *, const char *);
struct session	*sessions_by_id(sessions_t *, const char *);
const struct access *sessions_access(sessions_t *, struct session *,
		    const struct project *);
const struct access *sessions_anonymous(sessions_t *,
		    const struct project *, const char *);
void		 sessions_touch(struct session *, long long);
void		 sessions_end(sessions_t *, struct session *, const char *);
void		 sessions_expire(sessions_t *, long long);
size_t		 sessions_count(sessions_t *);
json_t		*sessions_json(sessions_t *, long long);
json_t		*session_json(const struct session *, long long);
void		 sessions_selftest(const struct project *);

#endif
