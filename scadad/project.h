/*
 * The engineered project: tags and the sections around them, loaded
 * from an INI file and CSV tag tables (scada-project(5)). Each section
 * belongs to the subsystem that uses it (project_section below), and the
 * loader only routes keys and columns to their owners.
 *
 * A loaded project never changes. It is reference counted, so a driver
 * thread may go on with the project it started with while the server
 * swaps in a newer generation; tags keep their ids across generations,
 * and every other module finds a tag by id or name, never by position.
 */
#ifndef SCADA_PROJECT_H
#define SCADA_PROJECT_H

#include <stddef.h>
#include <stdint.h>

#include "tagcodec.h"

/* Tag and device names are at most this many bytes (scada-project(5)). */
#define PROJECT_NAME_MAX	128

struct device_conf;
struct project;
struct project_loader;

struct project_tag {
	uint32_t		 id;		/* stable across reloads */
	int			 length;	/* string characters */
	char			*name;
	const char		*area;		/* interned */
	const char		*units;		/* interned */
	char			*description;
	enum tagcodec_type	 type;
	int			 writable;
	int			 critical;	/* stations confirm writes */
	int			 has_range;
	double			 min, max;	/* write limits, eng. units */
	const struct device_conf *device;
	void			*io;		/* the device owner's addressing */
	const char		*file;		/* interned */
	int			 line;
};

struct project	*project_load(const char *, const struct project *, char *,
		    size_t);
struct project	*project_ref(struct project *);
void		 project_unref(struct project **);
uint64_t	 project_gen(const struct project *);
void		 project_set_gen(struct project *, uint64_t);
const char	*project_name(const struct project *);
const char	*project_description(const struct project *);
const char	*project_path(const struct project *);
size_t		 project_ntags(const struct project *);
const struct project_tag *project_tag_at(const struct project *, size_t);
const struct project_tag *project_tag_find(const struct project *,
		    const char *);
const struct project_tag *project_tag_by_id(const struct project *,
		    uint32_t);
const struct project_tag *project_tag_next(const struct project *, uint32_t);
int		 project_tag_width(const struct project_tag *);
void		 project_selftest(const char *);

#endif
