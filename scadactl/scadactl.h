/*
 * scadactl: the admin command line. Commands are const entries, one
 * family per file (cmd_tags.c, cmd_watch.c, cmd_server.c), dispatched
 * from one table in main.c, in the manner of tmux's cmd_entry.
 */
#ifndef SCADACTL_H
#define SCADACTL_H

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <czmq.h>
#include <jansson.h>

#include "client.h"
#include "error.h"
#include "keys.h"
#include "tagval.h"

#define CTL_NAME	"scadactl"
#define CTL_PAGE	10000	/* tags a page, the most the server gives */

/* What every command gets: the global options and the server link. */
struct ctl {
	const char	*endpoint;
	int		 timeout_ms;
	int		 json;		/* -j: JSON lines on stdout */
	const char	*key;		/* -k: the station's key file */
	const char	*server_key;	/* -K: the server's public key */
	struct keys	 keys;
	client_t	*client;	/* opened on first request */
	int		 session_kept;	/* sent the session file's token */
};

/* A command's own options and operands, after the command name. */
struct cmd_args {
	int		 argc;
	char		**argv;
	const char	*opt[UCHAR_MAX + 1];	/* by letter; "" for a flag */
};

struct cmd_entry {
	const char	*name;
	const char	*options;	/* getopt(3) letters, or NULL */
	int		 flags;
#define CMD_CLIENT	0x1		/* talks to the server by requests */
	int		 args_min;
	int		 args_max;	/* -1: no limit */
	const char	*usage;		/* N_(): translated when shown */
	int		(*exec)(struct ctl *, struct cmd_args *);
};

extern const struct cmd_entry cmd_tags_read_entry;
extern const struct cmd_entry cmd_tags_write_entry;
extern const struct cmd_entry cmd_tags_browse_entry;
extern const struct cmd_entry cmd_watch_entry;
extern const struct cmd_entry cmd_screens_entry;
extern const struct cmd_entry cmd_server_status_entry;
extern const struct cmd_entry cmd_server_ping_entry;
extern const struct cmd_entry cmd_login_entry;
extern const struct cmd_entry cmd_logout_entry;
extern const struct cmd_entry cmd_whoami_entry;
extern const struct cmd_entry cmd_sessions_entry;
extern const struct cmd_entry cmd_revoke_entry;
extern const struct cmd_entry cmd_audit_entry;
extern const struct cmd_entry cmd_keygen_entry;
extern const struct cmd_entry cmd_alarms_entry;

/* ctl.c: what the commands share. */
void	 ctl_json_errors(void);
void	 ctl_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
int	 ctl_error(enum error_code, json_t *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	 ctl_open(struct ctl *);
void	 ctl_close(struct ctl *);
int	 ctl_session_save(struct ctl *, const char *);
void	 ctl_session_forget(struct ctl *);
json_t	*ctl_call(struct ctl *, const char *, ...);
json_t	*ctl_call_write(struct ctl *, json_t *);
int	 ctl_fail(json_t *);
int	 ctl_done(json_t *);
int	 ctl_window(struct cmd_args *, json_t *);
int	 ctl_count(struct cmd_args *, long *);
const char *ctl_format(struct ctl *, struct cmd_args *, const char *, int *);
void	 ctl_print_json(json_t *);
int	 ctl_flush(void);
json_t	*ctl_browse(struct ctl *, const char *, json_t **);

/* table.c: columns aligned by display width, for the human output. */
typedef struct table table_t;

#define TABLE_RIGHT	0x1
#define TABLE_TIME	0x2	/* table_rows: ms since the epoch */
#define TABLE_MAXCOLS	16

/* A column of table_rows: the row's member, its heading (N_()). */
struct table_col {
	const char	*key;
	const char	*heading;
	int		 flags;
};

table_t	*table_new(int);
void	 table_destroy(table_t **);
void	 table_align(table_t *, int, int);
void	 table_add(table_t *, ...);
void	 table_add_row(table_t *, const char *const *);
void	 table_rows(json_t *, const struct table_col *, size_t,
	    const char *);
void	 table_print(table_t *, FILE *);
size_t	 table_width(const char *);
void	 table_pad(FILE *, const char *, size_t);

#endif
