/*
 * The wire codec: versions, limits, topics, JSON bodies, replies. The
 * protocol itself is specified in scada-proto(7).
 */
#ifndef SCADA_MSG_H
#define SCADA_MSG_H

#include <czmq.h>
#include <jansson.h>

#include "error.h"

#define MSG_VERSION		2
/*
 * A request is at most MSG_MAX_BYTES and MSG_MAX_VALUES JSON values
 * (objects, arrays, members, elements): 4 MiB of "{}" would cost the
 * parser 800 MB. Frames beyond MSG_TRANSPORT_MAX never reach us: libzmq
 * drops the peer that sends one. Replies may be bigger (a page of 10,000
 * tags with metadata), so clients take more.
 */
#define MSG_MAX_BYTES		(4 * 1024 * 1024)
#define MSG_MAX_VALUES		100000
#define MSG_TRANSPORT_MAX	(8 * 1024 * 1024)
#define MSG_MAX_FRAMES		32	/* envelope and body together */
#define MSG_REPLY_MAX_BYTES	(64 * 1024 * 1024)
#define MSG_HEARTBEAT_MS	1000
#define MSG_RID_MAX		128
#define MSG_SESSION_MAX		256

/* Every publication's topic; clients ignore the ones they do not know. */
#define MSG_TOPIC_TAGS		"tags"
#define MSG_TOPIC_HEARTBEAT	"hb"
#define MSG_TOPIC_SHUTDOWN	"sys/shutdown"
#define MSG_TOPIC_RELOAD	"sys/reload"
#define MSG_TOPIC_SESSION	"session"	/* a session ended */
#define MSG_TOPIC_ALARM		"alarm"		/* an alarm's transition */

/* An alarm's priority: 1 (urgent) to MSG_PRIORITIES (low). */
#define MSG_PRIORITIES		4
#define MSG_PRIORITY_WORDS	"urgent high medium low"

/* DBL_DIG: every digit a double holds for sure, and no binary noise. */
#define MSG_DUMP_FLAGS		(JSON_COMPACT | JSON_REAL_PRECISION(15))

json_t	*msg_decode(const void *, size_t, size_t, char *, size_t);
char	*msg_encode(json_t *);
int	 msg_valid_id(json_t *, size_t);
json_t	*msg_recv_publication(zsock_t *, char **);
json_t	*msg_error(enum error_code, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
json_t	*msg_ok(void);
int	 msg_is_ok(json_t *);
enum error_code msg_error_code(json_t *);
const char *msg_error_message(json_t *);
const char *msg_priority_name(int);
int	 msg_priority_parse(const char *);
void	 msg_selftest(void);

#endif
