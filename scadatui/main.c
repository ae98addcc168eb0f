/*
 * scadatui: the operator station. One loop waits on the mirror's SUB
 * socket and the keyboard together, ticks four times a second so the
 * mirror can notice silence, and draws only when something changed, at
 * most ten times a second, so a busy plant costs neither flicker nor CPU.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <czmq.h>

#include "client.h"
#include "help.h"
#include "i18n.h"
#include "log.h"
#include "mirror.h"
#include "prompt.h"
#include "station.h"
#include "statusbar.h"
#include "ui.h"
#include "view.h"

#define MAIN_TICK_MS		250
#define MAIN_FRAME_MS		100	/* at most ten frames a second */
#define MAIN_DEAD_READS		64	/* "readable" but no key: tty gone */

struct main_loop {
	struct station		*station;
	struct view_entry	*view;
	int			 dirty;
	int			 quit;
	long long		 last_frame;
	long long		 next_tick;
	time_t			 clock;		/* second shown in the title */
	int			 dead_reads;
	char			 error[256];	/* why the loop gave up */
};

static const struct view_key main_keys[] = {
	{ N_("q"), N_("quit") },
	{ N_("?, F1"), N_("show or hide this help") },
	{ N_("Ctrl-L"), N_("redraw the screen") },
	{ N_("Esc"), N_("cancel a prompt") },
	{ NULL, NULL }
};

static void __attribute__((noreturn))
main_usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fprintf(f, _("usage: scadatui [-hV] [-s endpoint]\n"));
	if (status == 0)
		fprintf(f, _("  -s endpoint  command endpoint of scadad "
		    "(default $SCADA_SERVER or %s)\n"
		    "  -h           show this help\n"
		    "  -V           show the version\n"),
		    CLIENT_DEFAULT_ENDPOINT);
	exit(status);
}

static long long
main_now(void)
{
	return zclock_mono();
}

/* Every applied update and every change of the link lands here. */
static void
main_update(void *arg, const struct mirror_tag *t)
{
	struct main_loop *ml = arg;

	ml->dirty = 1;
	if (ml->view->view->update != NULL)
		ml->view->view->update(ml->view, t);
}

static void
main_draw(struct main_loop *ml)
{
	const struct ui_layout *l = ui_layout();
	const struct view *v = ml->view->view;
	char hint[512];
	enum ui_role role = UI_NORMAL;

	ml->dirty = 0;
	ml->view->dirty = 0;
	ml->last_frame = main_now();
	if (l->too_small) {
		ui_too_small();
		return;
	}
	werase(l->title);
	werase(l->body);
	werase(l->status);
	werase(l->message);
	statusbar_title(l->title, ml->station, _(v->name));
	v->draw(ml->view, l->body);
	statusbar_status(l->status, ml->station, _(v->keyhint));
	hint[0] = '\0';
	if (prompt_active())
		prompt_draw(l->message);
	else {
		if (v->hint != NULL)
			role = v->hint(ml->view, hint, sizeof hint);
		statusbar_message(l->message, role, hint);
	}
	if (help_shown())
		help_draw(main_keys, v);
	ui_cursor(prompt_active());
	ui_flush(prompt_active() ? l->message : NULL);
}

/* Keys the station handles whatever the view. */
static void
main_key(struct main_loop *ml, int key)
{
	ml->dirty = 1;
	if (key == UI_FN(KEY_RESIZE)) {
		ui_resize();
		return;
	}
	if (key == UI_CTRL('L')) {
		ui_redraw();
		return;
	}
	if (prompt_key(key))
		return;
	if (help_shown()) {
		help_close();
		return;
	}
	if (ml->view->view->key(ml->view, key))
		return;
	switch (key) {
	case 'q':
	case 'Q':
		ml->quit = 1;
		break;
	case '?':
	case UI_FN(KEY_F(1)):
		help_toggle();
		break;
	default:
		break;
	}
}

static void
main_keys_read(struct main_loop *ml, int readable)
{
	int key, got = 0;

	while ((key = ui_key()) != UI_KEY_NONE && !ml->quit) {
		main_key(ml, key);
		got = 1;
	}
	/*
	 * A terminal that hung up stays readable but yields nothing; a
	 * SIGHUP normally tells us first, this catches the rest.
	 */
	if (got || !readable)
		ml->dead_reads = 0;
	else if (++ml->dead_reads > MAIN_DEAD_READS)
		ml->quit = 1;
}

/* The mirror's heartbeat watch and everything else that runs on time. */
static void
main_tick(struct main_loop *ml)
{
	struct station *st = ml->station;
	time_t now = time(NULL);

	mirror_tick(st->mirror);
	if (statusbar_tick())
		ml->dirty = 1;
	if (now != ml->clock) {
		ml->clock = now;
		ml->dirty = 1;
	}
}

/* Shows "writing" first, then blocks on the server's answer. */
static void
main_write(struct main_loop *ml)
{
	char msg[512];

	main_draw(ml);
	if (station_write_run(ml->station, msg, sizeof msg) == 0)
		statusbar_info("%s", msg);
	else
		statusbar_error("%s", msg);
	ml->dirty = 1;
}

static int
main_timeout(struct main_loop *ml, long long now)
{
	long long t = ml->next_tick - now;

	if (ml->dirty || ml->view->dirty) {
		long long f = ml->last_frame + MAIN_FRAME_MS - now;

		if (f < t)
			t = f;
	}
	return t < 0 ? 0 : (int)t;
}

static int
main_loop(struct main_loop *ml)
{
	zmq_pollitem_t items[2];
	zsock_t *sub;
	long long now;
	int n, rc, readable;

	while (!ml->quit && !ui_signalled()) {
		now = main_now();
		if ((ml->dirty || ml->view->dirty) &&
		    now - ml->last_frame >= MAIN_FRAME_MS)
			main_draw(ml);
		if (station_write_pending(ml->station))
			main_write(ml);

		/* The SUB socket comes and goes with resyncs: ask each time. */
		memset(items, 0, sizeof items);
		items[0].fd = STDIN_FILENO;
		items[0].events = ZMQ_POLLIN;
		n = 1;
		if ((sub = mirror_sock(ml->station->mirror)) != NULL) {
			items[1].socket = zsock_resolve(sub);
			items[1].events = ZMQ_POLLIN;
			n = 2;
		}
		rc = zmq_poll(items, n, main_timeout(ml, main_now()));
		if (rc == -1 && errno != EINTR) {
			snprintf(ml->error, sizeof ml->error, "%s: %s",
			    _("poll failed"), zmq_strerror(errno));
			return -1;
		}
		if (rc > 0 && (items[0].revents & ZMQ_POLLERR))
			break;		/* the terminal is gone */
		readable = rc > 0 && (items[0].revents & ZMQ_POLLIN);
		if (rc > 0 && n == 2 && (items[1].revents & ZMQ_POLLIN))
			mirror_handle(ml->station->mirror);
		/* Always: a resize arrives as a signal, not as input. */
		main_keys_read(ml, readable);
		if (main_now() >= ml->next_tick) {
			main_tick(ml);
			ml->next_tick = main_now() + MAIN_TICK_MS;
		}
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct main_loop ml;
	const char *endpoint;
	int ch, rc;

	i18n_init();
	log_init("scadatui", 0, 0);
	endpoint = client_default_endpoint();
	while ((ch = getopt(argc, argv, "hs:V")) != -1) {
		switch (ch) {
		case 's':
			endpoint = optarg;
			break;
		case 'h':
			main_usage(0);
		case 'V':
			printf("scadatui %s\n", PACKAGE_VERSION);
			return 0;
		default:
			main_usage(2);
		}
	}
	if (optind != argc)
		main_usage(2);
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "scadatui: %s\n",
		    _("standard input is not a terminal; scadatui is "
		    "interactive (use scadactl in scripts)"));
		return 1;
	}

	/*
	 * CZMQ would install its own SIGINT/SIGTERM handlers on the first
	 * socket; ours must win, and its log must not scribble on the
	 * screen.
	 */
	zsys_handler_set(NULL);
	zsys_set_logstream(NULL);
	memset(&ml, 0, sizeof ml);
	if ((ml.station = station_new(endpoint)) == NULL) {
		fprintf(stderr, "scadatui: %s: %s\n",
		    _("not a valid ZeroMQ endpoint"), endpoint);
		return 1;
	}
	if ((ml.view = view_new(&view_tags, ml.station)) == NULL) {
		fprintf(stderr, "scadatui: %s\n", _("out of memory"));
		station_destroy(&ml.station);
		return 1;
	}
	mirror_set_handler(ml.station->mirror, main_update, &ml);
	if (ui_init() == -1) {
		view_free(&ml.view);
		station_destroy(&ml.station);
		return 1;
	}
	/* While curses owns the screen, our log goes to syslog. */
	log_init("scadatui", 1, 0);
	ml.dirty = 1;
	rc = main_loop(&ml);
	ui_end();
	if (rc == -1)
		fprintf(stderr, "scadatui: %s\n", ml.error);
	prompt_cancel();
	view_free(&ml.view);
	station_destroy(&ml.station);
	return rc == 0 ? 0 : 1;
}
