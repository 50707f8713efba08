#include <config.h>

#include "util/private_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fdio.h"
#include "util/gettext.h"
#include "util/xalloc.h"

/* split: the directory of path ("." for a bare name) and its last component. */
static void split(const char *path, char **dir, const char **base)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		*dir = xstrdup(".");
		*base = path;
	} else {
		*dir = slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
		*base = slash + 1;
	}
}

/* starts_with: whether the regular file at path begins with prefix. */
static bool starts_with(const char *path, const char *prefix)
{
	size_t len = strlen(prefix);
	char *head = xmalloc(len + 1);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	bool same = false;
	if (fd >= 0) {
		ssize_t got = pread(fd, head, len, 0);
		same = got == (ssize_t)len && memcmp(head, prefix, len) == 0;
		close(fd);
	}
	free(head);
	return same;
}

/* examine_target: what is at path now; *exists
 * when something is. 0, or -1 with *errstr when it may not be replaced. */
static int examine_target(const char *path, const char *owned_prefix, bool *exists, char **errstr)
{
	struct stat st;
	*exists = false;
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		*errstr = xasprintf(_("cannot check %s: %s"), path, strerror(errno));
		return -1;
	}
	*exists = true;
	if (S_ISLNK(st.st_mode))
		*errstr = xasprintf(_("%s is a symbolic link; not followed"), path);
	else if (!S_ISREG(st.st_mode))
		*errstr = xasprintf(_("%s exists and is not a regular file"), path);
	else if (!starts_with(path, owned_prefix))
		*errstr =
		    xasprintf(_("%s exists and was not written by popscope; not replaced"), path);
	else
		return 0;
	return -1;
}

/* examine: the directory of path must exist and be writable, and what is
 * at path may be replaced (examine_target). */
static int examine(const char *path, const char *owned_prefix, bool *exists, char **errstr)
{
	const char *base;
	char *dir;
	struct stat st;
	split(path, &dir, &base);
	int rc = -1;
	if (!*base)
		*errstr = xasprintf(_("%s names a directory, not a file"), path);
	else if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		*errstr = xasprintf(_("the directory %s does not exist"), dir);
	else if (access(dir, W_OK | X_OK) != 0)
		*errstr =
		    xasprintf(_("cannot write in the directory %s: %s"), dir, strerror(errno));
	else
		rc = examine_target(path, owned_prefix, exists, errstr);
	free(dir);
	return rc;
}

int private_file_check(const char *path, const char *owned_prefix, char **errstr)
{
	bool exists;
	return examine(path, owned_prefix, &exists, errstr);
}

/* write_temp: data into a new 0600 file beside path, fsynced; its name, or
 * NULL with *errstr. */
static char *write_temp(const char *path, const char *data, size_t len, char **errstr)
{
	const char *base;
	char *dir;
	split(path, &dir, &base);
	char *temp = xasprintf("%s/.%s.XXXXXX", dir, base);
	free(dir);
	int fd = mkostemp(temp, O_CLOEXEC);
	if (fd < 0) {
		*errstr = xasprintf(_("cannot create a file beside %s: %s"), path, strerror(errno));
		free(temp);
		return NULL;
	}
	int err = fchmod(fd, 0600) != 0 ? errno : fd_write_all(fd, data, len);
	if (!err && fsync(fd) != 0)
		err = errno;
	if (close(fd) != 0 && !err)
		err = errno;
	if (!err)
		return temp;
	*errstr = xasprintf(_("cannot write %s: %s"), path, strerror(err));
	unlink(temp);
	free(temp);
	return NULL;
}

/* put_new: temp at path where nothing is, never replacing a file that
 * appeared since (a hard link, else a rename that does not replace).
 * Returns 0 or an errno value. */
static int put_new(const char *temp, const char *path)
{
	if (link(temp, path) == 0) {
		unlink(temp);
		return 0;
	}
	if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS)
		return errno;
#ifdef RENAME_NOREPLACE
	if (renameat2(AT_FDCWD, temp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	return errno;
#else
	return EOPNOTSUPP;
#endif
}

/* sync_dir_of: fsync the directory that holds path. 0 or an errno value. */
static int sync_dir_of(const char *path)
{
	const char *base;
	char *dir;
	split(path, &dir, &base);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	int err = fd < 0 || fsync(fd) != 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	return err;
}

int private_file_write(const char *path, const char *data, size_t len, const char *owned_prefix,
		       char **errstr)
{
	bool exists;
	if (examine(path, owned_prefix, &exists, errstr) != 0)
		return -1;
	char *temp = write_temp(path, data, len, errstr);
	if (!temp)
		return -1;
	/* rename replaces a symlink planted since examine, never its target. */
	int err = exists ? (rename(temp, path) == 0 ? 0 : errno) : put_new(temp, path);
	if (err) {
		unlink(temp);
		free(temp);
		*errstr =
		    err == EEXIST
			? xasprintf(_("%s was created meanwhile by someone else; not replaced"),
				    path)
			: xasprintf(_("cannot write %s: %s"), path, strerror(err));
		return -1;
	}
	free(temp);
	err = sync_dir_of(path);
	if (err) {
		*errstr = xasprintf(_("cannot write the directory of %s to disk: %s"), path,
				    strerror(err));
		return -1;
	}
	return 0;
}
