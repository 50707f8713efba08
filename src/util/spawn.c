/* spawn.c: running another program for the user (see spawn.h). */
#include <config.h>

#include "util/spawn.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/gettext.h"
#include "util/xalloc.h"

/* The most descriptors closed by number in the child. */
#define SPAWN_MAX_FD 65536

/* child_setup: in the child: signals as a shell would start them, the
 * input, and none of popscope's descriptors (the server's socket above all). */
static void child_setup(int stdin_fd)
{
	static const int sigs[] = {SIGINT, SIGQUIT,  SIGTSTP, SIGTTIN, SIGTTOU, SIGTERM,
				   SIGHUP, SIGWINCH, SIGPIPE, SIGCHLD, SIGALRM};
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (stdin_fd >= 0 && stdin_fd != STDIN_FILENO) {
		if (dup2(stdin_fd, STDIN_FILENO) < 0)
			_exit(126);
	}
	long max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > SPAWN_MAX_FD)
		max = SPAWN_MAX_FD;
	for (int fd = 3; fd < (int)max; fd++)
		close(fd);
}

pid_t spawn_shell(const char *command, const char *file, int stdin_fd, char **errstr)
{
	pid_t pid = fork();
	if (pid < 0) {
		*errstr = xasprintf(_("cannot start a process: %s"), strerror(errno));
		return -1;
	}
	if (pid > 0)
		return pid;
	child_setup(stdin_fd);
	if (setenv("POPSCOPE_FILE", file, 1) != 0)
		_exit(126);
	execl("/bin/sh", "sh", "-c", command, "sh", file, (char *)NULL);
	_exit(127);
}

char *spawn_status_text(int status)
{
	if (WIFEXITED(status)) {
		if (WEXITSTATUS(status) == 0)
			return NULL;
		return xasprintf(_("exited with status %d"), WEXITSTATUS(status));
	}
	if (WIFSIGNALED(status))
		return xasprintf(_("killed by signal %d (%s)"), WTERMSIG(status),
				 strsignal(WTERMSIG(status)));
	return xasprintf(_("ended with wait status %d"), status);
}

bool spawn_in_path(const char *name)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/bin:/bin";
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t len = colon ? (size_t)(colon - path) : strlen(path);
		char *candidate = len ? xasprintf("%.*s/%s", (int)len, path, name) : xstrdup(name);
		bool found = access(candidate, X_OK) == 0;
		free(candidate);
		if (found)
			return true;
		path += len;
		if (*path == ':')
			path++;
	}
	return false;
}
