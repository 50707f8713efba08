#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "store.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* ---- helpers ---- */

/* This definition takes the place of the C library's, so a test can play a
 * file system without hard links (vfat and some network file systems). */
static bool links_unsupported;

int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)
{
	if (links_unsupported) {
		errno = EPERM;
		return -1;
	}
	return (int)syscall(SYS_linkat, olddirfd, oldpath, newdirfd, newpath, flags);
}

static const char message[] = "From: a@example.org\r\n"
			      "Subject: hello\r\n"
			      "\r\n"
			      "body line\r\n"
			      "From the start\r\n";

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

static int setup_dir(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/test_store-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");

	if (!mkdtemp(dir)) {
		free(dir);
		return -1;
	}
	/* Readable by others, so the unprivileged child can look inside. */
	chmod(dir, 0755);
	*state = dir;
	return 0;
}

static int teardown_dir(void **state)
{
	char *dir = *state;

	chmod(dir, 0700);
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
	return 0;
}

static char *path_in(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* read_all: the whole file, or NULL; *len gets its size. */
static char *read_all(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	buf_t b;
	buf_init(&b);
	char chunk[4096];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		buf_append(&b, chunk, (size_t)n);
	close(fd);
	*len = b.len;
	return buf_steal(&b);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static bool has_temp_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, ".popscope-", 10) == 0)
			found = true;
	closedir(d);
	return found;
}

/* save_eml: a whole save in chunks of `step` bytes. Returns store_commit's value. */
static int save_eml(const char *dir, const char *name, const char *data, size_t len, size_t step,
		    bool terminator, uint64_t expected, store_result_t *result, char **errstr)
{
	store_file_t *f = store_begin_eml(dir, name, errstr);
	assert_non_null(f);
	assert_null(*errstr);
	for (size_t at = 0; at < len; at += step) {
		size_t n = len - at < step ? len - at : step;
		assert_int_equal(store_write(f, data + at, n, errstr), 0);
	}
	return store_commit(f, terminator, expected, result, errstr);
}

static void assert_file_is(const char *path, const char *data, size_t len)
{
	size_t got_len = 0;
	char *got = read_all(path, &got_len);

	assert_non_null(got);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, data, len);
	free(got);
}

/* ---- .eml ---- */

static void test_eml_save_commit(void **state)
{
	const char *dir = *state;
	store_result_t result;
	char *err = NULL;

	assert_int_equal(save_eml(dir, "m.eml", message, sizeof message - 1, 7, true,
				  sizeof message - 1, &result, &err),
			 0);
	assert_null(err);
	char *want = path_in(dir, "m.eml");
	assert_string_equal(result.path, want);
	assert_int_equal(result.bytes_received, sizeof message - 1);
	assert_int_equal(result.bytes_on_disk, sizeof message - 1);
	assert_file_is(want, message, sizeof message - 1);
	assert_int_equal(count_entries(dir), 1);
	assert_false(has_temp_files(dir));
	store_result_free(&result);
	assert_null(result.path);
	free(want);
}

/* A batch's saves commit without syncing, which comes for all of them at
 * the end (more files than the batch holds open at once: some are synced
 * on the way); a directory that cannot be opened has no batch. */
static void test_eml_batch_sync(void **state)
{
	const char *dir = *state;
	char *err = NULL;
	enum {
		FILES = 300
	};

	store_batch_t *batch = store_batch_begin(dir, &err);
	assert_non_null(batch);
	assert_null(err);
	for (int i = 0; i < FILES; i++) {
		char name[32];
		snprintf(name, sizeof name, "batch-%d.eml", i);
		store_file_t *file = store_begin_eml(dir, name, &err);
		assert_non_null(file);
		store_defer_sync(file, batch);
		assert_int_equal(store_write(file, message, sizeof message - 1, &err), 0);
		store_result_t result;
		assert_int_equal(store_commit(file, true, sizeof message - 1, &result, &err), 0);
		char *want = path_in(dir, name);
		assert_string_equal(result.path, want);
		assert_file_is(want, message, sizeof message - 1);
		free(want);
		store_result_free(&result);
	}
	assert_int_equal(store_batch_sync(batch, &err), 0);
	assert_null(err);
	store_batch_end(batch);
	char *gone = path_in(dir, "no-such-dir");
	assert_null(store_batch_begin(gone, &err));
	assert_non_null(strstr(err, "cannot open the directory"));
	free(err);
	free(gone);
}

/* A message of many megabytes, written in pieces as RETR brings them (its
 * write-back starts on the way), is saved whole and byte for byte. */
static void test_eml_large(void **state)
{
	const char *dir = *state;
	enum {
		PIECE = 64 * 1024,
		PIECES = 300
	}; /* about 19 MiB */
	char *piece = malloc(PIECE);
	char *err = NULL;
	store_result_t result;

	assert_non_null(piece);
	store_file_t *file = store_begin_eml(dir, "large.eml", &err);
	assert_non_null(file);
	for (int i = 0; i < PIECES; i++) {
		memset(piece, 'a' + i % 26, PIECE);
		assert_int_equal(store_write(file, piece, PIECE, &err), 0);
	}
	assert_int_equal(store_commit(file, true, (uint64_t)PIECE * PIECES, &result, &err), 0);
	assert_int_equal(result.bytes_on_disk, (uint64_t)PIECE * PIECES);
	FILE *in = fopen(result.path, "rb");
	assert_non_null(in);
	for (int i = 0; i < PIECES; i++) {
		assert_int_equal(fread(piece, 1, PIECE, in), PIECE);
		assert_int_equal(piece[0], 'a' + i % 26);
		assert_int_equal(piece[PIECE - 1], 'a' + i % 26);
	}
	assert_int_equal(fgetc(in), EOF);
	fclose(in);
	store_result_free(&result);
	free(piece);
}

static void test_eml_unknown_size(void **state)
{
	const char *dir = *state;
	store_result_t result;
	char *err = NULL;

	assert_int_equal(
	    save_eml(dir, "u.eml", message, sizeof message - 1, 1, true, UINT64_MAX, &result, &err),
	    0);
	assert_int_equal(result.bytes_on_disk, sizeof message - 1);
	assert_file_is(result.path, message, sizeof message - 1);
	store_result_free(&result);
}

static void test_eml_empty_message(void **state)
{
	const char *dir = *state;
	store_result_t result;
	char *err = NULL;

	assert_int_equal(save_eml(dir, "e.eml", "", 0, 1, true, 0, &result, &err), 0);
	assert_int_equal(result.bytes_on_disk, 0);
	assert_file_is(result.path, "", 0);
	store_result_free(&result);
}

static void test_eml_symlinked_dir(void **state)
{
	const char *dir = *state;
	char *real = path_in(dir, "real");
	char *link = path_in(dir, "link");
	store_result_t result;
	char *err = NULL;

	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(symlink("real", link), 0);
	assert_int_equal(save_eml(link, "m.eml", message, sizeof message - 1, 100, true,
				  sizeof message - 1, &result, &err),
			 0);
	char *inside = path_in(real, "m.eml");
	assert_file_is(inside, message, sizeof message - 1);
	store_result_free(&result);
	free(inside);
	free(real);
	free(link);
}

static void test_eml_no_overwrite(void **state)
{
	const char *dir = *state;
	char *existing = path_in(dir, "m.eml");
	store_result_t result;
	char *err = NULL;

	write_file(existing, "old");
	assert_int_equal(
	    save_eml(dir, "m.eml", message, sizeof message - 1, 5, true, UINT64_MAX, &result, &err),
	    0);
	char *first = path_in(dir, "m-1.eml");
	assert_string_equal(result.path, first);
	store_result_free(&result);

	assert_int_equal(save_eml(dir, "m.eml", "x\r\n", 3, 5, true, 3, &result, &err), 0);
	char *second = path_in(dir, "m-2.eml");
	assert_string_equal(result.path, second);
	assert_file_is(second, "x\r\n", 3);
	store_result_free(&result);

	assert_file_is(existing, "old", 3);
	assert_file_is(first, message, sizeof message - 1);

	/* No extension: the suffix goes at the end. */
	char *plain = path_in(dir, "noext");
	write_file(plain, "old");
	assert_int_equal(save_eml(dir, "noext", "y", 1, 1, true, 1, &result, &err), 0);
	char *plain1 = path_in(dir, "noext-1");
	assert_string_equal(result.path, plain1);
	store_result_free(&result);
	free(existing);
	free(first);
	free(second);
	free(plain);
	free(plain1);
}

static void test_eml_without_hard_links(void **state)
{
	const char *dir = *state;
	char *existing = path_in(dir, "m.eml");
	store_result_t result;
	char *err = NULL;

	write_file(existing, "old");
	links_unsupported = true;
	int rc = save_eml(dir, "m.eml", message, sizeof message - 1, 4, true, sizeof message - 1,
			  &result, &err);
	links_unsupported = false;
	assert_int_equal(rc, 0);
	char *first = path_in(dir, "m-1.eml");
	assert_string_equal(result.path, first);
	assert_file_is(first, message, sizeof message - 1);
	assert_file_is(existing, "old", 3);
	assert_int_equal(count_entries(dir), 2);
	store_result_free(&result);
	free(existing);
	free(first);
}

static void test_eml_suffixes_exhausted(void **state)
{
	const char *dir = *state;
	store_result_t result;
	char *err = NULL;

	char *p = path_in(dir, "full.eml");
	write_file(p, "old");
	free(p);
	for (int i = 1; i <= 1000; i++) {
		char *name = xasprintf("%s/full-%d.eml", dir, i);
		write_file(name, "old");
		free(name);
	}
	assert_int_equal(save_eml(dir, "full.eml", "x", 1, 1, true, 1, &result, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "already exist"));
	assert_int_equal(count_entries(dir), 1001);
	assert_false(has_temp_files(dir));
	free(err);
}

static void test_eml_symlink_not_followed(void **state)
{
	const char *dir = *state;
	char *target = path_in(dir, "target");
	char *dangling_target = path_in(dir, "never-created");
	char *link = path_in(dir, "s.eml");
	char *dangling = path_in(dir, "d.eml");
	store_result_t result;
	char *err = NULL;

	write_file(target, "precious");
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(symlink(dangling_target, dangling), 0);

	assert_int_equal(save_eml(dir, "s.eml", message, sizeof message - 1, 9, true,
				  sizeof message - 1, &result, &err),
			 0);
	char *s1 = path_in(dir, "s-1.eml");
	assert_string_equal(result.path, s1);
	store_result_free(&result);

	assert_int_equal(save_eml(dir, "d.eml", message, sizeof message - 1, 9, true,
				  sizeof message - 1, &result, &err),
			 0);
	char *d1 = path_in(dir, "d-1.eml");
	assert_string_equal(result.path, d1);
	store_result_free(&result);

	struct stat st;
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(lstat(dangling, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_file_is(target, "precious", 8);
	assert_int_equal(lstat(dangling_target, &st), -1);
	assert_int_equal(errno, ENOENT);
	free(target);
	free(dangling_target);
	free(link);
	free(dangling);
	free(s1);
	free(d1);
}

static void check_mode_with_umask(const char *dir, mode_t mask, const char *name)
{
	store_result_t result;
	char *err = NULL;
	struct stat st;

	mode_t old = umask(mask);
	int rc = save_eml(dir, name, message, sizeof message - 1, 64, true, sizeof message - 1,
			  &result, &err);
	umask(old);
	assert_int_equal(rc, 0);
	assert_int_equal(lstat(result.path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	store_result_free(&result);
}

static void test_eml_mode_0600(void **state)
{
	check_mode_with_umask(*state, 0, "a.eml");
	check_mode_with_umask(*state, 0277, "b.eml");
}

static void test_eml_wrong_size(void **state)
{
	const char *dir = *state;
	store_result_t result;
	char *err = NULL;

	assert_int_equal(save_eml(dir, "m.eml", message, sizeof message - 1, 3, true,
				  sizeof message + 100, &result, &err),
			 -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "LIST said"));
	assert_null(result.path);
	assert_int_equal(count_entries(dir), 0);
	free(err);
}

static void test_eml_missing_terminator(void **state)
{
	const char *dir = *state;
	store_result_t result;
	char *err = NULL;

	assert_int_equal(save_eml(dir, "m.eml", message, sizeof message - 1, 3, false,
				  sizeof message - 1, &result, &err),
			 -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "\".\""));
	assert_int_equal(count_entries(dir), 0);
	free(err);
}

static void test_eml_abort(void **state)
{
	const char *dir = *state;
	char *err = NULL;
	store_file_t *f = store_begin_eml(dir, "m.eml", &err);

	assert_non_null(f);
	assert_true(has_temp_files(dir));
	assert_int_equal(store_write(f, "abc", 3, &err), 0);
	store_abort(f);
	store_abort(NULL);
	assert_int_equal(count_entries(dir), 0);
}

static void test_eml_bad_names(void **state)
{
	const char *dir = *state;
	const char *bad[] = {"", ".", "..", "../x.eml", "a/b.eml", "/etc/passwd"};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *err = NULL;
		assert_null(store_begin_eml(dir, bad[i], &err));
		assert_non_null(err);
		free(err);
	}
	assert_int_equal(count_entries(dir), 0);

	char *err = NULL;
	char *missing = path_in(dir, "no-such-dir");
	assert_null(store_begin_eml(missing, "m.eml", &err));
	assert_non_null(err);
	assert_non_null(strstr(err, missing));
	free(err);
	free(missing);
}

/* In a child: try to save into a read-only directory. Exit 0 when it failed cleanly. */
static int readonly_child(const char *ro)
{
	if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
		return 10;
	char *err = NULL;
	store_file_t *f = store_begin_eml(ro, "m.eml", &err);
	if (f) {
		store_abort(f);
		return 11;
	}
	if (!err || !strstr(err, ro) || !strstr(err, "permission denied"))
		return 12;
	free(err);
	return 0;
}

static void test_eml_readonly_dir(void **state)
{
	const char *dir = *state;
	char *ro = path_in(dir, "ro");

	assert_int_equal(mkdir(ro, 0555), 0);
	assert_int_equal(chmod(ro, 0555), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(readonly_child(ro));
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(count_entries(ro), 0);
	free(ro);
}

/* In a child with a 1000-byte file size limit: the write must fail cleanly. */
static int write_error_child(const char *dir)
{
	struct rlimit limit = {1000, 1000};
	char data[4000];
	char *err = NULL;

	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &limit) != 0)
		return 10;
	store_file_t *f = store_begin_eml(dir, "big.eml", &err);
	if (!f)
		return 11;
	memset(data, 'x', sizeof data);
	if (store_write(f, data, sizeof data, &err) != -1 || !err || !strstr(err, "big.eml"))
		return 12;
	free(err);
	/* Further writes keep failing; commit refuses. */
	if (store_write(f, "y", 1, &err) != -1)
		return 13;
	free(err);
	store_result_t result;
	if (store_commit(f, true, UINT64_MAX, &result, &err) != -1 || !err)
		return 14;
	free(err);
	return 0;
}

static void test_eml_write_error(void **state)
{
	const char *dir = *state;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(write_error_child(dir));
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(count_entries(dir), 0);
}

/* ---- mbox ---- */

/* mbox_save: append data fed in the given pieces; returns the file's new
 * content after the original `before` bytes, with the From line checked
 * and removed. */
static char *mbox_save(const char *path, const char *from, const char *data, size_t len,
		       const size_t *cuts, size_t ncuts)
{
	char *err = NULL;
	size_t before = 0;
	char *old = read_all(path, &before);
	free(old);

	store_file_t *f = store_begin_mbox(path, from, &err);
	assert_non_null(f);
	size_t at = 0;
	for (size_t i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : len;
		assert_int_equal(store_write(f, data + at, end - at, &err), 0);
		at = end;
	}
	store_result_t result;
	assert_int_equal(store_commit(f, true, len, &result, &err), 0);
	assert_null(err);
	assert_int_equal(result.bytes_received, len);

	size_t total = 0;
	char *all = read_all(path, &total);
	assert_non_null(all);
	assert_int_equal(result.bytes_on_disk, total - before);
	store_result_free(&result);

	char *mine = all + before;
	while (*mine == '\n')
		mine++;
	assert_memory_equal(mine, "From ", 5);
	char *eol = strchr(mine, '\n');
	assert_non_null(eol);
	char *body = xstrndup(eol + 1, total - (size_t)(eol + 1 - all));
	free(all);
	return body;
}

static const char quoting_in[] = "From me\r\n"
				 ">From x\r\n"
				 ">>From y\r\n"
				 "From\r\n"
				 "Fromage\r\n"
				 ">Fro\r\n"
				 "X From z\r\n"
				 "\r\n"
				 "From \r\n"
				 "a\rb\r\n"
				 ">\r\n"
				 "\nFrom bare\r\n"
				 "end\r\n";
static const char quoting_out[] = ">From me\n"
				  ">>From x\n"
				  ">>>From y\n"
				  "From\n"
				  "Fromage\n"
				  ">Fro\n"
				  "X From z\n"
				  "\n"
				  ">From \n"
				  "a\rb\n"
				  ">\n"
				  "\n>From bare\n"
				  "end\n"
				  "\n";

static void test_mbox_every_split(void **state)
{
	char *path = path_in(*state, "box");
	size_t len = sizeof quoting_in - 1;

	for (size_t cut = 0; cut <= len; cut++) {
		unlink(path);
		char *body = mbox_save(path, "me@example.org", quoting_in, len, &cut, 1);
		assert_string_equal(body, quoting_out);
		free(body);
	}
	for (size_t a = 1; a < len; a += 3) {
		for (size_t b = a; b < len; b += 2) {
			size_t cuts[2] = {a, b};
			unlink(path);
			char *body = mbox_save(path, NULL, quoting_in, len, cuts, 2);
			assert_string_equal(body, quoting_out);
			free(body);
		}
	}
	/* One byte at a time. */
	size_t *cuts = xcalloc(len, sizeof *cuts);
	for (size_t i = 0; i < len; i++)
		cuts[i] = i;
	unlink(path);
	char *body = mbox_save(path, NULL, quoting_in, len, cuts, len);
	assert_string_equal(body, quoting_out);
	free(body);
	free(cuts);
	free(path);
}

static void test_mbox_endings(void **state)
{
	char *path = path_in(*state, "box");
	struct {
		const char *in;
		const char *out;
	} cases[] = {
	    {"", "\n"},
	    {"abc", "abc\n\n"},
	    {"abc\r", "abc\r\n\n"},
	    {"From", "From\n\n"},
	    {"From ", ">From \n\n"},
	    {">>", ">>\n\n"},
	    {"a\r\n\r\n", "a\n\n\n"},
	    {"\r\r\n", "\r\n\n"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unlink(path);
		char *body = mbox_save(path, NULL, cases[i].in, strlen(cases[i].in), NULL, 0);
		assert_string_equal(body, cases[i].out);
		free(body);
	}
	free(path);
}

static void test_mbox_many_gt(void **state)
{
	char *path = path_in(*state, "box");
	size_t n = 100000;
	char *in = xmalloc(n + 16);
	memset(in, '>', n);
	memcpy(in + n, "From x\r\n", 8);

	size_t cuts[3] = {1, 70000, n + 2};
	char *body = mbox_save(path, NULL, in, n + 8, cuts, 3);
	assert_int_equal(strlen(body), n + 1 + 7 + 1);
	for (size_t i = 0; i <= n; i++)
		assert_int_equal(body[i], '>');
	assert_string_equal(body + n + 1, "From x\n\n");
	free(body);
	free(in);
	free(path);
}

static void test_mbox_from_line(void **state)
{
	char *path = path_in(*state, "box");
	char *err = NULL;
	store_result_t result;

	store_file_t *f = store_begin_mbox(path, "evil\nFrom x", &err);
	assert_non_null(f);
	assert_int_equal(store_commit(f, true, 0, &result, &err), 0);
	store_result_free(&result);
	f = store_begin_mbox(path, NULL, &err);
	assert_non_null(f);
	assert_int_equal(store_commit(f, true, UINT64_MAX, &result, &err), 0);
	store_result_free(&result);

	size_t len;
	char *all = read_all(path, &len);
	assert_non_null(all);
	assert_memory_equal(all, "From evil_From_x ", 17);
	/* "From sender Www Mmm dd hh:mm:ss yyyy\n": 24 characters of date. */
	char *eol = strchr(all, '\n');
	assert_non_null(eol);
	assert_int_equal(eol - all, 17 + 24);
	assert_int_equal(all[17 + 3], ' ');
	assert_int_equal(all[17 + 13], ':');
	char *second = strstr(all, "\n\nFrom MAILER-DAEMON ");
	assert_non_null(second);
	free(all);
	free(path);
}

static void test_mbox_two_appends(void **state)
{
	char *path = path_in(*state, "box");

	char *b1 = mbox_save(path, "a@x", "one\r\n", 5, NULL, 0);
	assert_string_equal(b1, "one\n\n");
	char *b2 = mbox_save(path, "b@x", "From two\r\n", 10, NULL, 0);
	assert_string_equal(b2, ">From two\n\n");

	size_t len;
	char *all = read_all(path, &len);
	char *eol1 = strchr(all, '\n');
	assert_non_null(eol1);
	assert_memory_equal(eol1, "\none\n\nFrom b@x ", 15);
	assert_non_null(strstr(all, "\n>From two\n\n"));
	assert_int_equal(all[len - 1], '\n');
	assert_int_equal(all[len - 2], '\n');
	free(all);
	free(b1);
	free(b2);

	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(path);
}

static void test_mbox_separator_added(void **state)
{
	char *path = path_in(*state, "box");

	write_file(path, "From old\nno newline at end");
	char *body = mbox_save(path, NULL, "x\r\n", 3, NULL, 0);
	assert_string_equal(body, "x\n\n");
	free(body);
	size_t len;
	char *all = read_all(path, &len);
	assert_memory_equal(all, "From old\nno newline at end\n\nFrom MAILER-DAEMON ", 47);
	free(all);

	write_file(path, "From old\nend\n");
	body = mbox_save(path, NULL, "y\r\n", 3, NULL, 0);
	free(body);
	all = read_all(path, &len);
	assert_memory_equal(all, "From old\nend\n\nFrom MAILER-DAEMON ", 33);
	free(all);
	free(path);
}

static void test_mbox_failure_truncates(void **state)
{
	char *path = path_in(*state, "box");
	const char *old = "From old Thu Jan  1 00:00:00 1970\nold\n\n";
	char *err = NULL;
	store_result_t result;

	write_file(path, old);
	store_file_t *f = store_begin_mbox(path, NULL, &err);
	assert_non_null(f);
	assert_int_equal(store_write(f, "data\r\n", 6, &err), 0);
	assert_int_equal(store_commit(f, true, 1234, &result, &err), -1);
	assert_non_null(strstr(err, "LIST said 1234"));
	free(err);
	assert_file_is(path, old, strlen(old));

	f = store_begin_mbox(path, NULL, &err);
	assert_non_null(f);
	assert_int_equal(store_write(f, "data\r\n", 6, &err), 0);
	assert_int_equal(store_commit(f, false, 6, &result, &err), -1);
	free(err);
	assert_file_is(path, old, strlen(old));

	f = store_begin_mbox(path, NULL, &err);
	assert_non_null(f);
	assert_int_equal(store_write(f, "data\r\n", 6, &err), 0);
	store_abort(f);
	assert_file_is(path, old, strlen(old));
	free(path);
}

static void test_mbox_symlink_refused(void **state)
{
	char *target = path_in(*state, "target");
	char *link = path_in(*state, "box");
	char *err = NULL;

	write_file(target, "precious");
	assert_int_equal(symlink(target, link), 0);
	assert_null(store_begin_mbox(link, NULL, &err));
	assert_non_null(err);
	assert_non_null(strstr(err, "symbolic link"));
	free(err);
	assert_file_is(target, "precious", 8);

	/* A FIFO must be refused, not block. */
	char *fifo = path_in(*state, "fifo");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_null(store_begin_mbox(fifo, NULL, &err));
	assert_non_null(strstr(err, "regular file"));
	free(err);
	free(fifo);
	free(target);
	free(link);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* child_probe_lock: exit 0 when another process holds a write lock on path. */
static int child_probe_lock(const char *path)
{
	int fd = open(path, O_RDWR);
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};

	if (fd < 0)
		return 10;
	if (fcntl(fd, F_GETLK, &fl) != 0)
		return 11;
	return fl.l_type == F_WRLCK && fl.l_pid == getppid() ? 0 : 12;
}

static void test_mbox_lock(void **state)
{
	char *path = path_in(*state, "box");
	int ready[2];
	char *err = NULL;
	store_result_t result;

	write_file(path, "");
	/* A holder keeps the lock for a while: the save waits for it. */
	assert_int_equal(pipe(ready), 0);
	pid_t holder = fork();
	assert_true(holder >= 0);
	if (holder == 0) {
		int fd = open(path, O_RDWR);
		struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
		if (fd < 0 || fcntl(fd, F_SETLKW, &fl) != 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(2);
		struct timespec pause = {0, 400 * 1000000L};
		nanosleep(&pause, NULL);
		_exit(0);
	}
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	double start = now_seconds();
	store_file_t *f = store_begin_mbox(path, NULL, &err);
	double waited = now_seconds() - start;
	assert_non_null(f);
	assert_true(waited >= 0.2);
	int status;
	assert_int_equal(waitpid(holder, &status, 0), holder);

	/* While the save runs, others see our lock. */
	pid_t probe = fork();
	assert_true(probe >= 0);
	if (probe == 0)
		_exit(child_probe_lock(path));
	assert_int_equal(waitpid(probe, &status, 0), probe);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	assert_int_equal(store_commit(f, true, UINT64_MAX, &result, &err), 0);
	store_result_free(&result);
	close(ready[0]);
	close(ready[1]);
	free(path);
}

/* ---- mbox: appends cut short ---- */

/* count_messages: the "From " lines of an mbox that start a message. */
static size_t count_messages(const char *path)
{
	size_t len = 0, n = 0;
	char *all = read_all(path, &len);

	assert_non_null(all);
	for (size_t i = 0; i + 5 <= len; i++)
		if ((i == 0 || (i >= 2 && all[i - 1] == '\n' && all[i - 2] == '\n')) &&
		    memcmp(all + i, "From ", 5) == 0)
			n++;
	free(all);
	return n;
}

static off_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* old_mbox: three messages of about 8 kB each, bigger than the one saved. */
static void old_mbox(const char *path)
{
	buf_t b;

	buf_init(&b);
	for (int m = 0; m < 3; m++) {
		buf_append_str(&b,
			       "From old@example.org Thu Jan  1 00:00:00 1970\nSubject: old\n\n");
		for (int i = 0; i < 100; i++)
			buf_append_str(&b,
				       "an old line of text that pads the mbox to a good size\n");
		buf_append_str(&b, "\n");
	}
	buf_append(&b, "", 1);
	write_file(path, b.data);
	buf_free(&b);
}

/* big_message: about 5 kB with CRLF line endings. */
static char *big_message(size_t *len)
{
	buf_t b;

	buf_init(&b);
	buf_append_str(&b, "From: new@example.org\r\nSubject: new\r\n\r\n");
	for (int i = 0; i < 80; i++)
		buf_append_str(&b, "the message being saved when the power goes\r\n");
	*len = b.len;
	buf_append(&b, "", 1);
	return buf_steal(&b);
}

/* killed_append: a child saves a message into path and is killed by
 * SIGXFSZ after `cut` octets of the append reached the mbox (the spool
 * and the journal are smaller than the limit, the mbox is not). */
static void killed_append(const char *path, off_t cut)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		size_t len;
		char *data = big_message(&len);
		char *err = NULL;
		store_result_t result;
		struct rlimit core = {0, 0};
		struct rlimit size = {(rlim_t)(file_size(path) + cut),
				      (rlim_t)(file_size(path) + cut)};
		store_file_t *f = store_begin_mbox(path, NULL, &err);
		if (!f || store_write(f, data, len, &err) != 0)
			_exit(1);
		if (setrlimit(RLIMIT_CORE, &core) != 0 || setrlimit(RLIMIT_FSIZE, &size) != 0)
			_exit(2);
		store_commit(f, true, len, &result, &err);
		_exit(3); /* not reached: the append is killed */
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGXFSZ);
}

/* save_big: a whole save of big_message into path. */
static void save_big(const char *path)
{
	size_t len;
	char *data = big_message(&len);
	char *err = NULL;
	store_result_t result;
	store_file_t *f = store_begin_mbox(path, NULL, &err);

	assert_non_null(f);
	assert_int_equal(store_write(f, data, len, &err), 0);
	assert_int_equal(store_commit(f, true, len, &result, &err), 0);
	store_result_free(&result);
	free(data);
}

static void test_mbox_killed_mid_append(void **state)
{
	char *path = path_in(*state, "box");
	char *journal = path_in(*state, ".box.popscope-journal");
	size_t old_len;

	old_mbox(path);
	char *old = read_all(path, &old_len);
	assert_int_equal(count_messages(path), 3);

	killed_append(path, 1000);
	/* The cut append is there, and the journal that can undo it. */
	assert_int_equal(file_size(path), (off_t)old_len + 1000);
	assert_int_equal(access(journal, F_OK), 0);

	/* The next save undoes it first, then appends whole. */
	char *err = NULL;
	store_file_t *f = store_begin_mbox(path, NULL, &err);
	assert_non_null(f);
	assert_null(err);
	assert_file_is(path, old, old_len);
	assert_int_equal(access(journal, F_OK), -1);
	store_abort(f);
	assert_file_is(path, old, old_len);

	save_big(path);
	assert_int_equal(count_messages(path), 4);
	size_t len;
	char *all = read_all(path, &len);
	assert_memory_equal(all, old, old_len);
	assert_non_null(strstr(all + old_len, "\nthe message being saved when the power goes\n\n"));
	free(all);
	assert_false(has_temp_files(*state));
	assert_int_equal(access(journal, F_OK), -1);
	free(old);
	free(journal);
	free(path);
}

static void test_mbox_killed_while_streaming(void **state)
{
	char *path = path_in(*state, "box");
	size_t old_len;

	old_mbox(path);
	char *old = read_all(path, &old_len);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *err = NULL;
		store_file_t *f = store_begin_mbox(path, NULL, &err);
		if (!f || store_write(f, "From: half\r\n", 13, &err) != 0)
			_exit(1);
		raise(SIGKILL);
		_exit(2);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	/* The mbox was never touched. */
	assert_file_is(path, old, old_len);
	save_big(path);
	assert_int_equal(count_messages(path), 4);
	free(old);
	free(path);
}

static void test_mbox_cut_append_then_foreign_mail(void **state)
{
	char *path = path_in(*state, "box");
	const char foreign[] = "\n\nFrom other@example.org Thu Jan  1 00:00:00 1970\n\nmine\n\n";

	old_mbox(path);
	killed_append(path, 1000);
	/* Another program appends after the cut message. */
	int fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, foreign, sizeof foreign - 1), (ssize_t)(sizeof foreign - 1));
	close(fd);
	size_t before_len;
	char *before = read_all(path, &before_len);

	/* Truncating would lose that mail: the save is refused, nothing moves. */
	char *err = NULL;
	assert_null(store_begin_mbox(path, NULL, &err));
	assert_non_null(err);
	assert_non_null(strstr(err, "interrupted"));
	assert_non_null(strstr(err, ".box.popscope-journal"));
	free(err);
	assert_file_is(path, before, before_len);
	free(before);
	free(path);
}

static void test_mbox_finished_append_kept(void **state)
{
	char *path = path_in(*state, "box");
	char *journal = path_in(*state, ".box.popscope-journal");
	DIR *d;
	struct dirent *e;
	char *spool = NULL;

	old_mbox(path);
	killed_append(path, 1000);
	/* Finish the append by hand, as if the kill came just after it. */
	d = opendir(*state);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, ".popscope-", 10) == 0)
			spool = path_in(*state, e->d_name);
	closedir(d);
	assert_non_null(spool);
	size_t spool_len;
	char *spooled = read_all(spool, &spool_len);
	int fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, spooled + 1000, spool_len - 1000), (ssize_t)(spool_len - 1000));
	close(fd);
	size_t whole_len;
	char *whole = read_all(path, &whole_len);

	/* A finished append is a saved message: it stays. */
	char *err = NULL;
	store_file_t *f = store_begin_mbox(path, NULL, &err);
	assert_non_null(f);
	store_abort(f);
	assert_file_is(path, whole, whole_len);
	assert_int_equal(count_messages(path), 4);
	assert_int_equal(access(journal, F_OK), -1);
	assert_int_equal(access(spool, F_OK), -1);
	free(whole);
	free(spooled);
	free(spool);
	free(journal);
	free(path);
}

/* ---- names ---- */

static void assert_safe_name(const char *name)
{
	size_t len = strlen(name);

	assert_true(len > 4 && len <= 200);
	assert_null(strchr(name, '/'));
	assert_true(name[0] != '.');
	assert_string_equal(name + len - 4, ".eml");
	for (size_t i = 0; i < len; i++)
		assert_true((unsigned char)name[i] > 0x20 && (unsigned char)name[i] < 0x7f);
}

/* sha256_hex: the SHA-256 of len bytes, as sha256sum writes it. */
static void sha256_hex(const void *data, size_t len, char out[DIGEST_SHA256_HEX_SIZE])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256(data, len, md);
	for (size_t i = 0; i < sizeof md; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* store_want_digest: the octets read back from disk, hashed; without it
 * no digest. For an mbox, the octets this save appended. */
static void test_digest(void **state)
{
	const char *dir = *state;
	store_result_t result;
	char *err = NULL;
	char want[DIGEST_SHA256_HEX_SIZE];

	assert_int_equal(save_eml(dir, "plain.eml", message, sizeof message - 1, 5, true,
				  sizeof message - 1, &result, &err),
			 0);
	assert_string_equal(result.sha256, "");
	store_result_free(&result);

	store_file_t *file = store_begin_eml(dir, "digest.eml", &err);
	assert_non_null(file);
	store_want_digest(file);
	assert_int_equal(store_write(file, message, sizeof message - 1, &err), 0);
	assert_int_equal(store_commit(file, true, sizeof message - 1, &result, &err), 0);
	sha256_hex(message, sizeof message - 1, want);
	assert_string_equal(result.sha256, want);
	store_result_free(&result);

	char *box = path_in(dir, "box");
	char *first = mbox_save(box, "a@x", "one\r\n", 5, NULL, 0);
	size_t before = 0;
	free(read_all(box, &before));
	file = store_begin_mbox(box, "b@x", &err);
	assert_non_null(file);
	store_want_digest(file);
	assert_int_equal(store_write(file, message, sizeof message - 1, &err), 0);
	assert_int_equal(store_commit(file, true, sizeof message - 1, &result, &err), 0);
	size_t len = 0;
	char *all = read_all(box, &len);
	assert_int_equal(len - before, result.bytes_on_disk);
	sha256_hex(all + before, len - before, want);
	assert_string_equal(result.sha256, want);
	store_result_free(&result);
	free(all);
	free(first);
	free(box);
}

static void test_default_names(void **state)
{
	setenv("TZ", "UTC", 1);
	tzset();

	char *name = store_default_name(1700000000, "Hello", "abc");
	assert_string_equal(name, "2023-11-14_Hello_abc.eml");
	free(name);

	name = store_default_name(0, "Hello", NULL);
	assert_string_equal(name, "undated_Hello.eml");
	free(name);

	char *huge = xmalloc(5001);
	memset(huge, 'A', 5000);
	huge[5000] = '\0';
	const char *subjects[] = {"../../etc/passwd",
				  "\x1b[31mred\x1b]0;title\x07",
				  "",
				  "/",
				  ".",
				  "..",
				  "a\nb\r\nc\td",
				  huge,
				  "\xe2\x80\xae"
				  "cod.exe",
				  NULL};
	const char *uidls[] = {"../x", huge, "", NULL, "AAA\x1b"};
	long long dates[] = {0, 1700000000, -1, 253402300800LL * 1000};

	for (size_t s = 0; s < sizeof subjects / sizeof subjects[0]; s++)
		for (size_t u = 0; u < sizeof uidls / sizeof uidls[0]; u++)
			for (size_t d = 0; d < sizeof dates / sizeof dates[0]; d++) {
				name = store_default_name(dates[d], subjects[s], uidls[u]);
				assert_safe_name(name);
				free(name);
			}

	/* The name works as given. */
	name = store_default_name(1700000000, "../../etc/passwd", "../x");
	char *err = NULL;
	store_file_t *f = store_begin_eml(*state, name, &err);
	assert_non_null(f);
	store_abort(f);
	free(name);
	free(huge);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_dir, teardown_dir)
	    T(test_eml_save_commit),
	    T(test_eml_unknown_size),
	    T(test_eml_batch_sync),
	    T(test_eml_large),
	    T(test_digest),
	    T(test_eml_empty_message),
	    T(test_eml_symlinked_dir),
	    T(test_eml_no_overwrite),
	    T(test_eml_without_hard_links),
	    T(test_eml_suffixes_exhausted),
	    T(test_eml_symlink_not_followed),
	    T(test_eml_mode_0600),
	    T(test_eml_wrong_size),
	    T(test_eml_missing_terminator),
	    T(test_eml_abort),
	    T(test_eml_bad_names),
	    T(test_eml_readonly_dir),
	    T(test_eml_write_error),
	    T(test_mbox_every_split),
	    T(test_mbox_endings),
	    T(test_mbox_many_gt),
	    T(test_mbox_from_line),
	    T(test_mbox_two_appends),
	    T(test_mbox_separator_added),
	    T(test_mbox_failure_truncates),
	    T(test_mbox_symlink_refused),
	    T(test_mbox_lock),
	    T(test_mbox_killed_mid_append),
	    T(test_mbox_killed_while_streaming),
	    T(test_mbox_cut_append_then_foreign_mail),
	    T(test_mbox_finished_append_kept),
	    T(test_default_names),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
