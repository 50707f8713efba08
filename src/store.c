#include <config.h>

#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/fdio.h"
#include "util/gettext.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

/* Files are verified by size, and the message that names the failure is
 * what the user reads before deciding whether to DELE, so every check has
 * its own sentence. */

#define STORE_MAX_SUFFIX 1000
#define STORE_NAME_MAX 200
#define STORE_UIDL_MAX 70
#define STORE_TEMP_ATTEMPTS 100
#define STORE_OUT_SIZE 65536
#define STORE_FROM_MAX 256
/* A stale lock held by a crashed or hung mail program must not freeze the
 * whole interface, so the lock is polled for a bounded time. */
#define STORE_LOCK_WAIT_MS 10000
#define STORE_LOCK_POLL_MS 100

typedef enum {
	STORE_EML,
	STORE_MBOX
} store_kind_t;

struct store_file {
	store_kind_t kind;
	int fd;
	char *display;           /* the path named in messages */
	uint64_t bytes_received; /* octets handed to store_write */
	uint64_t bytes_written;  /* octets the kernel accepted */
	int write_errno;         /* first write failure; the save is then dead */

	/* eml */
	int dirfd;
	char *dir;
	char *name;      /* the requested final name */
	char *temp_name; /* our temporary name in dir; NULL once gone */
	dev_t dev;       /* identity of the file we created */
	ino_t ino;

	/* mbox */
	off_t original_size;
	char *out; /* STORE_OUT_SIZE bytes of pending output */
	size_t out_len;
	char last_out;       /* last byte given to out_put */
	bool in_prefix;      /* at a line start, still matching ^>*From  */
	uint64_t prefix_gts; /* '>' seen in the prefix */
	size_t prefix_from;  /* bytes of "From " matched */
	bool pending_cr;     /* a CR that may start a CRLF */
};

static const char from_line_start[] = "From ";

/* errno_text: a short reason for the failures a user can act on. */
static const char *errno_text(int err)
{
	switch (err) {
	case ENOSPC: return _("the disk is full");
	case EDQUOT: return _("the disk quota is exceeded");
	case EROFS: return _("the file system is read-only");
	case EACCES:
	case EPERM: return _("permission denied");
	case ELOOP: return _("it is a symbolic link, which is never followed");
	default: return strerror(err);
	}
}

static char *join_path(const char *dir, const char *name)
{
	size_t len = strlen(dir);

	if (len > 0 && dir[len - 1] == '/')
		return xasprintf("%s%s", dir, name);
	return xasprintf("%s/%s", dir, name);
}

/* A name is used inside dir only: one component, never "." or "..". */
static bool is_single_component(const char *name)
{
	return name[0] != '\0' && strchr(name, '/') == NULL && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0;
}

static void random_letters(char *out, size_t len)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz"
				       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	static unsigned long counter;
	unsigned char bytes[16];

	if (len > sizeof bytes)
		len = sizeof bytes;
	if (getrandom(bytes, len, GRND_NONBLOCK) != (ssize_t)len) {
		/* Uniqueness, not secrecy, is needed: O_EXCL catches collisions. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		unsigned long seed = (unsigned long)ts.tv_nsec ^ ((unsigned long)getpid() << 16) ^
				     (++counter * 2654435761UL);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			bytes[i] = (unsigned char)(seed >> 33);
		}
	}
	for (size_t i = 0; i < len; i++)
		out[i] = alphabet[bytes[i] % (sizeof alphabet - 1)];
}

static void file_free(store_file_t *file)
{
	if (file->fd >= 0)
		close(file->fd);
	if (file->dirfd >= 0)
		close(file->dirfd);
	free(file->display);
	free(file->dir);
	free(file->name);
	free(file->temp_name);
	free(file->out);
	free(file);
}

static store_file_t *file_new(store_kind_t kind)
{
	store_file_t *file = xcalloc(1, sizeof *file);

	file->kind = kind;
	file->fd = -1;
	file->dirfd = -1;
	return file;
}

/* ---- .eml ---- */

static int create_temp(store_file_t *file, char **errstr)
{
	for (int attempt = 0; attempt < STORE_TEMP_ATTEMPTS; attempt++) {
		char letters[7];
		random_letters(letters, 6);
		letters[6] = '\0';
		char *temp = xasprintf(".popscope-%s.tmp", letters);
		int fd = openat(file->dirfd, temp,
				O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			file->fd = fd;
			file->temp_name = temp;
			return 0;
		}
		int err = errno;
		free(temp);
		if (err != EEXIST) {
			*errstr = xasprintf(_("cannot create a file in %s: %s"), file->dir,
					    errno_text(err));
			return -1;
		}
	}
	*errstr = xasprintf(_("cannot create a temporary file in %s: too many name collisions"),
			    file->dir);
	return -1;
}

store_file_t *store_begin_eml(const char *dir, const char *name, char **errstr)
{
	*errstr = NULL;
	if (!is_single_component(name)) {
		*errstr = xasprintf(_("\"%s\" is not a plain file name"), name);
		return NULL;
	}

	store_file_t *file = file_new(STORE_EML);
	file->dir = xstrdup(dir);
	file->name = xstrdup(name);
	file->display = join_path(dir, name);

	/* The directory the user named may be a symlink; only the final name
	 * is protected, by O_NOFOLLOW on the temp and linkat on the final. */
	file->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (file->dirfd < 0) {
		*errstr = xasprintf(_("cannot open the directory %s: %s"), dir, errno_text(errno));
		goto fail;
	}
	if (create_temp(file, errstr) != 0)
		goto fail;

	struct stat st;
	/* The umask may have taken the owner's write bit; saved mail is 0600. */
	if (fstat(file->fd, &st) != 0 || fchmod(file->fd, 0600) != 0) {
		*errstr = xasprintf(_("cannot create a file in %s: %s"), dir, errno_text(errno));
		goto fail;
	}
	file->dev = st.st_dev;
	file->ino = st.st_ino;
	return file;

fail:
	store_abort(file);
	return NULL;
}

/* suffixed_name: "name-N.ext" (the suffix goes before the last extension). */
static char *suffixed_name(const char *name, int n)
{
	const char *dot = strrchr(name, '.');

	if (!dot || dot == name)
		return xasprintf("%s-%d", name, n);
	return xasprintf("%.*s-%d%s", (int)(dot - name), name, n, dot);
}

/* is_ours: the name in dir is still the file this save created. */
static bool is_ours(const store_file_t *file, const char *name)
{
	struct stat st;

	return fstatat(file->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	       st.st_dev == file->dev && st.st_ino == file->ino;
}

static void remove_if_ours(const store_file_t *file, const char *name)
{
	if (is_ours(file, name))
		unlinkat(file->dirfd, name, 0);
}

typedef enum {
	PLACE_LINK,
	PLACE_RENAME
} place_method_t;

/* place_once: put the temp at `name` without ever replacing what is there.
 * Returns 0, or an errno (EEXIST: try another name). */
static int place_once(store_file_t *file, const char *name, place_method_t *method)
{
	if (*method == PLACE_LINK) {
		if (linkat(file->dirfd, file->temp_name, file->dirfd, name, 0) == 0)
			return 0;
		if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS)
			return errno;
		*method = PLACE_RENAME;
	}
#ifdef RENAME_NOREPLACE
	if (renameat2(file->dirfd, file->temp_name, file->dirfd, name, RENAME_NOREPLACE) == 0) {
		free(file->temp_name);
		file->temp_name = NULL;
		return 0;
	}
	if (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)
		return EOPNOTSUPP;
	return errno;
#else
	return EOPNOTSUPP;
#endif
}

/* place_file: the final name, with a suffix when the name is taken. */
static char *place_file(store_file_t *file, char **errstr)
{
	place_method_t method = PLACE_LINK;

	for (int n = 0; n <= STORE_MAX_SUFFIX; n++) {
		char *candidate = n == 0 ? xstrdup(file->name) : suffixed_name(file->name, n);
		int err = place_once(file, candidate, &method);
		if (err == 0)
			return candidate;
		free(candidate);
		if (err == EOPNOTSUPP) {
			*errstr = xasprintf(_("the file system of %s supports neither hard "
					      "links nor renaming without replacing; not saved"),
					    file->dir);
			return NULL;
		}
		if (err != EEXIST) {
			*errstr =
			    xasprintf(_("cannot create %s: %s"), file->display, errno_text(err));
			return NULL;
		}
	}
	*errstr = xasprintf(_("%s and %d other names like it already exist; not saved"),
			    file->display, STORE_MAX_SUFFIX);
	return NULL;
}

static int commit_eml(store_file_t *file, store_result_t *result, char **errstr)
{
	struct stat st;

	if (fsync(file->fd) != 0 || fstat(file->fd, &st) != 0) {
		*errstr =
		    xasprintf(_("cannot write %s to disk: %s"), file->display, errno_text(errno));
		return -1;
	}
	if ((uint64_t)st.st_size != file->bytes_written) {
		*errstr = xasprintf(_("%s: %llu octets were written but the file holds %llu; "
				      "not saved"),
				    file->display, (unsigned long long)file->bytes_written,
				    (unsigned long long)st.st_size);
		return -1;
	}
	int fd = file->fd;
	file->fd = -1;
	if (close(fd) != 0) {
		*errstr =
		    xasprintf(_("cannot write %s to disk: %s"), file->display, errno_text(errno));
		return -1;
	}

	char *final = place_file(file, errstr);
	if (!final)
		return -1;
	if (file->temp_name) {
		if (unlinkat(file->dirfd, file->temp_name, 0) != 0) {
			*errstr = xasprintf(_("cannot remove the temporary file %s in %s: %s"),
					    file->temp_name, file->dir, errno_text(errno));
			goto fail;
		}
		free(file->temp_name);
		file->temp_name = NULL;
	}
	/* EINVAL: the file system cannot sync directories at all. */
	if (fsync(file->dirfd) != 0 && errno != EINVAL) {
		*errstr = xasprintf(_("cannot write the directory %s to disk: %s"), file->dir,
				    errno_text(errno));
		goto fail;
	}
	if (fstatat(file->dirfd, final, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		*errstr = xasprintf(_("cannot check %s after saving: %s"), file->display,
				    errno_text(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_dev != file->dev || st.st_ino != file->ino) {
		*errstr = xasprintf(_("%s was replaced by another file while saving; not saved"),
				    file->display);
		goto fail;
	}
	if ((uint64_t)st.st_size != file->bytes_written) {
		*errstr = xasprintf(_("%s holds %llu octets after saving, not %llu; not saved"),
				    file->display, (unsigned long long)st.st_size,
				    (unsigned long long)file->bytes_written);
		goto fail;
	}
	result->path = join_path(file->dir, final);
	result->bytes_received = file->bytes_received;
	result->bytes_on_disk = (uint64_t)st.st_size;
	free(final);
	return 0;

fail:
	remove_if_ours(file, final);
	free(final);
	return -1;
}

/* ---- mbox ---- */

static void out_flush(store_file_t *file)
{
	if (file->out_len == 0)
		return;
	if (file->write_errno == 0) {
		int err = fd_write_all(file->fd, file->out, file->out_len);
		if (err)
			file->write_errno = err;
		else
			file->bytes_written += file->out_len;
	}
	file->out_len = 0;
}

static void out_put(store_file_t *file, const char *data, size_t len)
{
	if (len == 0)
		return;
	file->last_out = data[len - 1];
	while (len > 0) {
		if (file->out_len == STORE_OUT_SIZE)
			out_flush(file);
		size_t n = STORE_OUT_SIZE - file->out_len;
		if (n > len)
			n = len;
		memcpy(file->out + file->out_len, data, n);
		file->out_len += n;
		data += n;
		len -= n;
	}
}

static void out_repeat(store_file_t *file, char c, uint64_t count)
{
	char chunk[256];

	memset(chunk, c, sizeof chunk);
	while (count > 0) {
		size_t n = count < sizeof chunk ? (size_t)count : sizeof chunk;
		out_put(file, chunk, n);
		count -= n;
	}
}

static void mbox_line_start(store_file_t *file)
{
	file->in_prefix = true;
	file->prefix_gts = 0;
	file->prefix_from = 0;
}

/* mbox_prefix_flush: the line start did not turn out to be ^>*From ;
 * write what was held back, unquoted. */
static void mbox_prefix_flush(store_file_t *file)
{
	out_repeat(file, '>', file->prefix_gts);
	out_put(file, from_line_start, file->prefix_from);
	file->in_prefix = false;
}

/* mbox_feed: CRLF -> LF and mboxrd quoting, with the state kept across
 * calls so a line start split between two chunks is handled alike. */
static void mbox_feed(store_file_t *file, const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = data[i];

		if (file->in_prefix) {
			if (file->prefix_from == 0 && c == '>') {
				file->prefix_gts++;
				continue;
			}
			if (c == from_line_start[file->prefix_from]) {
				if (++file->prefix_from == sizeof from_line_start - 1) {
					out_repeat(file, '>', file->prefix_gts + 1);
					out_put(file, from_line_start, file->prefix_from);
					file->in_prefix = false;
				}
				continue;
			}
			mbox_prefix_flush(file);
		}
		if (file->pending_cr) {
			file->pending_cr = false;
			if (c == '\n') {
				out_put(file, "\n", 1);
				mbox_line_start(file);
				continue;
			}
			out_put(file, "\r", 1);
		}
		if (c == '\r') {
			file->pending_cr = true;
		} else if (c == '\n') {
			/* A bare LF ends a line in mbox too, so it is quoted alike. */
			out_put(file, "\n", 1);
			mbox_line_start(file);
		} else {
			size_t end = i + 1;
			while (end < len && data[end] != '\r' && data[end] != '\n')
				end++;
			out_put(file, data + i, end - i);
			i = end - 1;
		}
	}
}

static void mbox_finish(store_file_t *file)
{
	if (file->in_prefix)
		mbox_prefix_flush(file);
	if (file->pending_cr) {
		file->pending_cr = false;
		out_put(file, "\r", 1);
	}
	if (file->last_out != '\n')
		out_put(file, "\n", 1);
	out_put(file, "\n", 1);
	out_flush(file);
}

static int lock_mbox(int fd)
{
	struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
	const struct timespec pause = {0, STORE_LOCK_POLL_MS * 1000000L};

	for (int waited = 0;; waited += STORE_LOCK_POLL_MS) {
		if (fcntl(fd, F_SETLK, &lock) == 0)
			return 0;
		if (errno != EACCES && errno != EAGAIN && errno != EINTR)
			return errno;
		if (waited >= STORE_LOCK_WAIT_MS)
			return EAGAIN;
		nanosleep(&pause, NULL);
	}
}

/* from_line: "From sender Www Mmm dd hh:mm:ss yyyy\n" (asctime form, always
 * English, as mbox readers expect). */
static char *from_line(const char *envelope_from)
{
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	char sender[STORE_FROM_MAX + 1];
	size_t n = 0;

	/* The address comes from the server: a space or a newline in it
	 * would break the separator line, so such bytes become '_'. */
	for (const char *p = envelope_from ? envelope_from : ""; *p && n < STORE_FROM_MAX; p++) {
		unsigned char c = (unsigned char)*p;
		sender[n++] = (c > 0x20 && c < 0x7f) ? (char)c : '_';
	}
	sender[n] = '\0';
	if (n == 0)
		strcpy(sender, "MAILER-DAEMON");

	time_t now = time(NULL);
	struct tm tm;
	if (!localtime_r(&now, &tm))
		memset(&tm, 0, sizeof tm);
	return xasprintf("From %s %s %s %2d %02d:%02d:%02d %d\n", sender, days[tm.tm_wday % 7],
			 months[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 tm.tm_year + 1900);
}

/* mbox_separator: the previous message must end in a blank line, or our
 * "From " line would not start a line of its own. */
static void mbox_separator(store_file_t *file)
{
	char tail[2] = {'\n', '\n'};

	if (file->original_size == 0)
		return;
	off_t at = file->original_size >= 2 ? file->original_size - 2 : 0;
	size_t want = file->original_size >= 2 ? 2 : 1;
	ssize_t got = pread(file->fd, tail + 2 - want, want, at);
	if (got != (ssize_t)want)
		return;
	if (tail[1] != '\n')
		out_put(file, "\n\n", 2);
	else if (tail[0] != '\n')
		out_put(file, "\n", 1);
}

store_file_t *store_begin_mbox(const char *path, const char *envelope_from, char **errstr)
{
	*errstr = NULL;
	store_file_t *file = file_new(STORE_MBOX);
	file->display = xstrdup(path);

	/* O_RDWR to read the old tail; O_NONBLOCK so a FIFO planted at the path
	 * cannot hang us before the type check. */
	file->fd =
	    open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
	if (file->fd < 0) {
		*errstr = xasprintf(_("cannot open %s: %s"), path, errno_text(errno));
		goto fail;
	}
	struct stat st;
	if (fstat(file->fd, &st) != 0) {
		*errstr = xasprintf(_("cannot open %s: %s"), path, errno_text(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		*errstr = xasprintf(_("%s is not a regular file"), path);
		goto fail;
	}
	int flags = fcntl(file->fd, F_GETFL);
	if (flags < 0 || fcntl(file->fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
		*errstr = xasprintf(_("cannot open %s: %s"), path, errno_text(errno));
		goto fail;
	}
	int err = lock_mbox(file->fd);
	if (err == EAGAIN) {
		*errstr = xasprintf(_("%s is locked by another program; try again later"), path);
		goto fail;
	} else if (err) {
		*errstr = xasprintf(_("cannot lock %s: %s"), path, errno_text(err));
		goto fail;
	}
	/* The size only counts once the lock is ours. */
	if (fstat(file->fd, &st) != 0) {
		*errstr = xasprintf(_("cannot open %s: %s"), path, errno_text(errno));
		goto fail;
	}
	file->original_size = st.st_size;

	file->out = xmalloc(STORE_OUT_SIZE);
	mbox_separator(file);
	char *line = from_line(envelope_from);
	out_put(file, line, strlen(line));
	free(line);
	mbox_line_start(file);
	out_flush(file);
	if (file->write_errno) {
		*errstr = xasprintf(_("cannot write %s: %s"), path, errno_text(file->write_errno));
		goto fail;
	}
	return file;

fail:
	store_abort(file);
	return NULL;
}

static void mbox_truncate(store_file_t *file)
{
	if (file->fd >= 0 && ftruncate(file->fd, file->original_size) == 0)
		fsync(file->fd);
}

static int commit_mbox(store_file_t *file, store_result_t *result, char **errstr)
{
	mbox_finish(file);
	if (file->write_errno) {
		*errstr = xasprintf(_("cannot write %s: %s"), file->display,
				    errno_text(file->write_errno));
		return -1;
	}

	struct stat st;
	if (fsync(file->fd) != 0 || fstat(file->fd, &st) != 0) {
		*errstr =
		    xasprintf(_("cannot write %s to disk: %s"), file->display, errno_text(errno));
		return -1;
	}
	uint64_t appended =
	    st.st_size >= file->original_size ? (uint64_t)(st.st_size - file->original_size) : 0;
	if (appended != file->bytes_written) {
		*errstr = xasprintf(_("%s grew by %llu octets, but %llu were written; not saved"),
				    file->display, (unsigned long long)appended,
				    (unsigned long long)file->bytes_written);
		return -1;
	}
	result->path = xstrdup(file->display);
	result->bytes_received = file->bytes_received;
	result->bytes_on_disk = appended;
	return 0;
}

/* ---- common ---- */

int store_write(store_file_t *file, const void *data, size_t len, char **errstr)
{
	*errstr = NULL;
	if (file->write_errno == 0) {
		file->bytes_received += len;
		if (file->kind == STORE_EML) {
			int err = fd_write_all(file->fd, data, len);
			if (err)
				file->write_errno = err;
			else
				file->bytes_written += len;
		} else {
			mbox_feed(file, data, len);
		}
	}
	if (file->write_errno) {
		*errstr = xasprintf(_("cannot write %s: %s"), file->display,
				    errno_text(file->write_errno));
		return -1;
	}
	return 0;
}

int store_commit(store_file_t *file, bool terminator_seen, uint64_t expected_size,
		 store_result_t *result, char **errstr)
{
	int rc = -1;

	*errstr = NULL;
	result->path = NULL;
	result->bytes_received = 0;
	result->bytes_on_disk = 0;

	if (!terminator_seen) {
		*errstr = xstrdup(_("the message did not end with the final \".\" line (was the "
				    "connection cut?); not saved"));
	} else if (expected_size != UINT64_MAX && expected_size != file->bytes_received) {
		/* TRANSLATORS: LIST is the POP3 command; keep it as is. */
		*errstr = xasprintf(_("the server sent %llu octets but LIST said %llu; not saved"),
				    (unsigned long long)file->bytes_received,
				    (unsigned long long)expected_size);
	} else if (file->write_errno) {
		*errstr = xasprintf(_("cannot write %s: %s"), file->display,
				    errno_text(file->write_errno));
	} else if (file->kind == STORE_EML) {
		rc = commit_eml(file, result, errstr);
	} else {
		rc = commit_mbox(file, result, errstr);
	}

	if (rc == 0) {
		file_free(file);
		return 0;
	}
	store_abort(file);
	return -1;
}

void store_abort(store_file_t *file)
{
	if (!file)
		return;
	if (file->kind == STORE_EML && file->temp_name && file->dirfd >= 0)
		unlinkat(file->dirfd, file->temp_name, 0);
	else if (file->kind == STORE_MBOX && file->out)
		mbox_truncate(file);
	file_free(file);
}

void store_result_free(store_result_t *result)
{
	if (!result)
		return;
	free(result->path);
	result->path = NULL;
}

/* ---- names ---- */

static void format_day(long long date, char *out, size_t size)
{
	time_t when = (time_t)date;
	struct tm tm;

	snprintf(out, size, "undated");
	if (date == 0 || (long long)when != date || !localtime_r(&when, &tm))
		return;
	if (tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999)
		return;
	strftime(out, size, "%Y-%m-%d", &tm);
}

/* sanitized_part: sanitize_filename, held to max bytes whatever it does. */
static char *sanitized_part(const char *in, size_t max)
{
	char *part = sanitize_filename(in, max);

	if (strlen(part) > max)
		part[max] = '\0';
	return part;
}

char *store_default_name(long long date, const char *subject, const char *uidl)
{
	static const char extension[] = ".eml";
	char day[16];
	char *uidl_part = NULL;

	format_day(date, day, sizeof day);
	size_t used = strlen(day) + 1 + (sizeof extension - 1);
	if (uidl && uidl[0]) {
		uidl_part = sanitized_part(uidl, STORE_UIDL_MAX);
		used += 1 + strlen(uidl_part);
	}
	char *subject_part =
	    sanitized_part(subject && subject[0] ? subject : "no-subject", STORE_NAME_MAX - used);
	char *name = uidl_part ? xasprintf("%s_%s_%s%s", day, subject_part, uidl_part, extension)
			       : xasprintf("%s_%s%s", day, subject_part, extension);
	free(subject_part);
	free(uidl_part);
	return name;
}
