/*
 * Keys are "u:NAME" and "s:NAME", so a user and a station of the same
 * name stay apart. An entry lives until a success clears it; there are
 * as many as there are names that failed, which an attacker cannot grow
 * faster than the delays let him.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <czmq.h>

#include "check.h"
#include "throttle.h"
#include "xmalloc.h"

struct throttle_entry {
	int		 failures;
	long long	 until;		/* monotonic ms */
};

struct throttle {
	zhashx_t	*entries;
};

static void
throttle_free_entry(void **item)
{
	free(*item);
	*item = NULL;
}

throttle_t *
throttle_new(void)
{
	throttle_t *t = xcalloc(1, sizeof *t);

	t->entries = zhashx_new();
	zhashx_set_destructor(t->entries, throttle_free_entry);
	return t;
}

void
throttle_destroy(throttle_t **tp)
{
	throttle_t *t = *tp;

	if (t == NULL)
		return;
	zhashx_destroy(&t->entries);
	free(t);
	*tp = NULL;
}

static void
throttle_key(char *buf, size_t len, char kind, const char *name)
{
	snprintf(buf, len, "%c:%s", kind, name != NULL ? name : "");
}

static long long
throttle_left(throttle_t *t, char kind, const char *name, long long now)
{
	struct throttle_entry *e;
	char key[300];

	throttle_key(key, sizeof key, kind, name);
	if ((e = zhashx_lookup(t->entries, key)) == NULL || e->until <= now)
		return 0;
	return e->until - now;
}

/* How long user on station must still wait, in ms; 0 if not at all. */
long long
throttle_wait(throttle_t *t, const char *user, const char *station,
    long long now)
{
	long long u = throttle_left(t, 'u', user, now);
	long long s = throttle_left(t, 's', station, now);

	return u > s ? u : s;
}

static long long
throttle_count(throttle_t *t, char kind, const char *name, long long now,
    int base_ms, int max_ms)
{
	struct throttle_entry *e;
	long long delay;
	char key[300];
	int i;

	throttle_key(key, sizeof key, kind, name);
	if ((e = zhashx_lookup(t->entries, key)) == NULL) {
		e = xcalloc(1, sizeof *e);
		zhashx_insert(t->entries, key, e);
	}
	e->failures++;
	for (delay = base_ms, i = 1; i < e->failures && delay < max_ms; i++)
		delay *= 2;
	if (delay > max_ms)
		delay = max_ms;
	e->until = now + delay;
	return delay;
}

/* A failure: returns how long the next try must wait, in ms. */
long long
throttle_failed(throttle_t *t, const char *user, const char *station,
    long long now, int base_ms, int max_ms)
{
	long long u = throttle_count(t, 'u', user, now, base_ms, max_ms);
	long long s = throttle_count(t, 's', station, now, base_ms, max_ms);

	return u > s ? u : s;
}

void
throttle_passed(throttle_t *t, const char *user, const char *station)
{
	char key[300];

	throttle_key(key, sizeof key, 'u', user);
	zhashx_delete(t->entries, key);
	throttle_key(key, sizeof key, 's', station);
	zhashx_delete(t->entries, key);
}

void
throttle_selftest(void)
{
	throttle_t *t = throttle_new();

	CHECK(throttle_wait(t, "alice", "op1", 0) == 0);
	CHECK(throttle_failed(t, "alice", "op1", 0, 1000, 5000) == 1000);
	CHECK(throttle_wait(t, "alice", "op1", 400) == 600);
	/* The station counts for any user, the user on any station. */
	CHECK(throttle_wait(t, "bob", "op1", 400) == 600);
	CHECK(throttle_wait(t, "alice", "op2", 400) == 600);
	CHECK(throttle_wait(t, "bob", "op2", 400) == 0);
	CHECK(throttle_failed(t, "alice", "op1", 1000, 1000, 5000) == 2000);
	CHECK(throttle_failed(t, "alice", "op1", 3000, 1000, 5000) == 4000);
	CHECK(throttle_failed(t, "alice", "op1", 7000, 1000, 5000) == 5000);
	throttle_passed(t, "alice", "op1");
	CHECK(throttle_wait(t, "alice", "op1", 7001) == 0);
	throttle_destroy(&t);
	throttle_destroy(&t);
}
