#include <config.h>

#include "cli/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/gettext.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

/* A config file is a few hundred bytes; anything near this is not one. */
#define CONFIG_MAX_SIZE (1024 * 1024)
/* Longest key or account name quoted back in a message. */
#define CONFIG_NAME_MAX 64

static const config_key_t keys[] = {
    {"url", CONFIG_VALUE_TEXT},
    {"user", CONFIG_VALUE_TEXT},
    {"auth", CONFIG_VALUE_TEXT},
    {"password-command", CONFIG_VALUE_COMMAND},
    {"password", CONFIG_VALUE_SECRET},
    {"oauth-token-command", CONFIG_VALUE_COMMAND},
    {"ca-file", CONFIG_VALUE_PATH},
    {"fingerprint", CONFIG_VALUE_TEXT},
    {"plaintext", CONFIG_VALUE_FLAG},
    {"timeout", CONFIG_VALUE_TEXT},
    {"speed-limit", CONFIG_VALUE_TEXT},
    {"pipeline", CONFIG_VALUE_TEXT},
    {"save-dir", CONFIG_VALUE_PATH},
    {"to", CONFIG_VALUE_PATH},
    {"report", CONFIG_VALUE_PATH},
    {"trace", CONFIG_VALUE_PATH},
    {"log", CONFIG_VALUE_PATH},
    {"log-size", CONFIG_VALUE_TEXT},
    {"log-body-lines", CONFIG_VALUE_TEXT},
    {"preview-lines", CONFIG_VALUE_TEXT},
    {"big", CONFIG_VALUE_TEXT},
    {"accept-line-end-count", CONFIG_VALUE_FLAG},
    {"no-color", CONFIG_VALUE_FLAG},
};
#define KEY_COUNT (sizeof keys / sizeof keys[0])

const config_key_t *config_keys(size_t *count)
{
	*count = KEY_COUNT;
	return keys;
}

static const config_key_t *key_find(const char *name, size_t len)
{
	for (size_t i = 0; i < KEY_COUNT; i++)
		if (strlen(keys[i].name) == len && memcmp(keys[i].name, name, len) == 0)
			return &keys[i];
	return NULL;
}

/* The parser's state: the section being read and the lines its keys came from. */
typedef struct {
	const char *path;
	config_t *config;
	config_account_t defaults;  /* every "defaults" section so far */
	config_account_t *section;  /* &defaults, an account, or NULL before the first */
	unsigned set_at[KEY_COUNT]; /* line where the current section set each key */
	unsigned line;
	char **errstr;
} parser_t;

static config_status_t fail(parser_t *parser, char *message)
{
	*parser->errstr = xasprintf("%s:%u: %s", parser->path, parser->line, message);
	free(message);
	return CONFIG_E_CONTENT;
}

static char *quote_name(const char *name, size_t len)
{
	return sanitize_display(name, len < CONFIG_NAME_MAX ? len : CONFIG_NAME_MAX, false,
				!sanitize_locale_is_utf8());
}

static void account_set(config_account_t *account, const config_key_t *key, char *value,
			unsigned line)
{
	for (size_t i = 0; i < account->count; i++) {
		if (account->settings[i].key == key) {
			secret_free(account->settings[i].value);
			account->settings[i].value = value;
			account->settings[i].line = line;
			return;
		}
	}
	account->settings =
	    xreallocarray(account->settings, account->count + 1, sizeof *account->settings);
	account->settings[account->count++] = (config_setting_t){key, value, line};
}

static void account_copy_settings(config_account_t *to, const config_account_t *from)
{
	for (size_t i = 0; i < from->count; i++)
		account_set(to, from->settings[i].key, xstrdup(from->settings[i].value),
			    from->settings[i].line);
}

static void account_clear(config_account_t *account)
{
	for (size_t i = 0; i < account->count; i++)
		secret_free(account->settings[i].value);
	free(account->settings);
	free(account->name);
	memset(account, 0, sizeof *account);
}

/* name_is_valid: account names are used as command-line words and printed
 * before a TAB by --accounts: ASCII letters, digits and . _ - @ +, not
 * starting with '-'. */
static bool name_is_valid(const char *name, size_t len)
{
	if (len == 0 || len > CONFIG_NAME_MAX || name[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || strchr("._-@+", c);
		if (!ok)
			return false;
	}
	return true;
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *trim_end(const char *start, const char *end)
{
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return end;
}

static config_account_t *account_named(const config_t *config, const char *name, size_t len)
{
	for (size_t i = 0; i < config->count; i++)
		if (strlen(config->accounts[i].name) == len &&
		    memcmp(config->accounts[i].name, name, len) == 0)
			return &config->accounts[i];
	return NULL;
}

static config_status_t check_account_name(parser_t *parser, const char *name, size_t len)
{
	if (len == 0)
		return fail(parser, xstrdup(_("\"account\" needs a name: account NAME")));
	if (name_is_valid(name, len))
		return CONFIG_OK;
	char *shown = quote_name(name, len);
	char *message = xasprintf(_("invalid account name \"%s\": use letters, digits and . _ "
				    "- @ + (not a leading -)"),
				  shown);
	free(shown);
	return fail(parser, message);
}

/* open_account: "account NAME" or "account NAME : OTHER" (rest is after "account"). */
static config_status_t open_account(parser_t *parser, const char *rest, const char *end)
{
	const char *colon = memchr(rest, ':', (size_t)(end - rest));
	const char *name_end = trim_end(rest, colon ? colon : end);
	size_t name_len = (size_t)(name_end - rest);
	config_status_t status = check_account_name(parser, rest, name_len);
	if (status != CONFIG_OK)
		return status;
	const config_account_t *same = account_named(parser->config, rest, name_len);
	if (same) {
		char *shown = quote_name(rest, name_len);
		char *message =
		    xasprintf(_("account \"%s\" is already defined at line %u"), shown, same->line);
		free(shown);
		return fail(parser, message);
	}
	config_t *config = parser->config;
	size_t base = SIZE_MAX; /* an index: the array moves when it grows */
	if (colon) {
		const char *other = skip_blanks(colon + 1, end);
		size_t other_len = (size_t)(end - other);
		status = check_account_name(parser, other, other_len);
		if (status != CONFIG_OK)
			return status;
		const config_account_t *found = account_named(config, other, other_len);
		if (!found) {
			char *shown = quote_name(other, other_len);
			char *message = xasprintf(
			    _("account \"%s\" to start from is not defined above"), shown);
			free(shown);
			return fail(parser, message);
		}
		base = (size_t)(found - config->accounts);
	}
	config->accounts =
	    xreallocarray(config->accounts, config->count + 1, sizeof *config->accounts);
	config_account_t *account = &config->accounts[config->count];
	*account = (config_account_t){.name = xstrndup(rest, name_len), .line = parser->line};
	account_copy_settings(account,
			      base == SIZE_MAX ? &parser->defaults : &config->accounts[base]);
	config->count++;
	parser->section = account;
	return CONFIG_OK;
}

/* unquote: a value in double quotes loses them; inside, \" is a quote and
 * \\ a backslash. Any other value is taken as it is. The copy is made in
 * place of its final size, so no stray copy of a password is left behind. */
static char *unquote(const char *value, const char *end)
{
	if (value == end || *value != '"')
		return xstrndup(value, (size_t)(end - value));
	char *out = xmalloc((size_t)(end - value));
	size_t len = 0;
	for (const char *p = value + 1; p < end; p++) {
		if (*p == '"') {
			if (p + 1 != end)
				break;
			out[len] = '\0';
			return out;
		}
		if (*p == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\'))
			p++;
		out[len++] = *p;
	}
	secret_wipe(out, (size_t)(end - value));
	free(out);
	return NULL;
}

static config_status_t set_key(parser_t *parser, const config_key_t *key, const char *value,
			       const char *end)
{
	size_t index = (size_t)(key - keys);
	if (!parser->section)
		return fail(parser, xasprintf(_("\"%s\" comes before any section: start one with "
						"\"defaults\" or \"account NAME\""),
					      key->name));
	if (value == end)
		return fail(parser, xasprintf(_("\"%s\" needs a value"), key->name));
	if (parser->set_at[index])
		return fail(parser,
			    xasprintf(_("\"%s\" is set twice in this section (first at line "
					"%u)"),
				      key->name, parser->set_at[index]));
	char *text = unquote(value, end);
	if (!text)
		return fail(parser, xasprintf(_("the value of \"%s\" opens a quote that does not "
						"close at the end of the line"),
					      key->name));
	if (key->kind == CONFIG_VALUE_FLAG && strcmp(text, "on") != 0 && strcmp(text, "off") != 0) {
		free(text);
		return fail(parser, xasprintf(_("\"%s\" is on or off"), key->name));
	}
	parser->set_at[index] = parser->line;
	if (key->kind == CONFIG_VALUE_SECRET)
		parser->config->has_secret = true;
	if (key->kind == CONFIG_VALUE_COMMAND)
		parser->config->has_command = true;
	account_set(parser->section, key, text, parser->line);
	return CONFIG_OK;
}

static bool word_is(const char *word, size_t len, const char *name)
{
	return len == strlen(name) && memcmp(word, name, len) == 0;
}

/* unknown_key: quote the first word back only when it looks like a key
 * (lower-case letters and '-', as every key is), so that a stray password
 * on a line of its own is less likely to be printed. */
static config_status_t unknown_key(parser_t *parser, const char *word, size_t len)
{
	bool key_like = len <= 40;
	for (size_t i = 0; i < len && key_like; i++)
		key_like = (word[i] >= 'a' && word[i] <= 'z') || word[i] == '-';
	if (word_is(word, len, "insecure"))
		return fail(parser,
			    xstrdup(_("\"insecure\" is not accepted in a config file: pin the "
				      "server's certificate with \"fingerprint\" instead")));
	if (!key_like)
		return fail(parser, xstrdup(_("this line does not start with a key")));
	return fail(parser, xasprintf(_("unknown key \"%.*s\""), (int)len, word));
}

static config_status_t parse_line(parser_t *parser, const char *start, const char *end)
{
	const char *p = skip_blanks(start, end);
	end = trim_end(p, end);
	if (p == end || *p == '#')
		return CONFIG_OK;
	const char *word = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	size_t word_len = (size_t)(p - word);
	const char *rest = skip_blanks(p, end);
	if (word_is(word, word_len, "defaults")) {
		if (rest != end)
			return fail(parser, xstrdup(_("\"defaults\" takes nothing after it")));
		parser->section = &parser->defaults;
		memset(parser->set_at, 0, sizeof parser->set_at);
		return CONFIG_OK;
	}
	if (word_is(word, word_len, "account")) {
		memset(parser->set_at, 0, sizeof parser->set_at);
		return open_account(parser, rest, end);
	}
	const config_key_t *key = key_find(word, word_len);
	if (!key)
		return unknown_key(parser, word, word_len);
	return set_key(parser, key, rest, end);
}

config_status_t config_parse(const char *path, const char *text, size_t len, config_t *config,
			     char **errstr)
{
	memset(config, 0, sizeof *config);
	config->path = xstrdup(path);
	parser_t parser = {.path = path, .config = config, .errstr = errstr};
	config_status_t status = CONFIG_OK;
	const char *end = text + len;
	for (const char *line = text; line < end && status == CONFIG_OK;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		const char *next = eol ? eol + 1 : end;
		if (!eol)
			eol = end;
		parser.line++;
		if (memchr(line, '\0', (size_t)(eol - line)))
			status = fail(&parser, xstrdup(_("a NUL byte: this is not a text file")));
		else
			status = parse_line(&parser, line,
					    eol > line && eol[-1] == '\r' ? eol - 1 : eol);
		line = next;
	}
	account_clear(&parser.defaults);
	if (status != CONFIG_OK)
		config_free(config);
	return status;
}

/* check_private: the rules for a file that holds a secret or a command. */
static config_status_t check_private(const config_t *config, const struct stat *file,
				     const struct stat *link, char **errstr)
{
	if (!config->has_secret && !config->has_command)
		return CONFIG_OK;
	const char *path = config->path;
	unsigned long me = (unsigned long)geteuid();
	if (S_ISLNK(link->st_mode) && link->st_uid != geteuid()) {
		*errstr =
		    xasprintf(_("%1$s is a symbolic link of uid %2$lu, not yours (uid %3$lu), "
				"and its file holds a password or a command: refusing it"),
			      path, (unsigned long)link->st_uid, me);
		return CONFIG_E_CONTENT;
	}
	if (file->st_uid != geteuid()) {
		*errstr =
		    xasprintf(_("%1$s belongs to uid %2$lu, not to you (uid %3$lu), and holds "
				"a password or a command: refusing it"),
			      path, (unsigned long)file->st_uid, me);
		return CONFIG_E_CONTENT;
	}
	mode_t mode = file->st_mode & 07777;
	if (config->has_secret && (mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH))) {
		*errstr = xasprintf(_("%1$s holds a password but its mode %2$04o lets others read "
				      "or change it: run chmod 600 %1$s"),
				    path, (unsigned)mode);
		return CONFIG_E_CONTENT;
	}
	if (mode & (S_IWGRP | S_IWOTH)) {
		*errstr = xasprintf(_("%1$s holds a command but its mode %2$04o lets others change "
				      "it: run chmod 600 %1$s"),
				    path, (unsigned)mode);
		return CONFIG_E_CONTENT;
	}
	return CONFIG_OK;
}

/* read_text: the whole file into one buffer sized from fstat, so that no
 * copy of a secret is left in memory a realloc gave back; *cap to wipe. */
static config_status_t read_text(int fd, const char *path, off_t size, char **text, size_t *len,
				 size_t *cap, char **errstr)
{
	if (size > CONFIG_MAX_SIZE) {
		*errstr = xasprintf(_("the config file %s is larger than 1 MiB"), path);
		return CONFIG_E_CONTENT;
	}
	*cap = (size_t)size + 1;
	*text = xmalloc(*cap);
	*len = 0;
	ssize_t n = 0;
	while (*len < (size_t)size && (n = read(fd, *text + *len, (size_t)size - *len)) > 0)
		*len += (size_t)n;
	if (n < 0) {
		*errstr = xasprintf(_("cannot read the config file %s: %s"), path, strerror(errno));
		return CONFIG_E_READ;
	}
	return CONFIG_OK;
}

config_status_t config_load(const char *path, bool required, config_t *config, char **errstr)
{
	memset(config, 0, sizeof *config);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT && !required) {
			config->path = xstrdup(path);
			config->missing = true;
			return CONFIG_MISSING;
		}
		*errstr = xasprintf(_("cannot read the config file %s: %s"), path, strerror(errno));
		return CONFIG_E_READ;
	}
	struct stat file, link;
	if (fstat(fd, &file) != 0 || lstat(path, &link) != 0) {
		*errstr = xasprintf(_("cannot read the config file %s: %s"), path, strerror(errno));
		close(fd);
		return CONFIG_E_READ;
	}
	if (!S_ISREG(file.st_mode)) {
		*errstr = xasprintf(_("the config file %s is not a regular file"), path);
		close(fd);
		return CONFIG_E_READ;
	}
	char *text = NULL;
	size_t len = 0, cap = 0;
	config_status_t status = read_text(fd, path, file.st_size, &text, &len, &cap, errstr);
	close(fd);
	if (status == CONFIG_OK)
		status = config_parse(path, text, len, config, errstr);
	if (text)
		secret_wipe(text, cap);
	free(text);
	if (status == CONFIG_OK) {
		status = check_private(config, &file, &link, errstr);
		if (status != CONFIG_OK)
			config_free(config);
	}
	return status;
}

char *config_default_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	/* The XDG Base Directory spec: a relative value is ignored. */
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/popscope/config", xdg);
	const char *home = getenv("HOME");
	if (home && *home)
		return xasprintf("%s/.config/popscope/config", home);
	return NULL;
}

void config_wipe_secrets(config_t *config)
{
	for (size_t i = 0; i < config->count; i++) {
		config_account_t *account = &config->accounts[i];
		for (size_t j = 0; j < account->count; j++) {
			if (account->settings[j].key->kind == CONFIG_VALUE_SECRET) {
				secret_free(account->settings[j].value);
				account->settings[j].value = NULL;
			}
		}
	}
}

config_account_t *config_find(const config_t *config, const char *name)
{
	return account_named(config, name, strlen(name));
}

config_setting_t *config_get(const config_account_t *account, const char *name)
{
	for (size_t i = 0; i < account->count; i++)
		if (strcmp(account->settings[i].key->name, name) == 0)
			return &account->settings[i];
	return NULL;
}

void config_free(config_t *config)
{
	for (size_t i = 0; i < config->count; i++)
		account_clear(&config->accounts[i]);
	free(config->accounts);
	free(config->path);
	memset(config, 0, sizeof *config);
}
