/*
 * The operations of the command channel: one table, a family of
 * handlers per file (cmd_session.c, cmd_tags.c, cmd_server.c), in the
 * manner of tmux's cmd-*.c. A handler sees the modules it may use
 * through struct cmd_env, never the server itself.
 */
#ifndef SCADA_COMMAND_H
#define SCADA_COMMAND_H

#include <jansson.h>

#include "access.h"
#include "alarm.h"
#include "audit.h"
#include "auth.h"
#include "devices.h"
#include "image.h"
#include "journal.h"
#include "pending.h"
#include "project.h"
#include "publisher.h"
#include "replay.h"
#include "request.h"
#include "session.h"
#include "throttle.h"

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

struct cmd_logins;

struct cmd_env {
	struct project		*project;	/* the running generation */
	/*
	 * The project as last loaded (SIGHUP): what stations are told of
	 * themselves and their screens. The running one until a reload.
	 */
	const struct project	*config;
	image_t			*image;
	publisher_t		*pub;
	devices_t		*devices;
	pending_t		*pending;
	replay_t		*replay;
	const struct cmd_stats	*stats;
	sessions_t		*sessions;
	auth_t			*auth;		/* the login helper */
	audit_t			*audit;
	throttle_t		*throttle;
	struct cmd_logins	*logins;	/* conversations under way */
	alarms_t		*alarms;
	journal_t		*journal;
};

/*
 * An operation. Unless it is public, the dispatch lets it run only for
 * a caller whose rights grant its function in some area; the handler
 * checks the area of each tag itself.
 */
struct cmd_entry {
	const char		*name;
	int			 flags;
#define CMD_ONCE	0x1	/* not idempotent: applied once per rid */
#define CMD_PUBLIC	0x2	/* for anyone: hello, ping, login */
	enum access_function	 right;
	/*
	 * Returns the reply, or NULL if the handler took the request to
	 * answer later (pending_add).
	 */
	json_t		*(*exec)(struct cmd_env *, struct request **);
};

extern const struct cmd_entry cmd_hello_entry;
extern const struct cmd_entry cmd_screens_entry;
extern const struct cmd_entry cmd_screen_entry;
extern const struct cmd_entry cmd_ping_entry;
extern const struct cmd_entry cmd_read_entry;
extern const struct cmd_entry cmd_write_entry;
extern const struct cmd_entry cmd_browse_entry;
extern const struct cmd_entry cmd_snapshot_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_login_entry;
extern const struct cmd_entry cmd_logout_entry;
extern const struct cmd_entry cmd_whoami_entry;
extern const struct cmd_entry cmd_sessions_entry;
extern const struct cmd_entry cmd_revoke_entry;
extern const struct cmd_entry cmd_audit_entry;
extern const struct cmd_entry cmd_audit_verify_entry;
extern const struct cmd_entry cmd_alarms_entry;
extern const struct cmd_entry cmd_alarm_ack_entry;
extern const struct cmd_entry cmd_alarm_shelve_entry;
extern const struct cmd_entry cmd_alarm_unshelve_entry;
extern const struct cmd_entry cmd_alarm_reset_entry;
extern const struct cmd_entry cmd_alarm_service_entry;
extern const struct cmd_entry cmd_alarm_journal_entry;
extern const struct cmd_entry cmd_alarm_stats_entry;

void	 command_dispatch(struct cmd_env *, struct request **);
void	 command_reply_once(struct cmd_env *, struct request *, json_t *);
json_t	*cmd_alarm_snapshot(struct cmd_env *, struct request *);
void	 cmd_alarm_journal_answer(struct cmd_env *, uint64_t, json_t *);
void	 cmd_tags_wrote(struct cmd_env *, uint64_t, enum error_code,
	    const char *);
void	 cmd_login_helper(struct cmd_env *, uint64_t, const char *, json_t *);
void	 cmd_login_tick(struct cmd_env *, long long);
struct cmd_logins *cmd_logins_new(void);
void	 cmd_logins_destroy(struct cmd_logins **, struct cmd_env *);
void	 cmd_session_ended(struct cmd_env *, const struct session *,
	    const char *);
void	 cmd_audit_answer(struct cmd_env *, uint64_t, json_t *);
void	 command_audit(struct cmd_env *, struct request *, const char *,
	    const char *, json_t *, json_t *, const char *, const char *);
json_t	*command_denied(struct request *, enum access_function,
	    const char *);
json_t	*cmd_limits(void);
void	 command_selftest(struct project *);

#endif
