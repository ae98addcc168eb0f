/* Typed errors carried in replies; names are the wire form. */
#ifndef SCADA_ERROR_H
#define SCADA_ERROR_H

enum error_code {
	ERROR_NONE = 0,
	ERROR_BAD_REQUEST,	/* malformed frame, JSON or field */
	ERROR_UNKNOWN_OP,
	ERROR_UNKNOWN_TAG,
	ERROR_NOT_WRITABLE,
	ERROR_BAD_VALUE,	/* wrong JSON type for the tag */
	ERROR_OUT_OF_RANGE,
	ERROR_PERMISSION_DENIED,
	ERROR_DEVICE_OFFLINE,
	ERROR_DEVICE_ERROR,	/* the PLC answered with an exception */
	ERROR_TIMEOUT,
	ERROR_BUSY,
	ERROR_TOO_LARGE,
	ERROR_VERSION,
	ERROR_INTERNAL,
	ERROR_UNREACHABLE,	/* client side only: no answer from server */
	ERROR_UNAUTHENTICATED,	/* no session, or one the server does not know */
	ERROR_AUTH_FAILED,	/* login refused: wrong password, or the like */
	ERROR_ACCOUNT,		/* the account may not log in now */
	ERROR_THROTTLED,	/* too many failed logins: wait */
	ERROR_UNKNOWN_ALARM,
	ERROR_ALARM_STATE,	/* not in a state the action applies to */
	ERROR_UNKNOWN_SCREEN,
	ERROR_COUNT
};

const char	*error_name(enum error_code);
enum error_code	 error_from_name(const char *);
const char	*error_text(enum error_code);
int		 error_exit_status(enum error_code);

#endif
