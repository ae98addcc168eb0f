/*
 * What a station keeps locally, in scadatui.conf(5): only what it needs
 * before it reaches the server (the server's endpoint and key, its own
 * key and name) and what only its terminal knows (ASCII, colour). The
 * rest the project supplies.
 */
#ifndef SCADATUI_LOCALCONF_H
#define SCADATUI_LOCALCONF_H

#include <stddef.h>

struct localconf {
	char	*server;
	char	*server_key;
	char	*key;
	char	*station;
	int	 ascii;		/* -1: as the locale says */
	int	 colour;	/* -1: as the terminal says */
	char	 path[1024];	/* the file read, or "" */
};

int	localconf_read(struct localconf *, const char *, char *, size_t);
void	localconf_free(struct localconf *);

#endif
