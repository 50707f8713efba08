/* store.h: saving messages safely.
 *
 * A save writes to a temporary name in the target directory (O_EXCL,
 * O_NOFOLLOW, mode 0600), fsyncs the file, renames it into place without
 * overwriting (link + unlink, so an existing name is never replaced),
 * fsyncs the directory, and re-reads the size. Only a save that passed
 * every check may unlock DELE (see session.h). A batch of saves into one
 * directory may leave both syncs to one store_batch_sync for all of them
 * (store_defer_sync), and must then see it succeed before any DELE. */
#ifndef POPSCOPE_STORE_H
#define POPSCOPE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/digest.h"

typedef struct store_file store_file_t;

/* store_begin_eml: start a new file `name` in dir (name is used as given; build
 * it with store_default_name). If it exists, a suffix "-1", "-2", ... is
 * added before the extension. Returns NULL with *errstr on failure. */
store_file_t *store_begin_eml(const char *dir, const char *name, char **errstr);

typedef struct store_batch store_batch_t;

/* store_batch_begin: a batch of saves into dir begins. Returns NULL with
 * *errstr when dir cannot be opened. */
store_batch_t *store_batch_begin(const char *dir, char **errstr);

/* store_defer_sync: this .eml file (in the batch's directory) is one of
 * batch's: store_commit neither fsyncs it nor its directory. It starts the
 * file's write-back (sync_file_range) and keeps it open for the batch,
 * which fsyncs its files together, some hundreds at a time, as dpkg does:
 * the fsyncs then find the data written and share journal commits. The
 * caller calls store_batch_sync once after the batch's last save, and
 * sends no DELE for any of them before that succeeded. */
void store_defer_sync(store_file_t *file, store_batch_t *batch);

/* store_batch_sync: fsync every file of the batch not yet fsynced, then
 * the directory. Any failure since the batch began (naming the file) fails
 * it. Returns 0 or -1 with *errstr. */
int store_batch_sync(store_batch_t *batch, char **errstr);

/* store_batch_end: release the batch (NULL is fine). */
void store_batch_end(store_batch_t *batch);

/* store_want_digest: store_commit also reads the saved octets back from
 * disk and fills result->sha256 (for the report, see ticket.h): the whole
 * file for .eml, the octets appended for an mbox. A read that fails or
 * comes up short fails the commit. */
void store_want_digest(store_file_t *file);

/* store_begin_mbox: append one message to the mbox file at path (created
 * 0600 if missing, only a regular file, never through a symlink, locked
 * with fcntl until the save ends). The "From " line comes first; body
 * lines starting with "From " are quoted (">From ") and CRLF becomes LF.
 * The message is spooled to a temporary file beside the mbox and appended
 * by store_commit under a journal, ".NAME.popscope-journal" beside the
 * mbox, so a save killed half way through its append is undone by the
 * next store_begin_mbox of that mbox. That call fails (and touches
 * nothing) when the mbox changed in other ways since. */
store_file_t *store_begin_mbox(const char *path, const char *envelope_from, char **errstr);

/* store_write: append message bytes as received (unstuffed, CRLF line
 * endings). Returns 0 or -1 with *errstr. */
int store_write(store_file_t *file, const void *data, size_t len, char **errstr);

typedef struct {
	char *path;              /* final path of the saved file (or the mbox) */
	uint64_t bytes_received; /* message octets handed to store_write */
	uint64_t bytes_on_disk;  /* size re-read after the rename (for mbox: bytes appended) */
	char sha256[DIGEST_SHA256_HEX_SIZE]; /* of the octets read back (store_want_digest),
					      * else "" */
} store_result_t;

/* store_commit: finish a save: fsync, rename into place, fsync the
 * directory, re-read the size and compare with what was written.
 * terminator_seen must be true (the body ended with the "." line) and
 * expected_size (the LIST size, or UINT64_MAX when unknown) must equal
 * bytes_received. Returns 0 and fills *result (caller frees result->path
 * with store_result_free), or -1 with *errstr; on failure nothing is left
 * at the final name (an mbox is truncated back to its old length). The
 * file is released in both cases: do not call store_abort after it. */
int store_commit(store_file_t *file, bool terminator_seen, uint64_t expected_size,
		 store_result_t *result, char **errstr);

/* store_abort: give up a save, removing the temporary file. */
void store_abort(store_file_t *file);

void store_result_free(store_result_t *result);

/* store_default_name: "YYYY-MM-DD_subject_uidl.eml" from a message's date
 * (0 = unknown, "undated"), subject and UIDL (both may be NULL), sanitized
 * with sanitize_filename (so in a UTF-8 locale the subject keeps its
 * letters of any script), spaces as '_'. At most 200 bytes. Caller frees. */
char *store_default_name(long long date, const char *subject, const char *uidl);

#endif
