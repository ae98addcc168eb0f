/*
 * The one-line editor on the message line: a question, the operator's
 * answer, Enter to submit and Esc to cancel. Also a single-key yes/no
 * confirmation. One prompt at a time, owned by whoever opened it.
 */
#ifndef SCADATUI_PROMPT_H
#define SCADATUI_PROMPT_H

#include "ui.h"

/* Called once when the prompt closes: the text, or NULL if cancelled. */
typedef void (prompt_fn)(void *, const char *);

void	prompt_open(const char *, const char *, prompt_fn *, void *);
void	prompt_open_secret(const char *, prompt_fn *, void *);
void	prompt_confirm(const char *, prompt_fn *, void *);
int	prompt_active(void);
void	prompt_cancel(void);
int	prompt_key(int);
void	prompt_draw(WINDOW *);

#endif
