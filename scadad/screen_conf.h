/*
 * Process screens, as the project defines them (scada-screen(5)): each
 * a file holding its picture as it will appear, field markers in it,
 * and a section per field binding its marker to a tag, a screen or a
 * command. Read and checked with the project, file:line on any error;
 * sent to stations as JSON, made once.
 */
#ifndef SCADA_SCREEN_CONF_H
#define SCADA_SCREEN_CONF_H

#include <jansson.h>
#include <stddef.h>

#include "project.h"
#include "project_ini.h"

enum screen_kind {
	SCREEN_VALUE,		/* the value, formatted */
	SCREEN_BAR,		/* a horizontal bar */
	SCREEN_VBAR,		/* a vertical bar, rising to the marker */
	SCREEN_STATE,		/* a text per state: CLOSED OPEN */
	SCREEN_INPUT,		/* a value the operator may set */
	SCREEN_BUTTON,		/* writes a fixed value */
	SCREEN_LINK,		/* to another screen */
	SCREEN_TEXT,		/* a label, in the station's language */
	SCREEN_NKINDS
};

#define SCREEN_KIND_WORDS \
	"value bar vbar state input button link text"

struct screen_field {
	char			*name;
	int			 kind;		/* enum screen_kind */
	int			 row, col;	/* of the marker */
	int			 width, height;
	const char		*tag;		/* the project's name, or NULL */
	int			 decimals;	/* -1: as the value comes */
	int			 units;		/* show the tag's units */
	struct conf_words	 states;
	struct conf_words	 states_de;
	double			 min, max;	/* bars */
	char			*screen;	/* links */
	char			*value;		/* buttons */
	int			 confirm;	/* -1: as the tag says */
	char			*label;
	char			*label_de;
	int			 line;
};

struct screen {
	char			*name;
	char			*title;
	char			*title_de;
	char			**layout;	/* markers blanked out */
	size_t			 nlines;
	struct screen_field	*fields;
	size_t			 nfields;
	const char		*file;		/* interned */
	json_t			*json;		/* as stations get it */
};

struct screen_conf {
	struct conf_words	 files;
	char			*start;		/* every station's, unless its own */
	char			*overview;
	struct screen		*v;
	size_t			 n;
	int			 line;		/* of [screens] */
};

extern const struct project_section screen_conf_section;

const struct screen_conf *screen_conf(const struct project *);
const struct screen	*screen_conf_find(const struct project *,
			    const char *);

#endif
