/*
 * The live tag image. Only the server loop touches it, so there are no
 * locks; drivers send their readings by message.
 */
#include "config.h"

#include <assert.h>
#include <czmq.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tagdb.h"

struct tagdb {
	const struct project	*project;
	struct tagdb_entry	*entries;
	size_t			 n;
	zhashx_t		*index;		/* name -> index + 1 */
};

tagdb_t *
tagdb_new(const struct project *p)
{
	tagdb_t *db;
	size_t i;

	if ((db = calloc(1, sizeof *db)) == NULL)
		return NULL;
	db->project = p;
	db->n = p->ntags;
	db->entries = calloc(p->ntags + 1, sizeof *db->entries);
	db->index = zhashx_new();
	if (db->entries == NULL || db->index == NULL) {
		tagdb_destroy(&db);
		return NULL;
	}
	for (i = 0; i < p->ntags; i++) {
		struct tagdb_entry *e = &db->entries[i];

		e->conf = &p->tags[i];
		e->tv.value = NAN;
		e->tv.is_bool = p->tags[i].type == TAGCODEC_BOOL;
		e->tv.is_string = p->tags[i].type == TAGCODEC_STRING;
		e->tv.quality = QUALITY_BAD;
		e->tv.ts_ms = tagval_now_ms();
		snprintf(e->tv.reason, sizeof e->tv.reason, "not yet read");
		zhashx_insert(db->index, p->tags[i].name, (void *)(i + 1));
	}
	return db;
}

void
tagdb_destroy(tagdb_t **dbp)
{
	tagdb_t *db = *dbp;

	if (db == NULL)
		return;
	zhashx_destroy(&db->index);
	free(db->entries);
	free(db);
	*dbp = NULL;
}

size_t
tagdb_count(tagdb_t *db)
{
	return db->n;
}

struct tagdb_entry *
tagdb_at(tagdb_t *db, size_t i)
{
	return i < db->n ? &db->entries[i] : NULL;
}

ssize_t
tagdb_find(tagdb_t *db, const char *name)
{
	uintptr_t v = (uintptr_t)zhashx_lookup(db->index, name);

	return (ssize_t)v - 1;
}

/* Returns 1 if the value or quality changed, so it must be published. */
int
tagdb_set(tagdb_t *db, size_t i, const struct tagval *tv)
{
	struct tagdb_entry *e = &db->entries[i];
	int changed = !tagval_same(&e->tv, tv);

	e->tv = *tv;
	return changed;
}

json_t *
tagdb_meta(tagdb_t *db, size_t i)
{
	const struct project_tag *t = db->entries[i].conf;
	json_t *o;

	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:i}",
	    "name", t->name, "type", tagcodec_type_name(t->type),
	    "units", t->units, "description", t->description,
	    "area", t->area,
	    "device", db->project->devices[t->device].name,
	    "writable", t->writable, "space", project_space_name(t->space),
	    "address", t->address);
	if (o != NULL && t->space != PROJECT_SYSTEM) {
		json_object_set_new(o, "unit", json_integer(t->unit));
		json_object_set_new(o, "poll_ms", json_integer(t->poll_ms));
	}
	if (o != NULL && t->bit != -1)
		json_object_set_new(o, "bit", json_integer(t->bit));
	if (o != NULL && t->type == TAGCODEC_STRING)
		json_object_set_new(o, "length", json_integer(t->length));
	if (o != NULL && t->has_range) {
		json_object_set_new(o, "min", json_real(t->min));
		json_object_set_new(o, "max", json_real(t->max));
	}
	return o;
}

json_t *
tagdb_value(tagdb_t *db, size_t i)
{
	return tagval_to_json(db->entries[i].conf->name, &db->entries[i].tv);
}

void
tagdb_selftest(const struct project *p)
{
	tagdb_t *db = tagdb_new(p);
	struct tagval tv = { .value = 42, .quality = QUALITY_GOOD };
	json_t *o;

	assert(db != NULL);
	assert(tagdb_count(db) == p->ntags && p->ntags > 0);
	assert(tagdb_find(db, "no.such.tag") == -1);
	assert(tagdb_find(db, p->tags[0].name) == 0);
	assert(tagdb_at(db, 0)->tv.quality == QUALITY_BAD);
	tv.is_bool = tagdb_at(db, 0)->tv.is_bool;
	assert(tagdb_set(db, 0, &tv) == 1);
	assert(tagdb_set(db, 0, &tv) == 0);
	tv.ts_ms += 1000;	/* a newer time alone is no change */
	assert(tagdb_set(db, 0, &tv) == 0);
	o = tagdb_meta(db, 0);
	assert(strcmp(json_string_value(json_object_get(o, "name")),
	    p->tags[0].name) == 0);
	json_decref(o);
	tagdb_destroy(&db);
	tagdb_destroy(&db);
}
