/*
 * Failed logins, counted per user and per station: after each failure
 * the next try of that user, or from that station, must wait twice as
 * long as the last time, up to a limit. A success clears both counts.
 */
#ifndef SCADA_THROTTLE_H
#define SCADA_THROTTLE_H

typedef struct throttle throttle_t;

throttle_t	*throttle_new(void);
void		 throttle_destroy(throttle_t **);
long long	 throttle_wait(throttle_t *, const char *, const char *,
		    long long);
long long	 throttle_failed(throttle_t *, const char *, const char *,
		    long long, int, int);
void		 throttle_passed(throttle_t *, const char *, const char *);
void		 throttle_selftest(void);

#endif
