/*
 * scadasim: a Modbus TCP plant simulator for the demo and the tests.
 * One thread, one select loop: client requests are served as they
 * come, and the plant steps on its own timer whether anyone asks or not.
 */
#include "config.h"

#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "log.h"
#include "plant.h"
#include "server.h"

#define MAIN_DEFAULT_ADDRESS	"127.0.0.1"
#define MAIN_DEFAULT_PORT	1502
#define MAIN_DEFAULT_UNIT	1
#define MAIN_DEFAULT_STEP_MS	100
#define MAIN_MAX_DT		1.0	/* s, longest step after a stall */

struct main_options {
	const char	*address;
	const char	*port_file;
	int		 port;
	int		 unit;
	int		 step_ms;
	int		 noise;
	int		 verbose;
	uint32_t	 seed;
};

static volatile sig_atomic_t main_signo;

static void
main_usage(FILE *f)
{
	fprintf(f, _("usage: %s [-hnVv] [-a address] [-P file] [-p port] "
	    "[-s seed] [-t ms] [-u unit]\n"), "scadasim");
}

static void
main_help(void)
{
	main_usage(stdout);
	printf("%s", _(
	    "  -a address  listen on this IPv4 address (default 127.0.0.1)\n"
	    "  -h          show this help and exit\n"
	    "  -n          no measurement noise (repeatable values)\n"
	    "  -P file     write the bound port number to file\n"
	    "  -p port     TCP port, 0 for any free one (default 1502)\n"
	    "  -s seed     seed for the noise (default: from the clock)\n"
	    "  -t ms       plant step period (default 100)\n"
	    "  -u unit     Modbus unit id to answer (default 1)\n"
	    "  -V          show the version and exit\n"
	    "  -v          log every request\n"));
}

static void main_bad_usage(const char *, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void
main_bad_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "scadasim: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	main_usage(stderr);
	exit(2);
}

static long long
main_number(const char *s, long long lo, long long hi, const char *what)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
		main_bad_usage(_("invalid %s '%s': expected a number from "
		    "%lld to %lld"), what, s, lo, hi);
	return v;
}

static void
main_parse(int argc, char *argv[], struct main_options *o)
{
	struct in_addr in;
	int ch, seeded = 0;

	o->address = MAIN_DEFAULT_ADDRESS;
	o->port = MAIN_DEFAULT_PORT;
	o->unit = MAIN_DEFAULT_UNIT;
	o->step_ms = MAIN_DEFAULT_STEP_MS;
	o->noise = 1;

	while ((ch = getopt(argc, argv, "a:hnP:p:s:t:u:Vv")) != -1) {
		switch (ch) {
		case 'a':
			if (inet_pton(AF_INET, optarg, &in) != 1)
				main_bad_usage(_("invalid listen address '%s': "
				    "expected an IPv4 address such as "
				    "127.0.0.1 or 0.0.0.0"), optarg);
			o->address = optarg;
			break;
		case 'h':
			main_help();
			exit(0);
		case 'n':
			o->noise = 0;
			break;
		case 'P':
			if (*optarg == '\0')
				main_bad_usage("%s", _("empty port file name"));
			o->port_file = optarg;
			break;
		case 'p':
			o->port = (int)main_number(optarg, 0, 65535, _("port"));
			break;
		case 's':
			o->seed = (uint32_t)main_number(optarg, 0, UINT32_MAX,
			    _("seed"));
			seeded = 1;
			break;
		case 't':
			o->step_ms = (int)main_number(optarg, 1, 60000,
			    _("step period"));
			break;
		case 'u':
			o->unit = (int)main_number(optarg, 1, 255,
			    _("unit id"));
			break;
		case 'V':
			printf("scadasim %s\n", PACKAGE_VERSION);
			exit(0);
		case 'v':
			o->verbose = 1;
			break;
		default:
			main_usage(stderr);
			exit(2);
		}
	}
	if (optind < argc)
		main_bad_usage(_("unexpected argument '%s'"), argv[optind]);
	if (!seeded)
		o->seed = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 16;
}

/* Through a rename, so a reader never sees a half-written number. */
static int
main_write_port(const char *path, int port)
{
	char tmp[PATH_MAX];
	FILE *f;
	int saved;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	if (fprintf(f, "%d\n", port) < 0 || fflush(f) == EOF ||
	    fsync(fileno(f)) == -1) {
		saved = errno;
		fclose(f);
		unlink(tmp);
		errno = saved;
		return -1;
	}
	if (fclose(f) == EOF || rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

static void
main_on_signal(int signo)
{
	main_signo = signo;
}

/*
 * SIGINT and SIGTERM stay blocked except inside pselect, so one that
 * arrives while a request is being served cannot be lost before the
 * loop waits again.
 */
static void
main_signals(sigset_t *waitmask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = main_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, waitmask);
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGTERM);
}

static double
main_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The plant steps by the time that really passed, so a late step
 * (many requests, a loaded machine) does not slow the process down.
 */
static int
main_loop(struct server *srv, struct plant *p, modbus_mapping_t *map,
    int step_ms, const sigset_t *waitmask)
{
	double period = step_ms / 1000.0, last, next, now, wait, dt;
	struct timespec ts;
	fd_set rfds;
	int maxfd, n;

	last = main_now();
	next = last + period;
	while (main_signo == 0) {
		FD_ZERO(&rfds);
		maxfd = server_fdset(srv, &rfds);
		wait = next - main_now();
		if (wait < 0)
			wait = 0;
		ts.tv_sec = (time_t)wait;
		ts.tv_nsec = (long)((wait - (double)ts.tv_sec) * 1e9);
		n = pselect(maxfd + 1, &rfds, NULL, NULL, &ts, waitmask);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_warn("%s", _("select"));
			return -1;
		}
		if (n > 0)
			server_handle(srv, &rfds);

		now = main_now();
		if (now < next)
			continue;
		dt = now - last;
		if (dt > MAIN_MAX_DT)
			dt = MAIN_MAX_DT;
		plant_read_map(p, map);
		plant_step(p, dt);
		plant_write_map(p, map);
		last = now;
		next += period;
		if (next <= now)
			next = now + period;
	}
	log_info(_("%s, exiting"), strsignal(main_signo));
	return 0;
}

int
main(int argc, char *argv[])
{
	struct main_options o;
	struct plant plant;
	struct server *srv;
	modbus_mapping_t *map;
	sigset_t waitmask;
	int status;

	i18n_init();
	memset(&o, 0, sizeof o);
	main_parse(argc, argv, &o);
	log_init("scadasim", 0, o.verbose);
	main_signals(&waitmask);

	plant_init(&plant, o.seed, o.noise);
	if ((map = plant_mapping_new(&plant)) == NULL)
		fatal("%s", _("cannot allocate the Modbus mapping"));
	if ((srv = server_new(o.address, o.port, o.unit, map)) == NULL)
		fatal(_("cannot listen on %s:%d"), o.address, o.port);
	if (o.port_file != NULL &&
	    main_write_port(o.port_file, server_port(srv)) == -1)
		fatal(_("cannot write the port file %s"), o.port_file);

	log_info(_("listening on %s:%d, unit %d, plant step %d ms"),
	    o.address, server_port(srv), o.unit, o.step_ms);
	if (o.noise)
		log_info(_("noise seed %u (repeat with -s %u)"),
		    (unsigned)o.seed, (unsigned)o.seed);
	else
		log_info("%s", _("noise off"));

	status = main_loop(srv, &plant, map, o.step_ms, &waitmask) == 0 ?
	    0 : 1;

	/* A port file left behind would point the next reader at nothing. */
	if (o.port_file != NULL)
		unlink(o.port_file);
	server_destroy(&srv);
	modbus_mapping_free(map);
	return status;
}
