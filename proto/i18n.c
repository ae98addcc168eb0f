/* Message catalogues: one call at the start of every program. */
#include "config.h"

#include <locale.h>

#include "i18n.h"

void
i18n_init(void)
{
	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
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
