/*
 * Who may do what, where: roles grant functions in plant areas, on all
 * stations or on named ones; users and Unix groups hold roles; stations
 * are the machines, known by their CurveZMQ key (scada-project(5)). The
 * rights of a login are resolved once for its user, groups and station
 * and checked by every command.
 */
#ifndef SCADA_ACCESS_H
#define SCADA_ACCESS_H

#include <jansson.h>
#include <stddef.h>

#include "project.h"
#include "project_ini.h"

/* Functions a role may grant; later issues add their own. */
enum access_function {
	ACCESS_VIEW,		/* browse, snapshot, read, status */
	ACCESS_OPERATE,		/* write setpoints and switches */
	ACCESS_USERS,		/* see and end others' sessions */
	ACCESS_AUDIT,		/* read and verify the audit trail */
	ACCESS_ACKNOWLEDGE,	/* acknowledge and reset alarms */
	ACCESS_SHELVE,		/* shelve alarms, take them out of service */
	ACCESS_NFUNCTIONS
};

#define ACCESS_FUNCTION_WORDS \
	"view operate users audit acknowledge shelve"

struct access_role {
	char			*name;
	struct conf_words	 functions;
	struct conf_words	 areas;		/* "*": all */
	struct conf_words	 stations;	/* empty or "*": all */
	unsigned		 mask;		/* of the functions */
	int			 line;
};

/* A [user NAME] or [group NAME]: the roles it holds. */
struct access_holder {
	char			*name;
	struct conf_words	 roles;
	int			 line;
};

struct access_station {
	char			*name;
	char			*public_key;	/* Z85, 40 characters */
	struct conf_words	 anonymous_roles;
	int			 idle_logout_s;	/* -1: [security]'s */
	int			 bell;		/* 0: [alarms]'s, 1 no, 2.. */
	char			*start_screen;	/* NULL: [screens]' start */
	char			*language;	/* NULL: the station's locale */
	char			*title;		/* its title line's name */
	char			*colours;	/* "colour" or "mono" */
	struct conf_words	 blocked_keys;	/* quit, suspend */
	struct conf_words	 toolbar;	/* F7=screen:detail ... */
	int			 min_cols;	/* the terminal it needs; 0 */
	int			 min_lines;
	int			 line;
};

/* The rights one login holds: grants of functions in areas. */
struct access;

extern const struct project_section access_role_section;
extern const struct project_section access_user_section;
extern const struct project_section access_group_section;
extern const struct project_section access_station_section;

const struct access_station *access_station(const struct project *,
		    const char *);
const struct access_station *access_station_by_key(const struct project *,
		    const char *);
size_t		 access_nstations(const struct project *);
const struct access_station *access_station_at(const struct project *,
		    size_t);
struct access	*access_resolve(const struct project *, const char *,
		    const struct conf_words *, const char *);
struct access	*access_anonymous(const struct project *, const char *);
struct access	*access_all(void);
void		 access_free(struct access **);
int		 access_allows(const struct access *, enum access_function,
		    const char *);
int		 access_allows_some(const struct access *,
		    enum access_function);
int		 access_empty(const struct access *);
const char	*access_function_name(enum access_function);
const char	*access_function_phrase(enum access_function);
json_t		*access_json(const struct access *);
void		 access_selftest(const struct project *);

#endif
