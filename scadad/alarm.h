/*
 * The alarms' states, ISA-18.2's: evaluated on the server on every
 * change of a value, in the order of the changes, with the project's
 * deadbands and delays; acknowledged, shelved, reset and taken out of
 * service by operators. Every transition is handed to the event
 * function, which publishes it (and journals it) in the same order.
 * Owned by the server loop: nothing here blocks or locks.
 */
#ifndef SCADA_ALARM_H
#define SCADA_ALARM_H

#include <jansson.h>
#include <stddef.h>

#include "alarm_conf.h"
#include "error.h"
#include "journal.h"
#include "project.h"
#include "tagval.h"

enum alarm_state {
	ALARM_NORMAL,
	ALARM_UNACK,		/* active, unacknowledged */
	ALARM_ACKED,		/* active, acknowledged */
	ALARM_RTN_UNACK,	/* returned to normal, unacknowledged */
	ALARM_LATCHED,		/* returned, waiting for a reset */
	ALARM_SHELVED,
	ALARM_SUPPRESSED,	/* by design: its condition tag is on */
	ALARM_OUT_OF_SERVICE,
	ALARM_NSTATES
};

#define ALARM_STATE_WORDS \
	"normal unack acked rtn_unack latched shelved suppressed out_of_service"

struct alarm {
	const struct alarm_def	*def;
	const struct project_tag *tag;	/* the project's; lives as long */
	int			 active;	/* after the delays */
	int			 acked;
	int			 latched;
	int			 condition;	/* as the values say now */
	long long		 pending_ms;	/* condition changed then */
	int			 shelved;
	long long		 shelved_until;	/* 0: until it clears */
	char			*shelve_reason;
	char			*shelved_by;
	int			 suppressed;
	int			 oos;
	int			 has_value;
	double			 value;
	long long		 value_ms;
	double			 setpoint;	/* ALARM_DEV */
	int			 has_setpoint;
	int			 is_bool;
	int			 is_string;
	char			 str[TAGVAL_STR_MAX];	/* a string value */
	long long		 since_ms;	/* last transition */
	long long		 active_ms;	/* when it became active */
	char			 message[256];
	char			 message_de[256];
};

/* The state an alarm is in, as the journal keeps it for a restart. */
#define ALARM_F_ACTIVE		0x01
#define ALARM_F_ACKED		0x02
#define ALARM_F_LATCHED		0x04
#define ALARM_F_SHELVED		0x08
#define ALARM_F_OOS		0x10

/* Who acts on an alarm, and why. */
struct alarm_actor {
	const char	*user;
	const char	*station;
	const char	*comment;
};

typedef struct alarms alarms_t;
typedef void (alarms_event_fn)(void *, const struct alarm *, const char *,
    const struct alarm_actor *);

alarms_t	*alarms_new(const struct project *, alarms_event_fn *, void *);
void		 alarms_destroy(alarms_t **);
void		 alarms_value(alarms_t *, const struct project_tag *,
		    const struct tagval *);
void		 alarms_tick(alarms_t *, long long);
size_t		 alarms_count(alarms_t *);
struct alarm	*alarms_at(alarms_t *, size_t);
struct alarm	*alarms_find(alarms_t *, const char *);
int		 alarms_shelve_max_s(alarms_t *);
void		 alarms_restore(alarms_t *, const struct journal_state *);
int		 alarm_flags(const struct alarm *);

enum alarm_state alarm_state(const struct alarm *);
const char	*alarm_state_name(enum alarm_state);
int		 alarm_shown(const struct alarm *);
json_t		*alarm_json(const struct alarm *);
const char	*alarm_text(const struct alarm *, char *, size_t);
int		 alarm_compare(const void *, const void *);

enum error_code	 alarms_ack(alarms_t *, struct alarm *,
		    const struct alarm_actor *, char *, size_t);
enum error_code	 alarms_reset(alarms_t *, struct alarm *,
		    const struct alarm_actor *, char *, size_t);
enum error_code	 alarms_shelve(alarms_t *, struct alarm *, long long,
		    const struct alarm_actor *, char *, size_t);
enum error_code	 alarms_unshelve(alarms_t *, struct alarm *,
		    const struct alarm_actor *, char *, size_t);
enum error_code	 alarms_service(alarms_t *, struct alarm *, int,
		    const struct alarm_actor *, char *, size_t);

#endif
