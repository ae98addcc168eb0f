/*
 * The write dialogue. What was typed is checked here as the server
 * would (type, limits) so that a typo keeps its prompt open with the
 * text; the server checks again. A tag marked critical is written only
 * after a yes, whatever view asked.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "edit.h"
#include "i18n.h"
#include "prompt.h"
#include "statusbar.h"
#include "value.h"
#include "xmalloc.h"

static struct {
	struct station	*st;
	char		*tag;
	char		*label;		/* the prompt, to reopen on a typo */
	char		*text;		/* EDIT_SET's, or the toggle's */
	int		 confirm;	/* the next EDIT_SET asks first */
} edit;

static void	edit_entered(void *, const char *);

/* The write limits, so a typo can be corrected before anything is sent. */
static int
edit_in_range(const struct mirror_tag *t, json_t *v, const char *text)
{
	char range[96];
	double d;

	if (!t->has_range || !json_is_number(v))
		return 1;
	d = json_number_value(v);
	if (d >= t->min && d <= t->max)
		return 1;
	value_range(t->type, t->has_range, t->min, t->max, t->units, range,
	    sizeof range);
	statusbar_error(_("%s: %s is out of range %s; nothing sent."),
	    t->name, text, range);
	return 0;
}

/*
 * What was typed (or given) as the value to send, checked as the
 * server would; NULL after saying why not, the prompt open again with
 * the text if retry.
 */
static json_t *
edit_value(const char *text, int retry, const struct mirror_tag **tp)
{
	const struct mirror_tag *t;
	char err[256];
	json_t *v;

	if (!mirror_connected(edit.st->mirror)) {
		statusbar_link_error(_("Communication lost: %s not written."),
		    edit.tag);
		return NULL;
	}
	if ((t = mirror_find(edit.st->mirror, edit.tag)) == NULL) {
		statusbar_error(_("%s is no longer in the project; nothing "
		    "sent."), edit.tag);
		return NULL;
	}
	if (value_parse(t->type, text, &v, err, sizeof err) == -1) {
		statusbar_error(_("%s: %s; nothing sent."), edit.tag, err);
		v = NULL;
	} else if (!edit_in_range(t, v, text)) {
		json_decref(v);
		v = NULL;
	}
	if (v == NULL && retry)
		prompt_open(edit.label, text, edit_entered, NULL);
	*tp = t;
	return v;
}

static void
edit_send(const char *text, int retry)
{
	const struct mirror_tag *t;
	char shown[TAGVAL_STR_MAX];
	json_t *v;

	if ((v = edit_value(text, retry, &t)) == NULL)
		return;
	value_format_json(v, t->type, VALUE_OPERATOR, shown, sizeof shown);
	station_write(edit.st, edit.tag, shown, v);
	json_decref(v);
}

static void
edit_cancelled(void)
{
	statusbar_info(_("Write to %s cancelled; nothing sent."), edit.tag);
}

/* The answer to a yes/no: the value kept in edit.text goes. */
static void
edit_confirmed(void *arg, const char *text)
{
	if (text == NULL)
		edit_cancelled();
	else
		edit_send(edit.text, 0);
}

/* A critical tag's typed value: asked about once more. */
static void
edit_entered(void *arg, const char *text)
{
	const struct mirror_tag *t;
	char label[256];
	json_t *v;

	if (text == NULL) {
		edit_cancelled();
		return;
	}
	/* A typo is corrected first; then a critical tag asks once more. */
	if ((v = edit_value(text, 1, &t)) == NULL)
		return;
	json_decref(v);
	if (!t->critical) {
		edit_send(text, 0);
		return;
	}
	free(edit.text);
	edit.text = xstrdup(text);
	snprintf(label, sizeof label, _("%s is critical: write %s? (y/n) "),
	    edit.tag, text);
	prompt_confirm(label, edit_confirmed, NULL);
}

/* Whether the user may write t here and now; if not, says why. */
static int
edit_allowed(struct station *st, const struct mirror_tag *t)
{
	if (!t->writable) {
		statusbar_error(_("%s is read-only."), t->name);
		return 0;
	}
	if (!t->may_write) {
		statusbar_error(_("%s may not write %s: no role of theirs grants "
		    "operate in area %s here."), st->user != NULL ? st->user :
		    _("this station"), t->name, t->area[0] != '\0' ? t->area :
		    "-");
		return 0;
	}
	if (!mirror_fresh(st->mirror, t)) {
		statusbar_link_error(_("Communication lost: cannot write %s."),
		    t->name);
		return 0;
	}
	return 1;
}

static void
edit_ask(const struct mirror_tag *t)
{
	char label[256], range[96];

	value_range(t->type, t->has_range, t->min, t->max, t->units, range,
	    sizeof range);
	if (range[0] != '\0')
		snprintf(label, sizeof label, _("New value for %s [%s]: "),
		    t->name, range);
	else
		snprintf(label, sizeof label, _("New value for %s: "),
		    t->name);
	free(edit.label);
	edit.label = xstrdup(label);
	prompt_open(label, NULL, edit_entered, NULL);
}

/*
 * A switch with a good current value may be toggled with a yes/no
 * question; one whose value is not known is asked for explicitly, as
 * "the opposite of unknown" means nothing.
 */
static int
edit_toggle(const struct mirror_tag *t)
{
	char label[256], to[16];

	if (!value_type_is_bool(t->type) || t->tv.quality != QUALITY_GOOD ||
	    isnan(t->tv.value))
		return 0;
	value_number(t->tv.value == 0, "bool", VALUE_OPERATOR, to, sizeof to);
	free(edit.text);
	edit.text = xstrdup(t->tv.value == 0 ? "on" : "off");
	snprintf(label, sizeof label, _("Switch %s %s? (y/n) "), t->name, to);
	prompt_confirm(label, edit_confirmed, NULL);
	return 1;
}

/* The next EDIT_SET asks first (a screen's button marked confirm). */
void
edit_set_confirm(int yes)
{
	edit.confirm = yes;
}

void
edit_start(struct station *st, const char *tag, enum edit_how how,
    const char *value)
{
	const struct mirror_tag *t = mirror_find(st->mirror, tag);
	char label[256];
	int confirm = edit.confirm;

	edit.confirm = 0;
	if (t == NULL) {
		statusbar_error(_("%s is not in the project."), tag);
		return;
	}
	if (!edit_allowed(st, t))
		return;
	edit.st = st;
	free(edit.tag);
	edit.tag = xstrdup(t->name);
	if (how == EDIT_TOGGLE && edit_toggle(t))
		return;
	if (how != EDIT_SET) {
		edit_ask(t);
		return;
	}
	free(edit.text);
	edit.text = xstrdup(value);
	if (!confirm && !t->critical) {
		edit_send(value, 0);
		return;
	}
	snprintf(label, sizeof label, _("Write %s := %s? (y/n) "), t->name,
	    value);
	prompt_confirm(label, edit_confirmed, NULL);
}
