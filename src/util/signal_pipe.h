/* signal_pipe.h: signals turned into bytes on a pipe (the self-pipe
 * trick), so the one poll loop hears them without races. */
#ifndef POPSCOPE_SIGNAL_PIPE_H
#define POPSCOPE_SIGNAL_PIPE_H

#include <stddef.h>

/* signal_pipe_open: catch these signals from now on. Returns the pipe's
 * read end to poll for POLLIN, or -1 (errno set). SIGPIPE is ignored. */
int signal_pipe_open(const int *signals, size_t count);
/* signal_pipe_read: the signals that arrived since the last call, into
 * got (at most max); returns how many. */
size_t signal_pipe_read(int *got, size_t max);
/* signal_pipe_close: back to the default handlers; the pipe is closed. */
void signal_pipe_close(void);

#endif
