/*
 * The faults a test can inject into the simulated PLC, and the text
 * commands that set them (from -f and from the control socket). Pure
 * state: the transports and the plant read it, nothing here does I/O.
 */
#ifndef SCADASIM_FAULT_H
#define SCADASIM_FAULT_H

#include <stddef.h>
#include <stdint.h>

#define FAULT_MAX_DELAY_MS	600000
#define FAULT_LINE_MAX		256	/* a command, newline included */

struct fault {
	int		 mute;		/* read requests, answer none */
	int		 delay_ms;	/* answer this late; 0 = at once */
	int		 exception;	/* answer this exception; 0 = off */
	int		 exc_area;	/* ... only here; -1 = everywhere */
	int		 exc_address;
	int		 freeze;	/* the plants stand still */
	int		 refuse;	/* close new connections at once */
	unsigned	 drops;		/* drop commands so far */
};

/* What fault_command did, for the caller to log. */
enum {
	FAULT_ERROR = -1,
	FAULT_QUERY = 0,		/* ok, nothing changed */
	FAULT_CHANGED = 1
};

void	fault_init(struct fault *);
int	fault_command(struct fault *, const char *, char *, size_t);
void	fault_status(const struct fault *, char *, size_t);
int	fault_exception(const struct fault *, const uint8_t *, int);
void	fault_selftest(void);

#endif
