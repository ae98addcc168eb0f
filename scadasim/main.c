/*
 * scadasim: a Modbus plant simulator for the demo and the tests.
 * One thread, one select loop: client requests (TCP and, with -r, RTU
 * on a pseudo-terminal) are served as they come, delayed replies leave
 * when they fall due, fault commands arrive on the control socket, and
 * the plants step on their own timer whether anyone asks or not.
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

#include "control.h"
#include "fault.h"
#include "i18n.h"
#include "log.h"
#include "plc.h"
#include "rtu.h"
#include "server.h"
#include "xmalloc.h"

#define MAIN_DEFAULT_ADDRESS	"127.0.0.1"
#define MAIN_DEFAULT_PORT	1502
#define MAIN_DEFAULT_UNIT	1
#define MAIN_DEFAULT_STEP_MS	100
#define MAIN_MAX_DT		1.0	/* s, longest step after a stall */
#define MAIN_MAX_FAULTS		32

struct main_options {
	const char	*address;
	const char	*port_file;
	const char	*control;	/* -c: serve the control socket */
	const char	*client;	/* -C: send a command to one */
	const char	*rtu_file;
	const char	*faults[MAIN_MAX_FAULTS];
	int		 nfaults;
	int		 port;
	int		 units[PLC_MAX_UNITS];
	int		 nunits;
	int		 scratch;
	int		 step_ms;
	int		 noise;
	int		 verbose;
	uint32_t	 seed;
	char		*command;	/* -C's words, joined */
};

struct main_loop {
	struct plc	*plc;
	struct server	*srv;
	struct rtu	*rtu;
	struct control	*ctl;
	int		 step_ms;
};

static volatile sig_atomic_t main_signo;

static void
main_usage(FILE *f)
{
	fprintf(f, _("usage: %s [-hnVv] [-a address] [-c socket] "
	    "[-f fault] [-P file] [-p port]\n"
	    "                [-R count] [-r file] [-s seed] [-t ms] "
	    "[-u unit[,unit...]]\n"
	    "       %s -C socket command [argument ...]\n"),
	    "scadasim", "scadasim");
}

static void
main_help(void)
{
	main_usage(stdout);
	printf("%s", _(
	    "  -a address  listen on this IPv4 address (default 127.0.0.1)\n"
	    "  -C socket   send one control command to a running scadasim,\n"
	    "              print the reply, exit 0 on ok and 1 otherwise\n"
	    "  -c socket   take fault commands on this UNIX socket\n"
	    "  -f fault    start with this fault, e.g. 'delay 200' "
	    "(repeatable)\n"
	    "  -h          show this help and exit\n"
	    "  -n          no measurement noise (repeatable values)\n"
	    "  -P file     write the bound port number to file\n"
	    "  -p port     TCP port, 0 for any free one (default 1502)\n"
	    "  -R count    scratch areas of count coils and registers at "
	    "1000\n"
	    "  -r file     also serve Modbus RTU on a new pseudo-terminal,\n"
	    "              whose path is written to file\n"
	    "  -s seed     seed for the noise (default: from the clock)\n"
	    "  -t ms       plant step period (default 100)\n"
	    "  -u units    Modbus unit ids to answer, e.g. 1,2,3 "
	    "(default 1)\n"
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

/* A comma-separated list of distinct unit ids. */
static void
main_units(const char *arg, struct main_options *o)
{
	char buf[1024], *p, *word;
	int i, unit;

	if (strlen(arg) >= sizeof buf)
		main_bad_usage(_("invalid unit list '%s': too long"), arg);
	memcpy(buf, arg, strlen(arg) + 1);
	o->nunits = 0;
	for (p = buf; (word = strsep(&p, ",")) != NULL;) {
		unit = (int)main_number(word, 1, 255, _("unit id"));
		for (i = 0; i < o->nunits; i++)
			if (o->units[i] == unit)
				main_bad_usage(_("unit id %d given twice"),
				    unit);
		if (o->nunits == PLC_MAX_UNITS)
			main_bad_usage(_("too many unit ids: at most %d"),
			    PLC_MAX_UNITS);
		o->units[o->nunits++] = unit;
	}
}

static char *
main_join(int argc, char *argv[])
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = xcalloc(1, len);
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static void
main_parse(int argc, char *argv[], struct main_options *o)
{
	struct in_addr in;
	int ch, seeded = 0;

	o->address = MAIN_DEFAULT_ADDRESS;
	o->port = MAIN_DEFAULT_PORT;
	o->units[0] = MAIN_DEFAULT_UNIT;
	o->nunits = 1;
	o->step_ms = MAIN_DEFAULT_STEP_MS;
	o->noise = 1;

	while ((ch = getopt(argc, argv, "+a:C:c:f:hnP:p:R:r:s:t:u:Vv")) !=
	    -1) {
		switch (ch) {
		case 'a':
			if (inet_pton(AF_INET, optarg, &in) != 1)
				main_bad_usage(_("invalid listen address '%s': "
				    "expected an IPv4 address such as "
				    "127.0.0.1 or 0.0.0.0"), optarg);
			o->address = optarg;
			break;
		case 'C':
			if (*optarg == '\0')
				main_bad_usage("%s",
				    _("empty control socket name"));
			o->client = optarg;
			break;
		case 'c':
			if (*optarg == '\0')
				main_bad_usage("%s",
				    _("empty control socket name"));
			o->control = optarg;
			break;
		case 'f':
			if (o->nfaults == MAIN_MAX_FAULTS)
				main_bad_usage(_("too many -f options: at "
				    "most %d"), MAIN_MAX_FAULTS);
			o->faults[o->nfaults++] = optarg;
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
		case 'R':
			o->scratch = (int)main_number(optarg, 0,
			    PLC_SCRATCH_MAX, _("scratch area size"));
			break;
		case 'r':
			if (*optarg == '\0')
				main_bad_usage("%s",
				    _("empty RTU path file name"));
			o->rtu_file = optarg;
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
			main_units(optarg, o);
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
	if (o->client != NULL) {
		if (optind == argc)
			main_bad_usage("%s", _("-C needs a command, such as "
			    "status"));
		o->command = main_join(argc - optind, argv + optind);
		if (strchr(o->command, '\n') != NULL)
			main_bad_usage("%s", _("one command at a time: no "
			    "newlines"));
		return;
	}
	if (optind < argc)
		main_bad_usage(_("unexpected argument '%s'"), argv[optind]);
	if (!seeded)
		o->seed = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 16;
}

/* Through a rename, so a reader never sees half a line. */
static int
main_write_file(const char *path, const char *line)
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
	if (fprintf(f, "%s\n", line) < 0 || fflush(f) == EOF ||
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

static double
main_earliest(double a, double b)
{
	if (b >= 0 && (a < 0 || b < a))
		return b;
	return a;
}

/*
 * The plants step by the time that really passed, so a late step (many
 * requests, a loaded machine) does not slow the process down. Fault
 * commands are taken first in each round, so a drop or a mute applies
 * before the next request is served.
 */
static int
main_run(struct main_loop *l, const sigset_t *waitmask)
{
	double period = l->step_ms / 1000.0, last, next, now, wake, wait, dt;
	struct timespec ts;
	fd_set rfds;
	int maxfd, fd, n;

	last = main_now();
	next = last + period;
	while (main_signo == 0) {
		FD_ZERO(&rfds);
		maxfd = server_fdset(l->srv, &rfds);
		if (l->ctl != NULL && (fd = control_fdset(l->ctl, &rfds)) >
		    maxfd)
			maxfd = fd;
		if (l->rtu != NULL && (fd = rtu_fdset(l->rtu, &rfds)) > maxfd)
			maxfd = fd;
		wake = main_earliest(next, server_next(l->srv));
		if (l->rtu != NULL)
			wake = main_earliest(wake, rtu_next(l->rtu));
		wait = wake - main_now();
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
		now = main_now();
		if (n > 0 && l->ctl != NULL)
			control_handle(l->ctl, &rfds);
		server_tick(l->srv, now);
		if (l->rtu != NULL)
			rtu_tick(l->rtu, now);
		if (n > 0) {
			server_handle(l->srv, &rfds, now);
			if (l->rtu != NULL)
				rtu_handle(l->rtu, &rfds, now);
		}

		now = main_now();
		if (now < next)
			continue;
		dt = now - last;
		if (dt > MAIN_MAX_DT)
			dt = MAIN_MAX_DT;
		plc_step(l->plc, dt);
		last = now;
		next += period;
		if (next <= now)
			next = now + period;
	}
	log_info(_("%s, exiting"), strsignal(main_signo));
	return 0;
}

/* scadasim -C: one command, its reply on standard output. */
static int
main_client(const struct main_options *o)
{
	char reply[FAULT_LINE_MAX + 2];
	int rc;

	rc = control_send(o->client, o->command, reply, sizeof reply);
	if (rc == -1) {
		fprintf(stderr, _("scadasim: %s: %s\n"), o->client,
		    strerror(errno));
		return 1;
	}
	printf("%s\n", reply);
	return rc;
}

/* The -f faults, before anything listens. */
static void
main_faults(const struct main_options *o, struct fault *f)
{
	char reply[FAULT_LINE_MAX];
	int i;

	for (i = 0; i < o->nfaults; i++) {
		if (fault_command(f, o->faults[i], reply, sizeof reply) ==
		    FAULT_ERROR)
			main_bad_usage(_("invalid fault '%s': %s"),
			    o->faults[i], reply + strlen("error: "));
		if (strncmp(reply, "ok ", 3) == 0)
			log_info(_("fault: %s"), reply + 3);
	}
}

static void
main_unit_list(const struct main_options *o, char *buf, size_t size)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < o->nunits && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%d",
		    i > 0 ? "," : "", o->units[i]);
}

int
main(int argc, char *argv[])
{
	struct main_options o;
	struct main_loop l;
	struct fault fault;
	char text[PATH_MAX], units[PLC_MAX_UNITS * 4 + 1];
	sigset_t waitmask;
	int status;

	i18n_init();
	memset(&o, 0, sizeof o);
	memset(&l, 0, sizeof l);
	main_parse(argc, argv, &o);
	if (o.client != NULL) {
		status = main_client(&o);
		free(o.command);
		return status;
	}
	log_init("scadasim", 0, o.verbose);
	fault_init(&fault);
	main_faults(&o, &fault);
	main_signals(&waitmask);

	if ((l.plc = plc_new(o.units, o.nunits, o.scratch, o.seed, o.noise,
	    &fault)) == NULL)
		fatal("%s", _("cannot set up the plant"));
	if ((l.srv = server_new(o.address, o.port, l.plc, &fault)) == NULL)
		fatal(_("cannot listen on %s:%d"), o.address, o.port);
	if (o.control != NULL &&
	    (l.ctl = control_new(o.control, &fault)) == NULL)
		fatal(_("cannot serve the control socket %s"), o.control);
	if (o.rtu_file != NULL) {
		if ((l.rtu = rtu_new(l.plc, &fault)) == NULL)
			fatal("%s", _("cannot open a pseudo-terminal"));
		if (main_write_file(o.rtu_file, rtu_path(l.rtu)) == -1)
			fatal(_("cannot write the RTU path file %s"),
			    o.rtu_file);
	}
	snprintf(text, sizeof text, "%d", server_port(l.srv));
	if (o.port_file != NULL && main_write_file(o.port_file, text) == -1)
		fatal(_("cannot write the port file %s"), o.port_file);

	main_unit_list(&o, units, sizeof units);
	log_info(_("listening on %s:%d, unit%s %s, plant step %d ms"),
	    o.address, server_port(l.srv), o.nunits > 1 ? "s" : "", units,
	    o.step_ms);
	if (l.rtu != NULL)
		log_info(_("serving Modbus RTU on %s"), rtu_path(l.rtu));
	if (l.ctl != NULL)
		log_info(_("taking fault commands on %s"), o.control);
	if (o.scratch > 0)
		log_info(_("scratch areas at %d to %d"), PLC_SCRATCH_BASE,
		    PLC_SCRATCH_BASE + o.scratch - 1);
	if (o.noise)
		log_info(_("noise seed %u (repeat with -s %u)"),
		    (unsigned)o.seed, (unsigned)o.seed);
	else
		log_info("%s", _("noise off"));

	l.step_ms = o.step_ms;
	status = main_run(&l, &waitmask) == 0 ? 0 : 1;

	/* Files left behind would point the next reader at nothing. */
	if (o.port_file != NULL)
		unlink(o.port_file);
	if (o.rtu_file != NULL)
		unlink(o.rtu_file);
	control_destroy(&l.ctl);
	rtu_destroy(&l.rtu);
	server_destroy(&l.srv);
	plc_destroy(&l.plc);
	return status;
}
