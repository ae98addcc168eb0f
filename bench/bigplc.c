/*
 * A large, quiet Modbus TCP PLC for the benchmarks: every one of the
 * 65,536 input and 65,536 holding registers of every unit answers, with
 * a fixed value, so a big project reads good data without a real plant
 * behind it. scadasim serves only the few registers of the demo tank.
 * The last holding register counts the requests answered, so a reader
 * that includes it sees a change at every scan. With -d it waits before
 * each answer, as a PLC busy with its cycle does.
 */
#include "config.h"

#include <sys/select.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <modbus.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "util.h"

#define BIGPLC_REGISTERS	65536
#define BIGPLC_COUNTER		(BIGPLC_REGISTERS - 1)	/* holding */
#define BIGPLC_BACKLOG		32

static volatile sig_atomic_t bigplc_stop;
static long bigplc_delay_ms;

static void
bigplc_on_signal(int signo)
{
	bigplc_stop = 1;
}

static modbus_mapping_t *
bigplc_mapping(void)
{
	modbus_mapping_t *map;
	int i;

	map = modbus_mapping_new(0, 0, BIGPLC_REGISTERS, BIGPLC_REGISTERS);
	if (map == NULL)
		return NULL;
	/* 0.00 to 99.99 % once scaled; varied so the JSON is realistic. */
	for (i = 0; i < BIGPLC_REGISTERS; i++) {
		map->tab_input_registers[i] = (uint16_t)((i * 7919) % 10000);
		map->tab_registers[i] = util_holding_value(i);
	}
	return map;
}

static int
bigplc_write_port(const char *path, int listener)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	char text[32];

	if (getsockname(listener, (struct sockaddr *)&sin, &len) == -1)
		return -1;
	snprintf(text, sizeof text, "%d\n", ntohs(sin.sin_port));
	return util_write_file(path, text);
}

/* Serves one request from a readable client; -1 when it hung up. */
static int
bigplc_serve(modbus_t *ctx, int fd, modbus_mapping_t *map)
{
	uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
	struct timespec delay = { bigplc_delay_ms / 1000,
	    bigplc_delay_ms % 1000 * 1000000 };
	int rc;

	modbus_set_socket(ctx, fd);
	if ((rc = modbus_receive(ctx, query)) > 0) {
		if (bigplc_delay_ms > 0)
			nanosleep(&delay, NULL);
		map->tab_registers[BIGPLC_COUNTER]++;
		modbus_reply(ctx, query, rc, map);
		return 0;
	}
	return rc == 0 ? 0 : -1;
}

static void
bigplc_loop(modbus_t *ctx, int listener, modbus_mapping_t *map)
{
	fd_set all, ready;
	struct timeval tv;
	int fd, maxfd = listener, newfd;

	FD_ZERO(&all);
	FD_SET(listener, &all);
	while (!bigplc_stop) {
		ready = all;
		tv = (struct timeval){ 0, 200000 };
		if (select(maxfd + 1, &ready, NULL, NULL, &tv) <= 0)
			continue;
		for (fd = 0; fd <= maxfd; fd++) {
			if (!FD_ISSET(fd, &ready))
				continue;
			if (fd == listener) {
				newfd = accept(listener, NULL, NULL);
				if (newfd == -1 || newfd >= FD_SETSIZE) {
					if (newfd != -1)
						close(newfd);
					continue;
				}
				FD_SET(newfd, &all);
				if (newfd > maxfd)
					maxfd = newfd;
			} else if (bigplc_serve(ctx, fd, map) == -1) {
				close(fd);
				FD_CLR(fd, &all);
			}
		}
	}
}

static void
bigplc_usage(void)
{
	fprintf(stderr, "%s", _("usage: bigplc [-d delay-ms] port-file\n"));
	exit(2);
}

int
main(int argc, char **argv)
{
	modbus_mapping_t *map;
	modbus_t *ctx;
	int ch, listener;

	i18n_init();
	while ((ch = getopt(argc, argv, "d:")) != -1) {
		switch (ch) {
		case 'd':
			bigplc_delay_ms = util_number(optarg, 0, 60000,
			    _("delay in milliseconds"));
			break;
		default:
			bigplc_usage();
		}
	}
	if (argc - optind != 1)
		bigplc_usage();
	signal(SIGTERM, bigplc_on_signal);
	signal(SIGINT, bigplc_on_signal);
	signal(SIGPIPE, SIG_IGN);
	if ((ctx = modbus_new_tcp("127.0.0.1", 0)) == NULL ||
	    (map = bigplc_mapping()) == NULL) {
		fprintf(stderr, "%s", _("bigplc: out of memory\n"));
		return 1;
	}
	if ((listener = modbus_tcp_listen(ctx, BIGPLC_BACKLOG)) == -1 ||
	    bigplc_write_port(argv[optind], listener) == -1) {
		fprintf(stderr, _("bigplc: cannot listen: %s\n"),
		    strerror(errno));
		return 1;
	}
	bigplc_loop(ctx, listener, map);
	close(listener);
	modbus_mapping_free(map);
	modbus_free(ctx);
	return 0;
}
