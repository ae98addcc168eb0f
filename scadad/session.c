/*
 * Tokens are 32 bytes from the kernel's random source, so guessing one
 * is hopeless; the server keeps them in memory only, so a restart ends
 * every session. A token is good only from the station it was made on:
 * taken elsewhere, it opens nothing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <czmq.h>

#include "check.h"
#include "security_conf.h"
#include "session.h"
#include "tagval.h"
#include "xmalloc.h"

struct sessions {
	zhashx_t		*by_token;	/* owns the sessions */
	zhashx_t		*anonymous;	/* station -> struct access */
	uint64_t		 anonymous_gen;
	sessions_ended_fn	*ended;
	void			*arg;
};

static void
sessions_free_one(void **item)
{
	struct session *s = *item;

	if (s == NULL)
		return;
	free(s->user);
	conf_words_free(&s->groups);
	free(s->station);
	access_free(&s->access);
	free(s);
	*item = NULL;
}

static void
sessions_free_access(void **item)
{
	access_free((struct access **)item);
}

sessions_t *
sessions_new(sessions_ended_fn *ended, void *arg)
{
	sessions_t *ss = xcalloc(1, sizeof *ss);

	ss->by_token = zhashx_new();
	zhashx_set_destructor(ss->by_token, sessions_free_one);
	ss->anonymous = zhashx_new();
	zhashx_set_destructor(ss->anonymous, sessions_free_access);
	ss->ended = ended;
	ss->arg = arg;
	return ss;
}

void
sessions_destroy(sessions_t **ssp)
{
	sessions_t *ss = *ssp;

	if (ss == NULL)
		return;
	zhashx_destroy(&ss->by_token);
	zhashx_destroy(&ss->anonymous);
	free(ss);
	*ssp = NULL;
}

static void
sessions_hex(const uint8_t *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void
sessions_random(uint8_t *b, size_t n)
{
	size_t got = 0;
	ssize_t k;

	while (got < n) {
		if ((k = getrandom(b + got, n - got, 0)) <= 0)
			abort();	/* no randomness: no tokens at all */
		got += (size_t)k;
	}
}

static int
sessions_idle(const struct project *p, const char *station)
{
	const struct access_station *st = access_station(p, station);

	if (st != NULL && st->idle_logout_s >= 0)
		return st->idle_logout_s;
	return security_conf(p)->idle_logout_s;
}

/* A new session for user (in groups) on station. */
struct session *
sessions_add(sessions_t *ss, const struct project *p, const char *user,
    const struct conf_words *groups, const char *station)
{
	struct session *s = xcalloc(1, sizeof *s);
	uint8_t raw[SESSION_TOKEN_LEN / 2];
	size_t i;

	do {
		sessions_random(raw, sizeof raw);
		sessions_hex(raw, sizeof raw, s->token);
	} while (zhashx_lookup(ss->by_token, s->token) != NULL);
	/* The public id shows nothing of the token. */
	sessions_random(raw, SESSION_ID_LEN / 2);
	sessions_hex(raw, SESSION_ID_LEN / 2, s->id);
	s->user = xstrdup(user);
	for (i = 0; groups != NULL && i < groups->n; i++) {
		s->groups.v = xreallocarray(s->groups.v, s->groups.n + 2,
		    sizeof *s->groups.v);
		s->groups.v[s->groups.n++] = xstrdup(groups->v[i]);
		s->groups.v[s->groups.n] = NULL;
	}
	s->station = xstrdup(station);
	s->access = access_resolve(p, user, &s->groups, station);
	s->gen = project_gen(p);
	s->since_ms = tagval_now_ms();
	s->last_ms = zclock_mono();
	s->idle_s = sessions_idle(p, station);
	zhashx_insert(ss->by_token, s->token, s);
	return s;
}

struct session *
sessions_find(sessions_t *ss, const char *token)
{
	return token != NULL ? zhashx_lookup(ss->by_token, token) : NULL;
}

struct session *
sessions_by_id(sessions_t *ss, const char *id)
{
	struct session *s;

	for (s = zhashx_first(ss->by_token); s != NULL;
	    s = zhashx_next(ss->by_token))
		if (strcmp(s->id, id) == 0)
			return s;
	return NULL;
}

/* The session's rights under the project now running. */
const struct access *
sessions_access(sessions_t *ss, struct session *s, const struct project *p)
{
	if (s->gen != project_gen(p)) {
		access_free(&s->access);
		s->access = access_resolve(p, s->user, &s->groups, s->station);
		s->gen = project_gen(p);
	}
	return s->access;
}

/* The rights of a station that has not logged in, made once each. */
const struct access *
sessions_anonymous(sessions_t *ss, const struct project *p,
    const char *station)
{
	const char *key = station != NULL ? station : "";
	struct access *a;

	if (ss->anonymous_gen != project_gen(p)) {
		zhashx_purge(ss->anonymous);
		ss->anonymous_gen = project_gen(p);
	}
	if ((a = zhashx_lookup(ss->anonymous, key)) == NULL) {
		a = access_anonymous(p, station);
		zhashx_insert(ss->anonymous, key, a);
	}
	return a;
}

void
sessions_touch(struct session *s, long long now)
{
	s->last_ms = now;
}

/* Ends s, saying why to whoever listens; s is gone after. */
void
sessions_end(sessions_t *ss, struct session *s, const char *why)
{
	char token[SESSION_TOKEN_LEN + 1];

	if (ss->ended != NULL)
		ss->ended(ss->arg, s, why);
	snprintf(token, sizeof token, "%s", s->token);
	zhashx_delete(ss->by_token, token);
}

/* Ends the sessions idle for longer than their station allows. */
void
sessions_expire(sessions_t *ss, long long now)
{
	struct session *s, *idle;

	do {
		idle = NULL;
		for (s = zhashx_first(ss->by_token); s != NULL;
		    s = zhashx_next(ss->by_token))
			if (s->idle_s > 0 &&
			    now - s->last_ms >= (long long)s->idle_s * 1000) {
				idle = s;
				break;
			}
		if (idle != NULL)
			sessions_end(ss, idle, SESSION_IDLE);
	} while (idle != NULL);
}

size_t
sessions_count(sessions_t *ss)
{
	return zhashx_size(ss->by_token);
}

/* A session as others may see it: never its token. */
json_t *
session_json(const struct session *s, long long now)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:i}", "id", s->id,
	    "user", s->user, "station", s->station, "since",
	    (json_int_t)s->since_ms, "idle_s",
	    (json_int_t)((now - s->last_ms) / 1000), "idle_logout_s",
	    s->idle_s);
}

json_t *
sessions_json(sessions_t *ss, long long now)
{
	json_t *list = json_array();
	struct session *s;

	for (s = zhashx_first(ss->by_token); s != NULL;
	    s = zhashx_next(ss->by_token))
		json_array_append_new(list, session_json(s, now));
	return list;
}

static void
sessions_selftest_ended(void *arg, const struct session *s, const char *why)
{
	snprintf(arg, 32, "%s", why);
}

void
sessions_selftest(const struct project *p)
{
	char why[32] = "";
	sessions_t *ss = sessions_new(sessions_selftest_ended, why);
	struct session *a, *b;
	char token[SESSION_TOKEN_LEN + 1];

	a = sessions_add(ss, p, "alice", NULL, "op1");
	b = sessions_add(ss, p, "bob", NULL, "op2");
	CHECK(strlen(a->token) == SESSION_TOKEN_LEN);
	CHECK(strcmp(a->token, b->token) != 0);
	CHECK(strstr(a->token, a->id) == NULL);
	CHECK(sessions_find(ss, a->token) == a);
	CHECK(sessions_by_id(ss, b->id) == b);
	CHECK(sessions_find(ss, "no such token") == NULL);
	CHECK(sessions_count(ss) == 2);
	/* Idle for an hour: ended if its station says so. */
	a->idle_s = 60;
	b->idle_s = 0;
	sessions_expire(ss, zclock_mono() + 3600 * 1000);
	CHECK_STR(why, SESSION_IDLE);
	CHECK(sessions_count(ss) == 1);
	snprintf(token, sizeof token, "%s", b->token);
	sessions_end(ss, b, SESSION_REVOKED);
	CHECK_STR(why, SESSION_REVOKED);
	CHECK(sessions_find(ss, token) == NULL);
	CHECK(sessions_anonymous(ss, p, "op1") ==
	    sessions_anonymous(ss, p, "op1"));
	sessions_destroy(&ss);
}
