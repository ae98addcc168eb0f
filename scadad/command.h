/*
 * The operations of the command channel: one table, a family of
 * handlers per file (cmd_session.c, cmd_tags.c, cmd_server.c), in the
 * manner of tmux's cmd-*.c. A handler sees the modules it may use
 * through struct cmd_env, never the server itself.
 */
#ifndef SCADA_COMMAND_H
#define SCADA_COMMAND_H

#include <jansson.h>

#include "devices.h"
#include "image.h"
#include "pending.h"
#include "project.h"
#include "publisher.h"
#include "replay.h"
#include "request.h"

/* What one request may cost the loop: it must never stop the beat. */
#define CMD_MAX_READ		10000	/* tags in a read */
#define CMD_MAX_WRITES		1000	/* values in a write */
#define CMD_PAGE_DEFAULT	1000	/* tags in a page */
#define CMD_PAGE_MAX		10000

struct cmd_stats {
	long long	 started;	/* monotonic ms */
	unsigned long	 requests;
	unsigned long	 bad_requests;
};

struct cmd_env {
	struct project		*project;	/* the running generation */
	image_t			*image;
	publisher_t		*pub;
	devices_t		*devices;
	pending_t		*pending;
	replay_t		*replay;
	const struct cmd_stats	*stats;
};

struct cmd_entry {
	const char	*name;
	int		 flags;
#define CMD_ONCE	0x1	/* not idempotent: applied once per rid */
	/*
	 * Returns the reply, or NULL if the handler took the request to
	 * answer later (pending_add).
	 */
	json_t		*(*exec)(struct cmd_env *, struct request **);
};

extern const struct cmd_entry cmd_hello_entry;
extern const struct cmd_entry cmd_ping_entry;
extern const struct cmd_entry cmd_read_entry;
extern const struct cmd_entry cmd_write_entry;
extern const struct cmd_entry cmd_browse_entry;
extern const struct cmd_entry cmd_snapshot_entry;
extern const struct cmd_entry cmd_status_entry;

void	 command_dispatch(struct cmd_env *, struct request **);
void	 command_reply_once(struct cmd_env *, struct request *, json_t *);
void	 cmd_tags_wrote(struct cmd_env *, uint64_t, enum error_code,
	    const char *);
json_t	*cmd_limits(void);
void	 command_selftest(struct project *);

#endif
