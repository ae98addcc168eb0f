/*
 * End-to-end latency: station A writes tank1.level_sp through scadad to
 * the simulated PLC, station B (a mirror, as scadatui keeps one) sees
 * the new value arrive. Both stations live in this process so one clock
 * times both ends: from the moment A sends the write to the moment B's
 * mirror applies the matching update.
 *
 * Baselines, measured in the same run: the bare Modbus part of the path
 * (write the register, read it back, as scadad's driver does) against
 * the same simulator, and a bare ZeroMQ REQ/REP round trip of a message
 * the size of the write request.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <modbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "i18n.h"
#include "keys.h"
#include "log.h"
#include "mirror.h"
#include "msg.h"
#include "util.h"

#define LATENCY_TAG		"tank1.level_sp"
#define LATENCY_REGISTER	0	/* holding register of the setpoint */
#define LATENCY_WARMUP		20
#define LATENCY_TIMEOUT_MS	3000
#define LATENCY_TICK_US		50000

/* -k and -K: both stations speak CurveZMQ with this key, as scadatui would. */
static struct keys latency_keys;

static client_t *
latency_client(const char *endpoint, int timeout_ms, int retries)
{
	client_t *c = client_new(endpoint, timeout_ms, retries);

	if (c != NULL && latency_keys.mine != NULL)
		client_set_keys(c, &latency_keys);
	return c;
}

struct latency_stats {
	double	median;
	double	p99;
	double	max;
	long	count;
};

/* Station B's handler: report every update of the tag, with its time. */
static void
latency_on_update(void *arg, const struct mirror_tag *t)
{
	zsock_t *pipe = arg;
	char value[64], when[32];

	if (t == NULL)
		return;		/* online state: the loop reports it */
	if (strcmp(t->name, LATENCY_TAG) != 0 || t->tv.quality != QUALITY_GOOD)
		return;
	snprintf(value, sizeof value, "%.17g", t->tv.value);
	snprintf(when, sizeof when, "%lld", util_now_us());
	zstr_sendx(pipe, "UPDATE", value, when, NULL);
}

/*
 * Station B: a mirror in a thread of its own, waiting on its pipe, its
 * command client and its SUB socket together, as scadatui does.
 */
static void
latency_station(zsock_t *pipe, void *arg)
{
	client_t *c = latency_client(arg, 0, 0);
	mirror_t *m = c != NULL ? mirror_new(c) : NULL;
	zmq_pollitem_t items[3];
	long long next_tick = 0, now;
	int n, online = 0;

	zsock_signal(pipe, m != NULL ? 0 : 1);
	if (m == NULL)
		return;
	mirror_set_handler(m, latency_on_update, pipe);
	for (;;) {
		items[0] = (zmq_pollitem_t){ zsock_resolve(pipe), 0,
		    ZMQ_POLLIN, 0 };
		items[1] = (zmq_pollitem_t){ zsock_resolve(client_sock(c)), 0,
		    ZMQ_POLLIN, 0 };
		n = 2;
		if (mirror_sock(m) != NULL)
			items[n++] = (zmq_pollitem_t){
			    zsock_resolve(mirror_sock(m)), 0, ZMQ_POLLIN, 0 };
		if (zmq_poll(items, n, 20) == -1)
			break;
		if (items[0].revents & ZMQ_POLLIN)
			break;		/* $TERM */
		if (items[1].revents & ZMQ_POLLIN)
			client_handle(c);
		if (n > 2 && (items[2].revents & ZMQ_POLLIN))
			mirror_handle(m);
		if ((now = util_now_us()) >= next_tick) {
			client_tick(c);
			mirror_tick(m);
			next_tick = now + LATENCY_TICK_US;
		}
		if (mirror_online(m) != online) {
			online = mirror_online(m);
			zstr_sendx(pipe, online ? "ONLINE" : "OFFLINE", NULL);
		}
	}
	mirror_destroy(&m);
	client_destroy(&c);
}

static void
latency_stats(double *v, long n, struct latency_stats *s)
{
	s->count = n;
	s->median = util_percentile(v, (size_t)n, 50);
	s->p99 = util_percentile(v, (size_t)n, 99);
	s->max = n > 0 ? v[n - 1] : 0;
}

/* Waits for station B to show value v; returns its arrival time or -1. */
static long long
latency_await(zactor_t *station, double v)
{
	zpoller_t *p = zpoller_new(station, NULL);
	long long deadline = util_now_us() + LATENCY_TIMEOUT_MS * 1000LL;
	long long when = -1, now;
	char *kind, *value, *at;

	while (when == -1 && (now = util_now_us()) < deadline) {
		if (zpoller_wait(p, (int)((deadline - now) / 1000) + 1) == NULL)
			continue;
		if (zstr_recvx(station, &kind, &value, &at, NULL) == -1)
			break;
		if (kind != NULL && strcmp(kind, "UPDATE") == 0 &&
		    value != NULL && at != NULL &&
		    fabs(strtod(value, NULL) - v) < 0.004)
			when = strtoll(at, NULL, 10);
		zstr_free(&kind);
		zstr_free(&value);
		zstr_free(&at);
	}
	zpoller_destroy(&p);
	return when;
}

static int
latency_wait_online(zactor_t *station)
{
	zpoller_t *p = zpoller_new(station, NULL);
	char *kind = NULL;
	int online = 0, k;

	for (k = 0; k < 100 && !online; k++) {
		if (zpoller_wait(p, 100) == NULL)
			continue;
		kind = zstr_recv(station);
		online = kind != NULL && strcmp(kind, "ONLINE") == 0;
		zstr_free(&kind);
	}
	zpoller_destroy(&p);
	return online ? 0 : -1;
}

/* Alternating, and never the same value twice in a row. */
static double
latency_value(long i)
{
	return (i % 2 ? 60.0 : 40.0) + (double)(i % 1000) / 100.0;
}

static int
latency_scada(const char *endpoint, long n, struct latency_stats *e2e,
    struct latency_stats *rtt, long *lost)
{
	zactor_t *station = zactor_new(latency_station, (void *)endpoint);
	client_t *c = latency_client(endpoint, 2000, 1);
	double *lat = calloc((size_t)n + 1, sizeof *lat);
	double *call = calloc((size_t)n + 1, sizeof *call);
	long long t0, t1, at;
	long i, k = 0;
	json_t *reply;
	int rc = -1;

	*lost = 0;
	if (station == NULL || c == NULL || lat == NULL || call == NULL)
		goto out;
	if (latency_wait_online(station) == -1) {
		fprintf(stderr, "%s", _("latency: station B never came "
		    "online\n"));
		goto out;
	}
	for (i = 0; i < n + LATENCY_WARMUP; i++) {
		double v = latency_value(i);

		t0 = util_now_us();
		reply = client_callf(c, "{s:s, s:s, s:f}", "op", "write",
		    "tag", LATENCY_TAG, "value", v);
		t1 = util_now_us();
		if (!msg_is_ok(reply)) {
			fprintf(stderr, _("latency: write %s = %g: %s\n"),
			    LATENCY_TAG, v, msg_error_message(reply));
			json_decref(reply);
			goto out;
		}
		json_decref(reply);
		at = latency_await(station, v);
		if (i < LATENCY_WARMUP)
			continue;
		if (at == -1) {
			(*lost)++;
			continue;
		}
		lat[k] = (double)(at - t0);
		call[k++] = (double)(t1 - t0);
	}
	latency_stats(lat, k, e2e);
	latency_stats(call, k, rtt);
	rc = 0;
out:
	free(lat);
	free(call);
	client_destroy(&c);
	zactor_destroy(&station);
	return rc;
}

/* The PLC part of the path: what scadad's driver does for one write. */
static int
latency_modbus(int port, long n, struct latency_stats *s)
{
	modbus_t *ctx = modbus_new_tcp("127.0.0.1", port);
	double *v = calloc((size_t)n + 1, sizeof *v);
	uint16_t raw, back;
	long long t0;
	long i, k = 0;
	int rc = -1;

	if (ctx == NULL || v == NULL || modbus_connect(ctx) == -1) {
		fprintf(stderr, _("latency: modbus 127.0.0.1:%d: %s\n"), port,
		    modbus_strerror(errno));
		goto out;
	}
	for (i = 0; i < n + LATENCY_WARMUP; i++) {
		raw = (uint16_t)lround(latency_value(i) * 100);
		t0 = util_now_us();
		if (modbus_write_register(ctx, LATENCY_REGISTER, raw) == -1 ||
		    modbus_read_registers(ctx, LATENCY_REGISTER, 1, &back) ==
		    -1) {
			fprintf(stderr, _("latency: modbus: %s\n"),
			    modbus_strerror(errno));
			goto out;
		}
		if (i >= LATENCY_WARMUP)
			v[k++] = (double)(util_now_us() - t0);
	}
	latency_stats(v, k, s);
	rc = 0;
out:
	if (ctx != NULL) {
		modbus_close(ctx);
		modbus_free(ctx);
	}
	free(v);
	return rc;
}

static void
latency_echo(zsock_t *pipe, void *arg)
{
	zsock_t *rep = arg;
	zpoller_t *p = zpoller_new(pipe, rep, NULL);
	zsock_t *which;
	zframe_t *f;

	zsock_signal(pipe, 0);
	while ((which = zpoller_wait(p, -1)) == rep) {
		if ((f = zframe_recv(rep)) != NULL)
			zframe_send(&f, rep, 0);
	}
	zpoller_destroy(&p);
}

/* A bare REQ/REP round trip of a write-sized message, over TCP. */
static int
latency_zmq(long n, struct latency_stats *s)
{
	const char *req_text = "{\"op\":\"write\",\"tag\":\"tank1.level_sp\","
	    "\"value\":45.67,\"rid\":\"0123456789abcdef0123456789abcdef-42\"}";
	zsock_t *rep = zsock_new_rep("tcp://127.0.0.1:*");
	zsock_t *req = NULL;
	zactor_t *echo = NULL;
	double *v = calloc((size_t)n + 1, sizeof *v);
	char *endpoint = NULL, *back;
	long long t0;
	long i, k = 0;
	int rc = -1;

	if (rep == NULL || v == NULL)
		goto out;
	endpoint = zsock_last_endpoint(rep);
	if ((echo = zactor_new(latency_echo, rep)) == NULL ||
	    (req = zsock_new_req(endpoint)) == NULL)
		goto out;
	for (i = 0; i < n + LATENCY_WARMUP; i++) {
		t0 = util_now_us();
		zstr_send(req, req_text);
		if ((back = zstr_recv(req)) == NULL)
			goto out;
		zstr_free(&back);
		if (i >= LATENCY_WARMUP)
			v[k++] = (double)(util_now_us() - t0);
	}
	latency_stats(v, k, s);
	rc = 0;
out:
	zsock_destroy(&req);
	zactor_destroy(&echo);
	zsock_destroy(&rep);
	zstr_free(&endpoint);
	free(v);
	return rc;
}

static void
latency_usage(void)
{
	fprintf(stderr, "%s", _("usage: latency -c command-endpoint "
	    "[-K server-key] [-k key] -m modbus-port\n"
	    "               [-n writes]\n"));
	exit(2);
}

int
main(int argc, char **argv)
{
	struct latency_stats e2e = { 0 }, rtt = { 0 }, mb = { 0 }, zq = { 0 };
	const char *endpoint = NULL, *key = NULL, *server_key = NULL;
	long n = 1000, lost = 0;
	char err[512];
	int ch, port = 0;

	i18n_init();
	log_init("latency", 0, 0);
	while ((ch = getopt(argc, argv, "c:K:k:m:n:")) != -1) {
		switch (ch) {
		case 'c':
			endpoint = optarg;
			break;
		case 'K':
			server_key = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'm':
			port = (int)util_number(optarg, 1, 65535, _("port"));
			break;
		case 'n':
			n = util_number(optarg, 1, 1000000, _("write count"));
			break;
		default:
			latency_usage();
		}
	}
	if (optind != argc || endpoint == NULL || port == 0)
		latency_usage();
	if ((key != NULL || server_key != NULL) && keys_load(&latency_keys,
	    key, server_key, err, sizeof err) == -1) {
		fprintf(stderr, "latency: %s\n", err);
		return 1;
	}
	if (latency_scada(endpoint, n, &e2e, &rtt, &lost) == -1 ||
	    latency_modbus(port, n, &mb) == -1 || latency_zmq(n, &zq) == -1)
		return 1;
	/* A fixed format, read by bench/run.sh: not translated. */
	printf("latency%s writes=%ld: scada write->update median %.0f us, "
	    "p99 %.0f us (write reply median %.0f us, p99 %.0f us; lost %ld); "
	    "modbus write+read median %.0f us, p99 %.0f us (ratio %.1fx); "
	    "zmq req/rep median %.0f us, p99 %.0f us (ratio %.1fx)\n",
	    latency_keys.mine != NULL ? " curve" : "", e2e.count, e2e.median,
	    e2e.p99, rtt.median, rtt.p99, lost,
	    mb.median, mb.p99, mb.median > 0 ? e2e.median / mb.median : 0,
	    zq.median, zq.p99, zq.median > 0 ? e2e.median / zq.median : 0);
	keys_free(&latency_keys);
	zsys_shutdown();
	return lost == 0 ? 0 : 1;
}
