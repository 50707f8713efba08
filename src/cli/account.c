#include <config.h>

#include "cli/account.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/config.h"
#include "cli/exitcode.h"
#include "util/buf.h"
#include "util/gettext.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

/* print_at: one error at FILE:LINE; returns EXIT_USAGE. */
static int print_at(const config_t *config, unsigned line, const char *why)
{
	fprintf(stderr, "popscope: %s:%u: %s\n", config->path, line, why);
	return EXIT_USAGE;
}

/* expand_home: a leading ~/ in a file or directory value stands for $HOME,
 * as the shell would have expanded it on the command line. */
static void expand_home(config_t *config)
{
	const char *home = getenv("HOME");
	if (!home || !*home)
		return;
	for (size_t i = 0; i < config->count; i++) {
		config_account_t *account = &config->accounts[i];
		for (size_t j = 0; j < account->count; j++) {
			config_setting_t *setting = &account->settings[j];
			if (setting->key->kind != CONFIG_VALUE_PATH ||
			    strncmp(setting->value, "~/", 2) != 0)
				continue;
			char *expanded = xasprintf("%s%s", home, setting->value + 1);
			free(setting->value);
			setting->value = expanded;
		}
	}
}

/* check_account: every value as the command line would take it, on a
 * scratch copy of the options, so that a bad value anywhere in the file is
 * reported where it is written. */
static int check_account(const config_t *config, const config_account_t *account)
{
	cli_options_t scratch;
	memset(&scratch, 0, sizeof scratch);
	int status = 0;
	for (size_t i = 0; i < account->count && status == 0; i++) {
		const config_setting_t *setting = &account->settings[i];
		char *why = NULL;
		if (strcmp(setting->key->name, "url") == 0) {
			pop_url_t url;
			if (url_parse(setting->value, &url, &why) == 0)
				url_free(&url);
		} else if (setting->key->kind != CONFIG_VALUE_SECRET) {
			options_set(&scratch, setting->key->name, setting->value, &why);
		}
		if (why)
			status = print_at(config, setting->line, why);
		free(why);
	}
	options_free(&scratch);
	return status;
}

int account_load(cli_options_t *options)
{
	char *path = options->config_file ? xstrdup(options->config_file) : config_default_path();
	if (!path)
		return 0;
	char *errstr = NULL;
	config_status_t status =
	    config_load(path, options->config_file != NULL, &options->config, &errstr);
	free(path);
	if (status == CONFIG_E_READ || status == CONFIG_E_CONTENT) {
		fprintf(stderr, "popscope: %s\n", errstr);
		free(errstr);
		return status == CONFIG_E_READ ? EXIT_IOERR : EXIT_USAGE;
	}
	expand_home(&options->config);
	for (size_t i = 0; i < options->config.count; i++) {
		int rc = check_account(&options->config, &options->config.accounts[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int unknown_account(const config_t *config, const char *name)
{
	char *shown = sanitize_display(name, strlen(name), false, !sanitize_locale_is_utf8());
	if (!config->path)
		fprintf(stderr,
			_("popscope: no account \"%s\": no config file, as neither XDG_CONFIG_HOME "
			  "nor HOME is set (a URL has \"://\", e.g. pop3s://user@host)\n"),
			shown);
	else if (config->missing)
		fprintf(stderr,
			_("popscope: no account \"%1$s\": there is no config file %2$s (a URL has "
			  "\"://\", e.g. pop3s://user@host)\n"),
			shown, config->path);
	else if (config->count == 0)
		fprintf(stderr, _("popscope: no account \"%1$s\": %2$s defines no accounts\n"),
			shown, config->path);
	else {
		buf_t known;
		buf_init(&known);
		for (size_t i = 0; i < config->count; i++)
			buf_printf(&known, "%s%s", i ? ", " : "", config->accounts[i].name);
		fprintf(stderr,
			_("popscope: no account \"%1$s\" in %2$s; the accounts are: %3$s\n"), shown,
			config->path, known.data);
		buf_free(&known);
	}
	free(shown);
	return EXIT_USAGE;
}

static bool is_credential(const char *key)
{
	return strcmp(key, "password") == 0 || strcmp(key, "password-command") == 0 ||
	       strcmp(key, "oauth-token-command") == 0;
}

/* applies: whether the account's setting for key is used in this run. */
static bool applies(const cli_options_t *options, const char *key)
{
	if (options_given(options, key))
		return false;
	if (is_credential(key) && (options_given(options, "password-command") ||
				   options_given(options, "oauth-token-command")))
		return false;
	bool saves = options->mode == MODE_SAVE || options->mode == MODE_DELETE;
	if (strcmp(key, "to") == 0 || strcmp(key, "accept-line-end-count") == 0)
		return saves;
	if (strcmp(key, "big") == 0)
		return options->mode == MODE_LIST || options->mode == MODE_UI;
	return true;
}

/* apply_setting: values were checked by account_load; returns 0 or -1 with *why. */
static int apply_setting(cli_options_t *options, const config_setting_t *setting, char **why)
{
	const char *key = setting->key->name;
	if (strcmp(key, "url") == 0)
		return url_parse(setting->value, &options->url, why);
	if (setting->key->kind == CONFIG_VALUE_SECRET) {
		secret_free(options->password);
		options->password = xstrdup(setting->value);
		return 0;
	}
	return options_set(options, key, setting->value, why);
}

int account_apply(cli_options_t *options, const char *name)
{
	int status = account_load(options);
	if (status != 0)
		return status;
	const config_t *config = &options->config;
	const config_account_t *account = config_find(config, name);
	if (!account)
		return unknown_account(config, name);
	options->account = account->name;
	if (!config_get(account, "url")) {
		char *why = xasprintf(_("account \"%s\" has no url"), account->name);
		status = print_at(config, account->line, why);
		free(why);
		return status;
	}
	for (size_t i = 0; i < account->count && status == 0; i++) {
		const config_setting_t *setting = &account->settings[i];
		char *why = NULL;
		if (applies(options, setting->key->name) && apply_setting(options, setting, &why))
			status = print_at(config, setting->line, why);
		free(why);
	}
	config_wipe_secrets(&options->config);
	return status;
}

int account_list(const cli_options_t *options, FILE *out)
{
	const config_t *config = &options->config;
	for (size_t i = 0; i < config->count; i++) {
		const config_account_t *account = &config->accounts[i];
		const config_setting_t *url = config_get(account, "url");
		char *shown = url ? sanitize_display(url->value, strlen(url->value), false, false)
				  : xstrdup("");
		fprintf(out, "%s\t%s\n", account->name, shown);
		free(shown);
	}
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(stderr, "%s", _("popscope: cannot write the list of accounts\n"));
		return EXIT_IOERR;
	}
	return 0;
}
