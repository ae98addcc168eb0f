/*
 * The registry of views and the stack of those open. Showing a view
 * already on the stack goes back to it; any other is opened on top, and
 * "back" closes the top one, but never the last.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "view.h"
#include "xmalloc.h"

static const struct view *const view_registry[] = {
	&view_tags,
	&view_devices,
	&view_login,
	&view_alarms,
	&view_journal,
	&view_screen,
};

const struct view *
view_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof view_registry / sizeof *view_registry; i++)
		if (strcmp(view_registry[i]->name, name) == 0)
			return view_registry[i];
	return NULL;
}

struct view_entry *
view_new(const struct view *view, struct station *st)
{
	struct view_entry *ve = xcalloc(1, sizeof *ve);

	ve->view = view;
	ve->station = st;
	ve->dirty = 1;
	if (view->init != NULL)
		ve->data = view->init(ve);
	return ve;
}

void
view_free(struct view_entry **vep)
{
	struct view_entry *ve = *vep;

	if (ve == NULL)
		return;
	if (ve->view->free != NULL)
		ve->view->free(ve);
	free(ve);
	*vep = NULL;
}

struct view_entry *
view_top(struct view_stack *vs)
{
	return vs->n > 0 ? vs->entries[vs->n - 1] : NULL;
}

/* Returns 0, or -1 if the stack is full. */
int
view_show(struct view_stack *vs, const struct view *view, struct station *st)
{
	int i;

	for (i = vs->n - 1; i >= 0; i--)
		if (vs->entries[i]->view == view) {
			while (vs->n > i + 1)
				view_back(vs);
			view_top(vs)->dirty = 1;
			return 0;
		}
	if (vs->n == VIEW_STACK_MAX)
		return -1;
	vs->entries[vs->n++] = view_new(view, st);
	return 0;
}

/* Closes the top view; returns -1 if it is the last one. */
int
view_back(struct view_stack *vs)
{
	if (vs->n <= 1)
		return -1;
	view_free(&vs->entries[--vs->n]);
	view_top(vs)->dirty = 1;
	return 0;
}

/* Every open view hears the mirror, so each is current when shown. */
void
view_update(struct view_stack *vs, const struct mirror_tag *t)
{
	struct view_entry *ve;
	int i;

	for (i = 0; i < vs->n; i++) {
		ve = vs->entries[i];
		if (ve->view->update != NULL)
			ve->view->update(ve, t);
		else
			ve->dirty = 1;
	}
}

int
view_dirty(struct view_stack *vs)
{
	struct view_entry *ve = view_top(vs);

	return ve != NULL && ve->dirty;
}

void
view_clear(struct view_stack *vs)
{
	while (vs->n > 0)
		view_free(&vs->entries[--vs->n]);
}

/* Closes the views on top that said they are done. */
void
view_reap(struct view_stack *vs)
{
	while (vs->n > 1 && view_top(vs)->closing)
		view_back(vs);
}
