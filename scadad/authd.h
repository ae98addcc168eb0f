/*
 * The login helper: the one part of scadad that may keep root's rights,
 * because pam_unix needs them to check other users' passwords. It runs
 * PAM and nothing else, in a process forked before scadad reads a byte
 * from the network or a PLC, the way OpenBSD's daemons separate their
 * privileges. Each login runs in a child of its own, so a user slow to
 * type a one-time code holds up nobody. scadad talks to it over a
 * socket pair, one JSON object a datagram (scada-proto(7) lists them).
 */
#ifndef SCADA_AUTHD_H
#define SCADA_AUTHD_H

#define AUTHD_MSG_MAX		65536	/* bytes of one message */
#define AUTHD_LOGINS_MAX	256	/* conversations at once */

int	authd_spawn(const char *, const char *);

#endif
