/* fdio.h: writing to file descriptors without losing bytes. */
#ifndef POPSCOPE_FDIO_H
#define POPSCOPE_FDIO_H

#include <stddef.h>

/* fd_write_all: write all len bytes, retrying after EINTR and short writes.
 * Returns 0, or the errno value of the failure (EIO when write returned 0). */
int fd_write_all(int fd, const void *data, size_t len);

#endif
