/*
 * The helper process. Its parent side relays between scadad and the
 * children; a child runs one PAM transaction: pam_authenticate, then
 * pam_acct_mgmt, and pam_chauthtok if the account says its password
 * must change. Every prompt PAM makes goes to scadad as it comes and
 * the child waits for the answer; info and error texts go along
 * without waiting. PAM's own delay after a failure is replaced by
 * nothing: scadad throttles failures itself, per user and station,
 * without stopping anyone else's login.
 *
 * Messages, scadad to the helper:
 *   {"op":"start","id":N,"service":S,"dir":D,"user":U,"station":T}
 *   {"op":"answer","id":N,"answers":["..."]}
 *   {"op":"abort","id":N}
 * and back:
 *   {"op":"prompt","id":N,"messages":[{"style":...,"text":...}]}
 *   {"op":"info","id":N,"messages":[...]}
 *   {"op":"done","id":N,"ok":true,"user":U,"groups":[...]}
 *   {"op":"done","id":N,"ok":false,"error":E,"message":M}
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <jansson.h>
#include <poll.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "authd.h"
#include "error.h"
#include "log.h"

#define AUTHD_CHILD_TIMEOUT_S	3700	/* beyond any login_timeout_s */
#define AUTHD_NICE		10	/* a login's priority below the loop's */
#define AUTHD_GROUPS_MAX	256

struct authd_child {
	json_int_t	 id;
	pid_t		 pid;
	int		 fd;
};

struct authd_conv {
	int		 fd;
	json_int_t	 id;
};

static int
authd_send(int fd, json_t *o)
{
	char *text = json_dumps(o, JSON_COMPACT);
	ssize_t n;

	if (text == NULL)
		return -1;
	n = send(fd, text, strlen(text), MSG_NOSIGNAL);
	explicit_bzero(text, strlen(text));
	free(text);
	return n < 0 ? -1 : 0;
}

/* One message; NULL at the end of the link or on a bad one. */
static json_t *
authd_recv(int fd)
{
	static char buf[AUTHD_MSG_MAX + 1];
	ssize_t n;
	json_t *o;

	do
		n = recv(fd, buf, AUTHD_MSG_MAX, 0);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	o = json_loads(buf, 0, NULL);
	explicit_bzero(buf, (size_t)n);
	return o;
}

static const char *
authd_style(int style)
{
	switch (style) {
	case PAM_PROMPT_ECHO_OFF:
		return "echo_off";
	case PAM_PROMPT_ECHO_ON:
		return "echo_on";
	case PAM_ERROR_MSG:
		return "error";
	default:
		return "info";
	}
}

static int
authd_is_prompt(int style)
{
	return style == PAM_PROMPT_ECHO_OFF || style == PAM_PROMPT_ECHO_ON;
}

static void
authd_free_replies(struct pam_response *r, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (r[i].resp != NULL) {
			explicit_bzero(r[i].resp, strlen(r[i].resp));
			free(r[i].resp);
		}
	free(r);
}

/* The answers of scadad's user, one per prompt, in order. */
static int
authd_answers(struct authd_conv *c, int n, const struct pam_message **msg,
    struct pam_response *r)
{
	json_t *a = authd_recv(c->fd), *answers;
	size_t k = 0;
	int i;

	answers = json_object_get(a, "answers");
	if (a == NULL || !json_is_array(answers)) {
		json_decref(a);
		return PAM_CONV_ERR;
	}
	for (i = 0; i < n; i++) {
		if (!authd_is_prompt(msg[i]->msg_style))
			continue;
		if (!json_is_string(json_array_get(answers, k))) {
			json_decref(a);
			return PAM_CONV_ERR;
		}
		r[i].resp = strdup(json_string_value(json_array_get(answers,
		    k++)));
		if (r[i].resp == NULL) {
			json_decref(a);
			return PAM_BUF_ERR;
		}
	}
	/* The answers held secrets: wipe them before letting go. */
	for (k = 0; k < json_array_size(answers); k++)
		if (json_is_string(json_array_get(answers, k)))
			explicit_bzero((char *)json_string_value(
			    json_array_get(answers, k)),
			    json_string_length(json_array_get(answers, k)));
	json_decref(a);
	return PAM_SUCCESS;
}

static int
authd_conversation(int n, const struct pam_message **msg,
    struct pam_response **resp, void *arg)
{
	struct authd_conv *c = arg;
	struct pam_response *r;
	json_t *list = json_array(), *o;
	int i, prompts = 0, rc;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	if ((r = calloc((size_t)n, sizeof *r)) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		prompts += authd_is_prompt(msg[i]->msg_style);
		json_array_append_new(list, json_pack("{s:s, s:s}", "style",
		    authd_style(msg[i]->msg_style), "text",
		    msg[i]->msg != NULL ? msg[i]->msg : ""));
	}
	o = json_pack("{s:s, s:I, s:o}", "op", prompts > 0 ? "prompt" :
	    "info", "id", c->id, "messages", list);
	rc = authd_send(c->fd, o) == 0 ? PAM_SUCCESS : PAM_CONV_ERR;
	json_decref(o);
	if (rc == PAM_SUCCESS && prompts > 0)
		rc = authd_answers(c, n, msg, r);
	if (rc != PAM_SUCCESS) {
		authd_free_replies(r, n);
		return rc;
	}
	*resp = r;
	return PAM_SUCCESS;
}

/* PAM's delay after a failure: none; scadad throttles. */
static void
authd_no_delay(int status, unsigned delay, void *arg)
{
}

/* The user's Unix groups, as the rights of [group] sections need. */
static json_t *
authd_groups(const char *user)
{
	json_t *list = json_array();
	gid_t gids[AUTHD_GROUPS_MAX];
	int n = AUTHD_GROUPS_MAX, i;
	struct passwd *pw;
	struct group *gr;

	if ((pw = getpwnam(user)) == NULL ||
	    getgrouplist(user, pw->pw_gid, gids, &n) == -1)
		return list;
	for (i = 0; i < n; i++)
		if ((gr = getgrgid(gids[i])) != NULL)
			json_array_append_new(list, json_string(gr->gr_name));
	return list;
}

/* Where a PAM transaction failed: what the failure means differs. */
enum authd_phase {
	AUTHD_AUTH,
	AUTHD_ACCOUNT,
	AUTHD_PASSWORD
};

/* What went wrong, as an error of the protocol and a message. */
static json_t *
authd_failure(json_int_t id, pam_handle_t *pamh, int rc,
    enum authd_phase phase)
{
	enum error_code code = ERROR_AUTH_FAILED;
	const char *message = "login incorrect";
	int in_account = phase == AUTHD_ACCOUNT;
	char text[256];

	if (phase == AUTHD_PASSWORD && rc != PAM_CONV_ERR) {
		snprintf(text, sizeof text, "the password must be changed, "
		    "and was not: %s", pam_strerror(pamh, rc));
		return json_pack("{s:s, s:I, s:b, s:s, s:s}", "op", "done",
		    "id", id, "ok", 0, "error", error_name(ERROR_ACCOUNT),
		    "message", text);
	}
	switch (rc) {
	case PAM_AUTH_ERR:
	case PAM_USER_UNKNOWN:
	case PAM_CRED_INSUFFICIENT:
	case PAM_MAXTRIES:
		/* An unknown user reads as a wrong password: no hints. */
		if (in_account) {
			code = ERROR_ACCOUNT;
			message = "this account may not log in now";
		}
		break;
	case PAM_ACCT_EXPIRED:
		code = ERROR_ACCOUNT;
		message = "account expired";
		break;
	case PAM_PERM_DENIED:
		code = ERROR_ACCOUNT;
		message = "this account may not log in now";
		break;
	case PAM_AUTHTOK_ERR:
	case PAM_AUTHTOK_RECOVERY_ERR:
	case PAM_AUTHTOK_LOCK_BUSY:
	case PAM_TRY_AGAIN:
		code = ERROR_ACCOUNT;
		snprintf(text, sizeof text, "password not changed: %s",
		    pam_strerror(pamh, rc));
		message = text;
		break;
	case PAM_CONV_ERR:
		message = "the login conversation ended";
		break;
	default:
		code = ERROR_INTERNAL;
		snprintf(text, sizeof text, "PAM: %s", pam_strerror(pamh, rc));
		message = text;
		break;
	}
	return json_pack("{s:s, s:I, s:b, s:s, s:s}", "op", "done", "id", id,
	    "ok", 0, "error", error_name(code), "message", message);
}

/*
 * What PAM modules may check: the station's address as the remote host
 * (numeric: a station name is no DNS name, and a lookup of one can stall
 * a login for seconds where no DNS answers), the station's name in the
 * PAM environment as SCADA_STATION.
 */
static void
authd_items(pam_handle_t *pamh, json_t *start)
{
	const char *rhost = json_string_value(json_object_get(start, "rhost"));
	const char *station = json_string_value(json_object_get(start,
	    "station"));
	char env[256];

	if (rhost != NULL && *rhost != '\0')
		pam_set_item(pamh, PAM_RHOST, rhost);
	if (station != NULL) {
		snprintf(env, sizeof env, "SCADA_STATION=%s", station);
		pam_putenv(pamh, env);
	}
}

/* One login, in its own process; never returns. */
static void __attribute__((noreturn))
authd_child(int fd, json_t *start)
{
	struct authd_conv c = { fd, json_integer_value(json_object_get(start,
	    "id")) };
	struct pam_conv conv = { authd_conversation, &c };
	const char *dir = json_string_value(json_object_get(start, "dir"));
	const void *item;
	enum authd_phase phase = AUTHD_AUTH;
	pam_handle_t *pamh = NULL;
	json_t *done;
	int rc;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGTERM, SIG_DFL);
	/*
	 * Hashing a password costs milliseconds of CPU: a hundred stations
	 * logging in at once must not take the CPU from the server loop and
	 * the drivers, which run at the normal priority.
	 */
	setpriority(PRIO_PROCESS, 0, AUTHD_NICE);
	alarm(AUTHD_CHILD_TIMEOUT_S);
	rc = pam_start_confdir(json_string_value(json_object_get(start,
	    "service")), json_string_value(json_object_get(start, "user")),
	    &conv, dir != NULL && *dir != '\0' ? dir : NULL, &pamh);
	if (rc == PAM_SUCCESS) {
		authd_items(pamh, start);
		pam_set_item(pamh, PAM_TTY, "scada");
		pam_set_item(pamh, PAM_FAIL_DELAY, (const void *)authd_no_delay);
		rc = pam_authenticate(pamh, PAM_DISALLOW_NULL_AUTHTOK);
	}
	if (rc == PAM_SUCCESS) {
		phase = AUTHD_ACCOUNT;
		rc = pam_acct_mgmt(pamh, PAM_DISALLOW_NULL_AUTHTOK);
		if (rc == PAM_NEW_AUTHTOK_REQD) {
			phase = AUTHD_PASSWORD;
			rc = pam_chauthtok(pamh, PAM_CHANGE_EXPIRED_AUTHTOK);
		}
	}
	if (rc == PAM_SUCCESS && pam_get_item(pamh, PAM_USER, &item) ==
	    PAM_SUCCESS && item != NULL)
		done = json_pack("{s:s, s:I, s:b, s:s, s:o}", "op", "done",
		    "id", c.id, "ok", 1, "user", (const char *)item, "groups",
		    authd_groups(item));
	else
		done = authd_failure(c.id, pamh, rc == PAM_SUCCESS ?
		    PAM_SYSTEM_ERR : rc, phase);
	authd_send(fd, done);
	json_decref(done);
	if (pamh != NULL)
		pam_end(pamh, rc);
	_exit(0);
}

static struct authd_child *
authd_find(struct authd_child *kids, json_int_t id)
{
	int i;

	for (i = 0; i < AUTHD_LOGINS_MAX; i++)
		if (kids[i].pid > 0 && kids[i].id == id)
			return &kids[i];
	return NULL;
}

static void
authd_reap(struct authd_child *k)
{
	if (k->pid <= 0)
		return;
	kill(k->pid, SIGKILL);
	waitpid(k->pid, NULL, 0);
	close(k->fd);
	k->pid = 0;
	k->fd = -1;
}

static void
authd_refuse(int fd, json_int_t id, const char *why)
{
	json_t *o = json_pack("{s:s, s:I, s:b, s:s, s:s}", "op", "done", "id",
	    id, "ok", 0, "error", error_name(ERROR_BUSY), "message", why);

	authd_send(fd, o);
	json_decref(o);
}

static void
authd_start(int fd, struct authd_child *kids, json_t *o)
{
	json_int_t id = json_integer_value(json_object_get(o, "id"));
	struct authd_child *k;
	int sv[2], i;
	pid_t pid;

	for (i = 0, k = NULL; i < AUTHD_LOGINS_MAX && k == NULL; i++)
		if (kids[i].pid <= 0)
			k = &kids[i];
	if (k == NULL) {
		authd_refuse(fd, id, "too many logins at once; try again");
		return;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1 ||
	    (pid = fork()) == -1) {
		authd_refuse(fd, id, "the login helper cannot start a login");
		return;
	}
	if (pid == 0) {
		close(fd);
		close(sv[0]);
		for (i = 0; i < AUTHD_LOGINS_MAX; i++)
			if (kids[i].pid > 0)
				close(kids[i].fd);
		authd_child(sv[1], o);
	}
	close(sv[1]);
	k->id = id;
	k->pid = pid;
	k->fd = sv[0];
}

/* A message from scadad; -1 when scadad has gone. */
static int
authd_from_server(int fd, struct authd_child *kids)
{
	json_t *o = authd_recv(fd);
	const char *op = json_string_value(json_object_get(o, "op"));
	struct authd_child *k;

	if (o == NULL)
		return -1;
	k = authd_find(kids, json_integer_value(json_object_get(o, "id")));
	if (op != NULL && strcmp(op, "start") == 0 && k == NULL)
		authd_start(fd, kids, o);
	else if (op != NULL && strcmp(op, "answer") == 0 && k != NULL) {
		if (authd_send(k->fd, o) == -1)
			authd_reap(k);
	} else if (op != NULL && strcmp(op, "abort") == 0 && k != NULL)
		authd_reap(k);
	json_decref(o);
	return 0;
}

static void
authd_from_child(int fd, struct authd_child *k)
{
	json_t *o = authd_recv(k->fd);

	if (o == NULL) {
		authd_reap(k);
		return;
	}
	json_object_set_new(o, "id", json_integer(k->id));
	authd_send(fd, o);
	json_decref(o);
}

/* scadad has gone (PR_SET_PDEATHSIG) or we are told to end. */
static volatile sig_atomic_t authd_ending;

static void
authd_on_term(int sig)
{
	authd_ending = 1;
}

static void __attribute__((noreturn))
authd_main(int fd, const char *pidfile)
{
	struct authd_child kids[AUTHD_LOGINS_MAX];
	struct pollfd pfd[AUTHD_LOGINS_MAX + 1];
	int i, n, map[AUTHD_LOGINS_MAX + 1];

	memset(kids, 0, sizeof kids);
	/* Ends with scadad, whatever way scadad ends. */
	/* Caught, not fatal: the PID file a dropped scadad cannot remove. */
	signal(SIGTERM, authd_on_term);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		authd_ending = 1;	/* scadad went before the line above */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	while (!authd_ending) {
		pfd[0].fd = fd;
		pfd[0].events = POLLIN;
		for (i = 0, n = 1; i < AUTHD_LOGINS_MAX; i++)
			if (kids[i].pid > 0) {
				pfd[n].fd = kids[i].fd;
				pfd[n].events = POLLIN;
				map[n++] = i;
			}
		if (poll(pfd, (nfds_t)n, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    authd_from_server(fd, kids) == -1)
			break;
		for (i = 1; i < n; i++)
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				authd_from_child(fd, &kids[map[i]]);
	}
	for (i = 0; i < AUTHD_LOGINS_MAX; i++)
		authd_reap(&kids[i]);
	/* scadad may have dropped the rights to remove it. */
	if (pidfile != NULL)
		unlink(pidfile);
	_exit(0);
}

/*
 * Forks the helper, which works in dir (the project's, so relative
 * paths in its PAM service resolve there). Returns scadad's end of the
 * link, or -1. Call before any thread or ZeroMQ socket exists.
 */
int
authd_spawn(const char *dir, const char *pidfile)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		log_err("login helper: socketpair");
		return -1;
	}
	if ((pid = fork()) == -1) {
		log_err("login helper: fork");
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		/*
		 * Nothing of scadad's but the link: no socket, no pid file
		 * lock, no pipe a detaching parent waits on.
		 */
		if (dup2(sv[1], 3) == -1)
			_exit(1);
		close_range(4, ~0U, 0);
		if (dir != NULL && chdir(dir) == -1)
			log_warn("login helper: chdir %s", dir);
		authd_main(3, pidfile);
	}
	close(sv[1]);
	return sv[0];
}
