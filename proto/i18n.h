/* Translation hooks shared by every program. */
#ifndef SCADA_I18N_H
#define SCADA_I18N_H

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s)	gettext(s)
#else
#define _(s)	(s)
#define textdomain(d)		((void)(d))
#define bindtextdomain(p, d)	((void)(p), (void)(d))
#define bind_textdomain_codeset(p, c)	((void)(p), (void)(c))
#endif
#define N_(s)	(s)

void	i18n_init(void);
void	i18n_utf8(void);
void	i18n_set_language(const char *);
const char *i18n_language(void);

#endif
