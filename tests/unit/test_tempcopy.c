/* test_tempcopy: private copies for another program (0700 directory, 0600
 * file, all gone afterwards) and the shell it runs in (the file as "$1",
 * never in the command string; statuses in words). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/spawn.h"
#include "util/tempcopy.h"
#include "util/xalloc.h"

static char base[] = "/tmp/test_tempcopy-XXXXXX";

static int setup(void **state)
{
	return mkdtemp(base) ? 0 : -1;
}

static int teardown(void **state)
{
	return rmdir(base);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *data = xmalloc(1 << 16);
	*len = fread(data, 1, 1 << 16, f);
	fclose(f);
	return data;
}

static void test_copy_modes_and_removal(void **state)
{
	char *err = NULL;
	static const char bytes[] = "From: a\r\n\r\nbody\r\n";
	tempcopy_t *copy = tempcopy_new(base, "message-1.eml", bytes, sizeof bytes - 1, &err);
	assert_non_null(copy);
	const char *path = tempcopy_path(copy);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(lstat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	size_t len;
	char *data = slurp(path, &len);
	assert_int_equal(len, sizeof bytes - 1);
	assert_memory_equal(data, bytes, len);
	free(data);
	assert_false(tempcopy_changed(copy));

	/* What an editor leaves beside the file goes with it. */
	char *swap = xasprintf("%s/.message-1.eml.swp", dir);
	char *sub = xasprintf("%s/backup", dir);
	FILE *f = fopen(swap, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(mkdir(sub, 0700), 0);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("changed\n", f);
	fclose(f);
	assert_true(tempcopy_changed(copy));
	tempcopy_remove(copy);
	assert_int_not_equal(lstat(dir, &st), 0);
	free(swap);
	free(sub);
	free(dir);
}

static void test_copy_from_file(void **state)
{
	char *err = NULL;
	char *source = xasprintf("%s/spool", base);
	FILE *f = fopen(source, "w");
	assert_non_null(f);
	fputs("0123456789", f);
	fclose(f);
	tempcopy_t *copy = tempcopy_from_file(base, "m.eml", source, 10, &err);
	assert_non_null(copy);
	size_t len;
	char *data = slurp(tempcopy_path(copy), &len);
	assert_int_equal(len, 10);
	assert_memory_equal(data, "0123456789", 10);
	free(data);
	tempcopy_remove(copy);
	/* A spool file that changed size is not handed on. */
	assert_null(tempcopy_from_file(base, "m.eml", source, 11, &err));
	assert_non_null(err);
	assert_non_null(strstr(err, "not the fetched message"));
	free(err);
	unlink(source);
	free(source);
}

static void test_spawn_file_is_an_argument(void **state)
{
	char *err = NULL;
	/* A name that would run a command if it were spliced into the string. */
	tempcopy_t *copy = tempcopy_new(base, "$(touch pwned);x", "abc", 3, &err);
	assert_non_null(copy);
	char *out = xasprintf("%s/out", base);
	char *command = xasprintf("wc -c <\"$1\" >'%s'; test \"$1\" = \"$POPSCOPE_FILE\"", out);
	pid_t pid = spawn_shell(command, tempcopy_path(copy), -1, &err);
	assert_true(pid > 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_null(spawn_status_text(status));
	size_t len;
	char *data = slurp(out, &len);
	assert_non_null(data);
	assert_int_equal(atoi(data), 3);
	free(data);
	struct stat st;
	assert_int_not_equal(lstat("pwned", &st), 0);
	unlink(out);
	free(out);
	free(command);
	tempcopy_remove(copy);
}

static void test_status_text(void **state)
{
	char *err = NULL;
	pid_t pid = spawn_shell("exit 3", "/dev/null", -1, &err);
	assert_true(pid > 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	char *text = spawn_status_text(status);
	assert_string_equal(text, "exited with status 3");
	free(text);
	pid = spawn_shell("kill -9 $$", "/dev/null", -1, &err);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	text = spawn_status_text(status);
	assert_non_null(strstr(text, "killed by signal 9"));
	free(text);
	assert_true(spawn_in_path("sh"));
	assert_false(spawn_in_path("no-such-program-popscope"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_copy_modes_and_removal),
	    cmocka_unit_test(test_copy_from_file),
	    cmocka_unit_test(test_spawn_file_is_an_argument),
	    cmocka_unit_test(test_status_text),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
