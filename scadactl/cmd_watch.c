/*
 * watch: follow the live image through a mirror (the Clone pattern),
 * one line per applied update. A (re)sync hands every tag of the
 * snapshot to the handler, so the current values come first, then the
 * changes; a resync after a loss shows the whole image again, which is
 * what a reader of the stream needs to stay right.
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "error.h"
#include "i18n.h"
#include "mirror.h"
#include "msg.h"
#include "scadactl.h"
#include "value.h"

#define CMD_WATCH_TICK_MS	200	/* mirror_tick wants >= 4 per second */
#define CMD_WATCH_VALUE_WIDTH	10
#define CMD_WATCH_MAX_SECONDS	(366.0 * 86400)

struct cmd_watch {
	struct ctl	*ctl;
	mirror_t	*mirror;
	char		**patterns;
	int		  npatterns;
	long		  count;	/* -n: stop after this many; 0 never */
	long		  seen;		/* value lines printed */
	int		  ever_online;
	int		  unmatched;	/* patterns that match no tag */
	int		  shown;	/* state last printed: -1 none, 0, 1 */
	char		  status[160];	/* offline status last printed */
	size_t		  name_width;	/* 0: measure again */
	size_t		  units_width;
	int		  done;
	int		  broken;	/* stdout is gone */
};

static int	cmd_watch(struct ctl *, struct cmd_args *);

const struct cmd_entry cmd_watch_entry = {
	.name = "watch",
	.options = "n:T:",
	.flags = CMD_CLIENT,
	.args_min = 0,
	.args_max = -1,
	.usage = N_("watch [-n count] [-T seconds] [pattern ...]"),
	.exec = cmd_watch,
};

static volatile sig_atomic_t cmd_watch_stop;

static void
cmd_watch_signal(int sig)
{
	cmd_watch_stop = 1;
}

static int
cmd_watch_match(struct cmd_watch *w, const char *name)
{
	int i;

	if (w->npatterns == 0)
		return 1;
	for (i = 0; i < w->npatterns; i++)
		if (fnmatch(w->patterns[i], name, 0) == 0)
			return 1;
	return 0;
}

static void
cmd_watch_output(struct cmd_watch *w)
{
	if (ctl_flush() == -1) {
		w->broken = 1;
		w->done = 1;
	}
}

/*
 * The name and units columns are as wide as the widest matching tag,
 * so a stream of lines still reads as a table. Measured again after
 * each state change, as a reload may bring new tags.
 */
static void
cmd_watch_measure(struct cmd_watch *w)
{
	const struct mirror_tag *t;
	size_t i, n;

	w->name_width = 1;
	w->units_width = 0;
	for (i = 0; i < mirror_count(w->mirror); i++) {
		t = mirror_at(w->mirror, i);
		if (!cmd_watch_match(w, t->name))
			continue;
		if ((n = table_width(t->name)) > w->name_width)
			w->name_width = n;
		if ((n = table_width(t->units)) > w->units_width)
			w->units_width = n;
	}
}

/* The first time the image arrives, names the patterns that match nothing. */
static void
cmd_watch_check_patterns(struct cmd_watch *w)
{
	size_t i;
	int p;

	for (p = 0; p < w->npatterns; p++) {
		for (i = 0; i < mirror_count(w->mirror); i++)
			if (fnmatch(w->patterns[p], mirror_at(w->mirror,
			    i)->name, 0) == 0)
				break;
		if (i == mirror_count(w->mirror)) {
			ctl_warnx(_("no tag matches: %s"), w->patterns[p]);
			w->unmatched++;
		}
	}
}

/* A comment line, or a JSON object with -j, when the state changes. */
static void
cmd_watch_state(struct cmd_watch *w, int online)
{
	const char *status = online ? _("online") : mirror_status(w->mirror);
	json_t *o;

	if (online == w->shown && (online || strcmp(status, w->status) == 0))
		return;
	if (online && !w->ever_online) {
		w->ever_online = 1;
		cmd_watch_check_patterns(w);
	}
	w->shown = online;
	snprintf(w->status, sizeof w->status, "%s", status);
	if (w->ctl->json) {
		o = json_pack("{s:s, s:s}", "state",
		    online ? "online" : "offline", "status", status);
		ctl_print_json(o);
		json_decref(o);
	} else
		printf("# %s\n", status);
	cmd_watch_output(w);
}

static void
cmd_watch_line(struct cmd_watch *w, const struct mirror_tag *t)
{
	char when[32], value[64];
	size_t n;
	json_t *o;

	if (w->ctl->json) {
		if ((o = tagval_to_json(t->name, &t->tv)) != NULL) {
			json_object_set_new(o, "seq", json_integer(
			    (json_int_t)t->seq));
			ctl_print_json(o);
			json_decref(o);
		}
		return;
	}
	if (w->name_width == 0)
		cmd_watch_measure(w);
	value_time(t->tv.ts_ms, VALUE_TIME_MS, when, sizeof when);
	value_format(&t->tv, t->type, VALUE_EXACT, value, sizeof value);
	table_pad(stdout, when, 12);
	putchar(' ');
	table_pad(stdout, t->name, w->name_width);
	putchar(' ');
	for (n = table_width(value); n < CMD_WATCH_VALUE_WIDTH; n++)
		putchar(' ');
	fputs(value, stdout);
	putchar(' ');
	table_pad(stdout, t->units, w->units_width);
	putchar(' ');
	fputs(tagval_quality_name(t->tv.quality), stdout);
	if (t->tv.quality != QUALITY_GOOD && t->tv.reason[0] != '\0')
		printf(" %s", t->tv.reason);
	putchar('\n');
}

/*
 * The mirror's handler: a tag, or NULL when it goes on- or offline.
 * Snapshot values arrive while the mirror is still marked offline, just
 * before it says online; they are good data, so show "online" first.
 */
static void
cmd_watch_update(void *arg, const struct mirror_tag *t)
{
	struct cmd_watch *w = arg;

	if (w->done)
		return;
	if (t == NULL) {
		w->name_width = 0;
		cmd_watch_state(w, mirror_online(w->mirror));
		return;
	}
	cmd_watch_state(w, 1);
	if (w->done || !cmd_watch_match(w, t->name))
		return;
	cmd_watch_line(w, t);
	cmd_watch_output(w);
	if (++w->seen == w->count)
		w->done = 1;
}

static int
cmd_watch_options(struct cmd_args *args, long *count, double *seconds)
{
	const char *s;
	char *end;

	if ((s = args->opt['n']) != NULL) {
		errno = 0;
		*count = strtol(s, &end, 10);
		if (*s == '\0' || *end != '\0' || errno != 0 || *count < 1) {
			ctl_error(ERROR_BAD_REQUEST, NULL, _("bad count (a "
			    "whole number from 1): %s"), s);
			return -1;
		}
	}
	if ((s = args->opt['T']) != NULL) {
		errno = 0;
		*seconds = strtod(s, &end);
		if (*s == '\0' || *end != '\0' || errno != 0 ||
		    !(*seconds > 0 && *seconds <= CMD_WATCH_MAX_SECONDS)) {
			ctl_error(ERROR_BAD_REQUEST, NULL, _("bad time limit "
			    "(seconds, more than 0): %s"), s);
			return -1;
		}
	}
	return 0;
}

/* Waits for replies and publications, whichever comes. */
static void
cmd_watch_wait(struct cmd_watch *w, long ms)
{
	zsock_t *sub = mirror_sock(w->mirror);
	zmq_pollitem_t items[2];
	int n = 1;

	memset(items, 0, sizeof items);
	items[0].socket = zsock_resolve(client_sock(w->ctl->client));
	items[0].events = ZMQ_POLLIN;
	if (sub != NULL) {
		items[1].socket = zsock_resolve(sub);
		items[1].events = ZMQ_POLLIN;
		n = 2;
	}
	if (zmq_poll(items, n, ms) <= 0)
		return;
	if (items[0].revents & ZMQ_POLLIN)
		client_handle(w->ctl->client);
	if (n == 2 && (items[1].revents & ZMQ_POLLIN))
		mirror_handle(w->mirror);
}

static void
cmd_watch_loop(struct cmd_watch *w, double seconds)
{
	int64_t deadline = 0, left;
	long ms;

	if (seconds > 0)
		deadline = zclock_mono() + (int64_t)(seconds * 1000);
	while (!w->done && !cmd_watch_stop) {
		ms = CMD_WATCH_TICK_MS;
		if (deadline != 0) {
			if ((left = deadline - zclock_mono()) <= 0)
				break;
			if (left < ms)
				ms = (long)left;
		}
		cmd_watch_wait(w, ms);
		if (w->done || cmd_watch_stop)
			break;
		client_tick(w->ctl->client);
		mirror_tick(w->mirror);
		if (!w->done)
			cmd_watch_state(w, mirror_online(w->mirror));
	}
}

static int
cmd_watch_result(struct cmd_watch *w)
{
	if (w->broken)
		return 1;
	if (cmd_watch_stop || w->seen > 0)
		return 0;
	/* Refused (not logged in, no right to view) is not unreachable. */
	if (!w->ever_online && mirror_refused(w->mirror) != ERROR_NONE)
		return ctl_error(mirror_refused(w->mirror), NULL, "%s",
		    mirror_status(w->mirror));
	if (!w->ever_online)
		return ctl_error(ERROR_UNREACHABLE, NULL, "%s: %s",
		    error_text(ERROR_UNREACHABLE), mirror_status(w->mirror));
	if (w->npatterns == 0 || w->unmatched < w->npatterns)
		return ctl_error(ERROR_UNKNOWN_TAG, NULL, "%s",
		    _("no update of a matching tag in time"));
	return ctl_error(ERROR_UNKNOWN_TAG, NULL, "%s",
	    _("no tag matches any pattern"));
}

static int
cmd_watch(struct ctl *ctl, struct cmd_args *args)
{
	struct cmd_watch w = {
		.ctl = ctl,
		.patterns = args->argv,
		.npatterns = args->argc,
		.shown = -1,
	};
	struct sigaction sa;
	double seconds = 0;
	int rc;

	if (cmd_watch_options(args, &w.count, &seconds) == -1)
		return error_exit_status(ERROR_BAD_REQUEST);
	w.mirror = mirror_new(ctl->client);
	mirror_set_handler(w.mirror, cmd_watch_update, &w);

	/* No SA_RESTART: a signal must cut the poll short. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cmd_watch_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	cmd_watch_loop(&w, seconds);
	rc = cmd_watch_result(&w);
	mirror_destroy(&w.mirror);
	return rc;
}
