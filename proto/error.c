/*
 * The one table of error codes: wire name, human text, and the exit status
 * a command-line tool returns for it, so every program reports alike.
 */
#include "config.h"

#include <string.h>

#include "error.h"
#include "i18n.h"

static const struct {
	const char	*name;
	const char	*text;
	int		 exit_status;
} error_table[ERROR_COUNT] = {
	[ERROR_NONE] =		  { "ok", N_("success"), 0 },
	[ERROR_BAD_REQUEST] =	  { "bad_request", N_("bad request"), 2 },
	[ERROR_UNKNOWN_OP] =	  { "unknown_op", N_("unknown operation"), 2 },
	[ERROR_UNKNOWN_TAG] =	  { "unknown_tag", N_("unknown tag"), 3 },
	[ERROR_NOT_WRITABLE] =	  { "not_writable", N_("tag is not writable"), 3 },
	[ERROR_BAD_VALUE] =	  { "bad_value", N_("bad value"), 3 },
	[ERROR_OUT_OF_RANGE] =	  { "out_of_range", N_("value out of range"), 3 },
	[ERROR_PERMISSION_DENIED] = { "permission_denied", N_("permission denied"), 4 },
	[ERROR_DEVICE_OFFLINE] =  { "device_offline", N_("device offline"), 5 },
	[ERROR_DEVICE_ERROR] =	  { "device_error", N_("device reported an error"), 5 },
	[ERROR_TIMEOUT] =	  { "timeout", N_("timeout"), 5 },
	[ERROR_BUSY] =		  { "busy", N_("server busy"), 6 },
	[ERROR_TOO_LARGE] =	  { "too_large", N_("request too large"), 2 },
	[ERROR_VERSION] =	  { "version", N_("protocol version not supported"), 2 },
	[ERROR_INTERNAL] =	  { "internal", N_("internal server error"), 6 },
	[ERROR_UNREACHABLE] =	  { "unreachable", N_("server unreachable"), 7 },
	[ERROR_UNAUTHENTICATED] = { "unauthenticated", N_("not logged in"), 4 },
	[ERROR_AUTH_FAILED] =	  { "auth_failed", N_("login incorrect"), 4 },
	[ERROR_ACCOUNT] =	  { "account", N_("account may not log in"), 4 },
	[ERROR_THROTTLED] =	  { "throttled", N_("too many failed logins"), 4 },
	[ERROR_UNKNOWN_ALARM] =	  { "unknown_alarm", N_("unknown alarm"), 3 },
	[ERROR_ALARM_STATE] =	  { "alarm_state", N_("alarm not in that state"), 3 },
	[ERROR_UNKNOWN_SCREEN] =  { "unknown_screen", N_("unknown screen"), 3 },
};

const char *
error_name(enum error_code code)
{
	if ((unsigned)code >= ERROR_COUNT)
		return "internal";
	return error_table[code].name;
}

enum error_code
error_from_name(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < ERROR_COUNT; i++)
		if (strcmp(error_table[i].name, name) == 0)
			return i;
	return ERROR_INTERNAL;
}

const char *
error_text(enum error_code code)
{
	if ((unsigned)code >= ERROR_COUNT)
		code = ERROR_INTERNAL;
	return _(error_table[code].text);
}

int
error_exit_status(enum error_code code)
{
	if ((unsigned)code >= ERROR_COUNT)
		return 1;
	return error_table[code].exit_status;
}
