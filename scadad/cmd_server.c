/* The state of the server and its devices. */
#include "config.h"

#include <czmq.h>

#include "command.h"
#include "msg.h"

static json_t *
cmd_status(struct cmd_env *env, struct request **rp)
{
	return json_pack("{s:b, s:s, s:s, s:s, s:I, s:I, s:I, s:i, s:i, s:I,"
	    " s:I, s:I, s:I, s:i, s:o}", "ok", 1,
	    "server", PACKAGE_NAME "d " PACKAGE_VERSION,
	    "project", project_name(env->project),
	    "instance", publisher_instance(env->pub),
	    "gen", (json_int_t)project_gen(env->project),
	    "uptime_s", (json_int_t)((zclock_mono() - env->stats->started) /
	    1000),
	    "seq", (json_int_t)publisher_seq(env->pub),
	    "tags", (int)project_ntags(env->project),
	    "stations", publisher_stations(env->pub),
	    "requests", (json_int_t)env->stats->requests,
	    "bad_requests", (json_int_t)env->stats->bad_requests,
	    "published", (json_int_t)publisher_count(env->pub),
	    "updates", (json_int_t)publisher_updates(env->pub),
	    "pending", (int)pending_count(env->pending),
	    "devices", devices_status(env->devices));
}

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.right = ACCESS_VIEW,
	.exec = cmd_status,
};
