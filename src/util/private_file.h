/* private_file.h: a small file written whole and privately (the ticket
 * report): mode 0600, first under a temporary name in the same directory
 * (O_CREAT | O_EXCL, so never through a symlink), fsynced, then moved to
 * its name and the directory fsynced: a reader sees the old file or the
 * new one, never half of one.
 *
 * The name itself is never followed as a symlink. An existing file there
 * is replaced only when it is a regular file that starts with owned_prefix
 * (a file of the same kind written earlier, such as the last report of the
 * same session); a symlink, anything but a regular file, or a file with
 * other content is refused, and nothing is written. Error texts are
 * translated, one line, owned by the caller. */
#ifndef POPSCOPE_PRIVATE_FILE_H
#define POPSCOPE_PRIVATE_FILE_H

#include <stddef.h>

/* private_file_check: whether private_file_write could put a file at path
 * now (its directory exists and is writable; nothing there, or a file it
 * may replace). Returns 0, or -1 with *errstr. */
int private_file_check(const char *path, const char *owned_prefix, char **errstr);

/* private_file_write: write len bytes of data to path as above. Returns 0,
 * or -1 with *errstr (nothing changed at path then). */
int private_file_write(const char *path, const char *data, size_t len, const char *owned_prefix,
		       char **errstr);

#endif
