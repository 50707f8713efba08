#include <config.h>

#include "cli/password.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/fdio.h"
#include "util/gettext.h"
#include "util/xalloc.h"

#define SECRET_MAX 4096

/* first_line_of_command: run CMD with sh -c; keep the first line of stdout.
 * token: CMD gives an OAuth token, else a password (each message is a
 * whole sentence for translators). */
static char *first_line_of_command(const char *command, bool token, char **errstr)
{
	FILE *pipe = popen(command, "r");
	if (!pipe) {
		*errstr = xasprintf(token ? _("cannot run the OAuth token command: %s")
					  : _("cannot run the password command: %s"),
				    strerror(errno));
		return NULL;
	}
	char line[SECRET_MAX];
	bool got = fgets(line, sizeof line, pipe) != NULL;
	/* Drain the rest so the command is not killed by SIGPIPE mid-way. */
	char sink[256];
	while (fgets(sink, sizeof sink, pipe))
		;
	int status = pclose(pipe);
	secret_wipe(sink, sizeof sink);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		secret_wipe(line, sizeof line);
		*errstr = xasprintf(token ? _("the OAuth token command failed (exit status %d)")
					  : _("the password command failed (exit status %d)"),
				    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return NULL;
	}
	if (!got) {
		*errstr = xstrdup(token ? _("the OAuth token command printed nothing")
					: _("the password command printed nothing"));
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	char *secret = xstrdup(line);
	secret_wipe(line, sizeof line);
	return secret;
}

/* next_token: netrc tokens are separated by white space. */
static const char *next_token(const char **cursor, size_t *len)
{
	const char *p = *cursor;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (!*p)
		return NULL;
	const char *start = p;
	while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
		p++;
	*len = (size_t)(p - start);
	*cursor = p;
	return start;
}

static bool token_is(const char *token, size_t len, const char *word)
{
	return len == strlen(word) && memcmp(token, word, len) == 0;
}

static char *netrc_lookup(const char *text, const char *user, const char *host)
{
	const char *cursor = text, *token;
	size_t len;
	bool in_entry = false, host_match = false, user_match = false;
	char *password = NULL;
	while ((token = next_token(&cursor, &len))) {
		if (token_is(token, len, "machine") || token_is(token, len, "default")) {
			if (in_entry && host_match && user_match && password)
				return password;
			secret_free(password);
			password = NULL;
			in_entry = true;
			user_match = false;
			if (token_is(token, len, "default")) {
				host_match = true;
			} else {
				const char *name = next_token(&cursor, &len);
				host_match =
				    name && len == strlen(host) && memcmp(name, host, len) == 0;
			}
		} else if (token_is(token, len, "login")) {
			const char *name = next_token(&cursor, &len);
			user_match = name && len == strlen(user) && memcmp(name, user, len) == 0;
		} else if (token_is(token, len, "password")) {
			const char *value = next_token(&cursor, &len);
			if (value) {
				secret_free(password);
				password = xstrndup(value, len);
			}
		}
	}
	if (in_entry && host_match && user_match && password)
		return password;
	secret_free(password);
	return NULL;
}

static char *netrc_password(const char *user, const char *host)
{
	const char *home = getenv("HOME");
	if (!home)
		return NULL;
	char *path = xasprintf("%s/.netrc", home);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	free(path);
	if (fd < 0)
		return NULL;
	buf_t text;
	buf_init(&text);
	char chunk[4096];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0 && text.len < 1024 * 1024)
		buf_append(&text, chunk, (size_t)n);
	secret_wipe(chunk, sizeof chunk);
	close(fd);
	char *password = text.data ? netrc_lookup(text.data, user, host) : NULL;
	buf_wipe_free(&text);
	return password;
}

static char *prompt_password(const char *user, const char *host, char **errstr)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		*errstr = xasprintf(_("no password: no terminal to ask on, no matching ~/.netrc "
				      "entry and no --password-command"));
		return NULL;
	}
	struct termios saved, quiet;
	bool have_termios = tcgetattr(fd, &saved) == 0;
	if (have_termios) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	char *prompt = xasprintf(_("Password for %s@%s: "), user, host);
	/* A prompt that cannot be shown does not stop the read below. */
	(void)fd_write_all(fd, prompt, strlen(prompt));
	free(prompt);
	char line[SECRET_MAX];
	size_t len = 0;
	char c;
	while (len + 1 < sizeof line && read(fd, &c, 1) == 1 && c != '\n')
		line[len++] = c;
	line[len] = '\0';
	if (have_termios)
		tcsetattr(fd, TCSAFLUSH, &saved);
	(void)fd_write_all(fd, "\n", 1); /* cosmetic: echo was off */
	close(fd);
	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	char *password = xstrdup(line);
	secret_wipe(line, sizeof line);
	return password;
}

char *password_obtain(const char *command, const char *stored, const char *user, const char *host,
		      char **errstr)
{
	if (command)
		return first_line_of_command(command, false, errstr);
	if (stored)
		return xstrdup(stored);
	char *password = netrc_password(user, host);
	if (password)
		return password;
	return prompt_password(user, host, errstr);
}

char *token_obtain(const char *command, char **errstr)
{
	return first_line_of_command(command, true, errstr);
}
