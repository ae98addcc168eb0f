/*
 * Message catalogues: one call at the start of every program, and the
 * language of an operator station switched while it runs.
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

/*
 * $SCADA_LOCALEDIR: catalogues elsewhere than the installed ones, for a
 * build tree that runs uninstalled (its tests).
 */
void
i18n_init(void)
{
	const char *dir = getenv("SCADA_LOCALEDIR");

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, dir != NULL && *dir != '\0' ? dir :
	    LOCALEDIR);
	textdomain(PACKAGE);
}

/*
 * Messages in UTF-8 whatever the locale, for a program that converts
 * all its text for the terminal itself (scadatui).
 */
void
i18n_utf8(void)
{
	bind_textdomain_codeset(PACKAGE, "UTF-8");
}

/*
 * The messages' language from now on: "de", "en", or NULL for the
 * locale's. GNU gettext takes $LANGUAGE before the locale (unless that
 * is plain C), and textdomain() makes it forget the translations it
 * has looked up, so the next message comes in the new language.
 */
void
i18n_set_language(const char *lang)
{
	const char *m = setlocale(LC_MESSAGES, NULL);

	/* Plain C ignores $LANGUAGE; C.UTF-8 does not, and exists. */
	if (lang != NULL && m != NULL && (strcmp(m, "C") == 0 ||
	    strcmp(m, "POSIX") == 0))
		setlocale(LC_MESSAGES, "C.UTF-8");
	if (lang != NULL)
		setenv("LANGUAGE", lang, 1);
	else
		unsetenv("LANGUAGE");
	textdomain(PACKAGE);
}

/* "de" if messages now come in German, else "en". */
const char *
i18n_language(void)
{
	const char *l = getenv("LANGUAGE");

	if (l == NULL || *l == '\0')
		l = setlocale(LC_MESSAGES, NULL);
	return l != NULL && strncmp(l, "de", 2) == 0 ? "de" : "en";
}
