/*
 * Alarms as the project defines them: the alarm columns of the tag
 * tables (limits HH, H, L, LL with a deadband and delays, rate of
 * change, deviation from a setpoint tag, an abnormal state, bad
 * quality), and the [alarms] section (device communication alarms,
 * shelving). scada-project(5) has every column. A loaded definition
 * never changes; the states live in alarm.c.
 */
#ifndef SCADA_ALARM_CONF_H
#define SCADA_ALARM_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "project.h"
#include "project_ini.h"

enum alarm_kind {
	ALARM_HH,
	ALARM_H,
	ALARM_L,
	ALARM_LL,
	ALARM_ROC,		/* |change| a second above the limit */
	ALARM_DEV,		/* |value - setpoint| above the limit */
	ALARM_STATE,		/* the value is the abnormal state */
	ALARM_BAD,		/* the value's quality is bad */
	ALARM_COMM,		/* a device's link is down */
	ALARM_NKINDS
};

#define ALARM_KIND_WORDS	"hh h l ll roc dev state bad comm"

/* A tag id that no tag has: no setpoint, no condition tag. */
#define ALARM_NO_TAG		UINT32_MAX

/* 1 is the most urgent. */
#define ALARM_PRIORITIES	MSG_PRIORITIES
#define ALARM_PRIORITY_WORDS	MSG_PRIORITY_WORDS

struct alarm_def {
	char			*id;		/* "tag:kind", stable */
	const char		*tag;		/* its name, the project's */
	uint32_t		 tag_id;
	enum alarm_kind		 kind;
	double			 limit;
	double			 deadband;
	int			 priority;	/* 1..ALARM_PRIORITIES */
	int			 on_delay_ms;
	int			 off_delay_ms;
	int			 latch;
	char			*state;		/* ALARM_STATE: as text */
	char			*setpoint;	/* ALARM_DEV: a tag's name */
	uint32_t		 setpoint_id;
	char			*suppress_by;	/* a tag's name, or NULL */
	uint32_t		 suppress_id;
	char			*message;	/* a template, or NULL */
	char			*message_de;
	const char		*area;		/* the tag's */
	const char		*file;
	int			 line;
};

struct alarm_conf {
	struct conf_words	 tables;	/* alarm lists, CSV */
	int			 comm_priority;	/* 0: no communication alarms */
	int			 bell;		/* stations ring up to it; 0 no */
	int			 shelve_max_s;
	char			*journal;	/* file, in the data directory */
	struct alarm_def	*defs;
	size_t			 n;
	/* While loading: the row being read. */
	void			*row;
	int			 line;
};

extern const struct project_section alarm_conf_section;
extern const struct project_columns alarm_conf_columns;

const struct alarm_conf *alarm_conf(const struct project *);
char		*alarm_conf_journal_path(const struct project *, const char *);
const char	*alarm_kind_name(enum alarm_kind);
const char	*alarm_kind_text(enum alarm_kind);
int		 alarm_priority_parse(const char *);

#endif
