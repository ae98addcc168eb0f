/*
 * Unit selftests of every module, CZMQ style: each module tests itself
 * and this program runs them in order, printing one line per module.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <czmq.h>

#include "access.h"
#include "check.h"
#include "audit.h"
#include "client.h"
#include "command.h"
#include "delay.h"
#include "driver.h"
#include "fault.h"
#include "image.h"
#include "mirror.h"
#include "msg.h"
#include "pdu.h"
#include "pending.h"
#include "plant.h"
#include "plc.h"
#include "project.h"
#include "publisher.h"
#include "replay.h"
#include "request.h"
#include "session.h"
#include "throttle.h"
#include "tagcodec.h"
#include "tagval.h"
#include "value.h"
#include "xmalloc.h"

/* The demo project, for the modules that work on a loaded one. */
static struct project *
selftest_demo(void)
{
	char err[512];
	struct project *p = project_load(SRCDIR "/conf/demo", NULL, err,
	    sizeof err);

	if (p == NULL) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	return p;
}

static void
selftest_image(void)
{
	struct project *p = selftest_demo();

	image_selftest(p);
	project_unref(&p);
}

static void
selftest_command(void)
{
	struct project *p = selftest_demo();

	command_selftest(p);
	project_unref(&p);
}

static void
selftest_access(void)
{
	struct project *p = selftest_demo();
	struct conf_words groups = { 0 };
	char *g[] = { "scada-admins", NULL };
	struct access *a;

	access_selftest(p);
	/* A Unix group's roles count for its members. */
	groups.v = g;
	groups.n = 1;
	a = access_resolve(p, "someone", &groups, "op1");
	CHECK(access_allows(a, ACCESS_USERS, "tank1"));
	access_free(&a);
	project_unref(&p);
}

static void
selftest_sessions(void)
{
	struct project *p = selftest_demo();

	sessions_selftest(p);
	project_unref(&p);
}

static void
selftest_audit(void)
{
	char dir[] = "/tmp/scada-audit-selftest.XXXXXX";

	CHECK(mkdtemp(dir) != NULL);
	audit_selftest(dir);
	rmdir(dir);
}

static void
selftest_project(void)
{
	project_selftest(SRCDIR "/conf/demo");
}

static const struct {
	const char	*name;
	void		(*fn)(void);
} selftests[] = {
	{ "tagval", tagval_selftest },
	{ "value", value_selftest },
	{ "msg", msg_selftest },
	{ "client", client_selftest },
	{ "mirror", mirror_selftest },
	{ "tagcodec", tagcodec_selftest },
	{ "replay", replay_selftest },
	{ "request", request_selftest },
	{ "pending", pending_selftest },
	{ "command", selftest_command },
	{ "access", selftest_access },
	{ "sessions", selftest_sessions },
	{ "throttle", throttle_selftest },
	{ "audit", selftest_audit },
	{ "publisher", publisher_selftest },
	{ "project", selftest_project },
	{ "image", selftest_image },
	{ "driver", driver_selftest },
	{ "driver_modbus", driver_modbus_selftest },
	{ "plant", plant_selftest },
	{ "pdu", pdu_selftest },
	{ "fault", fault_selftest },
	{ "delay", delay_selftest },
	{ "plc", plc_selftest },
};

/* With names given, runs only those modules' selftests. */
static int
selftest_wanted(int argc, char **argv, const char *name)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return argc == 1;
}

int
main(int argc, char **argv)
{
	size_t i, n = 0;

	xmalloc_init();
	/* CZMQ's own handlers would make a test ignore ^C. */
	zsys_handler_set(NULL);
	for (i = 0; i < sizeof selftests / sizeof *selftests; i++) {
		if (!selftest_wanted(argc, argv, selftests[i].name))
			continue;
		printf(" * %s\n", selftests[i].name);
		fflush(stdout);
		selftests[i].fn();
		n++;
	}
	printf("all %zu selftests passed\n", n);
	return n > 0 ? 0 : 1;
}
