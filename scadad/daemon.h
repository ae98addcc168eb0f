/* Detaching from the terminal, and the PID file. */
#ifndef SCADA_DAEMON_H
#define SCADA_DAEMON_H

char	*daemon_abspath(const char *);
void	daemon_detach(void);
int	daemon_drop(const char *);
int	daemon_give_dir(const char *, const char *);
int	daemon_mkdir_for(const char *, const char *, const char *);
void	daemon_ready(void);
int	daemon_pidfile(const char *);
void	daemon_pidfile_remove(void);

#endif
