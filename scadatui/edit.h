/*
 * Writing a tag as an operator does, from any view: the checks before
 * the question (writable, the user's right, the link), the value
 * prompt that keeps a typo for correction, the write limits, a yes/no
 * for a switch, a fixed value or a tag marked critical, then the write.
 * One at a time, as the prompt is.
 */
#ifndef SCADATUI_EDIT_H
#define SCADATUI_EDIT_H

#include "station.h"

enum edit_how {
	EDIT_VALUE,	/* ask for the value */
	EDIT_TOGGLE,	/* a switch: the opposite of its value, after a y/n */
	EDIT_SET	/* a value given (a button), after a y/n if asked */
};

void	edit_start(struct station *, const char *, enum edit_how,
	    const char *);
void	edit_set_confirm(int);

#endif
