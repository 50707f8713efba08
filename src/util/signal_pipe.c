#include <config.h>

#include "util/signal_pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static int pipe_fds[2] = {-1, -1};
static int caught[8];
static size_t caught_count;

static void on_signal(int signo)
{
	int saved = errno;
	unsigned char byte = (unsigned char)signo;
	/* A full pipe already holds a wake-up; the byte is not needed. */
	if (pipe_fds[1] >= 0 && write(pipe_fds[1], &byte, 1) < 0) {
	}
	errno = saved;
}

int signal_pipe_open(const int *signals, size_t count)
{
	if (pipe_fds[0] < 0) {
		if (pipe(pipe_fds) < 0)
			return -1;
		for (int i = 0; i < 2; i++) {
			fcntl(pipe_fds[i], F_SETFL, fcntl(pipe_fds[i], F_GETFL) | O_NONBLOCK);
			fcntl(pipe_fds[i], F_SETFD, FD_CLOEXEC);
		}
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	caught_count = 0;
	for (size_t i = 0; i < count && i < sizeof caught / sizeof *caught; i++) {
		sigaction(signals[i], &sa, NULL);
		caught[caught_count++] = signals[i];
	}
	signal(SIGPIPE, SIG_IGN);
	return pipe_fds[0];
}

size_t signal_pipe_read(int *got, size_t max)
{
	unsigned char bytes[64];
	size_t n = 0;
	ssize_t r;
	while (pipe_fds[0] >= 0 && (r = read(pipe_fds[0], bytes, sizeof bytes)) > 0)
		for (ssize_t i = 0; i < r && n < max; i++)
			got[n++] = bytes[i];
	return n;
}

void signal_pipe_close(void)
{
	for (size_t i = 0; i < caught_count; i++)
		signal(caught[i], SIG_DFL);
	caught_count = 0;
	for (int i = 0; i < 2; i++) {
		if (pipe_fds[i] >= 0)
			close(pipe_fds[i]);
		pipe_fds[i] = -1;
	}
}
