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
#include "util/numparse.h"
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
/* Largest journal we read back; ours are about 150 bytes. */
#define STORE_JOURNAL_MAX 1024
#define STORE_COPY_CHUNK 65536

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
	uint64_t written_back;   /* octets whose write-back was started */
	int write_errno;         /* first write failure; the save is then dead */

	/* eml */
	int dirfd;
	char *dir;
	char *name;      /* the requested final name */
	char *temp_name; /* our temporary name in dir; NULL once gone */
	dev_t dev;       /* identity of the file we created */
	ino_t ino;
	store_batch_t *batch; /* the batch that syncs file and directory, or NULL */
	bool want_digest;     /* store_commit reads the octets back (store_want_digest) */

	/* mbox: the message is spooled to a temporary file (fd, temp_name in
	 * dirfd) and appended to the mbox only by store_commit, under a
	 * journal (see commit_mbox). */
	int mbox_fd;
	char *journal_name; /* ".<mbox name>.popscope-journal" in dirfd */
	bool journaled;     /* the journal is on disk: an append may have begun */
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
	if (file->mbox_fd >= 0)
		close(file->mbox_fd);
	if (file->dirfd >= 0)
		close(file->dirfd);
	free(file->journal_name);
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
	file->mbox_fd = -1;
	file->dirfd = -1;
	return file;
}

/* ---- .eml ---- */

/* open_temp: create a new ".popscope-XXXXXX.tmp" in dirfd (named dir in
 * messages) with O_EXCL and O_NOFOLLOW, mode 0600, for reading and
 * writing. Returns the descriptor and sets *name, or -1 with *errstr. */
static int open_temp(int dirfd, const char *dir, char **name, char **errstr)
{
	for (int attempt = 0; attempt < STORE_TEMP_ATTEMPTS; attempt++) {
		char letters[7];
		random_letters(letters, 6);
		letters[6] = '\0';
		char *temp = xasprintf(".popscope-%s.tmp", letters);
		int fd =
		    openat(dirfd, temp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			*name = temp;
			return fd;
		}
		int err = errno;
		free(temp);
		if (err != EEXIST) {
			*errstr =
			    xasprintf(_("cannot create a file in %s: %s"), dir, errno_text(err));
			return -1;
		}
	}
	*errstr =
	    xasprintf(_("cannot create a temporary file in %s: too many name collisions"), dir);
	return -1;
}

/* is_temp_name: a name open_temp makes. */
static bool is_temp_name(const char *name, size_t len)
{
	static const char prefix[] = ".popscope-", suffix[] = ".tmp";
	size_t letters = 6;

	if (len != sizeof prefix - 1 + letters + sizeof suffix - 1 ||
	    memcmp(name, prefix, sizeof prefix - 1) != 0 ||
	    memcmp(name + len - (sizeof suffix - 1), suffix, sizeof suffix - 1) != 0)
		return false;
	for (size_t i = sizeof prefix - 1; i < sizeof prefix - 1 + letters; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9')))
			return false;
	return true;
}

/* sync_dir: fsync a directory; EINVAL means the file system cannot. */
static int sync_dir(int dirfd)
{
	return fsync(dirfd) != 0 && errno != EINVAL ? errno : 0;
}

/* At most this many saved files stay open for the batch's fsync: an open
 * file keeps its inode, and with it a write-back error, in memory until the
 * fsync reports it, and the descriptors stay well under the usual limit of
 * 1,024. When that many are held, they are fsynced together. */
#define STORE_BATCH_OPEN 256

struct store_batch {
	int dirfd;
	char *dir;
	int fds[STORE_BATCH_OPEN]; /* saved files not yet fsynced */
	char *shown[STORE_BATCH_OPEN];
	size_t held;
	char *error; /* the first failure: the batch is not on disk */
};

store_batch_t *store_batch_begin(const char *dir, char **errstr)
{
	*errstr = NULL;
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		*errstr = xasprintf(_("cannot open the directory %s: %s"), dir, errno_text(errno));
		return NULL;
	}
	store_batch_t *batch = xcalloc(1, sizeof *batch);
	batch->dirfd = dirfd;
	batch->dir = xstrdup(dir);
	return batch;
}

void store_defer_sync(store_file_t *file, store_batch_t *batch)
{
	file->batch = batch;
}

/* batch_fsync: fsync and close the files the batch holds; the first
 * failure is the batch's. */
static void batch_fsync(store_batch_t *batch)
{
	for (size_t i = 0; i < batch->held; i++) {
		int err = fsync(batch->fds[i]) != 0 ? errno : 0;
		if (close(batch->fds[i]) != 0 && !err)
			err = errno;
		if (err && !batch->error)
			batch->error = xasprintf(_("cannot write %s to disk: %s"), batch->shown[i],
						 errno_text(err));
		free(batch->shown[i]);
	}
	batch->held = 0;
}

/* batch_hold: a saved file's descriptor waits for the batch's fsync; its
 * write-back starts now, so that the fsync finds it done. */
static void batch_hold(store_batch_t *batch, int fd, const char *shown)
{
#ifdef HAVE_SYNC_FILE_RANGE
	sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
	if (batch->held == STORE_BATCH_OPEN)
		batch_fsync(batch);
	batch->fds[batch->held] = fd;
	batch->shown[batch->held] = xstrdup(shown);
	batch->held++;
}

int store_batch_sync(store_batch_t *batch, char **errstr)
{
	*errstr = NULL;
	batch_fsync(batch);
	if (batch->error) {
		*errstr = xstrdup(batch->error);
		return -1;
	}
	int err = sync_dir(batch->dirfd);
	if (!err)
		return 0;
	*errstr =
	    xasprintf(_("cannot write the directory %s to disk: %s"), batch->dir, errno_text(err));
	return -1;
}

void store_batch_end(store_batch_t *batch)
{
	if (!batch)
		return;
	for (size_t i = 0; i < batch->held; i++) {
		close(batch->fds[i]);
		free(batch->shown[i]);
	}
	close(batch->dirfd);
	free(batch->dir);
	free(batch->error);
	free(batch);
}

void store_want_digest(store_file_t *file)
{
	file->want_digest = true;
}

/* read_back: the SHA-256 of length octets of fd from offset, as the disk
 * gives them back; 0, or -1 with *errstr. */
static int read_back(const store_file_t *file, int fd, uint64_t offset, uint64_t length,
		     store_result_t *result, char **errstr)
{
	int err = digest_sha256_fd(fd, offset, length, result->sha256);
	if (!err)
		return 0;
	*errstr = xasprintf(_("cannot read %s back after saving: %s; not saved"), file->display,
			    errno_text(err));
	return -1;
}

/* read_back_eml: the verified file by its final name, never through a
 * symlink, the file we created (same device and inode). */
static int read_back_eml(const store_file_t *file, const char *final, store_result_t *result,
			 char **errstr)
{
	struct stat st;
	int fd = openat(file->dirfd, final, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) != 0) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		*errstr = xasprintf(_("cannot read %s back after saving: %s; not saved"),
				    file->display, errno_text(err));
		return -1;
	}
	int rc = -1;
	if (st.st_dev != file->dev || st.st_ino != file->ino)
		*errstr = xasprintf(_("%s was replaced by another file while saving; not saved"),
				    file->display);
	else
		rc = read_back(file, fd, 0, file->bytes_written, result, errstr);
	close(fd);
	return rc;
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
	file->fd = open_temp(file->dirfd, file->dir, &file->temp_name, errstr);
	if (file->fd < 0)
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

	/* A batch's file is fsynced by store_batch_sync, with the others. */
	if ((!file->batch && fsync(file->fd) != 0) || fstat(file->fd, &st) != 0) {
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
	/* A batch's file stays open until its fsync (batch_hold). */
	int held = file->batch ? file->fd : -1;
	if (!file->batch && close(file->fd) != 0) {
		file->fd = -1;
		*errstr =
		    xasprintf(_("cannot write %s to disk: %s"), file->display, errno_text(errno));
		return -1;
	}
	file->fd = -1;

	char *final = place_file(file, errstr);
	if (!final)
		goto fail;
	if (file->temp_name) {
		if (unlinkat(file->dirfd, file->temp_name, 0) != 0) {
			*errstr = xasprintf(_("cannot remove the temporary file %s in %s: %s"),
					    file->temp_name, file->dir, errno_text(errno));
			goto fail;
		}
		free(file->temp_name);
		file->temp_name = NULL;
	}
	int err = file->batch ? 0 : sync_dir(file->dirfd);
	if (err) {
		*errstr = xasprintf(_("cannot write the directory %s to disk: %s"), file->dir,
				    errno_text(err));
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
	if (file->want_digest && read_back_eml(file, final, result, errstr) != 0)
		goto fail;
	result->path = join_path(file->dir, final);
	result->bytes_received = file->bytes_received;
	result->bytes_on_disk = (uint64_t)st.st_size;
	free(final);
	if (held >= 0)
		batch_hold(file->batch, held, file->display);
	return 0;

fail:
	if (final)
		remove_if_ours(file, final);
	free(final);
	if (held >= 0)
		close(held);
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
	ssize_t got = pread(file->mbox_fd, tail + 2 - want, want, at);
	if (got != (ssize_t)want)
		return;
	if (tail[1] != '\n')
		out_put(file, "\n\n", 2);
	else if (tail[0] != '\n')
		out_put(file, "\n", 1);
}

/* ---- the mbox journal ----
 *
 * An append cannot be atomic, so it is undone when it did not finish:
 * before the first byte goes to the mbox, a journal beside it records the
 * mbox's identity and old size, the length of the append and the spool
 * file that holds the bytes. The journal goes when the append is on disk.
 * The next store_begin_mbox of that mbox that finds a journal truncates
 * the mbox back to its old size, but only when everything after that size
 * is a strict beginning of the spool: if the append was complete it stays,
 * and if anything else follows (another program appended since), nothing
 * is touched and the save is refused so a person can look. */

typedef struct {
	uint64_t dev, ino;
	uint64_t original; /* the mbox's size before the append */
	uint64_t length;   /* octets being appended (the spool's size) */
	char spool[32];
} journal_t;

static const char journal_magic[] = "popscope mbox journal 1\n";

/* journal_number: "name N\n" at *p. */
static bool journal_number(const char **p, const char *name, uint64_t *out)
{
	size_t n = strlen(name);
	const char *nl;

	if (strncmp(*p, name, n) != 0 || (*p)[n] != ' ' || !(nl = strchr(*p + n + 1, '\n')) ||
	    !parse_u64(*p + n + 1, (size_t)(nl - (*p + n + 1)), UINT64_MAX, out))
		return false;
	*p = nl + 1;
	return true;
}

static bool journal_parse(const char *text, journal_t *journal)
{
	const char *p = text;
	const char *nl;

	if (strncmp(p, journal_magic, sizeof journal_magic - 1) != 0)
		return false;
	p += sizeof journal_magic - 1;
	if (!journal_number(&p, "dev", &journal->dev) ||
	    !journal_number(&p, "ino", &journal->ino) ||
	    !journal_number(&p, "original", &journal->original) ||
	    !journal_number(&p, "length", &journal->length) || strncmp(p, "spool ", 6) != 0)
		return false;
	p += 6;
	nl = strchr(p, '\n');
	if (!nl || nl[1] != '\0' || !is_temp_name(p, (size_t)(nl - p)) ||
	    (size_t)(nl - p) >= sizeof journal->spool)
		return false;
	memcpy(journal->spool, p, (size_t)(nl - p));
	journal->spool[nl - p] = '\0';
	return true;
}

/* read_journal: 1 and *journal when the mbox has one, 0 when not, -1 when
 * it cannot be read (errno set, EINVAL when it is not ours to read). */
static int read_journal(const store_file_t *file, journal_t *journal)
{
	char text[STORE_JOURNAL_MAX + 1];
	struct stat st;
	int fd = openat(file->dirfd, file->journal_name,
			O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	ssize_t got = -1;
	int err = EINVAL; /* not a regular file */
	if (fstat(fd, &st) != 0 ||
	    (S_ISREG(st.st_mode) && (got = read(fd, text, STORE_JOURNAL_MAX)) < 0))
		err = errno;
	close(fd);
	if (got < 0) {
		errno = err;
		return -1;
	}
	text[got] = '\0';
	if ((size_t)got != strlen(text) || !journal_parse(text, journal)) {
		errno = EINVAL;
		return -1;
	}
	return 1;
}

/* tail_is_spool: compare what follows journal->original in the mbox
 * (tail octets) with the spool. Returns 1 when it is a strict beginning of
 * the spool (a cut append), 2 when it is the whole spool (a finished
 * append), 0 when it is anything else or the spool cannot be read. */
static int tail_is_spool(const store_file_t *file, const journal_t *journal, uint64_t tail)
{
	char *ours, *theirs;
	struct stat st;
	int verdict = tail < journal->length ? 1 : 2;
	int fd = openat(file->dirfd, journal->spool,
			O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (tail > journal->length || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size != journal->length) {
		close(fd);
		return 0;
	}
	ours = xmalloc(STORE_COPY_CHUNK);
	theirs = xmalloc(STORE_COPY_CHUNK);
	for (uint64_t at = 0; at < tail && verdict;) {
		size_t n = tail - at < STORE_COPY_CHUNK ? (size_t)(tail - at) : STORE_COPY_CHUNK;
		if (pread(fd, ours, n, (off_t)at) != (ssize_t)n ||
		    pread(file->mbox_fd, theirs, n, (off_t)(journal->original + at)) !=
			(ssize_t)n ||
		    memcmp(ours, theirs, n) != 0)
			verdict = 0;
		at += n;
	}
	free(ours);
	free(theirs);
	close(fd);
	return verdict;
}

/* recover_mbox: settle what an interrupted save left (see above). Returns
 * 0, or -1 with *errstr when the mbox must be looked at by a person. */
static int recover_mbox(store_file_t *file, char **errstr)
{
	journal_t journal;
	struct stat st;
	int found = read_journal(file, &journal);

	if (found == 0)
		return 0;
	if (found < 0) {
		*errstr =
		    xasprintf(_("%s: the journal %s of an interrupted save cannot be read (%s); "
				"look at the end of the mbox, then remove the journal"),
			      file->display, file->journal_name,
			      errno == EINVAL ? _("it is damaged") : errno_text(errno));
		return -1;
	}
	if (fstat(file->mbox_fd, &st) != 0) {
		*errstr = xasprintf(_("cannot open %s: %s"), file->display, errno_text(errno));
		return -1;
	}
	uint64_t size = (uint64_t)st.st_size;
	int verdict = 2;
	if (journal.dev != (uint64_t)st.st_dev || journal.ino != (uint64_t)st.st_ino ||
	    size < journal.original)
		verdict = 0;
	else if (size > journal.original)
		verdict = tail_is_spool(file, &journal, size - journal.original);
	if (verdict == 0) {
		*errstr = xasprintf(_("%s: a save into it was interrupted at offset %llu, and the "
				      "file has changed since; look at the end of the mbox, then "
				      "remove %s"),
				    file->display, (unsigned long long)journal.original,
				    file->journal_name);
		return -1;
	}
	if (verdict == 1 &&
	    (ftruncate(file->mbox_fd, (off_t)journal.original) != 0 || fsync(file->mbox_fd) != 0)) {
		*errstr = xasprintf(_("cannot undo the interrupted save into %s: %s"),
				    file->display, errno_text(errno));
		return -1;
	}
	/* The journal first: a spool without a journal is only litter. */
	if (unlinkat(file->dirfd, file->journal_name, 0) != 0) {
		*errstr = xasprintf(_("cannot remove %s in %s: %s"), file->journal_name, file->dir,
				    errno_text(errno));
		return -1;
	}
	unlinkat(file->dirfd, journal.spool, 0);
	sync_dir(file->dirfd);
	return 0;
}

/* write_journal: record the append about to begin; the journal is whole
 * or absent (written to a temporary name, fsynced, renamed, directory
 * fsynced). Returns 0 or -1 with *errstr. */
static int write_journal(store_file_t *file, char **errstr)
{
	char *name = NULL;
	struct stat st;
	int err = 0;
	int fd = open_temp(file->dirfd, file->dir, &name, errstr);

	if (fd < 0)
		return -1;
	if (fstat(file->mbox_fd, &st) != 0)
		err = errno;
	char *text =
	    xasprintf("%sdev %llu\nino %llu\noriginal %llu\nlength %llu\nspool %s\n", journal_magic,
		      (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
		      (unsigned long long)file->original_size,
		      (unsigned long long)file->bytes_written, file->temp_name);
	if (!err)
		err = fd_write_all(fd, text, strlen(text));
	if (!err && fsync(fd) != 0)
		err = errno;
	if (close(fd) != 0 && !err)
		err = errno;
	if (!err && renameat(file->dirfd, name, file->dirfd, file->journal_name) != 0)
		err = errno;
	if (!err)
		err = sync_dir(file->dirfd);
	free(text);
	if (err) {
		unlinkat(file->dirfd, name, 0);
		*errstr = xasprintf(_("cannot write the journal %s in %s: %s; not saved"),
				    file->journal_name, file->dir, errno_text(err));
	} else {
		file->journaled = true;
	}
	free(name);
	return err ? -1 : 0;
}

/* split_path: the directory and the last component of path. */
static void split_path(const char *path, char **dir, char **base)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		*dir = xstrdup(".");
		*base = xstrdup(path);
	} else {
		*dir = slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
		*base = xstrdup(slash + 1);
	}
}

/* open_mbox: the mbox (created if missing) by its name in file->dirfd,
 * only a regular file, never through a symlink. Returns 0 or -1. */
static int open_mbox(store_file_t *file, const char *base, char **errstr)
{
	struct stat st;

	/* O_RDWR to read the old tail; O_NONBLOCK so a FIFO planted at the path
	 * cannot hang us before the type check. */
	file->mbox_fd = openat(
	    file->dirfd, base,
	    O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0600);
	if (file->mbox_fd < 0 || fstat(file->mbox_fd, &st) != 0) {
		*errstr = xasprintf(_("cannot open %s: %s"), file->display, errno_text(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*errstr = xasprintf(_("%s is not a regular file"), file->display);
		return -1;
	}
	int flags = fcntl(file->mbox_fd, F_GETFL);
	if (flags < 0 || fcntl(file->mbox_fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
		*errstr = xasprintf(_("cannot open %s: %s"), file->display, errno_text(errno));
		return -1;
	}
	int err = lock_mbox(file->mbox_fd);
	if (err == EAGAIN) {
		*errstr =
		    xasprintf(_("%s is locked by another program; try again later"), file->display);
		return -1;
	} else if (err) {
		*errstr = xasprintf(_("cannot lock %s: %s"), file->display, errno_text(err));
		return -1;
	}
	return 0;
}

store_file_t *store_begin_mbox(const char *path, const char *envelope_from, char **errstr)
{
	*errstr = NULL;
	store_file_t *file = file_new(STORE_MBOX);
	char *base;
	file->display = xstrdup(path);
	split_path(path, &file->dir, &base);
	file->journal_name = xasprintf(".%s.popscope-journal", base);

	/* The directory may be a link; the mbox's own name never is. */
	file->dirfd = open(file->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (file->dirfd < 0) {
		*errstr = xasprintf(_("cannot open %s: %s"), path, errno_text(errno));
		goto fail;
	}
	if (open_mbox(file, base, errstr) != 0 || recover_mbox(file, errstr) != 0)
		goto fail;
	/* The size only counts once the lock is ours and the journal settled. */
	struct stat st;
	if (fstat(file->mbox_fd, &st) != 0) {
		*errstr = xasprintf(_("cannot open %s: %s"), path, errno_text(errno));
		goto fail;
	}
	file->original_size = st.st_size;
	file->fd = open_temp(file->dirfd, file->dir, &file->temp_name, errstr);
	if (file->fd < 0)
		goto fail;

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
	free(base);
	return file;

fail:
	free(base);
	store_abort(file);
	return NULL;
}

/* append_spool: copy the spool's bytes_written octets to the end of the
 * mbox. Returns 0 or an errno value. */
static int append_spool(store_file_t *file)
{
	char *chunk = xmalloc(STORE_COPY_CHUNK);
	int err = 0;

	for (uint64_t at = 0; at < file->bytes_written && !err;) {
		uint64_t left = file->bytes_written - at;
		size_t n = left < STORE_COPY_CHUNK ? (size_t)left : STORE_COPY_CHUNK;
		ssize_t got = pread(file->fd, chunk, n, (off_t)at);
		if (got <= 0)
			err = got < 0 ? errno : EIO;
		else
			err = fd_write_all(file->mbox_fd, chunk, (size_t)got);
		at += got > 0 ? (uint64_t)got : 0;
	}
	free(chunk);
	return err;
}

/* mbox_undo: take back an append that began (truncate, then drop the
 * journal; a crash in between leaves a journal over an untouched mbox). */
static void mbox_undo(store_file_t *file)
{
	if (!file->journaled)
		return;
	if (ftruncate(file->mbox_fd, file->original_size) == 0 && fsync(file->mbox_fd) == 0)
		unlinkat(file->dirfd, file->journal_name, 0);
	file->journaled = false;
}

static int commit_mbox(store_file_t *file, store_result_t *result, char **errstr)
{
	struct stat st;

	mbox_finish(file);
	if (file->write_errno) {
		*errstr = xasprintf(_("cannot write %s: %s"), file->display,
				    errno_text(file->write_errno));
		return -1;
	}
	if (fsync(file->fd) != 0) {
		*errstr =
		    xasprintf(_("cannot write %s to disk: %s"), file->display, errno_text(errno));
		return -1;
	}
	/* The lock is held, so only a program that ignores it changes the size. */
	if (fstat(file->mbox_fd, &st) != 0 || st.st_size != file->original_size) {
		*errstr = xasprintf(_("%s changed while the message was being saved; not saved"),
				    file->display);
		return -1;
	}
	if (write_journal(file, errstr) != 0)
		return -1;
	int err = append_spool(file);
	if (!err && (fsync(file->mbox_fd) != 0 || fstat(file->mbox_fd, &st) != 0))
		err = errno;
	if (err) {
		*errstr =
		    xasprintf(_("cannot write %s to disk: %s"), file->display, errno_text(err));
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
	if (file->want_digest && read_back(file, file->mbox_fd, (uint64_t)file->original_size,
					   appended, result, errstr) != 0)
		return -1;
	/* Saved. Should the journal stay, the next save finds the append
	 * complete and keeps it. */
	unlinkat(file->dirfd, file->journal_name, 0);
	file->journaled = false;
	unlinkat(file->dirfd, file->temp_name, 0);
	free(file->temp_name);
	file->temp_name = NULL;
	sync_dir(file->dirfd);
	result->path = xstrdup(file->display);
	result->bytes_received = file->bytes_received;
	result->bytes_on_disk = appended;
	return 0;
}

/* ---- common ---- */

/* A large message's write-back starts every this many octets as it
 * arrives, so that the fsync at the end finds most of it on disk already
 * (and the page cache does not fill with it). */
#define STORE_WRITE_BACK_STEP (8u * 1024 * 1024)

static void write_back_so_far(store_file_t *file)
{
#ifdef HAVE_SYNC_FILE_RANGE
	if (file->bytes_written - file->written_back < STORE_WRITE_BACK_STEP)
		return;
	sync_file_range(file->fd, (off_t)file->written_back,
			(off_t)(file->bytes_written - file->written_back), SYNC_FILE_RANGE_WRITE);
	file->written_back = file->bytes_written;
#else
	(void)file;
#endif
}

int store_write(store_file_t *file, const void *data, size_t len, char **errstr)
{
	*errstr = NULL;
	if (file->write_errno == 0) {
		file->bytes_received += len;
		if (file->kind == STORE_EML) {
			int err = fd_write_all(file->fd, data, len);
			if (err) {
				file->write_errno = err;
			} else {
				file->bytes_written += len;
				write_back_so_far(file);
			}
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
	result->sha256[0] = '\0';

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
	if (file->kind == STORE_MBOX)
		mbox_undo(file);
	if (file->temp_name && file->dirfd >= 0)
		unlinkat(file->dirfd, file->temp_name, 0);
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

/* sanitized_part: sanitize_filename with its spaces as '_', so that a
 * default name, like the "saved N UIDL PATH OCTETS" line that prints it,
 * splits on white space; held to max bytes whatever it does (cut on a
 * UTF-8 character boundary). */
static char *sanitized_part(const char *in, size_t max)
{
	char *part = sanitize_filename(in, max);

	for (char *p = part; *p; p++)
		if (*p == ' ')
			*p = '_';
	if (strlen(part) > max) {
		while (max > 0 && ((unsigned char)part[max] & 0xC0) == 0x80)
			max--;
		part[max] = '\0';
	}
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
