/*
 * The text is kept as wide characters so the cursor moves by character,
 * not by byte, and a multibyte character is never cut in half.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "i18n.h"
#include "prompt.h"

#define PROMPT_MAX	120	/* characters the operator may type */

static struct {
	int		 active;
	int		 confirm;	/* y/n only, no editing */
	int		 secret;	/* shows nothing of what is typed */
	char		 label[256];
	wchar_t		 text[PROMPT_MAX + 1];
	size_t		 len;
	size_t		 cur;
	prompt_fn	*fn;
	void		*arg;
} prompt;

static void
prompt_start(const char *label, prompt_fn *fn, void *arg, int confirm)
{
	if (prompt.active)
		prompt_cancel();
	explicit_bzero(&prompt, sizeof prompt);
	snprintf(prompt.label, sizeof prompt.label, "%s", label);
	prompt.fn = fn;
	prompt.arg = arg;
	prompt.confirm = confirm;
	prompt.active = 1;
}

/* Opens the editor with label and, if not NULL, text already typed. */
void
prompt_open(const char *label, const char *initial, prompt_fn *fn,
    void *arg)
{
	size_t n;

	prompt_start(label, fn, arg, 0);
	if (initial != NULL) {
		n = mbstowcs(prompt.text, initial, PROMPT_MAX);
		if (n == (size_t)-1)
			n = 0;
		prompt.text[n] = L'\0';
		prompt.len = prompt.cur = n;
	}
}

/*
 * Asks for a secret (a password, a one-time code): what is typed is
 * never shown, and wiped once given to fn.
 */
void
prompt_open_secret(const char *label, prompt_fn *fn, void *arg)
{
	prompt_start(label, fn, arg, 0);
	prompt.secret = 1;
}

/* Asks a yes/no question; fn gets "y" for yes and NULL otherwise. */
void
prompt_confirm(const char *question, prompt_fn *fn, void *arg)
{
	prompt_start(question, fn, arg, 1);
}

int
prompt_active(void)
{
	return prompt.active;
}

/* Closes first, then calls back, so the callback may open a new prompt. */
static void
prompt_finish(const char *text)
{
	prompt_fn *fn = prompt.fn;
	void *arg = prompt.arg;

	prompt.active = 0;
	if (fn != NULL)
		fn(arg, text);
}

void
prompt_cancel(void)
{
	if (prompt.active)
		prompt_finish(NULL);
}

static void
prompt_submit(void)
{
	char buf[PROMPT_MAX * MB_LEN_MAX + 1];
	size_t n;

	prompt.text[prompt.len] = L'\0';
	n = wcstombs(buf, prompt.text, sizeof buf);
	if (n == (size_t)-1)
		n = 0;
	buf[n] = '\0';
	explicit_bzero(prompt.text, sizeof prompt.text);
	prompt_finish(buf);
	explicit_bzero(buf, sizeof buf);
}

static int
prompt_key_confirm(int key)
{
	/* Both the English letter and the translated one mean yes. */
	const char *yes = _("y");

	if (key == 'y' || key == 'Y' ||
	    (key > 0 && key < 128 && yes[0] == key && yes[1] == '\0'))
		prompt_finish("y");
	else
		prompt_finish(NULL);
	return 1;
}

static void
prompt_insert(wchar_t wc)
{
	if (prompt.len >= PROMPT_MAX)
		return;
	memmove(&prompt.text[prompt.cur + 1], &prompt.text[prompt.cur],
	    (prompt.len - prompt.cur) * sizeof prompt.text[0]);
	prompt.text[prompt.cur++] = wc;
	prompt.len++;
}

static void
prompt_delete(size_t at)
{
	if (at >= prompt.len)
		return;
	memmove(&prompt.text[at], &prompt.text[at + 1],
	    (prompt.len - at - 1) * sizeof prompt.text[0]);
	prompt.len--;
}

/* Returns 1 if the key was used; while active, the prompt takes all. */
int
prompt_key(int key)
{
	if (!prompt.active)
		return 0;
	if (prompt.confirm)
		return prompt_key_confirm(key);
	switch (key) {
	case '\r':
	case '\n':
	case UI_FN(KEY_ENTER):
		prompt_submit();
		break;
	case UI_ESC:
	case UI_CTRL('G'):
		prompt_cancel();
		break;
	case UI_FN(KEY_BACKSPACE):
	case UI_CTRL('H'):
	case 127:
		if (prompt.cur > 0)
			prompt_delete(--prompt.cur);
		break;
	case UI_FN(KEY_DC):
	case UI_CTRL('D'):
		prompt_delete(prompt.cur);
		break;
	case UI_FN(KEY_LEFT):
	case UI_CTRL('B'):
		if (prompt.cur > 0)
			prompt.cur--;
		break;
	case UI_FN(KEY_RIGHT):
	case UI_CTRL('F'):
		if (prompt.cur < prompt.len)
			prompt.cur++;
		break;
	case UI_FN(KEY_HOME):
	case UI_CTRL('A'):
		prompt.cur = 0;
		break;
	case UI_FN(KEY_END):
	case UI_CTRL('E'):
		prompt.cur = prompt.len;
		break;
	case UI_CTRL('U'):
		prompt.len = prompt.cur = 0;
		break;
	default:
		if (key >= 0 && !(key & UI_KEY_FN) && iswprint((wint_t)key) &&
		    wcwidth((wchar_t)key) == 1)
			prompt_insert((wchar_t)key);
		break;
	}
	return 1;
}

/*
 * Label, then as much of the text as fits, scrolled sideways so the
 * cursor always shows. The cursor is left where the next character goes.
 */
void
prompt_draw(WINDOW *win)
{
	int cols = getmaxx(win), lw, room, start = 0, x;

	ui_fill(win, 0, ui_attr(UI_NORMAL));
	lw = ui_width(prompt.label);
	if (lw > cols * 2 / 3)
		lw = cols * 2 / 3;
	wattrset(win, A_BOLD);
	ui_put(win, prompt.label, lw, UI_LEFT);
	wattrset(win, ui_attr(UI_NORMAL));
	if (prompt.confirm || prompt.secret) {
		wmove(win, 0, lw < cols ? lw : cols - 1);
		return;
	}
	room = cols - lw - 1;
	if (room < 1)
		room = 1;
	if ((int)prompt.cur >= room)
		start = (int)prompt.cur - room + 1;
	x = lw;
	if (prompt.len > (size_t)start)
		waddnwstr(win, &prompt.text[start],
		    (int)prompt.len - start < room ? (int)prompt.len - start :
		    room);
	x += (int)prompt.cur - start;
	wmove(win, 0, x < cols ? x : cols - 1);
}
