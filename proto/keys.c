/*
 * The default files live under $XDG_CONFIG_HOME/scada (or ~/.config):
 * a secret file readable by others is refused, as ssh refuses one.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "keys.h"
#include "xmalloc.h"

static void
keys_default(char *buf, size_t len, const char *name)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg != NULL && *xdg != '\0')
		snprintf(buf, len, "%s/scada/%s", xdg, name);
	else
		snprintf(buf, len, "%s/.config/scada/%s",
		    home != NULL ? home : "", name);
}

/* The option, else the variable, else the default file if it exists. */
static const char *
keys_pick(const char *option, const char *var, const char *name, char *buf,
    size_t len, int *given)
{
	const char *env = getenv(var);

	*given = 1;
	if (option != NULL)
		return option;
	if (env != NULL && *env != '\0')
		return env;
	*given = 0;
	keys_default(buf, len, name);
	return access(buf, F_OK) == 0 ? buf : NULL;
}

/*
 * Loads both keys, or neither: returns 0 (k->mine NULL for a plain
 * link), or -1 with the reason in err.
 */
/*
 * A secret key file, a station's or the server's; NULL with a reason if
 * it is not one, or if others than its owner may read it.
 */
zcert_t *
keys_load_secret(const char *path, char *err, size_t len)
{
	struct stat st;
	zcert_t *c;

	if (stat(path, &st) == -1) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(err, len, _("%s: a secret key others may read is not "
		    "used (chmod 600 it)"), path);
		return NULL;
	}
	if ((c = zcert_load(path)) == NULL ||
	    strcmp(zcert_secret_txt(c), "000000000000000000000000000000"
	    "0000000000") == 0) {
		snprintf(err, len, _("%s: not a secret key file (as scadactl "
		    "keygen writes)"), path);
		zcert_destroy(&c);
		return NULL;
	}
	return c;
}

int
keys_load(struct keys *k, const char *mine, const char *server, char *err,
    size_t len)
{
	char mbuf[1024], sbuf[1024];
	const char *mp, *sp;
	zcert_t *pub;
	int mgiven, sgiven;

	memset(k, 0, sizeof *k);
	mp = keys_pick(mine, "SCADA_KEY", "station.key", mbuf, sizeof mbuf,
	    &mgiven);
	sp = keys_pick(server, "SCADA_SERVER_KEY", "server.pub", sbuf,
	    sizeof sbuf, &sgiven);
	if (mp == NULL && sp == NULL)
		return 0;
	if (mp == NULL || sp == NULL) {
		snprintf(err, len, _("CurveZMQ needs both keys: %s is missing "
		    "(scadactl keygen makes a station's key; the server's "
		    "public key comes from its admin)"), mp == NULL ?
		    "the station's own key (-k)" :
		    "the server's public key (-K)");
		return -1;
	}
	if ((k->mine = keys_load_secret(mp, err, len)) == NULL)
		return -1;
	if ((pub = zcert_load(sp)) == NULL) {
		snprintf(err, len, _("%s: not a public key file: %s"), sp,
		    strerror(errno));
		zcert_destroy(&k->mine);
		return -1;
	}
	snprintf(k->server, sizeof k->server, "%s", zcert_public_txt(pub));
	snprintf(k->path, sizeof k->path, "%s", mp);
	zcert_destroy(&pub);
	return 0;
}

/* Makes s a CurveZMQ client of the pinned server, if keys are set. */
void
keys_apply(const struct keys *k, zsock_t *s)
{
	if (k == NULL || k->mine == NULL)
		return;
	zcert_apply(k->mine, s);
	zsock_set_curve_serverkey(s, k->server);
}

void
keys_free(struct keys *k)
{
	zcert_destroy(&k->mine);
}

/*
 * A new key pair: the secret file path (mode 600) and path.pub, its
 * public half to hand out. Returns 0 with the public key in pub, or -1
 * with the reason in err.
 */
int
keys_generate(const char *path, char *pub, size_t publen, char *err,
    size_t errlen)
{
	zcert_t *cert = zcert_new();
	char *pubpath;
	mode_t old;
	int rc = 0;

	if (cert == NULL) {
		snprintf(err, errlen, _("cannot make a key pair"));
		return -1;
	}
	pubpath = xasprintf("%s.pub", path);
	if (access(path, F_OK) == 0 || access(pubpath, F_OK) == 0) {
		snprintf(err, errlen, _("%s exists: not overwritten"),
		    access(path, F_OK) == 0 ? path : pubpath);
		free(pubpath);
		zcert_destroy(&cert);
		return -1;
	}
	zcert_set_meta(cert, "made-by", "scadactl keygen");
	old = umask(077);
	if (zcert_save_secret(cert, path) == -1)
		rc = -1;
	umask(022);
	if (rc == 0 && zcert_save_public(cert, pubpath) == -1)
		rc = -1;
	umask(old);
	if (rc == -1)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	else
		snprintf(pub, publen, "%s", zcert_public_txt(cert));
	free(pubpath);
	zcert_destroy(&cert);
	return rc;
}
