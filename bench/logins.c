/*
 * Logins: how many a second go through scadad (its PAM helper, one
 * process per conversation, the prompts relayed over the protocol),
 * against the same PAM service run in this process, which is what
 * libpam and pam_pwdfile cost by themselves. Then many stations log in
 * at once, and the server loop's health is watched meanwhile: the gaps
 * between its heartbeats and the round trip of a ping, against the same
 * figures at rest.
 *
 * The stations are DEALER sockets in this one thread, each claiming a
 * station name of its own (a plain link, as the project allows on
 * loopback); each logs in, answers the password prompt, and logs out.
 */
#include "config.h"

#include <security/pam_appl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include <jansson.h>

#include "i18n.h"
#include "log.h"
#include "msg.h"
#include "util.h"
#include "xmalloc.h"

#define LOGINS_SERVICE		"scada"
#define LOGINS_MAX_STATIONS	1000
#define LOGINS_PING_US		20000	/* a ping this often, at most */
#define LOGINS_REST_US		3000000
#define LOGINS_TIMEOUT_US	120000000

enum logins_state {
	LOGINS_IDLE,		/* a cycle to start */
	LOGINS_ASKED,		/* login sent: a prompt comes */
	LOGINS_ANSWERED,	/* password sent: a session comes */
	LOGINS_LEAVING,		/* logout sent */
	LOGINS_DONE,
	LOGINS_FAILED
};

struct logins_station {
	void			*sock;
	enum logins_state	 state;
	long			 cycles;	/* left to do */
	char			 name[32];
	char			*session;
};

/* What the server loop looked like while a run went on. */
struct logins_watch {
	void		*sub;		/* heartbeats */
	void		*ping;
	long long	 ping_sent;	/* 0: none out */
	long long	 last_hb;
	double		*gaps;		/* ms */
	size_t		 ngaps;
	size_t		 gcap;
	double		*rtts;		/* us */
	size_t		 nrtts;
	size_t		 rcap;
};

static const char *logins_user, *logins_password;
static long logins_rid;

/* The baseline's conversation: the password for every prompt. */
static int
logins_conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *arg)
{
	struct pam_response *r = calloc((size_t)n, sizeof *r);
	int i;

	if (r == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++)
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
		    msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			r[i].resp = strdup(logins_password);
	*resp = r;
	return PAM_SUCCESS;
}

/*
 * Logins a second through libpam in this process, or -1. The service's
 * relative paths are the project's, as for scadad's helper.
 */
static double
logins_pam(const char *project, long n)
{
	struct pam_conv conv = { logins_conv, NULL };
	long long t0;
	pam_handle_t *h;
	char confdir[1024];
	long i;
	int rc;

	snprintf(confdir, sizeof confdir, "%s/pam", project);
	if (chdir(project) == -1) {
		fprintf(stderr, "logins: %s: %s\n", project, strerror(errno));
		return -1;
	}
	t0 = util_now_us();
	for (i = 0; i < n; i++) {
		rc = pam_start_confdir(LOGINS_SERVICE, logins_user, &conv,
		    confdir, &h);
		if (rc == PAM_SUCCESS)
			rc = pam_authenticate(h, PAM_DISALLOW_NULL_AUTHTOK);
		if (rc == PAM_SUCCESS)
			rc = pam_acct_mgmt(h, 0);
		if (rc != PAM_SUCCESS) {
			fprintf(stderr, "logins: PAM in this process: %s\n",
			    pam_strerror(h, rc));
			pam_end(h, rc);
			return -1;
		}
		pam_end(h, rc);
	}
	return (double)n * 1e6 / (double)(util_now_us() - t0);
}

static void
logins_send(void *sock, json_t *body, const char *station)
{
	char rid[32], *text;

	snprintf(rid, sizeof rid, "b%ld", ++logins_rid);
	json_object_set_new(body, "v", json_integer(MSG_VERSION));
	json_object_set_new(body, "rid", json_string(rid));
	json_object_set_new(body, "station", json_string(station));
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	zmq_send(sock, "", 0, ZMQ_SNDMORE);
	zmq_send(sock, text, strlen(text), 0);
	free(text);
}

/* The reply waiting on sock (the last frame), a new reference or NULL. */
static json_t *
logins_recv(void *sock)
{
	zmq_msg_t m;
	json_t *o = NULL;
	int more;

	zmq_msg_init(&m);
	do {
		if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) == -1)
			break;
		more = zmq_msg_more(&m);
		if (!more)
			o = json_loadb(zmq_msg_data(&m), zmq_msg_size(&m), 0,
			    NULL);
	} while (more);
	zmq_msg_close(&m);
	return o;
}

static void
logins_begin(struct logins_station *s)
{
	if (s->cycles == 0) {
		s->state = LOGINS_DONE;
		return;
	}
	s->cycles--;
	logins_send(s->sock, json_pack("{s:s, s:s}", "op", "login", "user",
	    logins_user), s->name);
	s->state = LOGINS_ASKED;
}

/* The next step of a station's cycle, on the server's reply. */
static void
logins_step(struct logins_station *s, json_t *reply)
{
	json_t *prompts, *p, *answers;
	size_t i;

	if (reply == NULL || !json_is_true(json_object_get(reply, "ok"))) {
		char *text = reply != NULL ? json_dumps(reply, 0) : NULL;

		fprintf(stderr, "logins: %s: %s\n", s->name, text != NULL ?
		    text : "a reply that is not JSON");
		free(text);
		s->state = LOGINS_FAILED;
		return;
	}
	switch (s->state) {
	case LOGINS_ASKED:
		prompts = json_object_get(reply, "prompts");
		answers = json_array();
		json_array_foreach(prompts, i, p)
			if (strncmp(json_string_value(json_object_get(p,
			    "style")), "echo", 4) == 0)
				json_array_append_new(answers,
				    json_string(logins_password));
		logins_send(s->sock, json_pack("{s:s, s:O, s:o}", "op", "login",
		    "login", json_object_get(reply, "login"), "answers",
		    answers), s->name);
		s->state = LOGINS_ANSWERED;
		break;
	case LOGINS_ANSWERED:
		free(s->session);
		s->session = xstrdup(json_string_value(json_object_get(reply,
		    "session")));
		logins_send(s->sock, json_pack("{s:s, s:s}", "op", "logout",
		    "session", s->session), s->name);
		s->state = LOGINS_LEAVING;
		break;
	default:
		logins_begin(s);
	}
}

static void
logins_record(double **v, size_t *n, size_t *cap, double x)
{
	if (*n == *cap) {
		*cap = *cap == 0 ? 1024 : *cap * 2;
		*v = xreallocarray(*v, *cap, sizeof **v);
	}
	(*v)[(*n)++] = x;
}

static void
logins_watch_handle(struct logins_watch *w, short sub_ev, short ping_ev)
{
	long long now = util_now_us();
	json_t *o;
	zmq_msg_t m;

	if (sub_ev & ZMQ_POLLIN) {
		zmq_msg_init(&m);
		while (zmq_msg_recv(&m, w->sub, ZMQ_DONTWAIT) != -1)
			if (!zmq_msg_more(&m)) {
				if (w->last_hb > 0)
					logins_record(&w->gaps, &w->ngaps,
					    &w->gcap, (now - w->last_hb) / 1e3);
				w->last_hb = now;
			}
		zmq_msg_close(&m);
	}
	if (ping_ev & ZMQ_POLLIN && (o = logins_recv(w->ping)) != NULL) {
		logins_record(&w->rtts, &w->nrtts, &w->rcap,
		    (double)(now - w->ping_sent));
		w->ping_sent = 0;
		json_decref(o);
	}
	if (w->ping_sent == 0 || now - w->ping_sent > 5000000) {
		logins_send(w->ping, json_pack("{s:s}", "op", "ping"),
		    "bench-ping");
		w->ping_sent = now;
	}
}

/*
 * n stations, each doing cycles logins, watched until all are done and
 * at least min_us have passed. Returns the microseconds the logins took,
 * or -1 if one failed.
 */
static long long
logins_run(void *ctx, const char *endpoint, int n, long cycles,
    long long min_us, struct logins_watch *w)
{
	struct logins_station *st = xcalloc((size_t)n + 1, sizeof *st);
	zmq_pollitem_t *items = xcalloc((size_t)n + 2, sizeof *items);
	long long t0 = util_now_us(), t_end = 0, now;
	int i, busy, zero = 0, failed = 0;

	for (i = 0; i < n; i++) {
		st[i].sock = zmq_socket(ctx, ZMQ_DEALER);
		zmq_setsockopt(st[i].sock, ZMQ_LINGER, &zero, sizeof zero);
		zmq_connect(st[i].sock, endpoint);
		snprintf(st[i].name, sizeof st[i].name, "bench-%d", i);
		st[i].cycles = cycles;
		logins_begin(&st[i]);
	}
	for (;;) {
		for (i = busy = 0; i < n; i++) {
			items[i] = (zmq_pollitem_t){ st[i].sock, 0,
			    ZMQ_POLLIN, 0 };
			busy += st[i].state < LOGINS_DONE;
			failed += st[i].state == LOGINS_FAILED;
		}
		now = util_now_us();
		if (busy == 0 && t_end == 0)
			t_end = now;
		if ((busy == 0 && now - t0 >= min_us) || failed > 0 ||
		    now - t0 > LOGINS_TIMEOUT_US)
			break;
		items[n] = (zmq_pollitem_t){ w->sub, 0, ZMQ_POLLIN, 0 };
		items[n + 1] = (zmq_pollitem_t){ w->ping, 0, ZMQ_POLLIN, 0 };
		if (zmq_poll(items, n + 2, 5) == -1)
			break;
		for (i = 0; i < n; i++)
			if (items[i].revents & ZMQ_POLLIN) {
				json_t *reply = logins_recv(st[i].sock);

				logins_step(&st[i], reply);
				json_decref(reply);
			}
		logins_watch_handle(w, items[n].revents,
		    items[n + 1].revents);
	}
	for (i = 0; i < n; i++) {
		zmq_close(st[i].sock);
		free(st[i].session);
	}
	free(st);
	free(items);
	if (failed > 0 || t_end == 0)
		return -1;
	return t_end - t0;
}

static void
logins_watch_reset(struct logins_watch *w)
{
	w->ngaps = w->nrtts = 0;
}

static double
logins_max(const double *v, size_t n)
{
	double m = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

static void
logins_usage(void)
{
	fprintf(stderr, "%s", _("usage: logins -c command-endpoint -d "
	    "project-dir [-n logins] -P publish-endpoint\n"
	    "              [-s stations] -u user -w password\n"));
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *endpoint = NULL, *pub = NULL, *project = NULL;
	struct logins_watch w = { 0 };
	double pam_rate, rest_gap, rest_rtt, rest_rtt_max;
	long long seq_us, storm_us;
	long n = 200;
	int ch, nst = 100, zero = 0;
	void *ctx;

	i18n_init();
	xmalloc_init();
	log_init("logins", 0, 0);
	while ((ch = getopt(argc, argv, "c:d:n:P:s:u:w:")) != -1) {
		switch (ch) {
		case 'c':
			endpoint = optarg;
			break;
		case 'd':
			project = optarg;
			break;
		case 'n':
			n = util_number(optarg, 1, 100000, _("login count"));
			break;
		case 'P':
			pub = optarg;
			break;
		case 's':
			nst = (int)util_number(optarg, 1, LOGINS_MAX_STATIONS,
			    _("station count"));
			break;
		case 'u':
			logins_user = optarg;
			break;
		case 'w':
			logins_password = optarg;
			break;
		default:
			logins_usage();
		}
	}
	if (optind != argc || endpoint == NULL || pub == NULL ||
	    project == NULL || logins_user == NULL || logins_password == NULL)
		logins_usage();
	util_raise_nofile(8192);
	if ((pam_rate = logins_pam(project, n)) < 0)
		return 1;

	ctx = zmq_ctx_new();
	w.sub = zmq_socket(ctx, ZMQ_SUB);
	zmq_setsockopt(w.sub, ZMQ_LINGER, &zero, sizeof zero);
	zmq_setsockopt(w.sub, ZMQ_SUBSCRIBE, MSG_TOPIC_HEARTBEAT,
	    strlen(MSG_TOPIC_HEARTBEAT));
	zmq_connect(w.sub, pub);
	w.ping = zmq_socket(ctx, ZMQ_DEALER);
	zmq_setsockopt(w.ping, ZMQ_LINGER, &zero, sizeof zero);
	zmq_connect(w.ping, endpoint);

	/* At rest first: the heartbeat's own period and the ping's time. */
	logins_run(ctx, endpoint, 0, 0, LOGINS_REST_US, &w);
	rest_gap = logins_max(w.gaps, w.ngaps);
	rest_rtt = util_percentile(w.rtts, w.nrtts, 50);
	rest_rtt_max = logins_max(w.rtts, w.nrtts);
	logins_watch_reset(&w);
	if ((seq_us = logins_run(ctx, endpoint, 1, n, 0, &w)) < 0)
		return 1;
	logins_watch_reset(&w);
	w.last_hb = 0;
	if ((storm_us = logins_run(ctx, endpoint, nst, 1, 0, &w)) < 0)
		return 1;

	/* A fixed format, read by bench/run.sh: not translated. */
	printf("logins n=%ld: scadad %.0f/s one after another, pam in this "
	    "process %.0f/s (ratio %.2f)\n", n, n * 1e6 / seq_us, pam_rate,
	    n * 1e6 / seq_us / pam_rate);
	printf("logins stations=%d at once: all in and out after %.0f ms "
	    "(%.0f/s); heartbeat gaps max %.0f ms during, %.0f ms at rest "
	    "(ratio %.2f); ping median %.0f us max %.0f us during, median "
	    "%.0f us max %.0f us at rest\n", nst, storm_us / 1e3,
	    nst * 1e6 / storm_us, logins_max(w.gaps, w.ngaps), rest_gap,
	    rest_gap > 0 ? logins_max(w.gaps, w.ngaps) / rest_gap : 0,
	    util_percentile(w.rtts, w.nrtts, 50), logins_max(w.rtts,
	    w.nrtts), rest_rtt, rest_rtt_max);
	free(w.gaps);
	free(w.rtts);
	zmq_close(w.sub);
	zmq_close(w.ping);
	zmq_ctx_term(ctx);
	return 0;
}
