/*
 * Alarms: what they cost the server loop and the disk.
 *
 * Value changes: 100,000 tags change in batches of 256, each through
 * what scadad's loop does for a change (the image, the publisher, and
 * with alarms on the alarm engine: four limits each, with deadband), on
 * projects loaded by project_load() that differ only in their alarm
 * columns. Values move inside the limits, so what is measured is the
 * evaluation, not the transitions. Rounds alternate; medians compared.
 *
 * Journal ingest: transitions a second that scadad's journal thread
 * commits (from the first handed over to the answer of a query sent
 * after the last, which the thread answers once all before it are
 * written), against a bare SQLite loop: the same table, a prepared
 * insert, transactions of 1,000 rows, WAL. Five rounds each, in turn.
 */
#include "config.h"

#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alarm.h"
#include "drvbench.h"
#include "i18n.h"
#include "image.h"
#include "journal.h"
#include "log.h"
#include "publisher.h"
#include "util.h"
#include "xmalloc.h"

#define AB_TAGS		100000
#define AB_BATCH	256
#define AB_ROUNDS	7
#define AB_TRANSITIONS	200000
#define AB_TXN		1000
#define AB_JOURNAL_ROUNDS	5

static int
ab_project(const char *dir, int alarms)
{
	FILE *f;
	int i;

	if ((f = drvbench_create(dir, "project.ini")) == NULL)
		return -1;
	fprintf(f, "[project]\nname = alarmbench\ntags = tags.csv\n[server]\n"
	    "command = tcp://127.0.0.1:*\npublish = tcp://127.0.0.1:*\n"
	    "[security]\ncurve = no\nlogin = no\n[alarms]\ncomm_priority = "
	    "no\n[device plc1]\nprotocol = tcp\nhost = 127.0.0.1\nport = 1\n");
	fclose(f);
	if ((f = drvbench_create(dir, "tags.csv")) == NULL)
		return -1;
	fprintf(f, "name,device,area,space,address,type%s\n", alarms ?
	    ",hh,h,l,ll,deadband" : "");
	for (i = 0; i < AB_TAGS; i++)
		fprintf(f, "a%02d.t%06d,plc1,a%02d,holding,%d,uint16%s\n",
		    i / 1000, i, i / 1000, i % 60000, alarms ?
		    ",95,80,20,5,1" : "");
	return fclose(f) == 0 ? 0 : -1;
}

struct ab_side {
	struct project	*p;
	image_t		*image;
	publisher_t	*pub;
	alarms_t	*alarms;
	unsigned long	 events;
};

static void
ab_on_alarm(void *arg, const struct alarm *a, const char *event,
    const struct alarm_actor *who)
{
	((struct ab_side *)arg)->events++;
}

static int
ab_side_open(struct ab_side *s, const char *dir, int alarms)
{
	char err[256];

	memset(s, 0, sizeof *s);
	if (ab_project(dir, alarms) == -1 ||
	    (s->p = drvbench_load(dir)) == NULL)
		return -1;
	s->image = image_new(s->p);
	if ((s->pub = publisher_new("tcp://127.0.0.1:*", NULL, err,
	    sizeof err)) == NULL) {
		fprintf(stderr, "alarmbench: %s\n", err);
		return -1;
	}
	if (alarms)
		s->alarms = alarms_new(s->p, ab_on_alarm, s);
	return 0;
}

static void
ab_side_close(struct ab_side *s)
{
	alarms_destroy(&s->alarms);
	publisher_destroy(&s->pub);
	image_destroy(&s->image);
	project_unref(&s->p);
}

/* One round: every tag changes once. Returns updates a second. */
static double
ab_round(struct ab_side *s, int round)
{
	const struct project_tag *t;
	struct tagval tv = { .quality = QUALITY_GOOD };
	long long t0 = util_now_us();
	size_t i, n = 0;

	for (i = 0; i < project_ntags(s->p); i++) {
		t = project_tag_at(s->p, i);
		if (strncmp(t->name, "sys.", 4) == 0)
			continue;
		tv.value = 40 + (double)((round + (int)i) % 20);
		tv.ts_ms = tagval_now_ms();
		if (image_set(s->image, t->id, &tv)) {
			publisher_tag(s->pub, t->name, &tv);
			if (s->alarms != NULL)
				alarms_value(s->alarms, t, &tv);
		}
		if (++n % AB_BATCH == 0)
			publisher_flush(s->pub);
	}
	publisher_flush(s->pub);
	return (double)n * 1e6 / (double)(util_now_us() - t0);
}

static int
ab_values(const char *dir)
{
	char on_dir[PATH_MAX], off_dir[PATH_MAX];
	double on[AB_ROUNDS], off[AB_ROUNDS], mon, moff;
	struct ab_side a, b;
	int r;

	snprintf(on_dir, sizeof on_dir, "%s/on", dir);
	snprintf(off_dir, sizeof off_dir, "%s/off", dir);
	if (mkdir(on_dir, 0700) == -1 || mkdir(off_dir, 0700) == -1 ||
	    ab_side_open(&a, on_dir, 1) == -1 ||
	    ab_side_open(&b, off_dir, 0) == -1)
		return -1;
	ab_round(&a, -1);	/* warm: every tag good once */
	ab_round(&b, -1);
	for (r = 0; r < AB_ROUNDS; r++) {
		on[r] = ab_round(&a, r);
		off[r] = ab_round(&b, r);
	}
	mon = util_percentile(on, AB_ROUNDS, 50);
	moff = util_percentile(off, AB_ROUNDS, 50);
	/* A fixed format, read by bench/run.sh: not translated. */
	printf("alarms values tags=%d: with 400,000 alarms %.0f upd/s, without "
	    "%.0f upd/s (ratio %.2f, target 0.8; %lu transitions)\n",
	    AB_TAGS, mon, moff, moff > 0 ? mon / moff : 0, a.events);
	ab_side_close(&a);
	ab_side_close(&b);
	return 0;
}

/* What scadad hands the journal for a transition. */
static void
ab_transition(long i, struct journal_entry *e)
{
	memset(e, 0, sizeof *e);
	e->ts = tagval_now_ms();
	e->alarm = "a01.t000123:h";
	e->tag = "a01.t000123";
	e->kind = "h";
	e->event = i % 2 ? "clear" : "active";
	e->state = i % 2 ? "rtn_unack" : "unack";
	e->value = "81.5";
	e->priority = 3;
	e->area = "a01";
	e->message = "tag 123: high (81.5 %, limit 80)";
	e->flags = i % 2 ? 0 : 1;
}

static void
ab_answer(void *arg, uint64_t token, json_t *answer)
{
	*(int *)arg = 1;
}

static double
ab_journal(const char *dir, int round)
{
	char path[PATH_MAX], err[256];
	struct journal_entry e;
	journal_t *j;
	json_t *q;
	long long t0;
	int done = 0;
	long i;

	snprintf(path, sizeof path, "%s/journal%d.db", dir, round);
	if ((j = journal_new(path, ab_answer, &done, err, sizeof err)) ==
	    NULL) {
		fprintf(stderr, "alarmbench: %s\n", err);
		return -1;
	}
	t0 = util_now_us();
	for (i = 0; i < AB_TRANSITIONS; i++) {
		ab_transition(i, &e);
		journal_log(j, &e);
	}
	q = json_pack("{s:i}", "limit", 1);
	journal_query(j, 1, q);
	json_decref(q);
	while (!done) {
		zsock_t *s = journal_sock(j);
		zmq_pollitem_t it = { zsock_resolve(s), 0, ZMQ_POLLIN, 0 };

		if (zmq_poll(&it, 1, 60000) <= 0)
			break;
		journal_handle(j);
	}
	journal_destroy(&j);
	return done ? AB_TRANSITIONS * 1e6 / (double)(util_now_us() - t0) :
	    -1;
}

/* The bare loop: the journal's own table, no thread, no JSON. */
static double
ab_sqlite(const char *dir, int round)
{
	char path[PATH_MAX];
	sqlite3 *db;
	sqlite3_stmt *st;
	long long t0;
	long i;

	snprintf(path, sizeof path, "%s/bare%d.db", dir, round);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous="
	    "NORMAL; CREATE TABLE journal (id INTEGER PRIMARY KEY, ts INTEGER "
	    "NOT NULL, alarm TEXT NOT NULL, tag TEXT, kind TEXT, event TEXT "
	    "NOT NULL, state TEXT, value TEXT, priority INTEGER, area TEXT, "
	    "message TEXT, user TEXT, station TEXT, comment TEXT, flags "
	    "INTEGER, until INTEGER); CREATE "
	    "INDEX journal_ts ON journal (ts); CREATE INDEX journal_alarm ON "
	    "journal (alarm, ts);", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO journal (ts, alarm, tag, kind, "
	    "event, state, value, priority, area, message, flags) VALUES (?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "alarmbench: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	t0 = util_now_us();
	for (i = 0; i < AB_TRANSITIONS; i++) {
		if (i % AB_TXN == 0)
			sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, tagval_now_ms());
		sqlite3_bind_text(st, 2, "a01.t000123:h", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, "a01.t000123", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, "h", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, i % 2 ? "clear" : "active", -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(st, 6, i % 2 ? "rtn_unack" : "unack", -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(st, 7, "81.5", -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 8, 3);
		sqlite3_bind_text(st, 9, "a01", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, "tag 123: high (81.5 %, limit 80)", -1,
		    SQLITE_STATIC);
		sqlite3_bind_int(st, 11, i % 2 ? 0 : 1);
		sqlite3_step(st);
		if (i % AB_TXN == AB_TXN - 1 || i == AB_TRANSITIONS - 1)
			sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return AB_TRANSITIONS * 1e6 / (double)(util_now_us() - t0);
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/alarmbench.XXXXXX", cmd[PATH_MAX + 16];
	double ours[AB_JOURNAL_ROUNDS], bare[AB_JOURNAL_ROUNDS], mo, mb;
	int rc = 0, r;

	i18n_init();
	xmalloc_init();
	log_init("alarmbench", 0, 0);
	if (mkdtemp(dir) == NULL) {
		perror("alarmbench: mkdtemp");
		return 1;
	}
	if (ab_values(dir) == -1)
		rc = 1;
	/* The disk's speed wanders: rounds alternate, medians compared. */
	for (r = 0; r < AB_JOURNAL_ROUNDS; r++) {
		ours[r] = ab_journal(dir, r);
		bare[r] = ab_sqlite(dir, r);
		if (ours[r] < 0 || bare[r] < 0)
			rc = 1;
	}
	mo = util_percentile(ours, AB_JOURNAL_ROUNDS, 50);
	mb = util_percentile(bare, AB_JOURNAL_ROUNDS, 50);
	if (rc == 0)
		printf("alarms journal transitions=%d: scadad %.0f/s, bare "
		    "sqlite %.0f/s (ratio %.2f, target 0.6)\n", AB_TRANSITIONS,
		    mo, mb, mb > 0 ? mo / mb : 0);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	zsys_shutdown();
	return rc;
}
