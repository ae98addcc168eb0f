/*
 * scadatui: the operator station. One loop waits on the keyboard, the
 * command client's socket and the mirror's SUB socket together, never on
 * one of them alone, and ticks four times a second so requests can be
 * retried and the mirror can notice silence. A key is answered on the
 * screen at once; changes of the plant are drawn at most ten times a
 * second, so a busy plant costs neither flicker nor CPU.
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
#include "localconf.h"
#include "log.h"
#include "mirror.h"
#include "msg.h"
#include "prompt.h"
#include "station.h"
#include "statusbar.h"
#include "ui.h"
#include "view.h"
#include "xmalloc.h"

#define MAIN_TICK_MS		250
#define MAIN_FRAME_MS		100	/* at most ten frames a second */
#define MAIN_DEAD_READS		64	/* "readable" but no key: tty gone */
#define MAIN_ACTIVE_MS		30000	/* keys this recent keep a session */

struct main_loop {
	struct station		*station;
	struct view_stack	 views;
	int			 dirty;		/* data: drawn within a frame */
	int			 urgent;	/* a key: drawn at once */
	int			 quit;
	long long		 last_frame;
	long long		 next_tick;
	time_t			 clock;		/* second shown in the title */
	int			 connected;	/* as last heard */
	long long		 last_key;	/* monotonic ms */
	long long		 last_touch;	/* the session, for idle logout */
	int			 dead_reads;
	int			 alarms_synced;	/* the list asked for, online */
	int			 screens_shown;	/* the start screen, once */
	char			 language[8];	/* the project's, applied */
	json_t			*settings;	/* the station's, applied */
	char			 error[256];	/* why the loop gave up */
};

static const struct view_key main_keys[] = {
	{ N_("q"), N_("quit") },
	{ N_("?, F1"), N_("show or hide this help") },
	{ N_("t, F2"), N_("the tag list") },
	{ N_("d, F3"), N_("the devices and their links") },
	{ N_("a, F4"), N_("the alarm list") },
	{ N_("J, F5"), N_("the alarm journal") },
	{ N_("o, F6"), N_("the process screens: the start screen") },
	{ N_("l"), N_("switch the language: English, German") },
	{ N_("L"), N_("log out") },
	{ N_("U"), N_("switch user: log in as another") },
	{ N_("Esc"), N_("back to the view before; cancel a prompt") },
	{ N_("Up, Down, PgUp, PgDn"), N_("scroll this help") },
	{ N_("Ctrl-L"), N_("redraw the screen") },
	{ NULL, NULL }
};

/*
 * The link to the server: an option first, then the environment, then
 * scadatui.conf, then the defaults (keys_load's and client's).
 */
static void
main_local(struct localconf *lc, const char **endpoint, const char **key,
    const char **server_key)
{
	if (*endpoint == NULL && (getenv("SCADA_SERVER") == NULL ||
	    *getenv("SCADA_SERVER") == '\0') && lc->server != NULL)
		*endpoint = lc->server;
	if (*endpoint == NULL)
		*endpoint = client_default_endpoint();
	if (*key == NULL && getenv("SCADA_KEY") == NULL)
		*key = lc->key;
	if (*server_key == NULL && getenv("SCADA_SERVER_KEY") == NULL)
		*server_key = lc->server_key;
	if (lc->station != NULL)
		setenv("SCADA_STATION", lc->station, 0);
}

static void __attribute__((noreturn))
main_usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fprintf(f, _("usage: scadatui [-hV] [-f file] [-K server_key] "
	    "[-k key] [-s endpoint]\n"));
	if (status == 0)
		fprintf(f, _("  -f file      the local configuration (default "
		    "~/.config/scada/scadatui.conf,\n"
		    "               then %s/scada/scadatui.conf)\n"),
		    SYSCONFDIR);
	if (status == 0)
		fprintf(f, _("  -K file      the server's public key (default "
		    "$SCADA_SERVER_KEY or ~/.config/scada/server.pub)\n"
		    "  -k file      this station's key (default $SCADA_KEY or "
		    "~/.config/scada/station.key)\n"
		    "  -s endpoint  command endpoint of scadad "
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

static void	main_show(struct main_loop *, const char *);

/*
 * The server shows nothing without a login: ask for one. A user still
 * logged in here has lost the session (the server restarted, or ended
 * it unheard): logged out first, so the login view asks afresh.
 */
static void
main_unauthenticated(struct main_loop *ml)
{
	struct station *st = ml->station;
	char text[256];

	if (st->user != NULL) {
		snprintf(text, sizeof text, _("%s is no longer logged in: %s"),
		    st->user, mirror_status(st->mirror));
		statusbar_error("%s", text);
		station_logged_out(st, text, 1);
		ml->urgent = 1;
	}
	if (view_top(&ml->views)->view != &view_login)
		main_show(ml, "login");
}

/* The server's alarm list, once the mirror is current. */
static void
main_alarms_loaded(void *arg, json_t *reply)
{
	struct main_loop *ml = arg;

	if (msg_is_ok(reply))
		alarmlist_load(ml->station->alarms, json_object_get(reply,
		    "alarms"), (uint64_t)json_integer_value(json_object_get(
		    reply, "seq")));
	else
		alarmlist_clear(ml->station->alarms);
	ml->dirty = 1;
}

/*
 * The server's screens, once the mirror is current: the first time
 * there are any, the station shows its start screen over the tag list.
 */
static void
main_screens_loaded(void *arg, json_t *reply)
{
	struct main_loop *ml = arg;
	struct station *st = ml->station;

	if (!msg_is_ok(reply))
		return;
	json_decref(st->screens);
	st->screens = json_incref(reply);
	if (!ml->screens_shown && json_array_size(json_object_get(reply,
	    "screens")) > 0 && view_top(&ml->views)->view == &view_tags) {
		ml->screens_shown = 1;
		main_show(ml, "screen");
	}
	ml->dirty = 1;
}

static void
main_screens_sync(struct main_loop *ml, int online)
{
	json_t *req;

	if (!online || ml->alarms_synced)
		return;
	req = json_pack("{s:s}", "op", "screens");
	client_send(ml->station->client, req, 5000, 1, main_screens_loaded,
	    ml);
	json_decref(req);
}

static void
main_alarms_sync(struct main_loop *ml)
{
	int online = mirror_online(ml->station->mirror);
	json_t *req;

	main_screens_sync(ml, online);
	if (online && !ml->alarms_synced) {
		alarmlist_loading(ml->station->alarms);
		req = json_pack("{s:s}", "op", "alarms");
		client_send(ml->station->client, req, 5000, 1,
		    main_alarms_loaded, ml);
		json_decref(req);
	} else if (!online && ml->alarms_synced)
		alarmlist_clear(ml->station->alarms);
	ml->alarms_synced = online;
}

/*
 * The language the project sets for this station, once it says one
 * and whenever it says another; l switches between them meanwhile.
 */
static void
main_language(struct main_loop *ml)
{
	const char *l = json_string_value(json_object_get(mirror_station(
	    ml->station->mirror), "language"));

	if (l == NULL || strcmp(l, ml->language) == 0)
		return;
	snprintf(ml->language, sizeof ml->language, "%s", l);
	i18n_set_language(l);
	ml->urgent = 1;
}

/* The rest of what the project says of this station, when it changes. */
static void
main_settings(struct main_loop *ml)
{
	json_t *o = mirror_station(ml->station->mirror);

	if (o == NULL || json_equal(o, ml->settings))
		return;
	json_decref(ml->settings);
	ml->settings = json_deep_copy(o);
	station_settings_take(ml->station, o);
	ml->urgent = 1;
}

static void	main_switch_language(struct main_loop *);
static void	main_logout(struct main_loop *);

/* A toolbar's action, as the project binds it to a function key. */
static void
main_action(struct main_loop *ml, const char *action)
{
	struct view_entry *ve;

	if (strncmp(action, "screen:", 7) == 0 ||
	    strcmp(action, "overview") == 0) {
		main_show(ml, "screen");
		ve = view_top(&ml->views);
		if (ve->view == &view_screen && action[0] == 's')
			view_screen_open(ve, action + 7);
		else if (ve->view == &view_screen)
			ve->view->key(ve, 'o');
	} else if (strcmp(action, "back") == 0 ||
	    strcmp(action, "forward") == 0) {
		ve = view_top(&ml->views);
		if (ve->view != &view_screen || !ve->view->key(ve,
		    action[0] == 'b' ? '[' : ']'))
			view_back(&ml->views);
	} else if (strcmp(action, "screens") == 0)
		main_show(ml, "screen");
	else if (strcmp(action, "language") == 0)
		main_switch_language(ml);
	else if (strcmp(action, "logout") == 0)
		main_logout(ml);
	else if (strcmp(action, "help") == 0)
		help_toggle();
	else
		main_show(ml, action);	/* tags, devices, alarms, journal */
	ml->dirty = 1;
}

/* The toolbar's words, for the catalogue: shown translated. */
static const char *const main_actions[] __attribute__((unused)) = {
	N_("tags"), N_("devices"), N_("alarms"), N_("journal"),
	N_("screens"), N_("back"), N_("forward"), N_("overview"),
	N_("language"), N_("logout"), N_("help")
};

/* The toolbar, for the status line: "F2 tags  F7 detail". */
static void
main_toolbar_text(struct main_loop *ml, char *buf, size_t len)
{
	const struct station_settings *ss = &ml->station->settings;
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < ss->ntoolbar && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "F%d %s  ",
		    ss->toolbar[i].fkey, strncmp(ss->toolbar[i].action,
		    "screen:", 7) == 0 ? ss->toolbar[i].action + 7 :
		    _(ss->toolbar[i].action));
}

static void
main_switch_language(struct main_loop *ml)
{
	i18n_set_language(strcmp(i18n_language(), "de") == 0 ? "en" : "de");
	/* TRANSLATORS: the language now in use, named in itself. */
	statusbar_info("%s", _("Language: English."));
	ml->urgent = 1;
}

/* Every value set and every change of the link lands here. */
static void
main_update(void *arg, const struct mirror_tag *t)
{
	struct main_loop *ml = arg;
	int connected = mirror_connected(ml->station->mirror);

	ml->dirty = 1;
	if (connected && !ml->connected)
		statusbar_link_up();
	ml->connected = connected;
	view_update(&ml->views, t);
	if (t == NULL)
		main_language(ml);
	if (t == NULL)
		main_settings(ml);
	if (t == NULL)
		main_alarms_sync(ml);
	if (t == NULL && mirror_refused(ml->station->mirror) ==
	    ERROR_UNAUTHENTICATED)
		main_unauthenticated(ml);
}

/*
 * A transition of an alarm of a tag this user sees (the others are not
 * in the mirror): into the list; a new one that waits rings the bell if
 * its priority is as urgent as the project's bell for this station
 * (high, where the server says nothing).
 */
static void
main_alarm(struct main_loop *ml, json_t *o)
{
	json_t *bell = json_object_get(mirror_station(ml->station->mirror),
	    "bell");
	int p;

	if (mirror_find(ml->station->mirror, json_string_value(
	    json_object_get(json_object_get(o, "alarm"), "tag"))) == NULL)
		return;
	p = alarmlist_event(ml->station->alarms, o);
	if (p > 0 && p <= (bell != NULL ? json_integer_value(bell) : 2))
		beep();
	ml->dirty = 1;
}

/* Publications other than values: alarms; a session that ended. */
static void
main_event(void *arg, const char *topic, json_t *o)
{
	struct main_loop *ml = arg;
	struct station *st = ml->station;
	const char *id = json_string_value(json_object_get(o, "id"));
	const char *why = json_string_value(json_object_get(o, "reason"));
	char text[160];

	if (strcmp(topic, MSG_TOPIC_ALARM) == 0) {
		main_alarm(ml, o);
		return;
	}
	if (strcmp(topic, MSG_TOPIC_SESSION) != 0 || st->session_id == NULL ||
	    id == NULL || strcmp(id, st->session_id) != 0)
		return;
	snprintf(text, sizeof text, why != NULL && strcmp(why, "idle") == 0 ?
	    _("%s was logged out: idle too long") : why != NULL &&
	    strcmp(why, "revoked") == 0 ? _("%s was logged out by an "
	    "administrator") : _("%s was logged out"), st->user);
	statusbar_error("%s", text);
	station_logged_out(st, text, 1);
	ml->urgent = 1;
}

/*
 * The server counts only requests as activity: while the operator
 * uses the keys, a ping now and then keeps the session from going idle.
 */
static void
main_touch(struct main_loop *ml, long long now)
{
	json_t *req;

	if (ml->station->user == NULL || now - ml->last_key > MAIN_ACTIVE_MS ||
	    now - ml->last_touch < MAIN_ACTIVE_MS)
		return;
	ml->last_touch = now;
	req = json_pack("{s:s}", "op", "ping");
	client_send(ml->station->client, req, 0, 0, NULL, NULL);
	json_decref(req);
}

static void
main_logout(struct main_loop *ml)
{
	struct station *st = ml->station;
	char text[160];
	json_t *req;

	if (st->user == NULL) {
		statusbar_info(_("Nobody is logged in here."));
		return;
	}
	req = json_pack("{s:s}", "op", "logout");
	client_send(st->client, req, 0, 0, NULL, NULL);
	json_decref(req);
	snprintf(text, sizeof text, _("%s logged out."), st->user);
	statusbar_info("%s", text);
	station_logged_out(st, text, 0);
}

static void
main_draw(struct main_loop *ml)
{
	const struct ui_layout *l;
	struct view_entry *ve = view_top(&ml->views);
	const struct view *v = ve->view;
	char hint[512], heading[256], toolbar[256];
	enum ui_role role = UI_NORMAL;
	int need;

	ml->dirty = ml->urgent = 0;
	ve->dirty = 0;
	ml->last_frame = main_now();
	/* A line for the alarms while there are any. */
	ui_alarm_line(alarmlist_count(ml->station->alarms) > 0);
	l = ui_layout();
	if (l->too_small) {
		ui_too_small(UI_MIN_COLS, UI_MIN_LINES);
		return;
	}
	/* The project may want a bigger terminal for this station. */
	if (COLS < ml->station->settings.min_cols ||
	    LINES < ml->station->settings.min_lines) {
		ui_too_small(ml->station->settings.min_cols > COLS ?
		    ml->station->settings.min_cols : COLS,
		    ml->station->settings.min_lines > LINES ?
		    ml->station->settings.min_lines : LINES);
		return;
	}
	werase(l->body);
	if ((need = v->draw(ve, l->body)) != 0) {
		ui_too_small(need, UI_MIN_LINES);
		return;
	}
	werase(l->title);
	werase(l->status);
	werase(l->message);
	if (l->alarm != NULL)
		statusbar_alarms(l->alarm, ml->station);
	if (v->heading != NULL)
		v->heading(ve, heading, sizeof heading);
	else
		snprintf(heading, sizeof heading, "%s", _(v->title));
	statusbar_title(l->title, ml->station, heading);
	hint[0] = '\0';
	/* While the prompt has the message line, its errors go above it. */
	if (prompt_active() && statusbar_has_message())
		statusbar_message(l->status, UI_NORMAL, NULL);
	else if (ml->station->settings.ntoolbar > 0) {
		main_toolbar_text(ml, toolbar, sizeof toolbar);
		statusbar_status(l->status, ml->station, toolbar);
	} else
		statusbar_status(l->status, ml->station, _(v->keyhint));
	if (prompt_active())
		prompt_draw(l->message);
	else {
		if (v->hint != NULL)
			role = v->hint(ve, hint, sizeof hint);
		statusbar_message(l->message, role, hint);
	}
	if (help_shown())
		help_draw(main_keys, v);
	ui_cursor(prompt_active());
	ui_flush(prompt_active() ? l->message : NULL);
}

static void
main_show(struct main_loop *ml, const char *name)
{
	const struct view *v = view_find(name);

	if (v != NULL && view_show(&ml->views, v, ml->station) == 0)
		statusbar_clear();
}

static void
main_quit_refused(void)
{
	statusbar_error("%s", _("Quitting is blocked on this station; L logs "
	    "out."));
}

/* A key that does nothing says so, or the operator wonders. */
static void
main_unknown(int key)
{
	char name[32];
	int n;

	if (key & UI_KEY_FN) {
		key &= ~UI_KEY_FN;
		if (key >= KEY_F(0) && key <= KEY_F(63))
			snprintf(name, sizeof name, "F%d", key - KEY_F(0));
		else
			snprintf(name, sizeof name, "%s", keyname(key) != NULL ?
			    keyname(key) : "?");
		if (strncmp(name, "KEY_", 4) == 0)
			memmove(name, name + 4, strlen(name + 4) + 1);
	} else if (key < 32 || key == 127)
		snprintf(name, sizeof name, "Ctrl-%c", key == 127 ? '?' :
		    key + 64);
	else if ((n = wctomb(name, (wchar_t)key)) > 0)
		name[n] = '\0';
	else
		snprintf(name, sizeof name, "?");
	statusbar_info(_("The key %s does nothing here; ? lists the keys."),
	    name);
}

/* Keys the station handles whatever the view. */
static void
main_key(struct main_loop *ml, int key)
{
	struct view_entry *ve = view_top(&ml->views);
	const char *action;

	ml->urgent = 1;
	ml->last_key = main_now();
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
		if (!help_key(key))
			help_close();
		return;
	}
	/* The project's function keys come before the view's. */
	if ((key & UI_KEY_FN) && (key & ~UI_KEY_FN) >= KEY_F(1) &&
	    (key & ~UI_KEY_FN) <= KEY_F(12) && (action = station_toolbar(
	    ml->station, (key & ~UI_KEY_FN) - KEY_F(0))) != NULL) {
		main_action(ml, action);
		return;
	}
	if (ve->view->key != NULL && ve->view->key(ve, key))
		return;
	switch (key) {
	case 'q':
	case 'Q':
		if (ml->station->settings.block_quit)
			main_quit_refused();
		else
			ml->quit = 1;
		break;
	case '?':
	case UI_FN(KEY_F(1)):
		help_toggle();
		break;
	case 't':
	case UI_FN(KEY_F(2)):
		main_show(ml, "tags");
		break;
	case 'd':
	case UI_FN(KEY_F(3)):
		main_show(ml, "devices");
		break;
	case 'a':
	case UI_FN(KEY_F(4)):
		main_show(ml, "alarms");
		break;
	case 'J':
	case UI_FN(KEY_F(5)):
		main_show(ml, "journal");
		break;
	case 'o':
	case UI_FN(KEY_F(6)):
		main_show(ml, "screen");
		break;
	case 'l':
		main_switch_language(ml);
		break;
	case 'L':
		main_logout(ml);
		break;
	case 'U':
		/* Also where a station's own rights let the list show. */
		main_show(ml, "login");
		break;
	case UI_ESC:
	case UI_FN(KEY_BACKSPACE):
		if (view_back(&ml->views) == -1)
			statusbar_info(_("This is the first view; q quits."));
		break;
	default:
		main_unknown(key);
		break;
	}
}

static void
main_keys_read(struct main_loop *ml, int readable)
{
	int key, got = 0;

	while ((key = ui_key()) != UI_KEY_NONE && !ml->quit) {
		main_key(ml, key);
		view_reap(&ml->views);
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

/* Retries, the mirror's heartbeat watch and whatever else runs on time. */
static void
main_tick(struct main_loop *ml)
{
	struct station *st = ml->station;
	time_t now = time(NULL);

	client_tick(st->client);
	mirror_tick(st->mirror);
	main_touch(ml, main_now());
	if (statusbar_tick())
		ml->dirty = 1;
	if (now != ml->clock) {
		ml->clock = now;
		ml->dirty = 1;
	}
}

static int
main_timeout(struct main_loop *ml, long long now)
{
	long long t = ml->next_tick - now;

	if (ml->dirty || view_dirty(&ml->views)) {
		long long f = ml->last_frame + MAIN_FRAME_MS - now;

		if (f < t)
			t = f;
	}
	return t < 0 ? 0 : (int)t;
}

/* What to wait on: the keyboard, replies, and publications. */
static int
main_poll(struct main_loop *ml, zmq_pollitem_t *items)
{
	zsock_t *sub = mirror_sock(ml->station->mirror);
	int n = 2;

	memset(items, 0, 3 * sizeof *items);
	items[0].fd = STDIN_FILENO;
	items[0].events = ZMQ_POLLIN;
	items[1].socket = zsock_resolve(client_sock(ml->station->client));
	items[1].events = ZMQ_POLLIN;
	/* The SUB socket comes and goes with resyncs: ask each time. */
	if (sub != NULL) {
		items[2].socket = zsock_resolve(sub);
		items[2].events = ZMQ_POLLIN;
		n = 3;
	}
	return zmq_poll(items, n, main_timeout(ml, main_now()));
}

static int
main_loop(struct main_loop *ml)
{
	zmq_pollitem_t items[3];
	long long now;
	int rc, readable;

	while (!ml->quit && !ui_signalled()) {
		now = main_now();
		if (ml->urgent || ((ml->dirty || view_dirty(&ml->views)) &&
		    now - ml->last_frame >= MAIN_FRAME_MS))
			main_draw(ml);
		if ((rc = main_poll(ml, items)) == -1 && errno != EINTR) {
			snprintf(ml->error, sizeof ml->error, "%s: %s",
			    _("poll failed"), zmq_strerror(errno));
			return -1;
		}
		if (rc > 0 && (items[0].revents & ZMQ_POLLERR))
			break;		/* the terminal is gone */
		readable = rc > 0 && (items[0].revents & ZMQ_POLLIN);
		if (rc > 0 && (items[1].revents & ZMQ_POLLIN)) {
			client_handle(ml->station->client);
			view_reap(&ml->views);	/* a login done, perhaps */
			ml->dirty = 1;	/* a write's answer, perhaps */
		}
		if (rc > 0 && (items[2].revents & ZMQ_POLLIN))
			mirror_handle(ml->station->mirror);
		/* Always: a resize arrives as a signal, not as input. */
		main_keys_read(ml, readable);
		if (ui_quit_was_refused()) {
			main_quit_refused();
			ml->urgent = 1;
		}
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
	struct localconf lc;
	const char *endpoint = NULL, *key = NULL, *server_key = NULL;
	const char *conf = NULL;
	char err[512];
	int ch, rc;

	i18n_init();
	xmalloc_init();
	log_init("scadatui", 0, 0);
	while ((ch = getopt(argc, argv, "f:hK:k:s:V")) != -1) {
		switch (ch) {
		case 'f':
			conf = optarg;
			break;
		case 'K':
			server_key = optarg;
			break;
		case 'k':
			key = optarg;
			break;
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
	if (localconf_read(&lc, conf, err, sizeof err) == -1) {
		fprintf(stderr, "scadatui: %s\n", err);
		return 1;
	}
	main_local(&lc, &endpoint, &key, &server_key);
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "scadatui: %s\n",
		    _("standard input is not a terminal; scadatui is "
		    "interactive (use scadactl in scripts)"));
		localconf_free(&lc);
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
	if ((ml.station = station_new(endpoint, key, server_key, err,
	    sizeof err)) == NULL) {
		fprintf(stderr, "scadatui: %s\n", err);
		localconf_free(&lc);
		return 1;
	}
	view_show(&ml.views, &view_tags, ml.station);
	mirror_set_handler(ml.station->mirror, main_update, &ml);
	mirror_set_events(ml.station->mirror, main_event, &ml);
	i18n_utf8();
	if (ui_init() == -1) {
		view_clear(&ml.views);
		station_destroy(&ml.station);
		localconf_free(&lc);
		return 1;
	}
	/* What only this terminal knows, whatever the project says. */
	if (lc.ascii == 1)
		ui_ascii_only();
	if (lc.colour == 0)
		ui_colour_off();
	/* While curses owns the screen, our log goes to syslog. */
	log_init("scadatui", 1, 0);
	ml.dirty = 1;
	rc = main_loop(&ml);
	ui_end();
	if (rc == -1)
		fprintf(stderr, "scadatui: %s\n", ml.error);
	prompt_cancel();
	view_clear(&ml.views);
	station_destroy(&ml.station);
	json_decref(ml.settings);
	localconf_free(&lc);
	return rc == 0 ? 0 : 1;
}
