/* Helpers shared by the benchmarks: clocks, memory, statistics. */
#ifndef SCADA_BENCH_UTIL_H
#define SCADA_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

long long	 util_now_us(void);
long		 util_rss_kb(pid_t);
int		 util_raise_nofile(long);
double		 util_percentile(double *, size_t, double);
long		 util_number(const char *, long, long, const char *);
int		 util_write_file(const char *, const char *);
int		 util_read_endpoints(const char *, char *, size_t, char *,
		    size_t);
uint16_t	 util_holding_value(int);
pid_t		 util_station(const char *, const char *, int, int, int *);
void		 util_keep(char *, size_t, size_t *, const char *, size_t);

#endif
