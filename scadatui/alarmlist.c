/*
 * The alarm list a station shows, by id. An alarm that is normal again
 * (cleared and acknowledged, or reset) leaves the list, as it leaves
 * the server's.
 */
#include "config.h"

#include <czmq.h>
#include <stdlib.h>
#include <string.h>

#include "alarmlist.h"
#include "i18n.h"
#include "xmalloc.h"

struct alarmlist {
	zhashx_t	*by_id;		/* id -> alarm object (a reference) */
	uint64_t	 seq;		/* of the list loaded */
	int		 loading;
	json_t		*queued;	/* transitions that came meanwhile */
	uint64_t	 changes;	/* transitions applied, loads */
	zhashx_t	*by_tag;	/* tag -> its most urgent alarm */
	uint64_t	 by_tag_at;	/* changes when made */
};

static void
alarmlist_unref(void **item)
{
	json_t *o = *item;

	json_decref(o);
	*item = NULL;
}

alarmlist_t *
alarmlist_new(void)
{
	alarmlist_t *l = xcalloc(1, sizeof *l);

	l->by_id = zhashx_new();
	zhashx_set_destructor(l->by_id, alarmlist_unref);
	l->queued = json_array();
	return l;
}

void
alarmlist_destroy(alarmlist_t **lp)
{
	alarmlist_t *l = *lp;

	if (l == NULL)
		return;
	zhashx_destroy(&l->by_id);
	zhashx_destroy(&l->by_tag);
	json_decref(l->queued);
	free(l);
	*lp = NULL;
}

/* Forgotten: the link or the user changed. */
void
alarmlist_clear(alarmlist_t *l)
{
	zhashx_purge(l->by_id);
	json_array_clear(l->queued);
	l->seq = 0;
	l->loading = 0;
	l->changes++;
}

/* A request for the list is out: transitions wait for its answer. */
void
alarmlist_loading(alarmlist_t *l)
{
	alarmlist_clear(l);
	l->loading = 1;
}

/* Whether an alarm still waits for an acknowledgement. */
int
alarmlist_unack(json_t *a)
{
	const char *st = json_string_value(json_object_get(a, "state"));

	return st != NULL && (strcmp(st, "unack") == 0 ||
	    strcmp(st, "rtn_unack") == 0);
}

static int
alarmlist_apply(alarmlist_t *l, json_t *o)
{
	json_t *a = json_object_get(o, "alarm");
	const char *id = json_string_value(json_object_get(a, "id"));
	const char *event = json_string_value(json_object_get(o, "event"));
	uint64_t seq = (uint64_t)json_integer_value(json_object_get(o, "seq"));

	if (id == NULL || seq <= l->seq)
		return 0;	/* in the list loaded already */
	l->changes++;
	if (strcmp(json_string_value(json_object_get(a, "state")),
	    "normal") == 0 && !json_is_true(json_object_get(a, "active")))
		zhashx_delete(l->by_id, id);
	else
		zhashx_update(l->by_id, id, json_incref(a));
	return event != NULL && strcmp(event, "active") == 0 &&
	    alarmlist_unack(a);
}

void
alarmlist_load(alarmlist_t *l, json_t *alarms, uint64_t seq)
{
	json_t *a, *o;
	size_t i;

	zhashx_purge(l->by_id);
	json_array_foreach(alarms, i, a)
		zhashx_update(l->by_id, json_string_value(json_object_get(a,
		    "id")), json_incref(a));
	l->seq = seq;
	l->loading = 0;
	l->changes++;
	json_array_foreach(l->queued, i, o)
		alarmlist_apply(l, o);
	json_array_clear(l->queued);
}

/*
 * A transition (borrowed). Returns the priority of a new activation
 * that waits for an acknowledgement, else 0.
 */
int
alarmlist_event(alarmlist_t *l, json_t *o)
{
	if (l->loading) {
		json_array_append(l->queued, o);
		return 0;
	}
	if (!alarmlist_apply(l, o))
		return 0;
	return (int)json_integer_value(json_object_get(json_object_get(o,
	    "alarm"), "priority"));
}

size_t
alarmlist_count(alarmlist_t *l)
{
	return zhashx_size(l->by_id);
}

static long long
alarmlist_since(json_t *a)
{
	json_t *v = json_object_get(a, "active_since");

	return v != NULL ? json_integer_value(v) :
	    json_integer_value(json_object_get(a, "since"));
}

/* Priority first, then the newest, as the server sorts them. */
static int
alarmlist_cmp(const void *x, const void *y)
{
	json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
	json_int_t pa = json_integer_value(json_object_get(a, "priority"));
	json_int_t pb = json_integer_value(json_object_get(b, "priority"));
	long long ta = alarmlist_since(a), tb = alarmlist_since(b);

	if (pa != pb)
		return pa < pb ? -1 : 1;
	if (ta != tb)
		return ta > tb ? -1 : 1;
	return strcmp(json_string_value(json_object_get(a, "id")),
	    json_string_value(json_object_get(b, "id")));
}

/* The list in the order shown; the array is the caller's, not its items. */
json_t **
alarmlist_sorted(alarmlist_t *l, size_t *np)
{
	json_t **v = xcalloc(zhashx_size(l->by_id) + 1, sizeof *v);
	json_t *a;
	size_t n = 0;

	for (a = zhashx_first(l->by_id); a != NULL; a = zhashx_next(l->by_id))
		v[n++] = a;
	if (n > 1)
		qsort(v, n, sizeof *v, alarmlist_cmp);
	*np = n;
	return v;
}

/* Per priority (1..4 as 0..3): those waiting for acknowledgement, all. */
void
alarmlist_counts(alarmlist_t *l, int *unack, int *shown)
{
	json_int_t p;
	json_t *a;

	memset(unack, 0, MSG_PRIORITIES * sizeof *unack);
	memset(shown, 0, MSG_PRIORITIES * sizeof *shown);
	for (a = zhashx_first(l->by_id); a != NULL; a = zhashx_next(l->by_id)) {
		p = json_integer_value(json_object_get(a, "priority"));
		if (p < 1 || p > MSG_PRIORITIES)
			continue;
		shown[p - 1]++;
		unack[p - 1] += alarmlist_unack(a);
	}
}

/* The most urgent, newest alarm that waits for acknowledgement, or NULL. */
json_t *
alarmlist_newest(alarmlist_t *l)
{
	json_t **v, *best = NULL;
	size_t i, n;

	v = alarmlist_sorted(l, &n);
	for (i = 0; i < n && best == NULL; i++)
		if (alarmlist_unack(v[i]))
			best = v[i];
	free(v);
	return best;
}

/*
 * The most urgent alarm of a tag (borrowed), unacknowledged first, or
 * NULL: for pictures that mark the tags they show. Made again only
 * when the list has changed.
 */
json_t *
alarmlist_of_tag(alarmlist_t *l, const char *tag)
{
	json_t **v, *had;
	size_t n, i;
	const char *t;

	if (l->by_tag == NULL || l->by_tag_at != l->changes + 1) {
		if (l->by_tag == NULL)
			l->by_tag = zhashx_new();
		zhashx_purge(l->by_tag);
		v = alarmlist_sorted(l, &n);
		/*
		 * Most urgent first: the first of each tag is kept, unless
		 * a later one waits for acknowledgement and it does not.
		 */
		for (i = 0; i < n; i++) {
			if ((t = json_string_value(json_object_get(v[i],
			    "tag"))) == NULL)
				continue;
			if ((had = zhashx_lookup(l->by_tag, t)) == NULL ||
			    (!alarmlist_unack(had) && alarmlist_unack(v[i])))
				zhashx_update(l->by_tag, t, v[i]);
		}
		free(v);
		l->by_tag_at = l->changes + 1;
	}
	return zhashx_lookup(l->by_tag, tag);
}

/* An alarm's message in the station's language, where the project gives it. */
const char *
alarmlist_message(json_t *a)
{
	const char *de = json_string_value(json_object_get(a, "message_de"));
	const char *en = json_string_value(json_object_get(a, "message"));

	if (de != NULL && strcmp(i18n_language(), "de") == 0)
		return de;
	return en != NULL ? en : "";
}

/* A count that moves whenever the list changes: for views that follow. */
uint64_t
alarmlist_changes(alarmlist_t *l)
{
	return l->changes;
}
