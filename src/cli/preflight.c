#include <config.h>

#include "cli/preflight.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/exitcode.h"
#include "util/gettext.h"

/* check_directory: 0, or prints why files cannot be created in dir. */
static int check_directory(const char *option, const char *dir)
{
	struct stat st;
	if (stat(dir, &st) != 0) {
		/* TRANSLATORS: "--to" or "--save-dir", the directory, the reason. */
		fprintf(stderr, _("popscope: %s %s: %s\n"), option, dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, _("popscope: %s %s: not a directory\n"), option, dir);
		return -1;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr, _("popscope: %s %s: cannot create files there: %s\n"), option, dir,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* check_ca_file: 0, or prints why the CA file cannot be read. */
static int check_ca_file(const char *path)
{
	/* O_NONBLOCK: a FIFO given by mistake must not hang the check. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	int err = errno;
	if (fd >= 0) {
		struct stat st;
		bool directory = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
		close(fd);
		if (!directory)
			return 0;
		err = EISDIR;
	}
	fprintf(stderr, _("popscope: cannot read the CA file %s: %s\n"), path, strerror(err));
	return -1;
}

int preflight_check(const cli_options_t *options)
{
	bool saves = options->mode == MODE_SAVE || options->mode == MODE_DELETE;
	if (saves && options->to_dir && check_directory("--to", options->to_dir) != 0)
		return EXIT_USAGE;
	if (options->mode == MODE_UI && options->save_dir &&
	    check_directory("--save-dir", options->save_dir) != 0)
		return EXIT_USAGE;
	if (options->ca_file && check_ca_file(options->ca_file) != 0)
		return EXIT_IOERR;
	return 0;
}
