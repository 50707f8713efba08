/* tempcopy.c: private temporary copies (see tempcopy.h). */
#include <config.h>

#include "util/tempcopy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fdio.h"
#include "util/gettext.h"
#include "util/xalloc.h"

#define COPY_CHUNK (256 * 1024)

struct tempcopy {
	char *dir;
	char *path;
	struct stat written; /* the file as we left it */
};

/* remove_tree: everything under the directory fd dirfd, depth first,
 * never following a symlink; then the directory name in parent. */
static void remove_tree(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		DIR *dir = fdopendir(fd);
		if (!dir) {
			close(fd);
		} else {
			struct dirent *entry;
			while ((entry = readdir(dir)) != NULL) {
				if (strcmp(entry->d_name, ".") == 0 ||
				    strcmp(entry->d_name, "..") == 0)
					continue;
				if (unlinkat(dirfd(dir), entry->d_name, 0) != 0 &&
				    (errno == EISDIR || errno == EPERM))
					remove_tree(dirfd(dir), entry->d_name);
			}
			closedir(dir);
		}
	}
	unlinkat(parent, name, AT_REMOVEDIR);
}

void tempcopy_remove(tempcopy_t *copy)
{
	if (!copy)
		return;
	remove_tree(AT_FDCWD, copy->dir);
	free(copy->dir);
	free(copy->path);
	free(copy);
}

/* begin: the directory and the empty file; its descriptor in *fd. */
static tempcopy_t *begin(const char *tmpdir, const char *name, int *fd, char **errstr)
{
	tempcopy_t *copy = xcalloc(1, sizeof *copy);
	copy->dir = xasprintf("%s/popscope-view-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(copy->dir)) {
		*errstr = xasprintf(_("cannot create a temporary directory in %s: %s"),
				    tmpdir && *tmpdir ? tmpdir : "/tmp", strerror(errno));
		free(copy->dir);
		free(copy);
		return NULL;
	}
	copy->path = xasprintf("%s/%s", copy->dir, name);
	*fd = open(copy->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*fd < 0 || fchmod(*fd, 0600) != 0) {
		*errstr = xasprintf(_("cannot create %s: %s"), copy->path, strerror(errno));
		if (*fd >= 0)
			close(*fd);
		tempcopy_remove(copy);
		return NULL;
	}
	return copy;
}

/* finish: close fd after the bytes are in (err: a write's errno, or 0). */
static tempcopy_t *finish(tempcopy_t *copy, int fd, int err, char **errstr)
{
	if (!err && fstat(fd, &copy->written) != 0)
		err = errno;
	if (close(fd) != 0 && !err)
		err = errno;
	if (err) {
		*errstr = xasprintf(_("cannot write %s: %s"), copy->path, strerror(err));
		tempcopy_remove(copy);
		return NULL;
	}
	return copy;
}

tempcopy_t *tempcopy_new(const char *tmpdir, const char *name, const void *data, size_t len,
			 char **errstr)
{
	int fd;
	tempcopy_t *copy = begin(tmpdir, name, &fd, errstr);
	if (!copy)
		return NULL;
	return finish(copy, fd, len ? fd_write_all(fd, data, len) : 0, errstr);
}

tempcopy_t *tempcopy_from_file(const char *tmpdir, const char *name, const char *source,
			       uint64_t expect, char **errstr)
{
	int in = open(source, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	if (in < 0 || fstat(in, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size != expect) {
		*errstr = in < 0 ? xasprintf(_("cannot read %s: %s"), source, strerror(errno))
				 : xasprintf(_("%s is not the fetched message any more"), source);
		if (in >= 0)
			close(in);
		return NULL;
	}
	int fd;
	tempcopy_t *copy = begin(tmpdir, name, &fd, errstr);
	if (!copy) {
		close(in);
		return NULL;
	}
	char *chunk = xmalloc(COPY_CHUNK);
	uint64_t total = 0;
	int err = 0;
	for (;;) {
		ssize_t n = read(in, chunk, COPY_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : 0;
			break;
		}
		total += (uint64_t)n;
		if ((err = fd_write_all(fd, chunk, (size_t)n)) != 0)
			break;
	}
	free(chunk);
	close(in);
	if (!err && total != expect)
		err = EIO;
	return finish(copy, fd, err, errstr);
}

const char *tempcopy_path(const tempcopy_t *copy)
{
	return copy->path;
}

bool tempcopy_changed(const tempcopy_t *copy)
{
	struct stat st;
	if (lstat(copy->path, &st) != 0)
		return true;
	return st.st_size != copy->written.st_size || st.st_ino != copy->written.st_ino ||
	       st.st_mtim.tv_sec != copy->written.st_mtim.tv_sec ||
	       st.st_mtim.tv_nsec != copy->written.st_mtim.tv_nsec;
}
