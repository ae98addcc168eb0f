/*
 * The alarm journal's thread: transitions come in batches of encoded
 * entries, are held, and go to the file a transaction at a time; what
 * the disk refuses stays held and is tried again a second later.
 */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbthread.h"
#include "journal.h"
#include "log.h"
#include "xmalloc.h"

#define JOURNAL_BATCH		8	/* LOGs (of up to 256) a transaction */
#define JOURNAL_RETRY_MS	1000
/* EEMUA 191: a period of 10 minutes, a flood is more than 10 in one. */
#define JOURNAL_PERIOD		"600000"
#define JOURNAL_PERIOD_MS	600000.0
#define JOURNAL_FLOOD		"10"
#define JOURNAL_CHATTER_MS	"60000"	/* 3 activations within it */
#define JOURNAL_FIELD_MAX	512	/* bytes of a text kept */

struct journal_db {
	sqlite3		*db;
	sqlite3_stmt	*insert;
	zlistx_t	*held;		/* LOGs' texts, not yet written */
	size_t		 nheld;		/* entries in them */
	long long	 held_logged;
	const char	*path;
};

static const char journal_schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=NORMAL;"
	"CREATE TABLE IF NOT EXISTS journal ("
	" id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, alarm TEXT NOT NULL,"
	" tag TEXT, kind TEXT, event TEXT NOT NULL, state TEXT, value TEXT,"
	" priority INTEGER, area TEXT, message TEXT, user TEXT, station TEXT,"
	" comment TEXT, flags INTEGER, until INTEGER);"
	"CREATE INDEX IF NOT EXISTS journal_ts ON journal (ts);"
	"CREATE INDEX IF NOT EXISTS journal_alarm ON journal (alarm, ts);";

/* The columns after id, as the transitions name them. */
static const char *const journal_keys[] = { "ts", "alarm", "tag", "kind",
    "event", "state", "value", "priority", "area", "message", "user",
    "station", "comment", "flags", "until" };

/* The columns that hold numbers, by their place in journal_keys. */
#define JOURNAL_NUMBER(i)	((i) == 0 || (i) == 7 || (i) >= 13)

#define JOURNAL_NKEYS	(sizeof journal_keys / sizeof journal_keys[0])

/*
 * An entry travels as its fields in column order, each ended by the
 * unit separator (which the encoder keeps out of the texts): cheaper to
 * make and to take apart than JSON, at a storm's rate.
 */
#define JOURNAL_SEP	'\x1f'

/*
 * One entry, ended by DBTHREAD_RS. Its text stays held until the
 * transaction is over, so SQLite may bind it without a copy.
 */
static int
journal_db_insert(struct journal_db *d, const char *e, const char **next)
{
	const char *end, *stop = strchr(e, DBTHREAD_RS);
	size_t i;
	int n;

	if (stop == NULL)
		stop = e + strlen(e);
	*next = *stop != '\0' ? stop + 1 : stop;
	sqlite3_reset(d->insert);
	sqlite3_clear_bindings(d->insert);
	for (i = 0; i < JOURNAL_NKEYS && e < stop; i++, e = end + 1) {
		if ((end = memchr(e, JOURNAL_SEP, (size_t)(stop - e))) == NULL)
			end = stop - 1;		/* cut short: the rest */
		n = (int)(end - e);
		if (n == 0)
			continue;	/* NULL */
		if (JOURNAL_NUMBER(i))
			sqlite3_bind_int64(d->insert, (int)i + 1,
			    strtoll(e, NULL, 10));
		else
			sqlite3_bind_text(d->insert, (int)i + 1, e, n,
			    SQLITE_STATIC);
	}
	return sqlite3_step(d->insert) == SQLITE_DONE ? 0 : -1;
}

/* Writes every held transition in one transaction, or keeps them all. */
static void
journal_db_flush(void *arg)
{
	struct journal_db *d = arg;
	const char *batch, *e;
	int ok;

	if (d->nheld == 0)
		return;
	ok = sqlite3_exec(d->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) ==
	    SQLITE_OK;
	for (batch = zlistx_first(d->held); ok && batch != NULL;
	    batch = zlistx_next(d->held))
		for (e = batch; ok && *e != '\0'; )
			if (journal_db_insert(d, e, &e) == -1)
				ok = 0;
	sqlite3_reset(d->insert);
	if (ok && sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL) ==
	    SQLITE_OK) {
		zlistx_purge(d->held);
		d->nheld = 0;
		return;
	}
	sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
	if (log_ratelimit(&d->held_logged, 60000))
		log_errx("alarm journal %s: %s; %zu transitions held in memory "
		    "until it can be written", d->path, sqlite3_errmsg(d->db),
		    d->nheld);
}

/*
 * A journal from before the states were kept gains their columns; its
 * rows have none, so their alarms start normal after a restart.
 */
static int
journal_db_migrate(sqlite3 *db)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "SELECT flags, until FROM journal LIMIT 0",
	    -1, &st, NULL) == SQLITE_OK) {
		sqlite3_finalize(st);
		return SQLITE_OK;
	}
	return sqlite3_exec(db, "ALTER TABLE journal ADD COLUMN flags INTEGER;"
	    "ALTER TABLE journal ADD COLUMN until INTEGER;", NULL, NULL, NULL);
}

static int
journal_db_open(struct journal_db *d, const char *path, char *err,
    size_t len)
{
	d->path = path;
	d->held = zlistx_new();
	zlistx_set_destructor(d->held, (zlistx_destructor_fn *)zstr_free);
	if (sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
	    sqlite3_exec(d->db, journal_schema, NULL, NULL, NULL) !=
	    SQLITE_OK || journal_db_migrate(d->db) != SQLITE_OK ||
	    sqlite3_prepare_v2(d->db, "INSERT INTO journal (ts, alarm, tag, "
	    "kind, event, state, value, priority, area, message, user, "
	    "station, comment, flags, until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?)", -1, &d->insert, NULL) != SQLITE_OK) {
		snprintf(err, len, "alarm journal %s: %s", path,
		    d->db != NULL ? sqlite3_errmsg(d->db) : "cannot open");
		return -1;
	}
	sqlite3_busy_timeout(d->db, 100);
	return 0;
}

static void
journal_db_close(struct journal_db *d)
{
	journal_db_flush(d);
	if (d->nheld > 0)
		log_errx("alarm journal %s: %zu transitions could not be "
		    "written", d->path, d->nheld);
	zlistx_destroy(&d->held);
	sqlite3_finalize(d->insert);
	sqlite3_close(d->db);
}

static json_t *
journal_row_json(sqlite3_stmt *st)
{
	json_t *o = json_object();
	int i, n = sqlite3_column_count(st);

	for (i = 0; i < n; i++) {
		if (sqlite3_column_type(st, i) == SQLITE_NULL)
			continue;
		json_object_set_new(o, sqlite3_column_name(st, i),
		    sqlite3_column_type(st, i) == SQLITE_INTEGER ?
		    json_integer(sqlite3_column_int64(st, i)) :
		    json_string((const char *)sqlite3_column_text(st, i)));
	}
	return o;
}

/*
 * The newest transitions the filter takes, oldest first: by time, area,
 * priority (this or more urgent), tag or alarm (a glob), event, a text
 * the message, the alarm's id or the comment contains, and below an id
 * (the page before one already shown).
 */
static json_t *
journal_db_query(struct journal_db *d, json_t *f)
{
	json_int_t limit = json_integer_value(json_object_get(f, "limit"));
	json_t *rows = json_array(), *reply, *v;
	sqlite3_stmt *st;
	char *sql, *like;

	journal_db_flush(d);
	if (limit <= 0 || limit > JOURNAL_QUERY_MAX)
		limit = JOURNAL_QUERY_MAX;
	sql = xasprintf("SELECT id, ts, alarm, tag, kind, event, state, value,"
	    " priority, area, message, user, station, comment, until FROM"
	    " (SELECT * FROM journal WHERE 1%s%s%s%s"
	    "%s%s%s%s ORDER BY id DESC LIMIT %lld) ORDER BY id",
	    json_object_get(f, "before") ? " AND id < :before" : "",
	    json_object_get(f, "since") ? " AND ts >= :since" : "",
	    json_object_get(f, "until") ? " AND ts < :until" : "",
	    json_object_get(f, "area") ? " AND area = :area" : "",
	    json_object_get(f, "priority") ? " AND priority <= :priority" : "",
	    json_object_get(f, "tag") ? " AND (tag GLOB :tag OR alarm GLOB "
	    ":tag)" : "",
	    json_object_get(f, "event") ? " AND event = :event" : "",
	    json_object_get(f, "text") ? " AND (message LIKE :text OR alarm "
	    "LIKE :text OR comment LIKE :text)" : "",
	    (long long)limit + 1);
	if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK) {
		free(sql);
		json_decref(rows);
		return json_pack("{s:b, s:s, s:s}", "ok", 0, "error",
		    "internal", "message", sqlite3_errmsg(d->db));
	}
	free(sql);
	if ((v = json_object_get(f, "before")) != NULL)
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st,
		    ":before"), json_integer_value(v));
	if ((v = json_object_get(f, "since")) != NULL)
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st,
		    ":since"), json_integer_value(v));
	if ((v = json_object_get(f, "until")) != NULL)
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st,
		    ":until"), json_integer_value(v));
	if ((v = json_object_get(f, "priority")) != NULL)
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st,
		    ":priority"), json_integer_value(v));
	if ((v = json_object_get(f, "area")) != NULL)
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st,
		    ":area"), json_string_value(v), -1, SQLITE_TRANSIENT);
	if ((v = json_object_get(f, "tag")) != NULL)
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st,
		    ":tag"), json_string_value(v), -1, SQLITE_TRANSIENT);
	if ((v = json_object_get(f, "event")) != NULL)
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st,
		    ":event"), json_string_value(v), -1, SQLITE_TRANSIENT);
	if ((v = json_object_get(f, "text")) != NULL) {
		like = xasprintf("%%%s%%", json_string_value(v));
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st,
		    ":text"), like, -1, SQLITE_TRANSIENT);
		free(like);
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(rows, journal_row_json(st));
	sqlite3_finalize(st);
	reply = json_pack("{s:b, s:b}", "ok", 1, "more",
	    json_array_size(rows) > (size_t)limit);
	if (json_array_size(rows) > (size_t)limit)
		json_array_remove(rows, 0);
	json_object_set_new(reply, "rows", rows);
	return reply;
}

/* Runs sql, its :since and :until bound; a row as an object each. */
static json_t *
journal_db_select(struct journal_db *d, const char *sql, long long since,
    long long until)
{
	json_t *rows = json_array();
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_warnx("alarm journal %s: %s", d->path, sqlite3_errmsg(d->db));
		return rows;
	}
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":since"),
	    since);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":until"),
	    until);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(rows, journal_row_json(st));
	sqlite3_finalize(st);
	return rows;
}

/*
 * EEMUA 191's figures over [since, until): activations per area and per
 * 10 minutes, flood periods (more than 10 in 10 minutes), the ten most
 * frequent alarms, and chattering ones (3 or more activations within
 * 60 s).
 */
static json_t *
journal_db_stats(struct journal_db *d, json_t *f)
{
	long long until = json_integer_value(json_object_get(f, "until"));
	long long since = json_integer_value(json_object_get(f, "since"));
	double periods;

	journal_db_flush(d);
	periods = (double)(until - since) / JOURNAL_PERIOD_MS;
	return json_pack("{s:b, s:I, s:I, s:f, s:o, s:o, s:o, s:o}", "ok", 1,
	    "since", (json_int_t)since, "until", (json_int_t)until,
	    "periods", periods,
	    "areas", journal_db_select(d, "SELECT area, sum(n) AS "
	    "activations, max(n) AS max_per_period FROM (SELECT area, "
	    "ts / " JOURNAL_PERIOD " AS p, count(*) AS n FROM journal WHERE "
	    "event = 'active' AND ts >= :since AND ts < :until GROUP BY area, "
	    "p) GROUP BY area ORDER BY activations DESC", since, until),
	    "floods", journal_db_select(d, "SELECT p * " JOURNAL_PERIOD " AS "
	    "start, n AS activations FROM (SELECT ts / " JOURNAL_PERIOD " AS "
	    "p, count(*) AS n FROM journal WHERE event = 'active' AND ts >= "
	    ":since AND ts < :until GROUP BY p) WHERE n > "
	    JOURNAL_FLOOD " ORDER BY p", since, until),
	    "top", journal_db_select(d, "SELECT alarm, area, count(*) AS "
	    "activations FROM journal WHERE event = 'active' AND ts >= :since "
	    "AND ts < :until GROUP BY alarm ORDER BY activations DESC, alarm "
	    "LIMIT 10", since, until),
	    /* An activation followed by two more within 60 s is a burst. */
	    "chattering", journal_db_select(d, "SELECT alarm, area, count(*) "
	    "AS bursts FROM (SELECT a.id, a.alarm AS alarm, a.area AS area "
	    "FROM journal a JOIN journal b ON b.alarm = a.alarm AND b.event = "
	    "'active' AND b.id > a.id AND b.ts <= a.ts + " JOURNAL_CHATTER_MS
	    " WHERE a.event = 'active' AND a.ts >= :since AND a.ts < :until "
	    "GROUP BY a.id HAVING count(*) >= 2) GROUP BY alarm, area ORDER BY "
	    "bursts DESC, alarm", since, until));
}

/* One command from the server; -1 to end. */
static int
journal_db_command(void *arg, zsock_t *pipe)
{
	struct journal_db *d = arg;
	char *cmd = NULL, *token = NULL, *text = NULL;
	const char *e;
	json_t *o;
	int rc = 0;

	if (zsock_recv(pipe, "sss", &cmd, &token, &text) == -1 || cmd == NULL)
		return -1;
	if (strcmp(cmd, "$TERM") == 0)
		rc = -1;
	else if (strcmp(cmd, "LOG") == 0) {
		for (e = text; (e = strchr(e, DBTHREAD_RS)) != NULL; e++)
			d->nheld++;
		zlistx_add_end(d->held, text);
		text = NULL;	/* the list's now */
	}
	else if (strcmp(cmd, "QUERY") == 0 || strcmp(cmd, "STATS") == 0) {
		o = json_loads(text, 0, NULL);
		dbthread_reply(pipe, token, strcmp(cmd, "QUERY") == 0 ?
		    journal_db_query(d, o) : journal_db_stats(d, o));
		json_decref(o);
	}
	zstr_free(&cmd);
	zstr_free(&token);
	zstr_free(&text);
	return rc;
}

static size_t
journal_db_held(void *d)
{
	return ((struct journal_db *)d)->nheld;
}

static const struct dbthread_ops journal_ops = {
	.batch = JOURNAL_BATCH,
	.retry_ms = JOURNAL_RETRY_MS,
	.command = journal_db_command,
	.flush = journal_db_flush,
	.held = journal_db_held,
};

static void
journal_actor(zsock_t *pipe, void *arg)
{
	struct journal_db d;
	char err[512] = "";

	memset(&d, 0, sizeof d);
	zsock_signal(pipe, 0);
	if (journal_db_open(&d, arg, err, sizeof err) == -1) {
		zstr_send(pipe, err);
		sqlite3_finalize(d.insert);
		sqlite3_close(d.db);
		zlistx_destroy(&d.held);
		free(arg);
		return;
	}
	zstr_send(pipe, "");
	dbthread_run(pipe, &journal_ops, &d);
	journal_db_close(&d);
	free(arg);
}

journal_t *
journal_new(const char *path, journal_answer_fn *answer, void *arg,
    char *err, size_t len)
{
	return dbthread_new(journal_actor, path, "alarm journal", answer, arg,
	    err, len);
}

void
journal_destroy(journal_t **jp)
{
	dbthread_destroy(jp);
}

zsock_t *
journal_sock(journal_t *j)
{
	return dbthread_sock(j);
}

void
journal_handle(journal_t *j)
{
	dbthread_handle(j);
}

/*
 * Adds s (at most JOURNAL_FIELD_MAX bytes of it) and the separator; a
 * separator in s, of fields or of entries, becomes a space.
 */
static size_t
journal_put(char *buf, size_t at, size_t len, const char *s)
{
	size_t n;

	for (n = 0; s != NULL && s[n] != '\0' && n < JOURNAL_FIELD_MAX &&
	    at + 2 < len; n++)
		buf[at++] = s[n] == JOURNAL_SEP || s[n] == DBTHREAD_RS ? ' ' :
		    s[n];
	buf[at++] = JOURNAL_SEP;
	buf[at] = '\0';
	return at;
}

/* A transition (borrowed) to the journal. */
void
journal_log(journal_t *j, const struct journal_entry *e)
{
	char buf[JOURNAL_NKEYS * (JOURNAL_FIELD_MAX + 1) + 1], num[32];
	size_t at = 0;

	snprintf(num, sizeof num, "%lld", e->ts);
	at = journal_put(buf, at, sizeof buf, num);
	at = journal_put(buf, at, sizeof buf, e->alarm);
	at = journal_put(buf, at, sizeof buf, e->tag);
	at = journal_put(buf, at, sizeof buf, e->kind);
	at = journal_put(buf, at, sizeof buf, e->event);
	at = journal_put(buf, at, sizeof buf, e->state);
	at = journal_put(buf, at, sizeof buf, e->value);
	snprintf(num, sizeof num, "%d", e->priority);
	at = journal_put(buf, at, sizeof buf, num);
	at = journal_put(buf, at, sizeof buf, e->area);
	at = journal_put(buf, at, sizeof buf, e->message);
	at = journal_put(buf, at, sizeof buf, e->user);
	at = journal_put(buf, at, sizeof buf, e->station);
	at = journal_put(buf, at, sizeof buf, e->comment);
	snprintf(num, sizeof num, "%d", e->flags);
	at = journal_put(buf, at, sizeof buf, num);
	snprintf(num, sizeof num, "%lld", e->until);
	journal_put(buf, at, sizeof buf, e->until != 0 ? num : NULL);
	dbthread_log(j, buf);
}

/* What was logged, to the thread now: after each piece of the loop's work. */
void
journal_flush(journal_t *j)
{
	dbthread_flush(j);
}

/*
 * The state each alarm was left in, from its newest transition, for a
 * server that starts again: read here, before the first value, while
 * the journal's thread may already write (WAL lets both). Alarms left
 * normal are not told. Returns 0, or -1 with err set.
 */
int
journal_states(const char *path, journal_state_fn *fn, void *arg,
    char *err, size_t len)
{
	static const char sql[] =
	    "SELECT j.alarm, j.flags, j.until, j.ts, j.message,"
	    " (SELECT max(a.ts) FROM journal a WHERE a.alarm = j.alarm"
	    "  AND a.event = 'active'),"
	    " (SELECT s.user FROM journal s WHERE s.alarm = j.alarm"
	    "  AND s.event = 'shelve' ORDER BY s.id DESC LIMIT 1),"
	    " (SELECT s.comment FROM journal s WHERE s.alarm = j.alarm"
	    "  AND s.event = 'shelve' ORDER BY s.id DESC LIMIT 1)"
	    " FROM journal j WHERE j.id IN (SELECT max(id) FROM journal"
	    " GROUP BY alarm) AND j.flags IS NOT NULL AND j.state != 'normal'";
	struct journal_state js;
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	int rc;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(db, sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		snprintf(err, len, "alarm journal %s: %s", path, db != NULL ?
		    sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		js = (struct journal_state){
			.alarm = (const char *)sqlite3_column_text(st, 0),
			.flags = sqlite3_column_int(st, 1),
			.until = sqlite3_column_int64(st, 2),
			.since = sqlite3_column_int64(st, 3),
			.message = (const char *)sqlite3_column_text(st, 4),
			.active_since = sqlite3_column_int64(st, 5),
			.shelved_by = (const char *)sqlite3_column_text(st, 6),
			.reason = (const char *)sqlite3_column_text(st, 7),
		};
		fn(arg, &js);
	}
	if (rc != SQLITE_DONE)
		snprintf(err, len, "alarm journal %s: %s", path,
		    sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc == SQLITE_DONE ? 0 : -1;
}

void
journal_query(journal_t *j, uint64_t token, json_t *filter)
{
	dbthread_send_json(j, "QUERY", token, filter);
}

/* The figures over {"since":ms,"until":ms}. */
void
journal_stats(journal_t *j, uint64_t token, json_t *window)
{
	dbthread_send_json(j, "STATS", token, window);
}
