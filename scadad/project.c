/*
 * Loads a project: the INI file first, each [section] handed to the
 * subsystem that owns it (project_sections), then the tag tables, whose
 * columns go to their owners the same way, then the owners' checks that
 * need everything. A new section is a new file with its key table and
 * one line in project_sections.
 */
#include "config.h"

#include <czmq.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access.h"
#include "alarm_conf.h"
#include "check.h"
#include "log.h"
#include "driver_conf.h"
#include "i18n.h"
#include "project_ini.h"
#include "screen_conf.h"
#include "security_conf.h"
#include "server_conf.h"
#include "xmalloc.h"

/* The [project] section is the loader's own. */
struct project_info {
	char		*name;
	char		*description;
	char		**tagfiles;
	size_t		  ntagfiles;
};

extern const struct project_section project_info_section;

static const struct project_section *const project_sections[] = {
	&project_info_section,
	&server_conf_section,
	&security_conf_section,
	&driver_conf_section,
	&alarm_conf_section,	/* after the devices: their status tags */
	&access_role_section,
	&access_user_section,
	&access_group_section,
	&access_station_section,
	&screen_conf_section,	/* after the tags, for its fields */
};

#define PROJECT_NSECTIONS	(sizeof project_sections / \
				    sizeof *project_sections)

struct project {
	int			  refs;
	uint64_t		  gen;
	char			 *path;		/* the INI file */
	char			 *dir;
	struct project_tag	 *tags;		/* in the order loaded */
	size_t			  ntags;
	struct project_tag	**by_id;	/* NULL where no tag has it */
	uint32_t		  nids;
	zhashx_t		 *by_name;
	zhashx_t		 *atoms;	/* interned strings */
	void			 *data[PROJECT_NSECTIONS];
};

struct project_loader {
	struct project		 *p;
	const struct project	 *previous;
	const char		 *file;
	int			  line;
	char			 *err;
	size_t			  errlen;
	int			  failed;
	size_t			  tags_cap;
	size_t			  section;	/* the one being read */
	void			 *base;		/* where its keys go */
};

int
loader_fail_at(struct project_loader *l, const char *file, int line,
    const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	if (l->failed)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (file != NULL)
		snprintf(l->err, l->errlen, "%s:%d: %s", file, line, msg);
	else
		snprintf(l->err, l->errlen, "%s", msg);
	l->failed = 1;
	return 0;
}

/* Reports an error at a line of the file being read; returns 0. */
int
loader_fail(struct project_loader *l, int line, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return loader_fail_at(l, l->file, line, "%s", msg);
}

int
loader_failed(struct project_loader *l)
{
	return l->failed;
}

int
loader_line(struct project_loader *l)
{
	return l->line;
}

void
loader_set_line(struct project_loader *l, int line)
{
	l->line = line;
}

const char *
loader_file(struct project_loader *l)
{
	return l->file;
}

void
loader_set_file(struct project_loader *l, const char *file)
{
	l->file = loader_intern(l, file);
	l->line = 0;
}

const char *
loader_dir(struct project_loader *l)
{
	return l->p->dir;
}

struct project *
loader_project(struct project_loader *l)
{
	return l->p;
}

static size_t
project_section_index(const struct project_section *s)
{
	size_t i;

	for (i = 0; i < PROJECT_NSECTIONS; i++)
		if (project_sections[i] == s)
			return i;
	fatalx("project: section [%s] is not in project_sections", s->name);
	/* NOTREACHED */
}

void *
project_data(const struct project *p, const struct project_section *s)
{
	return p->data[project_section_index(s)];
}

void *
loader_data(struct project_loader *l, const struct project_section *s)
{
	return project_data(l->p, s);
}

/* Areas, units and file names repeat: one copy of each. */
const char *
loader_intern(struct project_loader *l, const char *s)
{
	char *atom = zhashx_lookup(l->p->atoms, s);

	if (atom == NULL) {
		atom = xstrdup(s);
		zhashx_insert(l->p->atoms, s, atom);
	}
	return atom;
}

/* A new row of the tag table, zeroed; valid until the next one. */
struct project_tag *
loader_tag_new(struct project_loader *l)
{
	struct project *p = l->p;

	/* Doubling: one row at a time would copy the table n times. */
	if (p->ntags == l->tags_cap) {
		l->tags_cap = l->tags_cap == 0 ? 64 : 2 * l->tags_cap;
		p->tags = xreallocarray(p->tags, l->tags_cap, sizeof *p->tags);
	}
	memset(&p->tags[p->ntags], 0, sizeof *p->tags);
	return &p->tags[p->ntags++];
}

size_t
loader_ntags(struct project_loader *l)
{
	return l->p->ntags;
}

struct project_tag *
loader_tag_at(struct project_loader *l, size_t i)
{
	return i < l->p->ntags ? &l->p->tags[i] : NULL;
}

static int
project_info_parse_tags(void *arg, const char *value, void *field,
    char *why, size_t len)
{
	struct project_loader *l = arg;
	struct project_info *pi = field;

	pi->tagfiles = xreallocarray(pi->tagfiles, pi->ntagfiles + 1,
	    sizeof *pi->tagfiles);
	pi->tagfiles[pi->ntagfiles++] = value[0] == '/' ? xstrdup(value) :
	    xasprintf("%s/%s", loader_dir(l), value);
	return 0;
}

#define PKEY(f)	offsetof(struct project_info, f)

static const struct conf_key project_info_keys[] = {
	{ .name = "name", .type = CONF_STRING, .def = "",
	    .offset = PKEY(name) },
	{ .name = "description", .type = CONF_STRING, .def = "",
	    .offset = PKEY(description) },
	{ .name = "tags", .type = CONF_PARSE, .offset = 0,
	    .parse = project_info_parse_tags },
	CONF_END
};

static void *
project_info_init(struct project_loader *l)
{
	struct project_info *pi = xcalloc(1, sizeof *pi);

	conf_defaults(l, pi, project_info_keys);
	return pi;
}

static void *
project_info_open(struct project_loader *l, void *data, const char *name)
{
	return data;
}

static void
project_info_free(void *data)
{
	struct project_info *pi = data;
	size_t i;

	for (i = 0; i < pi->ntagfiles; i++)
		free(pi->tagfiles[i]);
	free(pi->tagfiles);
	free(pi->name);
	free(pi->description);
	free(pi);
}

const struct project_section project_info_section = {
	.name = "project",
	.keys = project_info_keys,
	.init = project_info_init,
	.open = project_info_open,
	.free = project_info_free,
};

/* "project, server, ..., device NAME, ...": for an unknown section. */
static const char *
project_section_names(void)
{
	static char names[256];
	size_t i, n = 0;

	if (names[0] != '\0')
		return names;
	for (i = 0; i < PROJECT_NSECTIONS && n < sizeof names; i++)
		n += (size_t)snprintf(names + n, sizeof names - n, "%s%s%s",
		    i > 0 ? ", " : "", project_sections[i]->name,
		    project_sections[i]->named ? " NAME" : "");
	return names;
}

/* "[server]" or "[device plc1]": whose section, and which of them. */
static int
project_section_start(struct project_loader *l, const char *text)
{
	const struct project_section *s;
	size_t i, n;

	for (i = 0; i < PROJECT_NSECTIONS; i++) {
		s = project_sections[i];
		n = strlen(s->name);
		if (strncmp(text, s->name, n) != 0)
			continue;
		if (!s->named && text[n] == '\0')
			break;
		if (s->named && text[n] == ' ' && text[n + 1] != '\0')
			break;
	}
	if (i == PROJECT_NSECTIONS) {
		l->base = NULL;
		return loader_fail(l, l->line, _("unknown section [%s] (%s)"),
		    text, project_section_names());
	}
	l->section = i;
	l->base = s->open(l, l->p->data[i], s->named ? text + n + 1 : NULL);
	return l->base != NULL;
}

static int
project_key(struct project_loader *l, const char *name, const char *value)
{
	const struct project_section *s = project_sections[l->section];
	const struct conf_key *k;

	if (l->base == NULL)
		return loader_fail(l, l->line,
		    _("key '%s' outside any section"), name);
	if ((k = conf_find(s->keys, name)) == NULL)
		return loader_fail(l, l->line, _("unknown key '%s' in [%s]"),
		    name, s->name);
	return conf_set(l, l->base, k, value);
}

static int
project_read_ini(struct project_loader *l)
{
	FILE *fp;
	int rc;

	if ((fp = fopen(l->p->path, "r")) == NULL)
		return loader_fail_at(l, NULL, 0, "%s: %s", l->p->path,
		    strerror(errno));
	loader_set_file(l, l->p->path);
	rc = project_ini_read(l, fp, project_section_start, project_key);
	fclose(fp);
	return rc == 0;
}

static void
project_check_names(struct project_loader *l)
{
	struct project *p = l->p;
	struct project_tag *t, *o;
	size_t i;

	for (i = 0; i < p->ntags && !l->failed; i++) {
		t = &p->tags[i];
		if ((o = zhashx_lookup(p->by_name, t->name)) != NULL)
			loader_fail_at(l, t->file, t->line,
			    _("tag '%s' already defined at %s:%d"), t->name,
			    o->file, o->line);
		zhashx_insert(p->by_name, t->name, t);
	}
}

/*
 * Ids in load order; on a reload, a tag keeps the id it had in the
 * previous generation and a new one takes the next id never used.
 */
static void
project_assign_ids(struct project_loader *l)
{
	struct project *p = l->p;
	const struct project_tag *old;
	uint32_t next = l->previous != NULL ? l->previous->nids : 0;
	size_t i;

	for (i = 0; i < p->ntags; i++) {
		old = l->previous != NULL ? project_tag_find(l->previous,
		    p->tags[i].name) : NULL;
		p->tags[i].id = old != NULL ? old->id : next++;
	}
	/* The table grew by doubling; it stops growing now. */
	p->tags = xreallocarray(p->tags, p->ntags + 1, sizeof *p->tags);
	p->nids = next;
	p->by_id = xcalloc((size_t)next + 1, sizeof *p->by_id);
	for (i = 0; i < p->ntags; i++)
		p->by_id[p->tags[i].id] = &p->tags[i];
	/* The table stops growing: the index may point into it now. */
	zhashx_purge(p->by_name);
	for (i = 0; i < p->ntags; i++)
		zhashx_insert(p->by_name, p->tags[i].name, &p->tags[i]);
}

static struct project *
project_new(const char *path)
{
	struct project *p = xcalloc(1, sizeof *p);
	struct stat st;
	char *copy;

	p->refs = 1;
	p->gen = 1;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		p->path = xasprintf("%s/project.ini", path);
	else
		p->path = xstrdup(path);
	copy = xstrdup(p->path);
	p->dir = xstrdup(dirname(copy));
	free(copy);
	/* Keys are the tags' own names, not copies. */
	p->by_name = zhashx_new();
	zhashx_set_key_duplicator(p->by_name, NULL);
	zhashx_set_key_destructor(p->by_name, NULL);
	p->atoms = zhashx_new();
	zhashx_set_destructor(p->atoms, (zhashx_destructor_fn *)zstr_free);
	return p;
}

static void
project_load_all(struct project_loader *l)
{
	struct project_info *pi;
	size_t i;

	for (i = 0; i < PROJECT_NSECTIONS; i++)
		l->p->data[i] = project_sections[i]->init(l);
	if (!project_read_ini(l))
		return;
	pi = loader_data(l, &project_info_section);
	if (pi->ntagfiles == 0) {
		loader_fail(l, 1, _("no tag table: add tags = FILE to "
		    "[project]"));
		return;
	}
	for (i = 0; !l->failed && i < pi->ntagfiles; i++)
		project_tags_read(l, pi->tagfiles[i]);
	if (!l->failed)
		project_check_names(l);
	for (i = 0; !l->failed && i < PROJECT_NSECTIONS; i++)
		if (project_sections[i]->check != NULL)
			project_sections[i]->check(l, l->p->data[i]);
}

/*
 * Loads the project at path (its INI file, or a folder holding
 * project.ini). With previous, tags keep the ids they have there.
 * Returns NULL with file:line and the reason in err.
 */
struct project *
project_load(const char *path, const struct project *previous, char *err,
    size_t errlen)
{
	struct project_loader l = { .previous = previous, .err = err,
	    .errlen = errlen };
	size_t i;

	err[0] = '\0';
	l.p = project_new(path);
	project_load_all(&l);
	if (l.failed) {
		project_unref(&l.p);
		return NULL;
	}
	project_assign_ids(&l);
	for (i = 0; i < PROJECT_NSECTIONS; i++)
		if (project_sections[i]->finish != NULL)
			project_sections[i]->finish(l.p, l.p->data[i]);
	return l.p;
}

struct project *
project_ref(struct project *p)
{
	__atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
	return p;
}

/* The last reference frees it, in whichever thread lets go last. */
void
project_unref(struct project **pp)
{
	struct project *p = *pp;
	size_t i;

	if (p == NULL)
		return;
	*pp = NULL;
	if (__atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (i = 0; i < PROJECT_NSECTIONS; i++)
		if (p->data[i] != NULL)
			project_sections[i]->free(p->data[i]);
	for (i = 0; i < p->ntags; i++) {
		free(p->tags[i].name);
		free(p->tags[i].description);
		free(p->tags[i].io);
	}
	free(p->tags);
	free(p->by_id);
	zhashx_destroy(&p->by_name);
	zhashx_destroy(&p->atoms);
	free(p->path);
	free(p->dir);
	free(p);
}

uint64_t
project_gen(const struct project *p)
{
	return p->gen;
}

void
project_set_gen(struct project *p, uint64_t gen)
{
	p->gen = gen;
}

const char *
project_name(const struct project *p)
{
	const struct project_info *pi = project_data(p, &project_info_section);

	return pi->name;
}

const char *
project_description(const struct project *p)
{
	const struct project_info *pi = project_data(p, &project_info_section);

	return pi->description;
}

const char *
project_path(const struct project *p)
{
	return p->path;
}

size_t
project_ntags(const struct project *p)
{
	return p->ntags;
}

/* Every tag, i from 0 to project_ntags() - 1, in no promised order. */
const struct project_tag *
project_tag_at(const struct project *p, size_t i)
{
	return i < p->ntags ? &p->tags[i] : NULL;
}

const struct project_tag *
project_tag_find(const struct project *p, const char *name)
{
	return zhashx_lookup(p->by_name, name);
}

const struct project_tag *
project_tag_by_id(const struct project *p, uint32_t id)
{
	return id < p->nids ? p->by_id[id] : NULL;
}

/* The tag of the lowest id at or above id: paging in id order. */
const struct project_tag *
project_tag_next(const struct project *p, uint32_t id)
{
	for (; id < p->nids; id++)
		if (p->by_id[id] != NULL)
			return p->by_id[id];
	return NULL;
}

static void
project_selftest_write(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	CHECK(fp != NULL);
	fputs(text, fp);
	CHECK(fclose(fp) == 0);
}

/* Loads ini + csv from a scratch folder; expects "file:line: ..." */
static struct project *
project_selftest_load(const char *dir, const char *ini, const char *csv,
    const char *expect, const struct project *previous)
{
	char path[512], err[512] = "", *want;
	struct project *p;

	snprintf(path, sizeof path, "%s/tags.csv", dir);
	project_selftest_write(path, csv);
	snprintf(path, sizeof path, "%s/project.ini", dir);
	project_selftest_write(path, ini);
	p = project_load(dir, previous, err, sizeof err);
	if (expect == NULL) {
		if (p == NULL)
			fprintf(stderr, "project_selftest: %s\n", err);
		CHECK(p != NULL);
		return p;
	}
	want = xasprintf("%s/%s", dir, expect);
	if (p != NULL || strstr(err, want) == NULL)
		fprintf(stderr, "project_selftest: want '%s', got '%s'\n",
		    want, err);
	CHECK(p == NULL && strstr(err, want) != NULL);
	free(want);
	return NULL;
}

static void
project_selftest_case(const char *dir, const char *ini, const char *csv,
    const char *expect)
{
	struct project *p = project_selftest_load(dir, ini, csv, expect, NULL);

	project_unref(&p);
}

static const char project_selftest_ini[] = "[project]\nname = t\n"
    "tags = tags.csv\n[device d1]\nhost = 127.0.0.1\nport = 1502\n";

/* Tags keep their ids from one generation to the next. */
static void
project_selftest_ids(const char *dir)
{
	static const char head[] = "name,device,space,address,type\n";
	struct project *a, *b;
	char *csv;

	csv = xasprintf("%sa,d1,holding,0,uint16\nb,d1,holding,1,uint16\n"
	    "c,d1,holding,2,uint16\n", head);
	a = project_selftest_load(dir, project_selftest_ini, csv, NULL, NULL);
	free(csv);
	CHECK(project_tag_find(a, "b")->id == 1);
	CHECK(project_tag_by_id(a, 2) == project_tag_find(a, "c"));
	csv = xasprintf("%sc,d1,holding,2,uint16\nnew,d1,holding,3,uint16\n"
	    "a,d1,holding,0,uint16\n", head);
	b = project_selftest_load(dir, project_selftest_ini, csv, NULL, a);
	free(csv);
	CHECK(project_tag_find(b, "a")->id == project_tag_find(a, "a")->id);
	CHECK(project_tag_find(b, "c")->id == project_tag_find(a, "c")->id);
	CHECK(project_tag_find(b, "b") == NULL && project_tag_by_id(b, 1) ==
	    NULL);
	/* New ids follow every id the older generation used. */
	CHECK(project_tag_find(b, "new")->id >= project_ntags(a));
	CHECK(project_tag_next(b, 1) == project_tag_find(b, "c"));
	project_unref(&a);
	project_unref(&b);
}

static void
project_selftest_values(const char *dir)
{
	struct project *p;
	const struct project_tag *s, *b, *c;
	const struct tag_io *io;

	p = project_selftest_load(dir, project_selftest_ini,
	    "name,device,space,address,type,length,bit,unit,poll_ms,byte_order"
	    "\ns,d1,holding,10,string,5,,2,100,cdab\nb,d1,input,0,bool,,3,,,\n",
	    NULL, NULL);
	CHECK(project_ntags(p) == 2 + DEVICE_STATUS_COUNT);
	s = project_tag_find(p, "s");
	io = driver_conf_io(s);
	CHECK(io->address == 10 && io->unit == 2 && io->poll_ms == 100 &&
	    driver_conf_width(s) == 3 && io->order == TAGCODEC_CDAB);
	b = project_tag_find(p, "b");
	CHECK(driver_conf_io(b)->bit == 3 && driver_conf_io(b)->unit == 1);
	c = project_tag_find(p, "sys.d1.connected");
	CHECK(c != NULL && driver_conf_io(c)->space == IO_SYSTEM);
	CHECK(driver_conf_device(p, 0)->ntags == 2);
	CHECK(driver_conf_device(p, 0)->status[DEVICE_STATUS_CONNECTED] == c);
	CHECK(strcmp(project_name(p), "t") == 0);
	CHECK(strcmp(server_conf(p)->command, "tcp://127.0.0.1:7700") == 0);
	project_unref(&p);
}

void
project_selftest(const char *demo)
{
	static const char head[] = "name,device,space,address,type,writable,"
	    "raw_min,raw_max,eng_min,eng_max\n";
	const char *ini = project_selftest_ini;
	char dir[] = "/tmp/scada-project-test.XXXXXX", err[512], path[600];
	char longline[300], ini_long[400];
	const struct project_tag *t;
	struct project *p;

	p = project_load(demo, NULL, err, sizeof err);
	if (p == NULL)
		fprintf(stderr, "project_selftest: %s\n", err);
	CHECK(p != NULL && driver_conf_count(p) == 1 && project_ntags(p) > 5);
	t = project_tag_find(p, "tank1.level");
	CHECK(driver_conf_io(t)->scale.enabled && !t->has_range);
	t = project_tag_find(p, "tank1.level_sp");
	CHECK(t->has_range && t->min == 5 && t->max == 95);
	project_unref(&p);
	project_unref(&p);

	CHECK(mkdtemp(dir) != NULL);
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d1,holding,0,uint16\n", NULL);
	project_selftest_case(dir, "[project]\ntags = tags.csv\nbogus = 1\n",
	    head, "project.ini:3: unknown key 'bogus'");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[device d]\n"
	    "host = h\nport = 99999\n", head, "project.ini:5: port: 99999 out");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[device d]\n"
	    "port = 5\n", head, "project.ini:3: device 'd' has no host");
	project_selftest_case(dir, "[plant]\nx = 1\n", head,
	    "project.ini:1: unknown section [plant]");
	project_selftest_case(dir, "[project]\nname = x\n", head,
	    "project.ini:1: no tag table");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d2,holding,0,uint16\n", "tags.csv:2: device: unknown device "
	    "'d2'");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "# comment\na,d1,holding,0,uint16\na,d1,holding,9,uint16\n",
	    "tags.csv:4: tag 'a' already defined at");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d1,holding,0,float32\nb,d1,holding,1,uint16\n",
	    "tags.csv:3: tag 'b' overlaps tag 'a'");
	project_selftest_case(dir, ini, "name,device,space,address,type,unit\n"
	    "a,d1,holding,0,float32,1\nb,d1,holding,1,uint16,2\n", NULL);
	project_selftest_case(dir, ini, "name,device,space,address,type,bit\n"
	    "a,d1,holding,0,uint32,\nb,d1,holding,1,bool,3\n"
	    "c,d1,holding,2,int16,\n", NULL);
	project_selftest_case(dir, ini, "name,device,space,address,type,bit\n"
	    "a,d1,holding,0,uint32,\nb,d1,holding,0,bool,3\n"
	    "c,d1,holding,1,int16,\n", "tags.csv:4: tag 'c' overlaps tag 'a'");
	project_selftest_case(dir, ini, head, NULL);	/* no rows is fine */
	project_selftest_case(dir, ini, "name,device,space,address,type,"
	    "writable\na,d1,input,0,uint16,yes\n",
	    "tags.csv:2: input 'a' cannot be writable");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d1,coil,0,uint16\n", "tags.csv:2: type uint16 does not fit");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d1,holding,65535,int32\n", "tags.csv:2: int32 at address");
	project_selftest_case(dir, ini, "name,device,space,address,type,"
	    "colour\n", "tags.csv:1: unknown column 'colour'");
	project_selftest_case(dir, ini, "name,device,space,address,type,"
	    "raw_min,raw_max\na,d1,holding,0,uint16,0,10\n",
	    "tags.csv:2: scaling needs");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d1,holding,x1,uint16\n",
	    "tags.csv:2: address: not a whole number: 'x1'");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a b,d1,holding,1,uint16\n", "tags.csv:2: bad tag name");
	project_selftest_case(dir, ini, "name,device,space,address\n"
	    "a,d1,holding,1\n", "tags.csv:2: missing type");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d1,holding,1,uint17\n", "tags.csv:2: type: 'uint17' is not "
	    "one of: bool int16");
	project_selftest_case(dir, ini, "name,device,space,address,type,min,"
	    "max\na,d1,holding,1,uint16,5,\n",
	    "tags.csv:2: give both min and max");
	project_selftest_case(dir, ini, "name,device,space,address,type,min,"
	    "max\na,d1,holding,1,uint16,9,5\n", "tags.csv:2: min 9 is above");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[device d]\n"
	    "host = h\n[device d]\nhost = h\n", head,
	    "project.ini:5: device 'd' defined twice");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[device d]\n"
	    "[device d]\nhost = h\n", head,
	    "project.ini:4: device 'd' defined twice");
	project_selftest_case(dir, "[project]\ntags = tags.csv\njunk\n", head,
	    "project.ini:3: syntax error");
	project_selftest_case(dir, "[project\ntags = tags.csv\n", head,
	    "project.ini:1: syntax error: no ']'");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[server]\n"
	    "publish = ipc:///tmp/x\n", head,
	    "project.ini:4: publish: 'ipc:///tmp/x' is not a tcp:// endpoint");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[server]\n"
	    "command = tcp://127.0.0.1:70000\n", head,
	    "project.ini:4: command: 'tcp://127.0.0.1:70000': port must be");
	project_selftest_case(dir, "\xef\xbb\xbf[project]\ntags = tags.csv\n"
	    "[device d1]\nhost = h\n", "\xef\xbb\xbfname,device,space,address,"
	    "type\na,d1,holding,0,uint16\n", NULL);
	memset(longline, 'x', sizeof longline - 1);
	longline[sizeof longline - 1] = '\0';
	snprintf(ini_long, sizeof ini_long, "[project]\ntags = tags.csv\n"
	    "description = %s\n[device d1]\nhost = h\n", longline);
	project_selftest_case(dir, ini_long, head,
	    "project.ini:3: line longer than");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[device d]\n"
	    "protocol = rtu\n", head, "project.ini:3: device 'd' has no serial");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[device d]\n"
	    "protocol = rtu\nserial = /dev/null\nparity = maybe\n", head,
	    "project.ini:6: parity: 'maybe' is not one of: none even odd");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[device d]\n"
	    "protocol = rtu\nserial = /dev/null\nbaud = 14400\n", head,
	    "project.ini:6: baud: 14400 is not one of: 110 300");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[device d]\n"
	    "host = h\nbyte_order = XYZW\n", head,
	    "project.ini:5: byte_order: 'XYZW' is not one of: ABCD CDAB BADC "
	    "DCBA");
	project_selftest_case(dir, "[project]\ntags = tags.csv\n[device d1]\n"
	    "host = h\nbyte_order = dcba\n", head, NULL);
	project_selftest_case(dir, ini, "name,device,space,address,type,type\n",
	    "tags.csv:1: column 'type' given twice");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d1,holding,0,\"uint16\n", "tags.csv:2:");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "sys.x,d1,holding,0,uint16\n", "tags.csv:2: tag names starting");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d1,holding,0,bool\n", "tags.csv:2: a bool in a register needs");
	project_selftest_case(dir, ini, "name,device,space,address,type,bit\n"
	    "a,d1,holding,0,bool,16\n", "tags.csv:2: bit: 16 out of range "
	    "0..15");
	project_selftest_case(dir, ini, "name,device,space,address,type\n"
	    "a,d1,holding,0,string\n", "tags.csv:2: a string tag needs length");
	project_selftest_case(dir, ini, "name,device,space,address,type,length,"
	    "raw_min,raw_max,eng_min,eng_max\na,d1,holding,0,string,8,0,1,0,1\n",
	    "tags.csv:2: a string tag cannot be scaled");
	project_selftest_case(dir, ini, "name,device,space,address,type,clamp\n"
	    "a,d1,holding,0,int16,yes\n", "tags.csv:2: clamp needs scaling");
	project_selftest_case(dir, ini, "name,device,space,address,type,unit\n"
	    "a,d1,holding,010,int16,300\n", "tags.csv:2: unit: 300 out of "
	    "range 0..255");
	project_selftest_values(dir);
	project_selftest_ids(dir);
	snprintf(path, sizeof path, "%s/tags.csv", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/project.ini", dir);
	unlink(path);
	CHECK(project_load(dir, NULL, err, sizeof err) == NULL);
	CHECK(strstr(err, "No such file") != NULL);
	rmdir(dir);
}
