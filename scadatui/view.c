/* Creating and freeing view instances; the views are in view_*.c. */
#include "config.h"

#include <stdlib.h>

#include "view.h"

struct view_entry *
view_new(const struct view *view, struct station *st)
{
	struct view_entry *ve;

	if ((ve = calloc(1, sizeof *ve)) == NULL)
		return NULL;
	ve->view = view;
	ve->station = st;
	ve->dirty = 1;
	if (view->init != NULL && (ve->data = view->init(ve)) == NULL) {
		free(ve);
		return NULL;
	}
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
