/*
 * One message at a time, newest wins. Messages expire so an old error
 * does not pass for a current one.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "statusbar.h"

static struct {
	char		 text[512];
	enum ui_role	 role;
	long long	 until;		/* monotonic ms; 0: no message */
	int		 link;		/* about the link: gone when it is back */
} statusbar_msg;

static long long
statusbar_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
statusbar_set(enum ui_role role, const char *fmt, va_list ap)
{
	vsnprintf(statusbar_msg.text, sizeof statusbar_msg.text, fmt, ap);
	statusbar_msg.role = role;
	statusbar_msg.until = statusbar_now() + STATUSBAR_MESSAGE_MS;
	statusbar_msg.link = 0;
}

void
statusbar_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	statusbar_set(UI_INFO, fmt, ap);
	va_end(ap);
}

void
statusbar_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	statusbar_set(UI_ERROR, fmt, ap);
	va_end(ap);
}

/* An error that holds only while the link is down. */
void
statusbar_link_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	statusbar_set(UI_ERROR, fmt, ap);
	va_end(ap);
	statusbar_msg.link = 1;
}

/* The link is back: what was said about its loss is no longer true. */
void
statusbar_link_up(void)
{
	if (statusbar_msg.link)
		statusbar_msg.until = 0;
}

int
statusbar_has_message(void)
{
	return statusbar_msg.until != 0;
}

void
statusbar_clear(void)
{
	statusbar_msg.until = 0;
}

/* Returns 1 if the message line changed since the last call. */
int
statusbar_tick(void)
{
	if (statusbar_msg.until != 0 && statusbar_now() >= statusbar_msg.until) {
		statusbar_msg.until = 0;
		return 1;
	}
	return 0;
}

/*
 * The parts of the title line, dropped one by one until it fits, the
 * endpoint last of all: it is what tells one server from another.
 */
enum statusbar_part {
	STATUSBAR_DATE = 1 << 0,
	STATUSBAR_PROGRAM = 1 << 1,
	STATUSBAR_SERVER = 1 << 2,
	STATUSBAR_VIEW = 1 << 3,
	STATUSBAR_PROJECT = 1 << 4,
	STATUSBAR_CLOCK = 1 << 5,
};

static const int statusbar_drop[] = {
	STATUSBAR_DATE, STATUSBAR_PROGRAM, STATUSBAR_SERVER, STATUSBAR_VIEW,
	STATUSBAR_PROJECT, STATUSBAR_CLOCK
};

static void
statusbar_left(struct station *st, int parts, char *buf, size_t len)
{
	const char *project = mirror_project(st->mirror);
	char name[128];
	const char *program = name;

	/* The station's own title where the project gives one. */
	snprintf(name, sizeof name, " %s ", st->settings.title != NULL ?
	    st->settings.title : "scadatui");
	if (!(parts & STATUSBAR_PROGRAM))
		name[0] = '\0';

	if (project[0] == '\0' || !(parts & STATUSBAR_PROJECT))
		snprintf(buf, len, "%s %s", program, st->endpoint);
	else if (parts & STATUSBAR_SERVER)
		snprintf(buf, len, _("%s %s on %s (%s)"), program, project,
		    mirror_server(st->mirror), st->endpoint);
	else
		snprintf(buf, len, "%s %s (%s)", program, project,
		    st->endpoint);
}

static void
statusbar_clock(int parts, char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	buf[0] = '\0';
	if (!(parts & STATUSBAR_CLOCK) || localtime_r(&now, &tm) == NULL ||
	    strftime(buf, len, parts & STATUSBAR_DATE ? "%Y-%m-%d %H:%M:%S " :
	    "%H:%M:%S ", &tm) == 0)
		buf[0] = '\0';
}

/* " scadatui  project on server (endpoint)      Tags      date time " */
void
statusbar_title(WINDOW *win, struct station *st, const char *view)
{
	char left[512], clock[32];
	int cols = getmaxx(win), parts = ~0, cw, vw, lw, vx;
	size_t i = 0;

	for (;;) {
		statusbar_left(st, parts, left, sizeof left);
		statusbar_clock(parts, clock, sizeof clock);
		lw = ui_width(left);
		cw = ui_width(clock);
		vw = parts & STATUSBAR_VIEW ? ui_width(view) + 2 : 0;
		if (lw + vw + cw + 1 <= cols ||
		    i == sizeof statusbar_drop / sizeof statusbar_drop[0])
			break;
		parts &= ~statusbar_drop[i++];
	}
	ui_fill(win, 0, ui_attr(UI_TITLE));
	ui_put(win, left, cols - cw - 1, UI_LEFT);
	/* The view's name centred, or just after the text if that is long. */
	if (parts & STATUSBAR_VIEW) {
		vw -= 2;
		vx = (cols - vw) / 2;
		if (vx < lw + 2)
			vx = lw + 2;
		if (vx + vw + 1 <= cols - cw) {
			wmove(win, 0, vx);
			ui_put(win, view, vw, UI_LEFT);
		}
	}
	if (cw > 0 && cw < cols) {
		wmove(win, 0, cols - cw);
		ui_put(win, clock, cw, UI_LEFT);
	}
}

/*
 * The state of the link first and loudest: while it is down, nothing on
 * screen is current, and the banner says so; while a plant loads, how
 * far it has come.
 */
void
statusbar_status(WINDOW *win, struct station *st, const char *keys)
{
	char info[256], state[64];
	size_t loaded, total;
	int cols = getmaxx(win), x, kw;
	mirror_t *m = st->mirror;

	ui_fill(win, 0, ui_attr(UI_STATUS));
	if (mirror_online(m)) {
		wattrset(win, ui_attr(UI_ONLINE) | A_BOLD);
		snprintf(state, sizeof state, "%s", _(" ONLINE "));
	} else if (mirror_connected(m) && mirror_loading(m, &loaded, &total)) {
		wattrset(win, ui_attr(UI_UNCERTAIN) | A_BOLD);
		snprintf(state, sizeof state, _(" LOADING %zu%% "),
		    total > 0 ? loaded * 100 / total : 0);
	} else if (mirror_refused(m) == ERROR_UNAUTHENTICATED) {
		wattrset(win, ui_attr(UI_UNCERTAIN) | A_BOLD);
		snprintf(state, sizeof state, "%s", _(" NOT LOGGED IN "));
	} else if (mirror_refused(m) == ERROR_PERMISSION_DENIED) {
		/* The server is there: it will not show this user a thing. */
		wattrset(win, ui_attr(UI_UNCERTAIN) | A_BOLD);
		snprintf(state, sizeof state, "%s", _(" NO VIEW RIGHT "));
	} else {
		wattrset(win, ui_attr(UI_BANNER));
		snprintf(state, sizeof state, "%s", _(" COMMUNICATION LOST "));
	}
	ui_put(win, state, ui_width(state), UI_LEFT);
	wattrset(win, ui_attr(UI_STATUS));
	if (mirror_online(m) && st->user != NULL)
		snprintf(info, sizeof info, _("  %s@%s  seq %llu  %zu tags"),
		    st->user, st->name, (unsigned long long)mirror_seq(m),
		    mirror_count(m));
	else if (mirror_online(m))
		snprintf(info, sizeof info, _("  seq %llu  %zu tags"),
		    (unsigned long long)mirror_seq(m), mirror_count(m));
	else if (mirror_refused(m) == ERROR_UNAUTHENTICATED)
		snprintf(info, sizeof info, _("  station %s"), st->name);
	else if (mirror_refused(m) == ERROR_PERMISSION_DENIED)
		snprintf(info, sizeof info, "  %s@%s  %s", st->user != NULL ?
		    st->user : "", st->name, mirror_status(m));
	else if (mirror_connected(m) && mirror_loading(m, &loaded, &total))
		snprintf(info, sizeof info, _("  %zu of %zu tags loaded"),
		    loaded, total);
	else
		snprintf(info, sizeof info, _(" %s  seq %llu  %zu tags"),
		    mirror_status(m), (unsigned long long)mirror_seq(m),
		    mirror_count(m));
	x = getcurx(win);
	kw = ui_width(keys);
	if (x + ui_width(info) + kw + 2 <= cols) {
		ui_put(win, info, cols - x - kw - 1, UI_LEFT);
		ui_put(win, keys, kw, UI_LEFT);
	} else
		ui_put(win, info, -1, UI_LEFT);
}

/* The message if there is one, else the view's hint about its selection. */
void
statusbar_message(WINDOW *win, enum ui_role role, const char *hint)
{
	ui_fill(win, 0, ui_attr(UI_NORMAL));
	if (statusbar_msg.until != 0) {
		wattrset(win, ui_attr(statusbar_msg.role));
		ui_put(win, statusbar_msg.text, -1, UI_LEFT);
	} else if (hint != NULL && *hint != '\0') {
		wattrset(win, ui_attr(role));
		ui_put(win, hint, -1, UI_LEFT);
	}
}

/*
 * The alarm line, under every view while alarms are listed: waiting and
 * listed per priority, then the most urgent, newest one that waits. It
 * takes the colour of that alarm's priority, and says the same in words.
 */
void
statusbar_alarms(WINDOW *win, struct station *st)
{
	int unack[MSG_PRIORITIES], shown[MSG_PRIORITIES], i;
	json_t *a = alarmlist_newest(st->alarms);
	json_int_t p = a != NULL ? json_integer_value(json_object_get(a,
	    "priority")) : 0;
	enum ui_role role;
	char line[512];
	size_t n = 0;

	alarmlist_counts(st->alarms, unack, shown);
	n += (size_t)snprintf(line, sizeof line, "%s", _(" ALARMS "));
	for (i = 0; i < MSG_PRIORITIES && n < sizeof line; i++)
		if (shown[i] > 0)
			n += (size_t)snprintf(line + n, sizeof line - n,
			    " %s %d/%d", _(msg_priority_name(i + 1)), unack[i],
			    shown[i]);
	if (a != NULL && n < sizeof line)
		snprintf(line + n, sizeof line - n, "  ! %s",
		    alarmlist_message(a));
	role = a == NULL ? UI_STATUS : p >= MSG_PRIORITIES ? UI_UNCERTAIN :
	    ui_priority_role((int)p);
	ui_fill(win, 0, ui_attr(role));
	wattrset(win, ui_attr(role) | (a != NULL ? A_BOLD : 0));
	wmove(win, 0, 0);
	ui_put(win, line, getmaxx(win), UI_LEFT);
	wattrset(win, ui_attr(UI_NORMAL));
}
