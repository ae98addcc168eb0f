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
#endif
#define N_(s)	(s)

void	i18n_init(void);

#endif
