/*
 * The login view: the station asks for a user name, then relays the
 * server's PAM conversation one prompt at a time on the message line,
 * secrets without echo, and shows the texts PAM sends along. On a
 * station where a user is logged in it also serves to switch user: the
 * old session ends only once the new login has succeeded.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "msg.h"
#include "prompt.h"
#include "statusbar.h"
#include "view.h"
#include "xmalloc.h"

#define VIEW_LOGIN_TIMEOUT_MS	10000	/* PAM may take its time */
#define VIEW_LOGIN_NOTES	8	/* texts kept on screen */

struct view_login {
	char		*user;
	char		 id[64];	/* the server's, for this login */
	json_t		*prompts;	/* of this round */
	size_t		 next;		/* the prompt to ask next */
	json_t		*answers;
	json_t		*notes;		/* what PAM and the server said */
	uint64_t	 req;		/* in flight, or 0 */
	int		 switching;	/* another user is logged in */
};

static prompt_fn view_login_user;
static void	 view_login_ask(struct view_entry *);

static const struct view_key view_login_keys[] = {
	{ N_("Enter"), N_("send what was typed") },
	{ N_("Esc"), N_("start again; back to the user logged in, when "
	    "switching") },
	{ NULL, NULL }
};

static void
view_login_note(struct view_login *vl, const char *style, const char *text)
{
	while (json_array_size(vl->notes) >= VIEW_LOGIN_NOTES)
		json_array_remove(vl->notes, 0);
	json_array_append_new(vl->notes, json_pack("{s:s, s:s}", "style",
	    style, "text", text));
}

static void
view_login_forget(struct view_login *vl)
{
	size_t i;
	json_t *a;

	json_decref(vl->prompts);
	vl->prompts = NULL;
	json_array_foreach(vl->answers, i, a)
		explicit_bzero((char *)json_string_value(a),
		    json_string_length(a));
	json_decref(vl->answers);
	vl->answers = NULL;
	vl->next = 0;
	vl->id[0] = '\0';
}

static void *
view_login_init(struct view_entry *ve)
{
	struct view_login *vl = xcalloc(1, sizeof *vl);

	vl->notes = json_array();
	vl->switching = ve->station->user != NULL;
	/* Why the login view is back, once the message line has moved on. */
	if (ve->station->ended != NULL && !vl->switching)
		view_login_note(vl, ve->station->ended_badly ? "error" : "info",
		    ve->station->ended);
	free(ve->station->ended);
	ve->station->ended = NULL;
	ve->data = vl;
	prompt_open(_("User: "), NULL, view_login_user, ve);
	return vl;
}

static void
view_login_free(struct view_entry *ve)
{
	struct view_login *vl = ve->data;

	if (vl->req != 0)
		client_cancel(ve->station->client, vl->req);
	if (prompt_active())
		prompt_cancel();
	view_login_forget(vl);
	json_decref(vl->notes);
	free(vl->user);
	free(vl);
	ve->data = NULL;
}

/* Starts over at the user name, the last one offered to correct. */
static void
view_login_restart(struct view_entry *ve)
{
	struct view_login *vl = ve->data;

	view_login_forget(vl);
	prompt_open(_("User: "), vl->user, view_login_user, ve);
	ve->dirty = 1;
}

static void	view_login_reply(void *, json_t *);

static void
view_login_send(struct view_entry *ve, json_t *req)
{
	struct view_login *vl = ve->data;

	/* A switch starts a login of its own, not on the old session. */
	if (vl->switching)
		json_object_set_new(req, "session", json_null());
	vl->req = client_send(ve->station->client, req, VIEW_LOGIN_TIMEOUT_MS,
	    1, view_login_reply, ve);
	json_decref(req);
	ve->dirty = 1;
}

static void
view_login_user(void *arg, const char *text)
{
	struct view_entry *ve = arg;
	struct view_login *vl = ve->data;

	if (text == NULL) {
		if (vl->switching)
			ve->closing = 1;	/* back to who was logged in */
		else
			view_login_restart(ve);
		return;
	}
	if (*text == '\0') {
		view_login_restart(ve);
		return;
	}
	free(vl->user);
	vl->user = xstrdup(text);
	json_array_clear(vl->notes);
	view_login_send(ve, json_pack("{s:s, s:s}", "op", "login", "user",
	    text));
}

/* An answer to one prompt; the round goes when all are answered. */
static void
view_login_answer(void *arg, const char *text)
{
	struct view_entry *ve = arg;
	struct view_login *vl = ve->data;

	if (text == NULL) {
		view_login_send(ve, json_pack("{s:s, s:s, s:b}", "op", "login",
		    "login", vl->id, "cancel", 1));
		view_login_note(vl, "info", _("Login cancelled."));
		view_login_restart(ve);
		return;
	}
	json_array_append_new(vl->answers, json_string(text));
	vl->next++;
	view_login_ask(ve);
}

/* The next prompt of the round, or the round's answers to the server. */
static void
view_login_ask(struct view_entry *ve)
{
	struct view_login *vl = ve->data;
	const char *style, *text;
	json_t *p;

	while ((p = json_array_get(vl->prompts, vl->next)) != NULL) {
		style = json_string_value(json_object_get(p, "style"));
		text = json_string_value(json_object_get(p, "text"));
		if (text == NULL)
			text = "";
		if (style != NULL && strcmp(style, "echo_off") == 0) {
			prompt_open_secret(text, view_login_answer, ve);
			return;
		}
		if (style != NULL && strcmp(style, "echo_on") == 0) {
			prompt_open(text, NULL, view_login_answer, ve);
			return;
		}
		view_login_note(vl, style != NULL ? style : "info", text);
		vl->next++;
	}
	view_login_send(ve, json_pack("{s:s, s:s, s:O}", "op", "login",
	    "login", vl->id, "answers", vl->answers));
	view_login_forget(vl);
}

static void
view_login_notes(struct view_login *vl, json_t *messages)
{
	const char *style;
	size_t i;
	json_t *m;

	json_array_foreach(messages, i, m) {
		style = json_string_value(json_object_get(m, "style"));
		view_login_note(vl, style != NULL ? style : "info",
		    json_string_value(json_object_get(m, "text")));
	}
}

/* The old session of a switch ends once the new one has begun. */
static void
view_login_end_old(struct station *st, const char *old)
{
	json_t *req;

	if (old == NULL)
		return;
	req = json_pack("{s:s, s:s}", "op", "logout", "session", old);
	client_send(st->client, req, 0, 0, NULL, NULL);
	json_decref(req);
}

static void
view_login_done(struct view_entry *ve, json_t *reply)
{
	struct station *st = ve->station;
	char *old = client_session(st->client) != NULL ?
	    xstrdup(client_session(st->client)) : NULL;

	station_logged_in(st, reply);
	view_login_end_old(st, ((struct view_login *)ve->data)->switching ?
	    old : NULL);
	if (old != NULL)
		explicit_bzero(old, strlen(old));
	free(old);
	statusbar_info(_("Logged in as %s on station %s."), st->user,
	    st->name);
	ve->closing = 1;
}

static void
view_login_reply(void *arg, json_t *reply)
{
	struct view_entry *ve = arg;
	struct view_login *vl = ve->data;
	const char *state = json_string_value(json_object_get(reply, "state"));
	char text[512];

	vl->req = 0;
	ve->dirty = 1;
	view_login_notes(vl, json_object_get(reply, "messages"));
	if (msg_is_ok(reply) && state != NULL && strcmp(state, "prompt") == 0) {
		snprintf(vl->id, sizeof vl->id, "%s", json_string_value(
		    json_object_get(reply, "login")));
		vl->prompts = json_incref(json_object_get(reply, "prompts"));
		vl->answers = json_array();
		vl->next = 0;
		view_login_ask(ve);
		return;
	}
	if (msg_is_ok(reply) && state != NULL && strcmp(state, "done") == 0) {
		view_login_done(ve, reply);
		return;
	}
	if (msg_is_ok(reply))		/* the answer to a cancel */
		return;
	snprintf(text, sizeof text, "%s", msg_error_message(reply));
	view_login_note(vl, "error", text);
	view_login_restart(ve);
}

static int
view_login_draw(struct view_entry *ve, WINDOW *win)
{
	struct view_login *vl = ve->data;
	struct station *st = ve->station;
	const char *style;
	char line[512];
	size_t i;
	json_t *n;
	int y = 1;

	wattrset(win, ui_attr(UI_HEADER));
	wmove(win, y++, 2);
	snprintf(line, sizeof line, vl->switching ? _("Switch user on %s") :
	    _("Log in to %s"), mirror_project(st->mirror)[0] != '\0' ?
	    mirror_project(st->mirror) : st->endpoint);
	ui_put(win, line, -1, UI_LEFT);
	wattrset(win, ui_attr(UI_NORMAL));
	wmove(win, y++, 2);
	snprintf(line, sizeof line, _("station %s, server %s%s"), st->name,
	    st->endpoint, st->keys.mine != NULL ? _(", encrypted (CurveZMQ)") :
	    "");
	ui_put(win, line, -1, UI_LEFT);
	if (vl->switching) {
		wmove(win, y++, 2);
		snprintf(line, sizeof line, _("%s stays logged in until the "
		    "new login succeeds; Esc goes back."), st->user);
		ui_put(win, line, -1, UI_LEFT);
	}
	y++;
	json_array_foreach(vl->notes, i, n) {
		if (y >= getmaxy(win))
			break;
		style = json_string_value(json_object_get(n, "style"));
		wattrset(win, ui_attr(style != NULL && strcmp(style, "error") ==
		    0 ? UI_ERROR : UI_INFO));
		wmove(win, y++, 2);
		ui_put(win, json_string_value(json_object_get(n, "text")), -1,
		    UI_LEFT);
	}
	if (vl->req != 0 && y < getmaxy(win)) {
		wattrset(win, ui_attr(UI_STALE));
		wmove(win, y, 2);
		ui_put(win, _("Waiting for the server ..."), -1, UI_LEFT);
	}
	return 0;
}

static int
view_login_key(struct view_entry *ve, int key)
{
	struct view_login *vl = ve->data;

	if (key != UI_ESC)
		return 0;
	if (vl->req != 0) {
		client_cancel(ve->station->client, vl->req);
		vl->req = 0;
	}
	if (vl->switching)
		ve->closing = 1;
	else
		view_login_restart(ve);
	return 1;
}

static enum ui_role
view_login_hint(struct view_entry *ve, char *buf, size_t len)
{
	snprintf(buf, len, "%s", _("Enter the user name; Ctrl-C quits."));
	return UI_NORMAL;
}

const struct view view_login = {
	.name = "login",
	.title = N_("Login"),
	.keyhint = N_("Esc:again ^C:quit "),
	.keys = view_login_keys,
	.init = view_login_init,
	.free = view_login_free,
	.draw = view_login_draw,
	.key = view_login_key,
	.hint = view_login_hint,
};
