/* config.h: the config file with accounts, in the style of mpop and msmtp.
 *
 *     # comment
 *     defaults
 *     ca-file ~/corp-ca.pem
 *     account work
 *     url pop3s://alice@mail.example.org
 *     account lab : work
 *     url pop3://alice@lab.example.org
 *
 * "defaults" and "account NAME" (or "account NAME : OTHER") open sections;
 * every other line is "key value", the value being the rest of the line,
 * trimmed, or a "quoted" value with \" and \\ escapes. The keys are
 * popscope's long option names; their values are checked by the option
 * code, not here.
 *
 * config_parse is pure (text in, accounts or one error out); config_load
 * reads the file and applies the rules for a file that holds a secret. */
#ifndef POPSCOPE_CONFIG_H
#define POPSCOPE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
	CONFIG_VALUE_TEXT,    /* any text */
	CONFIG_VALUE_PATH,    /* a file or directory: a leading ~/ means $HOME */
	CONFIG_VALUE_FLAG,    /* on or off */
	CONFIG_VALUE_SECRET,  /* the password: wiped, never printed */
	CONFIG_VALUE_COMMAND, /* a command popscope runs as the user */
} config_value_kind_t;

typedef struct {
	const char *name; /* the long option name: "timeout" */
	config_value_kind_t kind;
} config_key_t;

typedef struct {
	const config_key_t *key;
	char *value; /* unquoted; "on" or "off" for a flag */
	unsigned line;
} config_setting_t;

typedef struct {
	char *name;
	unsigned line;              /* of its "account" line */
	config_setting_t *settings; /* the defaults (or OTHER's) first, then its own */
	size_t count;
} config_account_t;

typedef struct {
	char *path;   /* as named, for messages */
	bool missing; /* config_load found no file there */
	config_account_t *accounts;
	size_t count;
	bool has_secret;  /* some section sets a CONFIG_VALUE_SECRET key */
	bool has_command; /* some section sets a CONFIG_VALUE_COMMAND key */
} config_t;

typedef enum {
	CONFIG_OK,
	CONFIG_MISSING,   /* config_load: no such file, and none was required */
	CONFIG_E_READ,    /* the file could not be read */
	CONFIG_E_CONTENT, /* a syntax error, or a secret in a file others can reach */
} config_status_t;

/* config_keys: the keys, in the order the manual lists them; count in *count. */
const config_key_t *config_keys(size_t *count);

/* config_parse: parse len bytes of text read from path (named in messages).
 * Returns CONFIG_OK with *config filled, or CONFIG_E_CONTENT with *errstr
 * "PATH:LINE: what is wrong" (one translated sentence; a value is never
 * quoted back, so no secret is). Errors: a line that does not start with a
 * known key, a key outside a section or without a value, a key set twice in
 * one section, an unclosed quote, a flag that is not on or off, insecure
 * (refused in a file), a bad or duplicate account name, an OTHER not
 * defined above, a NUL byte. */
config_status_t config_parse(const char *path, const char *text, size_t len, config_t *config,
			     char **errstr);

/* config_load: read and parse path. A missing file is CONFIG_MISSING (an
 * empty *config) unless required. A file that holds a password must be
 * owned by the user (so must the link, if path is a symbolic link) and be
 * neither readable nor writable by group or others; a file that holds a
 * command must be owned by the user and not writable by group or others.
 * Otherwise CONFIG_E_CONTENT with *errstr naming the file, its mode and the
 * fix. CONFIG_E_READ when it cannot be opened or read. The text read is
 * wiped. */
config_status_t config_load(const char *path, bool required, config_t *config, char **errstr);

/* config_default_path: $XDG_CONFIG_HOME/popscope/config, else
 * $HOME/.config/popscope/config; NULL when neither variable is set. */
char *config_default_path(void);

/* config_find: the account called name, or NULL. */
config_account_t *config_find(const config_t *config, const char *name);
/* config_get: the account's setting for key name, or NULL. */
config_setting_t *config_get(const config_account_t *account, const char *name);

/* config_wipe_secrets: wipe the values of CONFIG_VALUE_SECRET keys; they
 * become NULL. */
void config_wipe_secrets(config_t *config);

/* config_free: wipe every value, free everything. */
void config_free(config_t *config);

#endif
