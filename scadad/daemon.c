/*
 * Detaching. The parent stays until the child reports that its sockets
 * are bound, so "scadad" on a busy port fails visibly with a non-zero
 * exit instead of dying quietly in the background.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "xmalloc.h"
#include "log.h"

static int daemon_ready_fd = -1;
static char *daemon_pidpath;

void
daemon_detach(void)
{
	int fds[2], status;
	pid_t pid;
	char c;

	if (pipe(fds) == -1)
		fatal("pipe");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid > 0) {
		close(fds[1]);
		if (read(fds[0], &c, 1) == 1)
			_exit(0);
		waitpid(pid, &status, 0);
		_exit(WIFEXITED(status) && WEXITSTATUS(status) != 0 ?
		    WEXITSTATUS(status) : 1);
	}
	close(fds[0]);
	daemon_ready_fd = fds[1];
	if (setsid() == -1)
		fatal("setsid");
}

/* The child is up: release the parent and leave the terminal. */
void
daemon_ready(void)
{
	int fd;

	if (daemon_ready_fd == -1)
		return;
	log_init("scadad", 1, log_verbosity());
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	if (chdir("/") == -1)
		log_warn("chdir /");
	if (write(daemon_ready_fd, "", 1) != 1)
		log_warn("cannot tell the parent we are ready");
	close(daemon_ready_fd);
	daemon_ready_fd = -1;
}

/*
 * A path given on the command line, made absolute while we are still in
 * the directory it is relative to: the detached server runs in /.
 */
char *
daemon_abspath(const char *path)
{
	char cwd[PATH_MAX], *abs;

	if (path == NULL || path[0] == '/')
		return path != NULL ? xstrdup(path) : NULL;
	if (getcwd(cwd, sizeof cwd) == NULL)
		fatal("getcwd");
	abs = xasprintf("%s/%s", cwd, path);
	return abs;
}

/*
 * The run or data directory of a fresh install (/usr/local/var/run)
 * may not exist: make the directory path goes in if its parent does,
 * as a packaged tmpfiles.d would. what and advice go into the error.
 */
int
daemon_mkdir_for(const char *path, const char *what, const char *advice)
{
	char *copy = xstrdup(path), *dir = dirname(copy);
	struct stat st;
	int rc = 0;

	if (stat(dir, &st) == -1 && errno == ENOENT) {
		if (mkdir(dir, 0755) == -1) {
			log_err("%s %s: cannot create its directory %s (%s)",
			    what, path, dir, advice);
			rc = -1;
		} else
			log_info("created the directory %s", dir);
	}
	free(copy);
	return rc;
}

static int
daemon_pidfile_open(const char *path)
{
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd == -1 && errno == ENOENT) {
		if (daemon_mkdir_for(path, "pid file", "create it, or name "
		    "another file with -p") == -1)
			return -1;
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	}
	if (fd == -1)
		log_err("pid file %s", path);
	return fd;
}

/* Returns -1 if another scadad holds the file. The lock lives as long
 * as the process, so a stale file from a crash never blocks a start. */
int
daemon_pidfile(const char *path)
{
	char buf[32];
	int fd;

	if ((fd = daemon_pidfile_open(path)) == -1)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		ssize_t n = read(fd, buf, sizeof buf - 1);

		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		log_errx("pid file %s is locked: scadad already running "
		    "(pid %s)", path, buf);
		close(fd);
		return -1;
	}
	snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 ||
	    write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf)) {
		log_err("pid file %s", path);
		close(fd);
		return -1;
	}
	daemon_pidpath = xstrdup(path);
	return 0;	/* fd stays open: it holds the lock */
}

void
daemon_pidfile_remove(void)
{
	if (daemon_pidpath != NULL)
		unlink(daemon_pidpath);
	free(daemon_pidpath);
	daemon_pidpath = NULL;
}

/*
 * Gives up root for user, for good: its groups, its group, its id, and
 * no way back. Returns -1 having said why.
 */
int
daemon_drop(const char *user)
{
	struct passwd *pw;

	if ((pw = getpwnam(user)) == NULL) {
		log_errx("-u %s: no such user", user);
		return -1;
	}
	if (geteuid() != 0) {
		log_errx("-u %s: scadad must be started as root to change to "
		    "another user", user);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1) {
		log_err("-u %s: cannot change to the user", user);
		return -1;
	}
	if (pw->pw_uid != 0 && setuid(0) == 0) {
		log_errx("-u %s: root could be taken back; refusing to run",
		    user);
		return -1;
	}
	log_info("running as %s (uid %ld); the login helper keeps root",
	    pw->pw_name, (long)pw->pw_uid);
	return 0;
}

/*
 * The directory path is in, and path itself if it exists, become the
 * user's if root owns them: a server that gives up root must still
 * write its data. Returns -1 having said why.
 */
/*
 * The file and SQLite's companions of it (a root run may have left a
 * -wal or -shm that the user could then not open), where root owns them.
 */
static int
daemon_give_files(const char *path, const struct passwd *pw)
{
	static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
	struct stat st;
	char *f;
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof ext / sizeof ext[0] && rc == 0; i++) {
		f = xasprintf("%s%s", path, ext[i]);
		if (stat(f, &st) == 0 && st.st_uid == 0 &&
		    chown(f, pw->pw_uid, pw->pw_gid) == -1) {
			log_err("cannot give %s to %s", f, pw->pw_name);
			rc = -1;
		}
		free(f);
	}
	return rc;
}

int
daemon_give_dir(const char *path, const char *user)
{
	char *copy = xstrdup(path), *dir = dirname(copy);
	struct passwd *pw = getpwnam(user);
	struct stat st;
	int rc = 0;

	if (pw == NULL) {
		log_errx("-u %s: no such user", user);
		rc = -1;
	} else if (stat(dir, &st) == 0 && st.st_uid == 0 &&
	    chown(dir, pw->pw_uid, pw->pw_gid) == -1) {
		log_err("cannot give %s to %s", dir, user);
		rc = -1;
	} else
		rc = daemon_give_files(path, pw);
	free(copy);
	return rc;
}
