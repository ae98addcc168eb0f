/*
 * What every section owner uses to read its part of a project: the
 * table-driven key engine (one table per section or set of columns,
 * in the manner of redis's config table: name, type, range, default,
 * field), the errors that name file:line, and the section and column
 * descriptors through which an owner plugs into the loader.
 */
#ifndef SCADA_PROJECT_INI_H
#define SCADA_PROJECT_INI_H

#include <stddef.h>
#include <stdio.h>

#include "project.h"

enum conf_type {
	CONF_STRING,		/* char *, owned */
	CONF_ATOM,		/* const char *, interned in the project */
	CONF_INT,		/* int in min..max, or one of choices */
	CONF_DOUBLE,		/* double, finite */
	CONF_BOOL,		/* int: yes/no, true/false, 1/0 */
	CONF_CHOICE,		/* char *: one of the words in choices */
	CONF_ENUM,		/* int: which of the words, in any case */
	CONF_WORDS,		/* struct conf_words: blank-separated words */
	CONF_PARSE		/* the key's own parse function */
};

/* A CONF_WORDS field: the words in order, NULL-terminated. */
struct conf_words {
	char	**v;
	size_t	  n;
};

#define CONF_REQUIRED	0x1	/* a column that may not be empty */

struct conf_key {
	const char	*name;
	enum conf_type	 type;
	long		 min, max;
	const char	*def;		/* default text; NULL: none */
	size_t		 offset;	/* of the field in the owner's struct */
	const char	*choices;	/* space-separated words */
	int		 flags;
	/* CONF_PARSE: returns -1 with the reason in why. */
	int		 (*parse)(void *, const char *, void *, char *, size_t);
};

#define CONF_END	{ .name = NULL }

/*
 * A section of the INI file, [name] or, if named, [name NAME]. init
 * makes the owner's data with every default, before any file is read;
 * open returns the struct a section's keys go into; check runs once
 * every file is read (and may add tags); finish once tags have their
 * ids and their addresses are final.
 */
struct project_section {
	const char		*name;
	int			 named;
	const struct conf_key	*keys;
	void			*(*init)(struct project_loader *);
	void			*(*open)(struct project_loader *, void *,
				    const char *);
	int			 (*check)(struct project_loader *, void *);
	void			 (*finish)(struct project *, void *);
	void			 (*free)(void *);
};

/*
 * Columns of the tag tables an owner reads. row returns the struct this
 * row's columns go into (making it if need be); check sees the fields as
 * given (NULL where empty), in the order of keys, to apply defaults and
 * check combinations.
 */
struct project_columns {
	const struct project_section *owner;
	const struct conf_key	*keys;
	void			*(*row)(struct project_loader *,
				    struct project_tag *, void *);
	int			 (*check)(struct project_loader *,
				    struct project_tag *, void *,
				    const char *const *);
};

int		 loader_fail(struct project_loader *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
int		 loader_fail_at(struct project_loader *, const char *, int,
		    const char *, ...) __attribute__((format(printf, 4, 5)));
int		 loader_failed(struct project_loader *);
int		 loader_line(struct project_loader *);
void		 loader_set_line(struct project_loader *, int);
const char	*loader_file(struct project_loader *);
void		 loader_set_file(struct project_loader *, const char *);
const char	*loader_dir(struct project_loader *);
struct project	*loader_project(struct project_loader *);
void		*loader_data(struct project_loader *,
		    const struct project_section *);
const char	*loader_intern(struct project_loader *, const char *);
struct project_tag *loader_tag_new(struct project_loader *);
size_t		 loader_ntags(struct project_loader *);
struct project_tag *loader_tag_at(struct project_loader *, size_t);

int		 conf_set(struct project_loader *, void *,
		    const struct conf_key *, const char *);
void		 conf_defaults(struct project_loader *, void *,
		    const struct conf_key *);
const struct conf_key *conf_find(const struct conf_key *, const char *);
size_t		 conf_count(const struct conf_key *);
int		 conf_long(const char *, long *);
int		 conf_double(const char *, double *);
int		 conf_yesno(const char *);
int		 conf_choice(const char *, const char *);
int		 conf_enum(const char *, const char *);
int		 conf_valid_name(const char *);
void		 conf_words_free(struct conf_words *);
int		 conf_words_has(const struct conf_words *, const char *);

int		 project_ini_read(struct project_loader *, FILE *,
		    int (*)(struct project_loader *, const char *),
		    int (*)(struct project_loader *, const char *,
		    const char *));
void		 project_tags_read(struct project_loader *, const char *);
void		 project_tags_annotate(struct project_loader *, const char *,
		    const struct project_columns *);
extern const struct project_columns project_tags_columns;

/* Reaches into project.c: a section's data, by its descriptor. */
void		*project_data(const struct project *,
		    const struct project_section *);

#endif
