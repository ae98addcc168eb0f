/*
 * The wire codec: topics, JSON bodies, replies. The protocol itself is
 * specified in scada-proto(7).
 */
#ifndef SCADA_MSG_H
#define SCADA_MSG_H

#include <czmq.h>
#include <jansson.h>

#include "error.h"

#define MSG_VERSION		1
/*
 * Requests and publications are small; a reply carries a whole
 * snapshot or browse, 20 MB for 100,000 tags, so clients take more.
 */
#define MSG_MAX_BYTES		(4 * 1024 * 1024)
#define MSG_REPLY_MAX_BYTES	(256 * 1024 * 1024)
#define MSG_HEARTBEAT_MS	1000

#define MSG_TOPIC_TAG		"tag/"
#define MSG_TOPIC_HEARTBEAT	"hb"
#define MSG_TOPIC_SYSTEM	"sys/"

/* DBL_DIG: every digit a double holds for sure, and no binary noise. */
#define MSG_DUMP_FLAGS		(JSON_COMPACT | JSON_REAL_PRECISION(15))

json_t	*msg_decode(const void *, size_t, size_t, char *, size_t);
char	*msg_encode(json_t *);
int	 msg_publish(zsock_t *, const char *, const char *, json_t *);
json_t	*msg_recv_publication(zsock_t *, char **);
json_t	*msg_error(enum error_code, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
json_t	*msg_ok(void);
int	 msg_is_ok(json_t *);
enum error_code msg_error_code(json_t *);
const char *msg_error_message(json_t *);
void	 msg_selftest(void);

#endif
