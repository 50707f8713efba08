/* test_config.c: the config file: its format, defaults and inheritance,
 * each error with its line, the rules for a file with a secret, and the
 * order in which the command line overrides the file. */
#include <config.h>

#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/config.h"
#include "cli/exitcode.h"
#include "cli/options.h"

static config_status_t parse(const char *text, config_t *config, char **err)
{
	*err = NULL;
	return config_parse("cfg", text, strlen(text), config, err);
}

static const char *value_of(const config_t *config, const char *account, const char *key)
{
	const config_account_t *found = config_find(config, account);
	assert_non_null(found);
	const config_setting_t *setting = config_get(found, key);
	return setting ? setting->value : NULL;
}

static void test_format(void **state)
{
	(void)state;
	config_t config;
	char *err;
	const char *text = "# a comment\r\n"
			   "\n"
			   "   # an indented comment\n"
			   "account work\r\n"
			   "  url   pop3s://alice@mail.example.org:995  \r\n"
			   "\tpassword-command pass show mail#1\n"
			   "password \"  two \\\"quoted\\\" \\\\ spaces  \"\n"
			   "user al\"ice\"\n"
			   "plaintext off\n"
			   "account lab";
	assert_int_equal(parse(text, &config, &err), CONFIG_OK);
	assert_null(err);
	assert_int_equal(config.count, 2);
	assert_string_equal(config.accounts[0].name, "work");
	assert_int_equal(config.accounts[0].line, 4);
	assert_string_equal(value_of(&config, "work", "url"), "pop3s://alice@mail.example.org:995");
	/* '#' starts a comment only at the start of a line. */
	assert_string_equal(value_of(&config, "work", "password-command"), "pass show mail#1");
	assert_string_equal(value_of(&config, "work", "password"), "  two \"quoted\" \\ spaces  ");
	/* Only a value that begins with a quote is unquoted. */
	assert_string_equal(value_of(&config, "work", "user"), "al\"ice\"");
	assert_string_equal(value_of(&config, "work", "plaintext"), "off");
	assert_int_equal(config_get(config_find(&config, "work"), "url")->line, 5);
	assert_true(config.has_secret);
	assert_true(config.has_command);
	assert_int_equal(config.accounts[1].count, 0);
	assert_null(config_find(&config, "other"));

	config_wipe_secrets(&config);
	assert_null(value_of(&config, "work", "password"));
	assert_non_null(value_of(&config, "work", "password-command"));
	config_free(&config);

	assert_int_equal(parse("", &config, &err), CONFIG_OK);
	assert_int_equal(config.count, 0);
	assert_false(config.has_secret);
	config_free(&config);
}

static void test_defaults_and_inheritance(void **state)
{
	(void)state;
	config_t config;
	char *err;
	const char *text = "account first\n"
			   "url pop3s://a@one\n"
			   "defaults\n"
			   "timeout 10\n"
			   "ca-file /etc/corp.pem\n"
			   "account second\n"
			   "url pop3s://b@two\n"
			   "timeout 20\n"
			   "defaults\n"
			   "timeout 40\n"
			   "account third : second\n"
			   "user carol\n"
			   "account fourth\n";
	assert_int_equal(parse(text, &config, &err), CONFIG_OK);
	/* Defaults apply to the accounts below them only. */
	assert_null(value_of(&config, "first", "timeout"));
	assert_null(value_of(&config, "first", "ca-file"));
	assert_string_equal(value_of(&config, "second", "timeout"), "20");
	assert_string_equal(value_of(&config, "second", "ca-file"), "/etc/corp.pem");
	/* A second defaults section overrides the first for what follows. */
	assert_string_equal(value_of(&config, "fourth", "timeout"), "40");
	assert_string_equal(value_of(&config, "fourth", "ca-file"), "/etc/corp.pem");
	assert_int_equal(config_get(config_find(&config, "fourth"), "timeout")->line, 10);
	/* account NAME : OTHER starts from a copy of OTHER, not the defaults. */
	assert_string_equal(value_of(&config, "third", "url"), "pop3s://b@two");
	assert_string_equal(value_of(&config, "third", "timeout"), "20");
	assert_int_equal(config_get(config_find(&config, "third"), "timeout")->line, 8);
	assert_string_equal(value_of(&config, "third", "user"), "carol");
	assert_null(value_of(&config, "second", "user"));
	config_free(&config);
}

/* expect_error: text is refused with exactly want. */
static void expect_error(const char *text, const char *want)
{
	config_t config;
	char *err = NULL;
	config_status_t status = parse(text, &config, &err);
	if (status != CONFIG_E_CONTENT || !err || strcmp(err, want) != 0)
		print_error("for %s\nwanted %s\n   got %s\n", text, want, err ? err : "(none)");
	assert_int_equal(status, CONFIG_E_CONTENT);
	assert_string_equal(err, want);
	assert_int_equal(config.count, 0);
	free(err);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("account a\nurl pop3s://a@b\ntimout 5\n", "cfg:3: unknown key \"timout\"");
	expect_error("# x\ntimeout 5\naccount a\n",
		     "cfg:2: \"timeout\" comes before any section: start one with \"defaults\" or "
		     "\"account NAME\"");
	expect_error("account a\n\nurl   \n", "cfg:3: \"url\" needs a value");
	expect_error("defaults\ntimeout 5\ntimeout 6\n",
		     "cfg:3: \"timeout\" is set twice in this section (first at line 2)");
	expect_error("account a\nurl pop3s://a@b\naccount b\nurl pop3s://b@c\naccount a\n",
		     "cfg:5: account \"a\" is already defined at line 1");
	expect_error("account a : b\n", "cfg:1: account \"b\" to start from is not defined above");
	expect_error("account\n", "cfg:1: \"account\" needs a name: account NAME");
	expect_error("account a b\n", "cfg:1: invalid account name \"a b\": use letters, digits "
				      "and . _ - @ + (not a leading -)");
	expect_error("account -a\n", "cfg:1: invalid account name \"-a\": use letters, digits "
				     "and . _ - @ + (not a leading -)");
	expect_error("account a\nplaintext yes\n", "cfg:2: \"plaintext\" is on or off");
	expect_error("account a\ninsecure on\n",
		     "cfg:2: \"insecure\" is not accepted in a config file: pin the server's "
		     "certificate with \"fingerprint\" instead");
	expect_error("defaults now\n", "cfg:1: \"defaults\" takes nothing after it");
	expect_error("account a\nuser \"alice\n",
		     "cfg:2: the value of \"user\" opens a quote that does not close at the end "
		     "of the line");
	expect_error("account a\nuser \"al\"ice\"\n",
		     "cfg:2: the value of \"user\" opens a quote that does not close at the end "
		     "of the line");

	config_t config;
	char *err = NULL;
	const char nul[] = "account a\nuser x\0y\n";
	assert_int_equal(config_parse("cfg", nul, sizeof nul - 1, &config, &err), CONFIG_E_CONTENT);
	assert_string_equal(err, "cfg:2: a NUL byte: this is not a text file");
	free(err);
}

/* No error quotes a password back. */
static void test_errors_hide_secrets(void **state)
{
	(void)state;
	expect_error(
	    "account a\npassword \"Sesame42\n",
	    "cfg:2: the value of \"password\" opens a quote that does not close at the end "
	    "of the line");
	expect_error("account a\npassword x\npassword Sesame42\n",
		     "cfg:3: \"password\" is set twice in this section (first at line 2)");
	expect_error("account a\nSesame42\n", "cfg:2: this line does not start with a key");
	expect_error("account a\nOpen Sesame\n", "cfg:2: this line does not start with a key");
}

static char *write_file(const char *text, mode_t mode)
{
	char *path = strdup("/tmp/test_config.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static config_status_t load(const char *path, char **err)
{
	config_t config;
	*err = NULL;
	config_status_t status = config_load(path, true, &config, err);
	config_free(&config);
	return status;
}

static void test_load_rules(void **state)
{
	(void)state;
	char *err;
	char *secret = write_file("account a\nurl pop3s://a@b\npassword Sesame42\n", 0644);
	assert_int_equal(load(secret, &err), CONFIG_E_CONTENT);
	char *want = NULL;
	assert_true(asprintf(&want,
			     "%s holds a password but its mode 0644 lets others read or change "
			     "it: run chmod 600 %s",
			     secret, secret) > 0);
	assert_string_equal(err, want);
	free(want);
	free(err);
	chmod(secret, 0640);
	assert_int_equal(load(secret, &err), CONFIG_E_CONTENT);
	free(err);
	chmod(secret, 0602);
	assert_int_equal(load(secret, &err), CONFIG_E_CONTENT);
	free(err);
	chmod(secret, 0600);
	assert_int_equal(load(secret, &err), CONFIG_OK);
	assert_null(err);

	/* A symbolic link to the 0600 file is fine: both are the user's. */
	char *link = NULL;
	assert_true(asprintf(&link, "%s.link", secret) > 0);
	assert_int_equal(symlink(secret, link), 0);
	assert_int_equal(load(link, &err), CONFIG_OK);
	unlink(link);
	free(link);

	/* A command may be read by others but not changed by them. */
	char *command = write_file("account a\npassword-command pass show a\n", 0644);
	assert_int_equal(load(command, &err), CONFIG_OK);
	chmod(command, 0664);
	assert_int_equal(load(command, &err), CONFIG_E_CONTENT);
	assert_non_null(strstr(err, "holds a command but its mode 0664"));
	free(err);

	/* Without a secret or a command the mode does not matter. */
	char *plain = write_file("account a\nurl pop3s://a@b\n", 0666);
	assert_int_equal(load(plain, &err), CONFIG_OK);

	config_t config;
	assert_int_equal(config_load("/nonexistent/popscope/config", false, &config, &err),
			 CONFIG_MISSING);
	assert_true(config.missing);
	assert_int_equal(config.count, 0);
	config_free(&config);
	assert_int_equal(config_load("/nonexistent/popscope/config", true, &config, &err),
			 CONFIG_E_READ);
	assert_string_equal(err, "cannot read the config file /nonexistent/popscope/config: No "
				 "such file or directory");
	free(err);
	assert_int_equal(config_load("/tmp", true, &config, &err), CONFIG_E_READ);
	assert_string_equal(err, "the config file /tmp is not a regular file");
	free(err);

	unlink(secret);
	unlink(command);
	unlink(plain);
	free(secret);
	free(command);
	free(plain);
}

/* Files and links of another user (needs root to make them). */
static void test_load_refuses_files_of_another_user(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	char *err;
	char *secret = write_file("account a\npassword Sesame42\n", 0600);
	char *link = NULL;
	assert_true(asprintf(&link, "%s.link", secret) > 0);
	assert_int_equal(symlink(secret, link), 0);
	assert_int_equal(lchown(link, 65534, 65534), 0);
	assert_int_equal(load(link, &err), CONFIG_E_CONTENT);
	assert_non_null(strstr(err, "is a symbolic link of uid 65534, not yours (uid 0)"));
	free(err);
	assert_int_equal(lchown(link, 0, 0), 0);
	assert_int_equal(chown(secret, 65534, 65534), 0);
	assert_int_equal(load(link, &err), CONFIG_E_CONTENT);
	assert_non_null(strstr(err, "belongs to uid 65534, not to you (uid 0)"));
	free(err);
	assert_int_equal(load(secret, &err), CONFIG_E_CONTENT);
	free(err);
	/* Without a secret or a command, another user's file is fine. */
	char *plain = write_file("account a\nurl pop3s://a@b\n", 0644);
	assert_int_equal(chown(plain, 65534, 65534), 0);
	assert_int_equal(load(plain, &err), CONFIG_OK);
	unlink(link);
	unlink(secret);
	unlink(plain);
	free(link);
	free(secret);
	free(plain);
}

static int parse_args(cli_options_t *options, const char *first, ...)
{
	char *argv[32];
	int argc = 0;
	argv[argc++] = (char *)"popscope";
	va_list ap;
	va_start(ap, first);
	for (const char *arg = first; arg; arg = va_arg(ap, const char *))
		argv[argc++] = (char *)arg;
	va_end(ap);
	argv[argc] = NULL;
	optind = 0; /* glibc: start getopt afresh */
	return options_parse(argc, argv, options);
}

static const char accounts_text[] = "defaults\n"
				    "timeout 10\n"
				    "preview-lines 50\n"
				    "big 1M\n"
				    "to /tmp\n"
				    "account work\n"
				    "url pop3s://alice@mail.example.org\n"
				    "user alice.b\n"
				    "password Sesame42\n"
				    "password-command pass show work\n"
				    "plaintext on\n"
				    "account bad : work\n"
				    "speed-limit fast\n";

static void test_override_order(void **state)
{
	(void)state;
	char *path = write_file(accounts_text, 0600);
	cli_options_t options;

	/* A bad value anywhere in the file stops every account. */
	assert_int_equal(parse_args(&options, "--config", path, "work", NULL), EXIT_USAGE);
	options_free(&options);

	char *fixed = write_file("", 0600);
	FILE *f = fopen(fixed, "w");
	assert_non_null(f);
	fwrite(accounts_text, 1, strlen(accounts_text) - strlen("speed-limit fast\n"), f);
	fclose(f);

	assert_int_equal(parse_args(&options, "--config", fixed, "--check", "work", NULL), 0);
	assert_string_equal(options.account, "work");
	assert_string_equal(options.url.host, "mail.example.org");
	assert_string_equal(options.user, "alice.b"); /* user beats the url's user */
	assert_int_equal(options.timeout_seconds, 10);
	assert_int_equal(options.preview_lines, 50);
	assert_true(options.plaintext);
	assert_string_equal(options.password_command, "pass show work");
	assert_string_equal(options.password, "Sesame42");
	/* to and big do not go with --check: not applied, not an error. */
	assert_null(options.to_dir);
	assert_false(options.big_given);
	/* The file's copy of the password is wiped once taken. */
	assert_null(config_get(config_find(&options.config, "work"), "password")->value);
	options_free(&options);

	/* The command line wins, whatever its position. */
	assert_int_equal(parse_args(&options, "work", "--timeout", "5", "--config", fixed, "--user",
				    "root", "--list", NULL),
			 0);
	assert_int_equal(options.timeout_seconds, 5);
	assert_string_equal(options.user, "root");
	assert_int_equal(options.big, 1024 * 1024);
	options_free(&options);

	/* A password command on the command line drops all the file's credentials. */
	assert_int_equal(
	    parse_args(&options, "--config", fixed, "--password-command", "echo x", "work", NULL),
	    0);
	assert_string_equal(options.password_command, "echo x");
	assert_null(options.password);
	options_free(&options);

	assert_int_equal(parse_args(&options, "--config", fixed, "--save", "1", "work", NULL), 0);
	assert_string_equal(options.to_dir, "/tmp");
	options_free(&options);

	/* A bad option value on the command line says the same as in the file. */
	assert_int_equal(parse_args(&options, "--config", fixed, "--timeout", "x", "work", NULL),
			 EXIT_USAGE);
	options_free(&options);
	assert_int_equal(parse_args(&options, "--config", fixed, "nobody", NULL), EXIT_USAGE);
	options_free(&options);
	assert_int_equal(parse_args(&options, "--config", fixed, "pop3s://a@b", NULL), EXIT_USAGE);
	options_free(&options);
	assert_int_equal(parse_args(&options, "--config", "/nonexistent/config", "work", NULL),
			 EXIT_IOERR);
	options_free(&options);
	assert_int_equal(parse_args(&options, "--config", fixed, "--accounts", NULL), 0);
	assert_int_equal(options.mode, MODE_ACCOUNTS);
	assert_int_equal(options.config.count, 2);
	options_free(&options);
	assert_int_equal(parse_args(&options, "--accounts", "work", NULL), EXIT_USAGE);
	options_free(&options);

	unlink(path);
	unlink(fixed);
	free(path);
	free(fixed);
}

/* Every key is a long option that options_set takes. */
static void test_every_key_is_an_option(void **state)
{
	(void)state;
	size_t count;
	const config_key_t *keys = config_keys(&count);
	for (size_t i = 0; i < count; i++) {
		if (strcmp(keys[i].name, "url") == 0 || keys[i].kind == CONFIG_VALUE_SECRET)
			continue;
		cli_options_t options;
		memset(&options, 0, sizeof options);
		char *err = NULL;
		const char *value = "1";
		if (keys[i].kind == CONFIG_VALUE_FLAG)
			value = "on";
		else if (strcmp(keys[i].name, "fingerprint") == 0)
			value = "sha256:"
				"0000000000000000000000000000000000000000000000000000000000000000";
		int rc = options_set(&options, keys[i].name, value, &err);
		if (rc != 0)
			print_error("%s: %s\n", keys[i].name, err);
		assert_int_equal(rc, 0);
		options_free(&options);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_defaults_and_inheritance),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_errors_hide_secrets),
	    cmocka_unit_test(test_load_rules),
	    cmocka_unit_test(test_load_refuses_files_of_another_user),
	    cmocka_unit_test(test_override_order),
	    cmocka_unit_test(test_every_key_is_an_option),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
