/*
 * The greeting and the ping. hello tells a station all it needs to
 * follow the server: where the publications are, what the instance and
 * generation are, how often the heartbeat comes, and the limits; and
 * what the project says of the station that asks.
 */
#include "config.h"

#include "command.h"
#include "msg.h"
#include "server_conf.h"
#include "station_conf.h"

static json_t *
cmd_hello(struct cmd_env *env, struct request **rp)
{
	json_t *reply = json_pack("{s:b, s:i, s:[i], s:s, s:s, s:s, s:I, "
	    "s:i, s:I, s:i, s:I}",
	    "ok", 1, "version", MSG_VERSION, "supported", MSG_VERSION,
	    "server", PACKAGE_NAME "d " PACKAGE_VERSION,
	    "project", project_name(env->project),
	    "instance", publisher_instance(env->pub),
	    "gen", (json_int_t)project_gen(env->project),
	    "pub_port", publisher_port(env->pub),
	    "seq", (json_int_t)publisher_seq(env->pub),
	    "heartbeat_ms", server_conf(env->project)->heartbeat_ms,
	    "tags", (json_int_t)project_ntags(env->project));

	json_object_set_new(reply, "limits", cmd_limits());
	json_object_set_new(reply, "station", station_conf_json(env->config,
	    (*rp)->station));
	return reply;
}

static json_t *
cmd_ping(struct cmd_env *env, struct request **rp)
{
	return json_pack("{s:b, s:I}", "ok", 1, "time",
	    (json_int_t)tagval_now_ms());
}

const struct cmd_entry cmd_hello_entry = {
	.name = "hello",
	.flags = CMD_PUBLIC,
	.exec = cmd_hello,
};

const struct cmd_entry cmd_ping_entry = {
	.name = "ping",
	.flags = CMD_PUBLIC,
	.exec = cmd_ping,
};
