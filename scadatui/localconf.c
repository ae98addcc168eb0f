/*
 * scadatui.conf: key = value lines, read with inih. The file is the
 * one -f names, else the user's ($XDG_CONFIG_HOME/scada/scadatui.conf),
 * else the machine's (SYSCONFDIR/scada/scadatui.conf); none at all is
 * fine, a named one that cannot be read is not.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "i18n.h"
#include "localconf.h"
#include "xmalloc.h"

struct localconf_reader {
	struct localconf	*c;
	FILE			*fp;
	int			 line;
	char			*err;
	size_t			 len;
};

static int
localconf_yesno(const char *v)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0)
		return 1;
	if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 ||
	    strcmp(v, "0") == 0)
		return 0;
	return -1;
}

static int __attribute__((format(printf, 2, 3)))
localconf_fail(struct localconf_reader *r, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (r->err[0] != '\0')
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(r->err, r->len, "%s:%d: %s", r->c->path, r->line, msg);
	return 0;
}

static int
localconf_key(void *arg, const char *section, const char *name,
    const char *value)
{
	struct localconf_reader *r = arg;
	struct localconf *c = r->c;
	char **sp = strcmp(name, "server") == 0 ? &c->server :
	    strcmp(name, "server_key") == 0 ? &c->server_key :
	    strcmp(name, "key") == 0 ? &c->key : strcmp(name, "station") ==
	    0 ? &c->station : NULL;
	int *ip = strcmp(name, "ascii") == 0 ? &c->ascii :
	    strcmp(name, "colour") == 0 ? &c->colour : NULL;

	if (section[0] != '\0')
		return localconf_fail(r, _("no sections here: [%s]"), section);
	if (sp != NULL) {
		free(*sp);
		*sp = xstrdup(value);
	} else if (ip == NULL)
		return localconf_fail(r, _("unknown key '%s' (server, "
		    "server_key, key, station, ascii, colour)"), name);
	else if ((*ip = localconf_yesno(value)) == -1)
		return localconf_fail(r, _("'%s' is not yes or no"), value);
	return 1;
}

/* Counts lines, which inih does not tell its handler. */
static char *
localconf_line(char *buf, int size, void *arg)
{
	struct localconf_reader *r = arg;
	char *s = fgets(buf, size, r->fp);

	if (s != NULL)
		r->line++;
	return s;
}

/* The file of the user, else of the machine, that exists; NULL if none. */
static const char *
localconf_default(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg != NULL && *xdg != '\0')
		snprintf(buf, len, "%s/scada/scadatui.conf", xdg);
	else if (home != NULL && *home != '\0')
		snprintf(buf, len, "%s/.config/scada/scadatui.conf", home);
	else
		buf[0] = '\0';
	if (buf[0] != '\0' && access(buf, F_OK) == 0)
		return buf;
	snprintf(buf, len, "%s/scada/scadatui.conf", SYSCONFDIR);
	return access(buf, F_OK) == 0 ? buf : NULL;
}

/* Reads path (NULL: the default one, if any); -1 with err set. */
int
localconf_read(struct localconf *c, const char *path, char *err, size_t len)
{
	struct localconf_reader r = { .c = c, .err = err, .len = len };
	char buf[1024];
	int rc;

	memset(c, 0, sizeof *c);
	c->ascii = c->colour = -1;
	err[0] = '\0';
	if (path == NULL && (path = localconf_default(buf, sizeof buf)) ==
	    NULL)
		return 0;
	snprintf(c->path, sizeof c->path, "%s", path);
	if ((r.fp = fopen(path, "r")) == NULL) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = ini_parse_stream(localconf_line, &r, localconf_key, &r);
	fclose(r.fp);
	if (rc > 0 && err[0] == '\0')
		snprintf(err, len, "%s:%d: %s", path, rc, _("syntax error: "
		    "expected 'key = value'"));
	if (err[0] == '\0')
		return 0;
	localconf_free(c);
	return -1;
}

void
localconf_free(struct localconf *c)
{
	free(c->server);
	free(c->server_key);
	free(c->key);
	free(c->station);
	c->server = c->server_key = c->key = c->station = NULL;
}
