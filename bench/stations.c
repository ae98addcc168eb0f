/*
 * A thousand stations on one scadad. Each station is a real mirror_t
 * with its own command client, the station image scadatui keeps: hello,
 * the snapshot in pages, a SUB socket on every topic, resync on any gap. After some seconds of
 * live updates every mirror must be online and at the server's latest
 * sequence number; we count those that are not, and the server's memory
 * per station from its resident set before and after.
 *
 * The baseline is the same measurement for a bare libzmq server: one
 * process (this program with -B) holding a ROUTER and a PUB with the
 * high-water marks scadad uses, and the same number of REQ and SUB peers
 * (this program with -b), each REQ having made one request and each SUB
 * having received a heartbeat.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "i18n.h"
#include "log.h"
#include "mirror.h"
#include "msg.h"
#include "publisher.h"
#include "util.h"
#include "xmalloc.h"

#define STATIONS_HWM		100000	/* as scadad sets its ROUTER's */
#define STATIONS_TICK_US	100000
#define STATIONS_WRITE_US	20000
#define STATIONS_ONLINE_S	120
#define STATIONS_CATCHUP_US	5000000

struct stations_opts {
	const char	*endpoint;
	const char	*pub_endpoint;
	const char	*endpoints_file;
	pid_t		 pid;
	int		 n;
	int		 live_s;
};

struct stations_fleet {
	client_t	**c;
	mirror_t	**m;
	zmq_pollitem_t	 *items;
	int		 *owner;	/* items[i]: m[owner[i]], or a client */
	int		  n;
	long long	  next_tick;
};

static volatile sig_atomic_t stations_stop;

static void
stations_on_signal(int signo)
{
	stations_stop = 1;
}

/*
 * One round: take every reply and publication there is, tick them all
 * now and then. Owner -1 - i marks station i's command client.
 */
static void
stations_pump(struct stations_fleet *f, int timeout_ms)
{
	long long now;
	int i, k = 0;

	for (i = 0; i < f->n; i++) {
		f->items[k] = (zmq_pollitem_t){
		    zsock_resolve(client_sock(f->c[i])), 0, ZMQ_POLLIN, 0 };
		f->owner[k++] = -1 - i;
		if (mirror_sock(f->m[i]) == NULL)
			continue;
		f->items[k] = (zmq_pollitem_t){
		    zsock_resolve(mirror_sock(f->m[i])), 0, ZMQ_POLLIN, 0 };
		f->owner[k++] = i;
	}
	if (zmq_poll(f->items, k, timeout_ms) > 0)
		for (i = 0; i < k; i++) {
			if (!(f->items[i].revents & ZMQ_POLLIN))
				continue;
			if (f->owner[i] < 0)
				client_handle(f->c[-1 - f->owner[i]]);
			else
				mirror_handle(f->m[f->owner[i]]);
		}
	if ((now = util_now_us()) >= f->next_tick) {
		for (i = 0; i < f->n; i++) {
			client_tick(f->c[i]);
			mirror_tick(f->m[i]);
		}
		f->next_tick = now + STATIONS_TICK_US;
	}
}

static int
stations_online(struct stations_fleet *f)
{
	int i, online = 0;

	for (i = 0; i < f->n; i++)
		online += mirror_online(f->m[i]) != 0;
	return online;
}

/* Mirrors that are offline or behind seq. */
static int
stations_behind(struct stations_fleet *f, uint64_t seq)
{
	int i, behind = 0;

	for (i = 0; i < f->n; i++)
		if (!mirror_online(f->m[i]) || mirror_seq(f->m[i]) < seq)
			behind++;
	return behind;
}

static uint64_t
stations_server_seq(client_t *c)
{
	json_t *reply = client_callf(c, "{s:s}", "op", "hello");
	uint64_t seq = 0;

	if (msg_is_ok(reply))
		seq = (uint64_t)json_integer_value(json_object_get(reply,
		    "seq"));
	json_decref(reply);
	return seq;
}

/* Live updates on top of the plant's own: a setpoint, 50 times a second. */
static void
stations_write(client_t *c, long i)
{
	json_t *reply = client_callf(c, "{s:s, s:s, s:f}", "op", "write",
	    "tag", "tank1.temp_sp", "value", i % 2 ? 44.5 : 45.5);

	if (!msg_is_ok(reply))
		log_warnx("write tank1.temp_sp: %s", msg_error_message(reply));
	json_decref(reply);
}

static int
stations_fleet_new(struct stations_fleet *f, const char *endpoint, int n)
{
	int i;

	f->n = n;
	f->c = xcalloc((size_t)n, sizeof *f->c);
	f->m = xcalloc((size_t)n, sizeof *f->m);
	f->items = xcalloc(2 * (size_t)n, sizeof *f->items);
	f->owner = xcalloc(2 * (size_t)n, sizeof *f->owner);
	for (i = 0; i < n; i++) {
		if ((f->c[i] = client_new(endpoint, 0, 0)) == NULL) {
			fprintf(stderr, _("stations: cannot create station "
			    "%d of %d\n"), i + 1, n);
			return -1;
		}
		f->m[i] = mirror_new(f->c[i]);
	}
	return 0;
}

static void
stations_fleet_free(struct stations_fleet *f)
{
	int i;

	for (i = 0; f->m != NULL && i < f->n; i++) {
		mirror_destroy(&f->m[i]);
		client_destroy(&f->c[i]);
	}
	free(f->m);
	free(f->c);
	free(f->items);
	free(f->owner);
}

static unsigned
stations_resyncs(struct stations_fleet *f)
{
	unsigned total = 0;
	int i;

	for (i = 0; i < f->n; i++)
		if (mirror_resyncs(f->m[i]) > 1)
			total += mirror_resyncs(f->m[i]) - 1;
	return total;
}

static int
stations_scada(const struct stations_opts *o, double *per_station_kb)
{
	struct stations_fleet f = { 0 };
	client_t *c = client_new(o->endpoint, 2000, 2);
	long long t0, t_online, end, next_write = 0;
	long before, after, writes = 0, self_before;
	uint64_t seq0, seq;
	int behind = -1, online = 0, rc = -1;

	before = util_rss_kb(o->pid);
	self_before = util_rss_kb(0);
	t0 = util_now_us();
	if (c == NULL || stations_fleet_new(&f, o->endpoint, o->n) == -1)
		goto out;
	while (!stations_stop && (online = stations_online(&f)) < o->n &&
	    util_now_us() - t0 < STATIONS_ONLINE_S * 1000000LL)
		stations_pump(&f, 10);
	t_online = util_now_us();
	printf("stations: %d of %d online after %.1f s\n", online, o->n,
	    (double)(t_online - t0) / 1e6);
	fflush(stdout);
	seq0 = stations_server_seq(c);
	end = util_now_us() + o->live_s * 1000000LL;
	while (!stations_stop && util_now_us() < end) {
		if (util_now_us() >= next_write) {
			stations_write(c, writes++);
			next_write = util_now_us() + STATIONS_WRITE_US;
		}
		stations_pump(&f, 10);
	}
	/* The server's latest seq now; give the mirrors time to reach it. */
	seq = stations_server_seq(c);
	end = util_now_us() + STATIONS_CATCHUP_US;
	while (!stations_stop && (behind = stations_behind(&f, seq)) > 0 &&
	    util_now_us() < end)
		stations_pump(&f, 10);
	after = util_rss_kb(o->pid);
	*per_station_kb = (double)(after - before) / o->n;
	printf("stations: %d live s, %ld writes, %.0f updates/s to each "
	    "station, server seq %llu: %d of %d not current, %d offline, %u "
	    "resyncs after the first; scadad RSS %ld kB -> %ld kB; this "
	    "process %.1f kB per station\n", o->live_s, writes,
	    o->live_s > 0 ? (double)(seq - seq0) / o->live_s : 0,
	    (unsigned long long)seq, behind, o->n,
	    o->n - stations_online(&f), stations_resyncs(&f), before, after,
	    (double)(util_rss_kb(0) - self_before) / o->n);
	rc = behind == 0 ? 0 : 1;
out:
	stations_fleet_free(&f);
	client_destroy(&c);
	return rc;
}

/* The bare server: ROUTER and PUB, answers everything, beats once a second. */
static int
stations_bare_server(const struct stations_opts *o)
{
	zsock_t *router = zsock_new(ZMQ_ROUTER), *pub = zsock_new(ZMQ_PUB);
	char *cmd = NULL, *pubep = NULL, *text = NULL;
	long long next_beat = 0;
	zmsg_t *m;
	int rc = -1;

	if (router == NULL || pub == NULL)
		goto out;
	zsock_set_sndhwm(router, STATIONS_HWM);
	zsock_set_rcvhwm(router, STATIONS_HWM);
	zsock_set_sndhwm(pub, PUBLISHER_HWM);
	zsock_set_linger(router, 200);
	zsock_set_linger(pub, 200);
	if (zsock_bind(router, "tcp://127.0.0.1:*") == -1 ||
	    zsock_bind(pub, "tcp://127.0.0.1:*") == -1)
		goto out;
	cmd = zsock_last_endpoint(router);
	pubep = zsock_last_endpoint(pub);
	text = zsys_sprintf("command %s\npublish %s\n", cmd, pubep);
	if (text == NULL || util_write_file(o->endpoints_file, text) == -1)
		goto out;
	while (!stations_stop) {
		if (zsock_events(router) & ZMQ_POLLIN) {
			if ((m = zmsg_recv(router)) == NULL)
				continue;
			/* identity, delimiter, body: answer in kind. */
			zframe_reset(zmsg_last(m), "{\"ok\":true}", 11);
			zmsg_send(&m, router);
			continue;
		}
		if (util_now_us() >= next_beat) {
			zsock_send(pub, "ss", "hb", "{\"seq\":0}");
			next_beat = util_now_us() + 1000000;
		}
		zmq_poll(&(zmq_pollitem_t){ zsock_resolve(router), 0,
		    ZMQ_POLLIN, 0 }, 1, 100);
	}
	rc = 0;
out:
	zstr_free(&cmd);
	zstr_free(&pubep);
	zstr_free(&text);
	zsock_destroy(&router);
	zsock_destroy(&pub);
	return rc;
}

/* Bare peers: n REQ that made one request, n SUB that got a heartbeat. */
static int
stations_bare_peers(const struct stations_opts *o, double *per_station_kb)
{
	zsock_t **req = xcalloc((size_t)o->n, sizeof *req);
	zsock_t **sub = xcalloc((size_t)o->n, sizeof *sub);
	zmq_pollitem_t *items = xcalloc((size_t)o->n, sizeof *items);
	int *beat = xcalloc((size_t)o->n, sizeof *beat);
	long before = util_rss_kb(o->pid), after;
	long long deadline;
	int i, got = 0, rc = -1;
	char *s;

	for (i = 0; i < o->n; i++) {
		req[i] = zsock_new_req(o->endpoint);
		sub[i] = zsock_new(ZMQ_SUB);
		if (req[i] == NULL || sub[i] == NULL)
			goto out;
		zsock_set_rcvhwm(sub[i], 1000);
		zsock_set_subscribe(sub[i], "");
		zsock_connect(sub[i], "%s", o->pub_endpoint);
		zstr_send(req[i], "{\"v\":2,\"op\":\"hello\"}");
		if ((s = zstr_recv(req[i])) == NULL)
			goto out;
		zstr_free(&s);
		items[i] = (zmq_pollitem_t){ zsock_resolve(sub[i]), 0,
		    ZMQ_POLLIN, 0 };
	}
	deadline = util_now_us() + 10000000;
	while (got < o->n && util_now_us() < deadline) {
		if (zmq_poll(items, o->n, 100) <= 0)
			continue;
		for (i = 0; i < o->n; i++) {
			if (!(items[i].revents & ZMQ_POLLIN))
				continue;
			zstr_recvx(sub[i], &s, NULL);
			zstr_free(&s);
			if (!beat[i]) {
				beat[i] = 1;
				got++;
			}
		}
	}
	sleep((unsigned)o->live_s);
	after = util_rss_kb(o->pid);
	*per_station_kb = (double)(after - before) / o->n;
	printf("stations: bare zmq: %d of %d peers heard the heartbeat; "
	    "server RSS %ld kB -> %ld kB\n", got, o->n, before, after);
	rc = got == o->n ? 0 : 1;
out:
	for (i = 0; i < o->n; i++) {
		if (req != NULL)
			zsock_destroy(&req[i]);
		if (sub != NULL)
			zsock_destroy(&sub[i]);
	}
	free(req);
	free(sub);
	free(items);
	free(beat);
	return rc;
}

static void
stations_usage(void)
{
	fprintf(stderr, "%s", _("usage: stations -B -E endpoints-file\n"
	    "       stations [-b] -c endpoint -p pid [-P pub-endpoint] "
	    "[-n stations] [-s live-seconds]\n"));
	exit(2);
}

static void
stations_parse(int argc, char **argv, struct stations_opts *o, int *mode)
{
	int ch;

	while ((ch = getopt(argc, argv, "Bbc:E:n:P:p:s:")) != -1) {
		switch (ch) {
		case 'B':
		case 'b':
			*mode = ch;
			break;
		case 'c':
			o->endpoint = optarg;
			break;
		case 'E':
			o->endpoints_file = optarg;
			break;
		case 'n':
			o->n = (int)util_number(optarg, 1, 5000,
			    _("station count"));
			break;
		case 'P':
			o->pub_endpoint = optarg;
			break;
		case 'p':
			o->pid = (pid_t)util_number(optarg, 1, 1 << 30,
			    _("pid"));
			break;
		case 's':
			o->live_s = (int)util_number(optarg, 0, 3600,
			    _("seconds"));
			break;
		default:
			stations_usage();
		}
	}
	if (optind != argc || (*mode == 'B' && o->endpoints_file == NULL) ||
	    (*mode != 'B' && (o->endpoint == NULL || o->pid == 0)) ||
	    (*mode == 'b' && o->pub_endpoint == NULL))
		stations_usage();
}

int
main(int argc, char **argv)
{
	struct stations_opts o = { .n = 1000, .live_s = 10 };
	double kb = 0;
	int mode = 0, rc;

	i18n_init();
	xmalloc_init();
	log_init("stations", 0, 0);
	stations_parse(argc, argv, &o, &mode);
	/* Two sockets a station, each with its own descriptors. */
	util_raise_nofile(8L * o.n + 1024);
	zsys_set_max_sockets(0);
	zsys_handler_set(NULL);
	signal(SIGTERM, stations_on_signal);
	signal(SIGINT, stations_on_signal);
	if (mode == 'B')
		rc = stations_bare_server(&o);
	else if (mode == 'b')
		rc = stations_bare_peers(&o, &kb);
	else
		rc = stations_scada(&o, &kb);
	if (mode != 'B')
		/* Read by bench/run.sh, which prints the ratio. */
		printf("stations-kb %s %.1f\n", mode == 'b' ? "zmq" : "scada",
		    kb);
	zsys_shutdown();
	return rc == 0 ? 0 : 1;
}
