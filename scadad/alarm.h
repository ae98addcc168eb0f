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

/* The texts of an alarm, apart: a change of value seldom needs them. */
struct alarm_texts {
	char			 str[TAGVAL_STR_MAX];	/* a string value */
	char			 message[256];
	char			 message_de[256];
	char			*shelve_reason;
	char			*shelved_by;
};

/*
 * What a change of value reads and writes comes first, the definition's
 * part of it copied in: with 400,000 alarms, a cache line or two an
 * alarm rather than a dozen.
 */
struct alarm {
	const struct alarm_def	*def;
	double			 limit;		/* the def's, for the hot path */
	double			 deadband;
	double			 value;
	long long		 value_ms;
	uint32_t		 tag_id;
	uint32_t		 setpoint_id;
	uint32_t		 suppress_id;
	unsigned char		 kind;		/* enum alarm_kind */
	unsigned char		 condition;	/* as the values say now */
	unsigned char		 active;	/* after the delays */
	unsigned char		 has_value;
	unsigned char		 has_setpoint;
	unsigned char		 is_bool;
	unsigned char		 is_string;
	unsigned char		 suppressed;
	/* 64 bytes so far: one cache line. */
	double			 setpoint;	/* ALARM_DEV */
	long long		 pending_ms;	/* condition changed then */
	/* The rest: operators' actions and what is shown. */
	const struct project_tag *tag;	/* the project's; lives as long */
	long long		 shelved_until;	/* 0: until it clears */
	long long		 since_ms;	/* last transition */
	long long		 active_ms;	/* when it became active */
	struct alarm_texts	*texts;
	unsigned char		 acked;
	unsigned char		 latched;
	unsigned char		 shelved;
	unsigned char		 oos;
} __attribute__((aligned(64)));	/* two lines, the first the hot one */

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
