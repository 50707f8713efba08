/* password.h: where secrets come from: --password-command (or the account's
 * password-command), the account's password, ~/.netrc, a no-echo prompt on
 * the terminal, --oauth-token-command. */
#ifndef POPSCOPE_PASSWORD_H
#define POPSCOPE_PASSWORD_H

/* password_obtain: the password for user@host: the first line of
 * command's output when command is set, else a copy of stored (the config
 * file's password) when set, else a matching ~/.netrc entry, else a no-echo
 * prompt on /dev/tty. Returns a string to free with secret_free, or NULL
 * with *errstr. */
char *password_obtain(const char *command, const char *stored, const char *user, const char *host,
		      char **errstr);

/* token_obtain: the first line of command's output (OAuth access token). */
char *token_obtain(const char *command, char **errstr);

#endif
