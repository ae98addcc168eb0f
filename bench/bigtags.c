/*
 * 100,000 tags on one scadad: how long a snapshot takes and how big it
 * is, what a browse costs, and the server's memory per tag.
 *
 * The snapshot is requested on a plain REQ socket, exactly as
 * client_call() sends it, so that the time can be split into server plus
 * transfer (until the reply frame is in) and the client's JSON decode;
 * client_call() itself is tried once too, and its verdict printed.
 * Memory is read at rest, before the first snapshot: the snapshots'
 * JSON trees leave the heap bigger, which is reported separately.
 *
 * Baselines in the same run: a bare REQ/REP transfer of a payload of the
 * same size, and for memory the size of the tag data itself, as JSON
 * text per tag in the snapshot.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "i18n.h"
#include "log.h"
#include "msg.h"
#include "util.h"

#define BIGTAGS_TIMEOUT_MS	30000

struct bigtags_call {
	size_t		bytes;
	double		recv_us;	/* request sent to reply frame in */
	double		decode_us;
	size_t		tags;
	size_t		good;
	int		ok;
};

/* One request on a raw REQ socket, timed; the reply is decoded and counted. */
static int
bigtags_call(zsock_t *req, const char *op, struct bigtags_call *r)
{
	zpoller_t *p = zpoller_new(req, NULL);
	json_error_t jerr;
	json_t *reply, *list, *o;
	long long t0, t1;
	zframe_t *f = NULL;
	size_t i;

	memset(r, 0, sizeof *r);
	t0 = util_now_us();
	zstr_sendf(req, "{\"op\":\"%s\",\"rid\":\"bench-%lld\"}", op, t0);
	if (zpoller_wait(p, BIGTAGS_TIMEOUT_MS) == req)
		f = zframe_recv(req);
	t1 = util_now_us();
	zpoller_destroy(&p);
	if (f == NULL)
		return -1;
	r->bytes = zframe_size(f);
	r->recv_us = (double)(t1 - t0);
	/* As msg_decode does it, without its size limit. */
	reply = json_loadb((const char *)zframe_data(f), zframe_size(f),
	    JSON_REJECT_DUPLICATES, &jerr);
	r->decode_us = (double)(util_now_us() - t1);
	zframe_destroy(&f);
	if (reply == NULL)
		return -1;
	r->ok = msg_is_ok(reply);
	list = json_object_get(reply, "tags");
	r->tags = json_array_size(list);
	json_array_foreach(list, i, o)
		if (json_is_string(json_object_get(o, "quality")) &&
		    strcmp(json_string_value(json_object_get(o, "quality")),
		    "good") == 0)
			r->good++;
	json_decref(reply);
	return 0;
}

/* Medians of reps calls of op. */
static int
bigtags_measure(zsock_t *req, const char *op, int reps,
    struct bigtags_call *med)
{
	struct bigtags_call r;
	double recv[32], decode[32];
	int i;

	for (i = 0; i < reps; i++) {
		if (bigtags_call(req, op, &r) == -1 || !r.ok)
			return -1;
		recv[i] = r.recv_us;
		decode[i] = r.decode_us;
	}
	*med = r;
	med->recv_us = util_percentile(recv, (size_t)reps, 50);
	med->decode_us = util_percentile(decode, (size_t)reps, 50);
	return 0;
}

/* What the project's own client makes of the snapshot. */
static void
bigtags_client_verdict(const char *endpoint, char *buf, size_t len)
{
	client_t *c = client_new(endpoint, BIGTAGS_TIMEOUT_MS, 1);
	json_t *reply;
	long long t0;

	if (c == NULL) {
		snprintf(buf, len, "cannot create client");
		return;
	}
	t0 = util_now_us();
	reply = client_callf(c, "{s:s}", "op", "snapshot");
	if (msg_is_ok(reply))
		snprintf(buf, len, "ok in %.1f ms",
		    (double)(util_now_us() - t0) / 1000);
	else
		snprintf(buf, len, "fails: %s", msg_error_message(reply));
	json_decref(reply);
	client_destroy(&c);
}

static void
bigtags_echo(zsock_t *pipe, void *arg)
{
	zsock_t *rep = arg;
	zpoller_t *p = zpoller_new(pipe, rep, NULL);
	zframe_t *payload = NULL, *f;
	char *size;

	zsock_signal(pipe, 0);
	while (zpoller_wait(p, -1) == rep) {
		if ((f = zframe_recv(rep)) == NULL)
			continue;
		if (payload == NULL) {
			/* The first request names the payload's size. */
			size = zframe_strdup(f);
			payload = zframe_new(NULL, strtoul(size, NULL, 10));
			memset(zframe_data(payload), 'x', zframe_size(payload));
			zstr_free(&size);
		}
		zframe_destroy(&f);
		f = zframe_dup(payload);
		zframe_send(&f, rep, 0);
	}
	zframe_destroy(&payload);
	zpoller_destroy(&p);
}

/* A bare REQ/REP transfer of bytes, median of reps, in microseconds. */
static double
bigtags_bare(size_t bytes, int reps)
{
	zsock_t *rep = zsock_new_rep("tcp://127.0.0.1:*"), *req = NULL;
	zactor_t *echo = NULL;
	char *endpoint = NULL;
	double t[32], med = -1;
	zframe_t *f;
	long long t0;
	int i;

	if (rep == NULL)
		return -1;
	endpoint = zsock_last_endpoint(rep);
	if ((echo = zactor_new(bigtags_echo, rep)) == NULL ||
	    (req = zsock_new_req(endpoint)) == NULL)
		goto out;
	for (i = -1; i < reps; i++) {	/* the first is a warm-up */
		t0 = util_now_us();
		zstr_sendf(req, "%zu", bytes);
		if ((f = zframe_recv(req)) == NULL)
			goto out;
		zframe_destroy(&f);
		if (i >= 0)
			t[i] = (double)(util_now_us() - t0);
	}
	med = util_percentile(t, (size_t)reps, 50);
out:
	zsock_destroy(&req);
	zactor_destroy(&echo);
	zsock_destroy(&rep);
	zstr_free(&endpoint);
	return med;
}

static void
bigtags_usage(void)
{
	fprintf(stderr, "%s", _("usage: bigtags -c endpoint -n tags -p pid "
	    "-z idle-rss-kb [-r repetitions]\n"));
	exit(2);
}

static void
bigtags_report(size_t ntags, const struct bigtags_call *snap,
    const struct bigtags_call *browse, double bare_us, long rss, long rss0,
    long rss_after, const char *verdict)
{
	double per_tag = (double)(rss - rss0) * 1024 / (double)ntags;
	double json_per_tag = (double)snap->bytes / (double)ntags;

	printf("bigtags: %zu tags in the snapshot (%zu good); browse %zu "
	    "bytes, %.1f ms + %.1f ms decode; scadad RSS %ld kB with 1 tag, "
	    "%ld kB with %zu tags, %ld kB after the snapshots; client_call "
	    "snapshot %s\n", snap->tags, snap->good, browse->bytes,
	    browse->recv_us / 1000, browse->decode_us / 1000, rss0, rss,
	    ntags, rss_after, verdict);
	/* A fixed format, read by bench/run.sh: not translated. */
	printf("tags n=%zu: snapshot %zu bytes, scada %.1f ms (server+"
	    "transfer %.1f ms, decode %.1f ms), zmq transfer %.1f ms "
	    "(ratio %.1fx, %.1fx without decode); memory %.0f bytes/tag, "
	    "JSON %.0f bytes/tag (ratio %.1fx)\n", ntags, snap->bytes,
	    (snap->recv_us + snap->decode_us) / 1000, snap->recv_us / 1000,
	    snap->decode_us / 1000, bare_us / 1000,
	    bare_us > 0 ? (snap->recv_us + snap->decode_us) / bare_us : 0,
	    bare_us > 0 ? snap->recv_us / bare_us : 0, per_tag, json_per_tag,
	    json_per_tag > 0 ? per_tag / json_per_tag : 0);
}

int
main(int argc, char **argv)
{
	struct bigtags_call snap, browse;
	const char *endpoint = NULL;
	char verdict[256];
	zsock_t *req;
	long rss, rss0 = -1, rss_after, ntags = 0;
	double bare_us;
	pid_t pid = 0;
	int ch, reps = 5;

	i18n_init();
	log_init("bigtags", 0, 0);
	while ((ch = getopt(argc, argv, "c:n:p:r:z:")) != -1) {
		switch (ch) {
		case 'c':
			endpoint = optarg;
			break;
		case 'n':
			ntags = util_number(optarg, 1, 10000000,
			    _("tag count"));
			break;
		case 'p':
			pid = (pid_t)util_number(optarg, 1, 1 << 30, _("pid"));
			break;
		case 'r':
			reps = (int)util_number(optarg, 1, 31,
			    _("repetitions"));
			break;
		case 'z':
			rss0 = util_number(optarg, 0, 1L << 40, _("RSS"));
			break;
		default:
			bigtags_usage();
		}
	}
	if (optind != argc || endpoint == NULL || ntags == 0 || pid == 0 ||
	    rss0 < 0)
		bigtags_usage();
	if ((req = zsock_new_req(endpoint)) == NULL) {
		fprintf(stderr, _("bigtags: cannot connect to %s\n"), endpoint);
		return 1;
	}
	/* At rest: bench/run.sh saw the last tag of every device good. */
	sleep(2);
	rss = util_rss_kb(pid);
	if (bigtags_measure(req, "snapshot", reps, &snap) == -1 ||
	    bigtags_measure(req, "browse", reps, &browse) == -1) {
		fprintf(stderr, "%s",
		    _("bigtags: snapshot or browse failed\n"));
		return 1;
	}
	/* scadad adds a few status tags of its own per device. */
	if (snap.good < (size_t)ntags) {
		fprintf(stderr, _("bigtags: the snapshot has %zu tags, %zu "
		    "good; expected at least %ld good\n"), snap.tags,
		    snap.good, ntags);
		return 1;
	}
	rss_after = util_rss_kb(pid);
	bigtags_client_verdict(endpoint, verdict, sizeof verdict);
	bare_us = bigtags_bare(snap.bytes, reps);
	bigtags_report((size_t)ntags, &snap, &browse, bare_us, rss, rss0,
	    rss_after, verdict);
	zsock_destroy(&req);
	zsys_shutdown();
	return 0;
}
