/*
 * The [role], [user], [group] and [station] sections, and what a login
 * may do. Rights only ever add up: a user holds the roles of its [user]
 * section and of every [group] it is in, and a role counts on a station
 * if it names that station or none. There is no deny: what no role
 * grants is refused.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "access.h"
#include "check.h"
#include "i18n.h"
#include "msg.h"
#include "security_conf.h"
#include "xmalloc.h"

/* Every entry of a named section starts with its name. */
struct access_list {
	void	**v;
	size_t	  n;
};

struct access_grant {
	unsigned	  mask;
	char		**areas;	/* "*": all */
	size_t		  nareas;
};

struct access {
	int			 all;		/* login = no */
	struct access_grant	*g;
	size_t			 n;
};

static const char *const access_functions[ACCESS_NFUNCTIONS] = {
	[ACCESS_VIEW] = "view",
	[ACCESS_OPERATE] = "operate",
	[ACCESS_USERS] = "users",
	[ACCESS_AUDIT] = "audit",
	[ACCESS_ACKNOWLEDGE] = "acknowledge",
	[ACCESS_SHELVE] = "shelve",
};

#define RKEY(f)		offsetof(struct access_role, f)
#define HKEY(f)		offsetof(struct access_holder, f)
#define STKEY(f)	offsetof(struct access_station, f)

static const struct conf_key access_role_keys[] = {
	{ .name = "functions", .type = CONF_WORDS,
	    .choices = ACCESS_FUNCTION_WORDS, .offset = RKEY(functions) },
	{ .name = "areas", .type = CONF_WORDS, .def = "*",
	    .offset = RKEY(areas) },
	{ .name = "stations", .type = CONF_WORDS, .offset = RKEY(stations) },
	CONF_END
};

static const struct conf_key access_holder_keys[] = {
	{ .name = "roles", .type = CONF_WORDS, .offset = HKEY(roles) },
	CONF_END
};

static const struct conf_key access_station_keys[] = {
	{ .name = "public_key", .type = CONF_STRING, .def = "",
	    .offset = STKEY(public_key) },
	{ .name = "anonymous_roles", .type = CONF_WORDS,
	    .offset = STKEY(anonymous_roles) },
	{ .name = "idle_logout_s", .type = CONF_INT, .min = -1,
	    .max = 604800, .def = "-1", .offset = STKEY(idle_logout_s) },
	{ .name = "bell", .type = CONF_ENUM, .choices = "default no "
	    MSG_PRIORITY_WORDS, .def = "default", .offset = STKEY(bell) },
	{ .name = "start_screen", .type = CONF_STRING,
	    .offset = STKEY(start_screen) },
	{ .name = "language", .type = CONF_CHOICE, .choices = "en de",
	    .offset = STKEY(language) },
	{ .name = "title", .type = CONF_STRING, .offset = STKEY(title) },
	{ .name = "colours", .type = CONF_CHOICE, .choices = "colour mono",
	    .def = "colour", .offset = STKEY(colours) },
	{ .name = "blocked_keys", .type = CONF_WORDS,
	    .choices = "quit suspend", .offset = STKEY(blocked_keys) },
	{ .name = "toolbar", .type = CONF_WORDS, .offset = STKEY(toolbar) },
	{ .name = "min_cols", .type = CONF_INT, .min = 0, .max = 400,
	    .def = "0", .offset = STKEY(min_cols) },
	{ .name = "min_lines", .type = CONF_INT, .min = 0, .max = 200,
	    .def = "0", .offset = STKEY(min_lines) },
	CONF_END
};

const char *
access_function_name(enum access_function f)
{
	return (unsigned)f < ACCESS_NFUNCTIONS ? access_functions[f] : "?";
}

/* The function as a refusal says it: "operator may not ..." */
const char *
access_function_phrase(enum access_function f)
{
	static const char *const phrases[ACCESS_NFUNCTIONS] = {
		[ACCESS_VIEW] = "view tags",
		[ACCESS_OPERATE] = "write tags",
		[ACCESS_USERS] = "manage sessions (function users)",
		[ACCESS_AUDIT] = "read the audit trail (function audit)",
		[ACCESS_ACKNOWLEDGE] = "acknowledge alarms (function "
		    "acknowledge)",
		[ACCESS_SHELVE] = "shelve alarms (function shelve)",
	};

	return (unsigned)f < ACCESS_NFUNCTIONS ? phrases[f] : "?";
}

static void *
access_list_init(struct project_loader *l)
{
	return xcalloc(1, sizeof(struct access_list));
}

static void *
access_list_find(const struct access_list *list, const char *name)
{
	size_t i;

	for (i = 0; list != NULL && i < list->n; i++)
		if (strcmp(*(char **)list->v[i], name) == 0)
			return list->v[i];
	return NULL;
}

/*
 * [role NAME] and the others: a new entry of size bytes, defaults set,
 * the section's line kept at offset line_at.
 */
static void *
access_list_open(struct project_loader *l, struct access_list *list,
    const char *what, const char *name, size_t size,
    const struct conf_key *keys, size_t line_at)
{
	void *e;

	if (!conf_valid_name(name) || strlen(name) > PROJECT_NAME_MAX / 2) {
		loader_fail(l, loader_line(l), _("bad %s name '%s' (letters, "
		    "digits, _ . - :, at most %d)"), what, name,
		    PROJECT_NAME_MAX / 2);
		return NULL;
	}
	if (access_list_find(list, name) != NULL) {
		loader_fail(l, loader_line(l), _("%s '%s' defined twice"), what,
		    name);
		return NULL;
	}
	e = xcalloc(1, size);
	*(char **)e = xstrdup(name);
	*(int *)((char *)e + line_at) = loader_line(l);
	conf_defaults(l, e, keys);
	list->v = xreallocarray(list->v, list->n + 1, sizeof *list->v);
	list->v[list->n++] = e;
	return e;
}

static void *
access_role_open(struct project_loader *l, void *data, const char *name)
{
	return access_list_open(l, data, "role", name,
	    sizeof(struct access_role), access_role_keys,
	    offsetof(struct access_role, line));
}

static void *
access_user_open(struct project_loader *l, void *data, const char *name)
{
	return access_list_open(l, data, "user", name,
	    sizeof(struct access_holder), access_holder_keys,
	    offsetof(struct access_holder, line));
}

static void *
access_group_open(struct project_loader *l, void *data, const char *name)
{
	return access_list_open(l, data, "group", name,
	    sizeof(struct access_holder), access_holder_keys,
	    offsetof(struct access_holder, line));
}

static void *
access_station_open(struct project_loader *l, void *data, const char *name)
{
	return access_list_open(l, data, "station", name,
	    sizeof(struct access_station), access_station_keys,
	    offsetof(struct access_station, line));
}

static int
access_role_check(struct project_loader *l, void *data)
{
	struct access_list *list = data;
	struct access_role *r;
	size_t i, k;

	for (i = 0; i < list->n; i++) {
		r = list->v[i];
		for (k = 0; k < r->functions.n; k++)
			r->mask |= 1u << conf_enum(ACCESS_FUNCTION_WORDS,
			    r->functions.v[k]);
	}
	return 1;
}

/* Each role named in words must be defined. */
static int
access_check_roles(struct project_loader *l, const struct conf_words *w,
    int line, const char *what, const char *name)
{
	const struct access_list *roles = loader_data(l, &access_role_section);
	size_t k;

	for (k = 0; k < w->n; k++)
		if (access_list_find(roles, w->v[k]) == NULL)
			return loader_fail_at(l, project_path(loader_project(l)),
			    line, _("%s '%s': unknown role '%s'"), what, name,
			    w->v[k]);
	return 1;
}

static int
access_holder_check(struct project_loader *l, struct access_list *list,
    const char *what)
{
	struct access_holder *h;
	size_t i;

	for (i = 0; i < list->n; i++) {
		h = list->v[i];
		if (!access_check_roles(l, &h->roles, h->line, what, h->name))
			return 0;
	}
	return 1;
}

static int
access_user_check(struct project_loader *l, void *data)
{
	return access_holder_check(l, data, "user");
}

static int
access_group_check(struct project_loader *l, void *data)
{
	return access_holder_check(l, data, "group");
}

/* A station's key is a CurveZMQ public key, and no two share one. */
static int
access_station_check(struct project_loader *l, void *data)
{
	const struct security_conf *sc = loader_data(l, &security_conf_section);
	const char *ini = project_path(loader_project(l));
	struct access_list *list = data;
	struct access_station *s, *o;
	uint8_t key[32];
	size_t i, k;

	if (!access_check_roles(l, &sc->anonymous_roles, sc->line, "section",
	    "security"))
		return 0;
	for (i = 0; i < list->n; i++) {
		s = list->v[i];
		if (!access_check_roles(l, &s->anonymous_roles, s->line,
		    "station", s->name))
			return 0;
		if (s->public_key[0] == '\0') {
			if (sc->curve)
				return loader_fail_at(l, ini, s->line,
				    _("station '%s' has no public_key (make "
				    "one with scadactl keygen)"), s->name);
			continue;
		}
		if (strlen(s->public_key) != 40 ||
		    zmq_z85_decode(key, s->public_key) == NULL)
			return loader_fail_at(l, ini, s->line, _("station "
			    "'%s': public_key is not 40 characters of Z85"),
			    s->name);
		for (k = 0; k < i; k++) {
			o = list->v[k];
			if (strcmp(o->public_key, s->public_key) == 0)
				return loader_fail_at(l, ini, s->line,
				    _("station '%s' has the key of station "
				    "'%s'"), s->name, o->name);
		}
	}
	return 1;
}

static void
access_role_free_one(struct access_role *r)
{
	free(r->name);
	conf_words_free(&r->functions);
	conf_words_free(&r->areas);
	conf_words_free(&r->stations);
	free(r);
}

static void
access_holder_free_one(struct access_holder *h)
{
	free(h->name);
	conf_words_free(&h->roles);
	free(h);
}

static void
access_station_free_one(struct access_station *s)
{
	free(s->name);
	free(s->public_key);
	free(s->start_screen);
	free(s->language);
	free(s->title);
	free(s->colours);
	conf_words_free(&s->blocked_keys);
	conf_words_free(&s->toolbar);
	conf_words_free(&s->anonymous_roles);
	free(s);
}

static void
access_list_free(struct access_list *list, void (*fn)(void *))
{
	size_t i;

	for (i = 0; i < list->n; i++)
		fn(list->v[i]);
	free(list->v);
	free(list);
}

static void
access_role_free(void *data)
{
	access_list_free(data, (void (*)(void *))access_role_free_one);
}

static void
access_holder_free(void *data)
{
	access_list_free(data, (void (*)(void *))access_holder_free_one);
}

static void
access_station_free(void *data)
{
	access_list_free(data, (void (*)(void *))access_station_free_one);
}

const struct project_section access_role_section = {
	.name = "role",
	.named = 1,
	.keys = access_role_keys,
	.init = access_list_init,
	.open = access_role_open,
	.check = access_role_check,
	.free = access_role_free,
};

const struct project_section access_user_section = {
	.name = "user",
	.named = 1,
	.keys = access_holder_keys,
	.init = access_list_init,
	.open = access_user_open,
	.check = access_user_check,
	.free = access_holder_free,
};

const struct project_section access_group_section = {
	.name = "group",
	.named = 1,
	.keys = access_holder_keys,
	.init = access_list_init,
	.open = access_group_open,
	.check = access_group_check,
	.free = access_holder_free,
};

const struct project_section access_station_section = {
	.name = "station",
	.named = 1,
	.keys = access_station_keys,
	.init = access_list_init,
	.open = access_station_open,
	.check = access_station_check,
	.free = access_station_free,
};

const struct access_station *
access_station(const struct project *p, const char *name)
{
	return name != NULL ? access_list_find(project_data(p,
	    &access_station_section), name) : NULL;
}

const struct access_station *
access_station_by_key(const struct project *p, const char *z85)
{
	const struct access_list *list = project_data(p,
	    &access_station_section);
	const struct access_station *s;
	size_t i;

	for (i = 0; i < list->n; i++) {
		s = list->v[i];
		if (strcmp(s->public_key, z85) == 0)
			return s;
	}
	return NULL;
}

const struct access_station *
access_station_at(const struct project *p, size_t i)
{
	const struct access_list *list = project_data(p,
	    &access_station_section);

	return i < list->n ? list->v[i] : NULL;
}

size_t
access_nstations(const struct project *p)
{
	const struct access_list *list = project_data(p,
	    &access_station_section);

	return list->n;
}

/* Adds the grants of the roles in words that count on station. */
static void
access_add_roles(struct access *a, const struct project *p,
    const struct conf_words *w, const char *station)
{
	const struct access_list *roles = project_data(p, &access_role_section);
	const struct access_role *r;
	struct access_grant *g;
	size_t k, i;

	for (k = 0; k < w->n; k++) {
		if ((r = access_list_find(roles, w->v[k])) == NULL)
			continue;
		if (r->stations.n > 0 && (station == NULL ||
		    !conf_words_has(&r->stations, station)))
			continue;
		a->g = xreallocarray(a->g, a->n + 1, sizeof *a->g);
		g = &a->g[a->n++];
		g->mask = r->mask;
		g->nareas = r->areas.n;
		g->areas = xcalloc(r->areas.n + 1, sizeof *g->areas);
		for (i = 0; i < r->areas.n; i++)
			g->areas[i] = xstrdup(r->areas.v[i]);
	}
}

/* The rights of user, in the Unix groups given, on station. */
struct access *
access_resolve(const struct project *p, const char *user,
    const struct conf_words *groups, const char *station)
{
	const struct access_holder *h;
	struct access *a;
	size_t i;

	if (!security_conf(p)->login)
		return access_all();
	a = xcalloc(1, sizeof *a);
	if ((h = access_list_find(project_data(p, &access_user_section),
	    user)) != NULL)
		access_add_roles(a, p, &h->roles, station);
	for (i = 0; groups != NULL && i < groups->n; i++)
		if ((h = access_list_find(project_data(p,
		    &access_group_section), groups->v[i])) != NULL)
			access_add_roles(a, p, &h->roles, station);
	return a;
}

/* What a client may do before it logs in, on station. */
struct access *
access_anonymous(const struct project *p, const char *station)
{
	const struct access_station *s = access_station(p, station);
	struct access *a;

	if (!security_conf(p)->login)
		return access_all();
	a = xcalloc(1, sizeof *a);
	access_add_roles(a, p, s != NULL && s->anonymous_roles.n > 0 ?
	    &s->anonymous_roles : &security_conf(p)->anonymous_roles,
	    station);
	return a;
}

struct access *
access_all(void)
{
	struct access *a = xcalloc(1, sizeof *a);

	a->all = 1;
	return a;
}

void
access_free(struct access **ap)
{
	struct access *a = *ap;
	size_t i, k;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++) {
		for (k = 0; k < a->g[i].nareas; k++)
			free(a->g[i].areas[k]);
		free(a->g[i].areas);
	}
	free(a->g);
	free(a);
	*ap = NULL;
}

static int
access_area_in(const struct access_grant *g, const char *area)
{
	size_t k;

	for (k = 0; k < g->nareas; k++)
		if (strcmp(g->areas[k], "*") == 0 ||
		    strcmp(g->areas[k], area) == 0)
			return 1;
	return 0;
}

/* May the holder use function f in area? */
int
access_allows(const struct access *a, enum access_function f,
    const char *area)
{
	size_t i;

	if (a == NULL)
		return 0;
	if (a->all)
		return 1;
	for (i = 0; i < a->n; i++)
		if ((a->g[i].mask & 1u << f) && access_area_in(&a->g[i], area))
			return 1;
	return 0;
}

/* May the holder use function f in some area at least? */
int
access_allows_some(const struct access *a, enum access_function f)
{
	size_t i;

	if (a == NULL)
		return 0;
	if (a->all)
		return 1;
	for (i = 0; i < a->n; i++)
		if (a->g[i].mask & 1u << f)
			return 1;
	return 0;
}

int
access_empty(const struct access *a)
{
	return a == NULL || (!a->all && a->n == 0);
}

/* {"functions":[...],"areas":[...]} a grant, for login and whoami. */
json_t *
access_json(const struct access *a)
{
	json_t *list = json_array(), *o, *fn, *areas;
	size_t i, k;
	int f;

	if (a->all) {
		fn = json_array();
		for (f = 0; f < ACCESS_NFUNCTIONS; f++)
			json_array_append_new(fn, json_string(
			    access_functions[f]));
		json_array_append_new(list, json_pack("{s:o, s:[s]}",
		    "functions", fn, "areas", "*"));
		return list;
	}
	for (i = 0; i < a->n; i++) {
		fn = json_array();
		areas = json_array();
		for (f = 0; f < ACCESS_NFUNCTIONS; f++)
			if (a->g[i].mask & 1u << f)
				json_array_append_new(fn, json_string(
				    access_functions[f]));
		for (k = 0; k < a->g[i].nareas; k++)
			json_array_append_new(areas, json_string(
			    a->g[i].areas[k]));
		o = json_pack("{s:o, s:o}", "functions", fn, "areas", areas);
		json_array_append_new(list, o);
	}
	return list;
}

/* On the demo project: its roles as scada-project(5) describes them. */
void
access_selftest(const struct project *p)
{
	struct access *a;
	int f;

	a = access_resolve(p, "operator", NULL, "op1");
	for (f = 0; f < ACCESS_NFUNCTIONS; f++)
		CHECK(access_functions[f] != NULL && strcmp(
		    access_function_phrase(f), "?") != 0);
	CHECK(access_allows(a, ACCESS_VIEW, "tank1"));
	CHECK(access_allows(a, ACCESS_OPERATE, "tank1"));
	CHECK(!access_allows(a, ACCESS_VIEW, "sys"));
	CHECK(!access_allows_some(a, ACCESS_USERS));
	CHECK(!access_allows(a, ACCESS_VIEW, "*"));
	access_free(&a);
	a = access_resolve(p, "engineer", NULL, NULL);
	CHECK(access_allows(a, ACCESS_AUDIT, "sys"));
	CHECK(access_allows(a, ACCESS_VIEW, "*"));
	access_free(&a);
	/* Nobody the project names holds nothing. */
	a = access_resolve(p, "nobody", NULL, "op1");
	CHECK(access_empty(a));
	access_free(&a);
	a = access_anonymous(p, "op1");
	CHECK(access_empty(a));
	access_free(&a);
	CHECK(access_station(p, "no such station") == NULL);
	access_free(&a);
}
