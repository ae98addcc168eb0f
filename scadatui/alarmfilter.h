/*
 * What the alarm list and the journal show: an area, a priority and
 * the more urgent ones, and for the journal a text and a time range.
 * The keys that set it are the same on both views; the server applies
 * the same filter to an acknowledgement of all shown and to a query.
 */
#ifndef SCADATUI_ALARMFILTER_H
#define SCADATUI_ALARMFILTER_H

#include <jansson.h>
#include <stddef.h>

struct view_entry;

struct alarmfilter {
	char		 area[64];	/* "": every area */
	int		 priority;	/* 0: every; else this or more urgent */
	char		 text[128];	/* journal: in message, id or comment */
	long long	 since;		/* journal: ms since the epoch, or 0 */
	long long	 until;		/* journal: ms, or 0 for now */
	int		 journal;	/* text and time keys apply */
	/* Told when the filter changed, with the view it belongs to. */
	void		(*changed)(struct view_entry *);
	struct view_entry *ve;
};

int	 alarmfilter_key(struct alarmfilter *, int);
int	 alarmfilter_matches(const struct alarmfilter *, json_t *);
json_t	*alarmfilter_where(const struct alarmfilter *);
void	 alarmfilter_describe(const struct alarmfilter *, char *, size_t);

#endif
