/* spawn.h: running another program for the user: /bin/sh -c with the
 * command the user chose, never with server data in it (the file it works
 * on goes as "$1" and in an environment variable), in the terminal of
 * popscope, with default signal handling and none of popscope's
 * descriptors. */
#ifndef POPSCOPE_SPAWN_H
#define POPSCOPE_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

/* spawn_shell: fork and run /bin/sh -c command sh file: the command sees
 * the file as "$1" and as $POPSCOPE_FILE; its standard input is stdin_fd
 * (or popscope's own when < 0). Returns the child's pid, or -1 with
 * *errstr (translated; caller frees). */
pid_t spawn_shell(const char *command, const char *file, int stdin_fd, char **errstr);
/* spawn_status_text: a child's wait status in words ("exited with status
 * 2", "killed by signal 9 (Killed)"); NULL for a clean exit 0. Caller frees. */
char *spawn_status_text(int status);
/* spawn_in_path: an executable named name is in $PATH. */
bool spawn_in_path(const char *name);

#endif
