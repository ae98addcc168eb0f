/*
 * keygen: a CurveZMQ key pair for a station or for the server. The
 * secret half stays where it is made (mode 600); the public half, in
 * FILE.pub, is what the other side needs: a station's goes into the
 * project, the server's to every station.
 */
#include "config.h"

#include <stdio.h>

#include "i18n.h"
#include "scadactl.h"

static int	cmd_keygen(struct ctl *, struct cmd_args *);

const struct cmd_entry cmd_keygen_entry = {
	.name = "keygen",
	.args_min = 1,
	.args_max = 1,
	.usage = N_("keygen file"),
	.exec = cmd_keygen,
};

static int
cmd_keygen(struct ctl *ctl, struct cmd_args *args)
{
	const char *path = args->argv[0];
	char pub[64], err[512], pubfile[1100];
	json_t *o;

	if (keys_generate(path, pub, sizeof pub, err, sizeof err) == -1)
		return ctl_error(ERROR_BAD_REQUEST, NULL, "%s", err);
	if (ctl->json) {
		snprintf(pubfile, sizeof pubfile, "%s.pub", path);
		o = json_pack("{s:b, s:s, s:s, s:s}", "ok", 1, "secret", path,
		    "public", pub, "public_file", pubfile);
		ctl_print_json(o);
		json_decref(o);
		return 0;
	}
	printf(_("%s: the secret key; keep it there, readable by you "
	    "only\n%s.pub: the public key, to hand out\npublic key: %s\n\n"
	    "For a station, in the project:\n  [station NAME]\n"
	    "  public_key = %s\nFor the server: [security] server_key = %s,\n"
	    "and %s.pub to each station as its server.pub.\n"), path, path,
	    pub, pub, path, path);
	return 0;
}
