/*
 * login, logout, whoami, sessions, revoke. A login relays the PAM
 * conversation the server holds: prompts go to the terminal (secrets
 * without echo), or, when standard input is not a terminal, answers
 * are read from it a line each, for scripts. The session is kept for
 * the next commands in a file only its owner may read.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "i18n.h"
#include "msg.h"
#include "scadactl.h"
#include "value.h"
#include "xmalloc.h"

#define CMD_LOGIN_TIMEOUT_MS	10000	/* PAM may take its time */
#define CMD_LOGIN_ANSWER_MAX	1024

static int	cmd_login(struct ctl *, struct cmd_args *);
static int	cmd_logout(struct ctl *, struct cmd_args *);
static int	cmd_whoami(struct ctl *, struct cmd_args *);
static int	cmd_sessions(struct ctl *, struct cmd_args *);
static int	cmd_revoke(struct ctl *, struct cmd_args *);

const struct cmd_entry cmd_login_entry = {
	.name = "login",
	.flags = CMD_CLIENT,
	.args_min = 0,
	.args_max = 1,
	.usage = N_("login [user]"),
	.exec = cmd_login,
};

const struct cmd_entry cmd_logout_entry = {
	.name = "logout",
	.flags = CMD_CLIENT,
	.args_min = 0,
	.args_max = 0,
	.usage = N_("logout"),
	.exec = cmd_logout,
};

const struct cmd_entry cmd_whoami_entry = {
	.name = "whoami",
	.flags = CMD_CLIENT,
	.args_min = 0,
	.args_max = 0,
	.usage = N_("whoami"),
	.exec = cmd_whoami,
};

const struct cmd_entry cmd_sessions_entry = {
	.name = "sessions",
	.flags = CMD_CLIENT,
	.args_min = 0,
	.args_max = 0,
	.usage = N_("sessions"),
	.exec = cmd_sessions,
};

const struct cmd_entry cmd_revoke_entry = {
	.name = "revoke",
	.flags = CMD_CLIENT,
	.args_min = 1,
	.args_max = 1,
	.usage = N_("revoke session-id"),
	.exec = cmd_revoke,
};

/* One line from f, without its newline; -1 at its end. */
static int
cmd_login_line(FILE *f, char *buf, size_t len)
{
	if (fgets(buf, (int)len, f) == NULL)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

/* Asks on the terminal, without echo for a secret. */
static int
cmd_login_ask(FILE *tty, const char *text, int echo, char *buf, size_t len)
{
	struct termios old, quiet;
	int restore = 0, rc;

	fputs(text, tty);
	fflush(tty);
	if (!echo && tcgetattr(fileno(tty), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		restore = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
	}
	rc = cmd_login_line(tty, buf, len);
	if (restore) {
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
		fputc('\n', tty);
	}
	return rc;
}

/* Texts that need no answer: on the terminal, or stderr for a script. */
static void
cmd_login_say(FILE *out, json_t *messages)
{
	size_t i;
	json_t *m;

	json_array_foreach(messages, i, m)
		fprintf(out, "%s\n", json_string_value(json_object_get(m,
		    "text")));
}

/* The answers to one round of prompts; NULL if input ended. */
static json_t *
cmd_login_answers(FILE *tty, json_t *prompts)
{
	json_t *answers = json_array(), *p;
	char buf[CMD_LOGIN_ANSWER_MAX];
	const char *style, *text;
	size_t i;
	int rc;

	json_array_foreach(prompts, i, p) {
		style = json_string_value(json_object_get(p, "style"));
		text = json_string_value(json_object_get(p, "text"));
		if (style == NULL || strncmp(style, "echo", 4) != 0) {
			fprintf(tty != NULL ? tty : stderr, "%s\n",
			    text != NULL ? text : "");
			continue;
		}
		rc = tty != NULL ? cmd_login_ask(tty, text != NULL ? text : "",
		    strcmp(style, "echo_on") == 0, buf, sizeof buf) :
		    cmd_login_line(stdin, buf, sizeof buf);
		if (rc == -1) {
			json_decref(answers);
			return NULL;
		}
		json_array_append_new(answers, json_string(buf));
		explicit_bzero(buf, sizeof buf);
	}
	return answers;
}

static void
cmd_login_wipe(json_t *answers)
{
	size_t i;
	json_t *a;

	json_array_foreach(answers, i, a)
		explicit_bzero((char *)json_string_value(a),
		    json_string_length(a));
	json_decref(answers);
}

static json_t *
cmd_login_round(struct ctl *ctl, json_t *req)
{
	json_t *reply = client_call_timeout(ctl->client, req,
	    CMD_LOGIN_TIMEOUT_MS, 0);

	json_decref(req);
	return reply;
}

/* The session this one replaces ends on the server too. */
static void
cmd_login_end_old(struct ctl *ctl, const char *old)
{
	json_t *reply;

	client_set_session(ctl->client, old);
	reply = client_callf(ctl->client, "{s:s}", "op", "logout");
	json_decref(reply);
}

static int
cmd_login_done(struct ctl *ctl, json_t *reply, FILE *tty, const char *old)
{
	const char *token = json_string_value(json_object_get(reply,
	    "session"));

	cmd_login_say(tty != NULL ? tty : stderr, json_object_get(reply,
	    "messages"));
	if (token == NULL)
		return ctl_error(ERROR_INTERNAL, NULL, "%s",
		    _("malformed reply from server: no session"));
	if (old != NULL)
		cmd_login_end_old(ctl, old);
	client_set_session(ctl->client, token);
	if (ctl_session_save(ctl, token) == -1)
		return 1;
	if (ctl->json)
		ctl_print_json(reply);
	else
		printf(_("logged in as %s on station %s (session %s)\n"),
		    json_string_value(json_object_get(reply, "user")),
		    json_string_value(json_object_get(reply, "station")),
		    json_string_value(json_object_get(reply, "id")));
	return 0;
}

static int
cmd_login(struct ctl *ctl, struct cmd_args *args)
{
	const char *user = args->argc > 0 ? args->argv[0] : getenv("USER");
	FILE *tty = isatty(STDIN_FILENO) ? fopen("/dev/tty", "r+") : NULL;
	json_t *reply, *answers;
	char id[64], *old = NULL;
	int rc;

	if (user == NULL || *user == '\0')
		return ctl_error(ERROR_BAD_REQUEST, NULL, "%s",
		    _("login: no user given and $USER is not set"));
	if (ctl->session_kept && client_session(ctl->client) != NULL)
		old = xstrdup(client_session(ctl->client));
	client_set_session(ctl->client, NULL);
	reply = cmd_login_round(ctl, json_pack("{s:s, s:s}", "op", "login",
	    "user", user));
	while (msg_is_ok(reply) && strcmp(json_string_value(json_object_get(
	    reply, "state")) != NULL ? json_string_value(json_object_get(reply,
	    "state")) : "", "prompt") == 0) {
		cmd_login_say(tty != NULL ? tty : stderr,
		    json_object_get(reply, "messages"));
		snprintf(id, sizeof id, "%s", json_string_value(
		    json_object_get(reply, "login")));
		answers = cmd_login_answers(tty, json_object_get(reply,
		    "prompts"));
		json_decref(reply);
		if (answers == NULL) {
			reply = cmd_login_round(ctl, json_pack("{s:s, s:s, s:b}",
			    "op", "login", "login", id, "cancel", 1));
			json_decref(reply);
			rc = ctl_error(ERROR_AUTH_FAILED, NULL, "%s",
			    _("login cancelled: no answer to a prompt"));
			goto out;
		}
		reply = cmd_login_round(ctl, json_pack("{s:s, s:s, s:O}", "op",
		    "login", "login", id, "answers", answers));
		cmd_login_wipe(answers);
	}
	if (!msg_is_ok(reply)) {
		cmd_login_say(tty != NULL ? tty : stderr,
		    json_object_get(reply, "messages"));
		rc = ctl_fail(reply);
	} else
		rc = cmd_login_done(ctl, reply, tty, old);
	json_decref(reply);
out:
	if (old != NULL) {
		explicit_bzero(old, strlen(old));
		free(old);
	}
	if (tty != NULL)
		fclose(tty);
	return rc;
}

static int
cmd_logout(struct ctl *ctl, struct cmd_args *args)
{
	json_t *reply = ctl_call(ctl, "{s:s}", "op", "logout");

	/*
	 * The kept one is gone from here whatever the server says: it is of
	 * no more use. One from $SCADA_SESSION leaves the file alone.
	 */
	if (ctl->session_kept)
		ctl_session_forget(ctl);
	return ctl_done(reply);
}

static void
cmd_whoami_rights(json_t *rights)
{
	json_t *g, *v;
	size_t i, k;

	json_array_foreach(rights, i, g) {
		printf("  ");
		json_array_foreach(json_object_get(g, "functions"), k, v)
			printf("%s%s", k > 0 ? " " : "", json_string_value(v));
		printf(_(" in"));
		json_array_foreach(json_object_get(g, "areas"), k, v)
			printf(" %s", json_string_value(v));
		putchar('\n');
	}
	if (json_array_size(rights) == 0)
		printf("  %s\n", _("(nothing)"));
}

static int
cmd_whoami(struct ctl *ctl, struct cmd_args *args)
{
	json_t *reply = ctl_call(ctl, "{s:s}", "op", "whoami");
	const char *user, *station;
	int rc = 0;

	if (!msg_is_ok(reply))
		rc = ctl_fail(reply);
	else if (ctl->json)
		ctl_print_json(reply);
	else {
		user = json_string_value(json_object_get(reply, "user"));
		station = json_string_value(json_object_get(reply, "station"));
		if (!json_is_true(json_object_get(reply, "login")))
			printf("%s\n", _("this server asks for no login"));
		else if (user != NULL)
			printf(_("%s on station %s\n"), user,
			    station != NULL ? station : "?");
		else
			printf(_("not logged in (station %s)\n"),
			    station != NULL ? station : _("unnamed"));
		printf("%s\n", _("may:"));
		cmd_whoami_rights(json_object_get(reply, "rights"));
	}
	json_decref(reply);
	return rc;
}

static int
cmd_sessions(struct ctl *ctl, struct cmd_args *args)
{
	json_t *reply = ctl_call(ctl, "{s:s}", "op", "sessions"), *s;
	char since[64], idle[32];
	table_t *t;
	size_t i;
	int rc = 0;

	if (!msg_is_ok(reply)) {
		rc = ctl_fail(reply);
		json_decref(reply);
		return rc;
	}
	t = table_new(5);
	if (!ctl->json)
		table_add(t, _("ID"), _("USER"), _("STATION"), _("SINCE"),
		    _("IDLE S"));
	table_align(t, 4, TABLE_RIGHT);
	json_array_foreach(json_object_get(reply, "sessions"), i, s) {
		if (ctl->json) {
			ctl_print_json(s);
			continue;
		}
		value_time(json_integer_value(json_object_get(s, "since")),
		    VALUE_TIME_DATE, since, sizeof since);
		snprintf(idle, sizeof idle, "%lld", (long long)
		    json_integer_value(json_object_get(s, "idle_s")));
		table_add(t, json_string_value(json_object_get(s, "id")),
		    json_string_value(json_object_get(s, "user")),
		    json_string_value(json_object_get(s, "station")), since,
		    idle);
	}
	table_print(t, stdout);
	table_destroy(&t);
	json_decref(reply);
	return rc;
}

static int
cmd_revoke(struct ctl *ctl, struct cmd_args *args)
{
	json_t *reply = ctl_call(ctl, "{s:s, s:s}", "op", "revoke", "id",
	    args->argv[0]);
	int rc = 0;

	if (!msg_is_ok(reply))
		rc = ctl_fail(reply);
	else if (ctl->json)
		ctl_print_json(reply);
	json_decref(reply);
	return rc;
}
