#include <config.h>

#include "cli/options.h"

#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/account.h"
#include "cli/exitcode.h"
#include "mailbox.h"
#include "util/gettext.h"
#include "util/numparse.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

enum {
	OPT_CHECK = 256,
	OPT_LIST,
	OPT_SAVE,
	OPT_DELETE,
	OPT_TO,
	OPT_REPORT,
	OPT_USER,
	OPT_AUTH,
	OPT_PASSWORD_COMMAND,
	OPT_OAUTH_TOKEN_COMMAND,
	OPT_CA_FILE,
	OPT_FINGERPRINT,
	OPT_INSECURE,
	OPT_PLAINTEXT,
	OPT_TIMEOUT,
	OPT_SPEED_LIMIT,
	OPT_TRACE,
	OPT_JSON,
	OPT_ACCEPT_LINE_END_COUNT,
	OPT_SAVE_DIR,
	OPT_LOG,
	OPT_NO_COLOR,
	OPT_PREVIEW_LINES,
	OPT_PIPELINE,
	OPT_LOG_SIZE,
	OPT_LOG_BODY_LINES,
	OPT_BIG,
	OPT_VERSION,
	OPT_CONFIG,
	OPT_ACCOUNTS,
	OPT_END,
};

/* options_given keeps one bit per long option. */
_Static_assert(OPT_END - OPT_CHECK <= 64, "too many options for cli_options_t.command_line");

static const struct option long_options[] = {
    {"check", no_argument, NULL, OPT_CHECK},
    {"list", no_argument, NULL, OPT_LIST},
    {"save", required_argument, NULL, OPT_SAVE},
    {"delete", required_argument, NULL, OPT_DELETE},
    {"to", required_argument, NULL, OPT_TO},
    {"report", required_argument, NULL, OPT_REPORT},
    {"user", required_argument, NULL, OPT_USER},
    {"auth", required_argument, NULL, OPT_AUTH},
    {"password-command", required_argument, NULL, OPT_PASSWORD_COMMAND},
    {"oauth-token-command", required_argument, NULL, OPT_OAUTH_TOKEN_COMMAND},
    {"ca-file", required_argument, NULL, OPT_CA_FILE},
    {"fingerprint", required_argument, NULL, OPT_FINGERPRINT},
    {"insecure", no_argument, NULL, OPT_INSECURE},
    {"plaintext", no_argument, NULL, OPT_PLAINTEXT},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"speed-limit", required_argument, NULL, OPT_SPEED_LIMIT},
    {"trace", required_argument, NULL, OPT_TRACE},
    {"verbose", no_argument, NULL, 'v'},
    {"json", no_argument, NULL, OPT_JSON},
    {"accept-line-end-count", no_argument, NULL, OPT_ACCEPT_LINE_END_COUNT},
    {"save-dir", required_argument, NULL, OPT_SAVE_DIR},
    {"log", required_argument, NULL, OPT_LOG},
    {"log-size", required_argument, NULL, OPT_LOG_SIZE},
    {"log-body-lines", required_argument, NULL, OPT_LOG_BODY_LINES},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"preview-lines", required_argument, NULL, OPT_PREVIEW_LINES},
    {"pipeline", required_argument, NULL, OPT_PIPELINE},
    {"big", required_argument, NULL, OPT_BIG},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"accounts", no_argument, NULL, OPT_ACCOUNTS},
    {NULL, 0, NULL, 0},
};

void options_usage(FILE *stream)
{
	fputs(_("Usage: popscope [OPTIONS] URL|NAME\n"
		"       popscope --check URL|NAME\n"
		"       popscope --list [--json] URL|NAME\n"
		"       popscope --save N[,M-N...]|all|uidl:ID --to DIR URL|NAME\n"
		"       popscope --delete N[,M-N...]|all|uidl:ID --to DIR URL|NAME\n"
		"       popscope --accounts\n"
		"\n"
		"Inspect a POP3 mailbox: a full-screen view of its messages, their\n"
		"content and the raw protocol, with deletion only after a verified save.\n"
		"\n"
		"URL is pop3s://[user@]host[:port] (TLS, port 995) or\n"
		"pop3://[user@]host[:port] (port 110, STLS required).\n"
		"NAME is an account of the config file ($XDG_CONFIG_HOME/popscope/config,\n"
		"default ~/.config/popscope/config); options given override its settings.\n"
		"\n"
		"Modes:\n"
		"  --check               test the connection step by step; changes nothing\n"
		"  --list                one line per message: number, size, UIDL, date,\n"
		"                        from, subject, address, problems\n"
		"  --save LIST           save messages (1,4,7-9, all or uidl:ID; repeatable)\n"
		"                        as .eml files into --to DIR\n"
		"  --delete LIST         save, then delete what was saved and verified\n"
		"  --accounts            the config file's accounts: NAME, a tab, its URL\n"
		"\n"
		"Connection and login:\n"
		"  --config FILE         read accounts from FILE instead of the default\n"
		"  --user USER           user name (default: from the URL, else $USER)\n"
		"  --auth MECH           USER, APOP, PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1,\n"
		"                        SCRAM-SHA-256 (-PLUS), XOAUTH2, OAUTHBEARER\n"
		"                        (default: the strongest the server offers)\n"
		"  --password-command CMD  the password is the first line CMD prints\n"
		"                        (default: ~/.netrc, else a prompt)\n"
		"  --oauth-token-command CMD  OAuth access token for XOAUTH2 / OAUTHBEARER\n"
		"  --ca-file FILE        trust these CA certificates instead of the system's\n"
		"  --fingerprint sha256:HEX  accept only this server certificate\n"
		"  --insecure            do not verify the certificate (warned about)\n"
		"  --plaintext           allow pop3:// without TLS (warned about)\n"
		"  --timeout SECONDS     resolve, connect and I/O timeout (default 30)\n"
		"  --speed-limit BYTES   fail a reply slower than BYTES a second over\n"
		"                        --timeout seconds (default 100; 0: no floor)\n"
		"  --pipeline N          at most N commands in flight with PIPELINING\n"
		"                        (default: as many as the link needs)\n"
		"\n"
		"Output:\n"
		"  --to DIR              where --save and --delete write files\n"
		"  --report FILE         when the session ends, write a ticket report to FILE\n"
		"                        (server, TLS, account, saves, deletions; mode 0600)\n"
		"  --json                --list as JSON\n"
		"  --accept-line-end-count  with --save/--delete: accept a copy whose size\n"
		"                        differs from LIST by one octet a line (a server\n"
		"                        that counts a line end as one octet)\n"
		"  --trace FILE          append the protocol trace (secrets masked) to FILE\n"
		"  -v, --verbose         write the protocol trace to standard error\n"
		"  --save-dir DIR        default directory for saves in the full-screen view\n"
		"  --log FILE            stream the protocol log of the full-screen view to FILE\n"
		"  --log-size MIB        memory the log pane keeps, the latest events\n"
		"                        (default 16)\n"
		"  --log-body-lines N|all  body lines of each reply in the protocol log, the\n"
		"                        pane and every log file (default 20)\n"
		"  --preview-lines N     body lines fetched for a preview with TOP (default 200)\n"
		"  --big SIZE            with --list and the view: bigger messages are a problem\n"
		"                        (default 10M; K, M, G are binary: KiB, MiB, GiB;\n"
		"                        0: none)\n"
		"  --no-color            no colors (also when NO_COLOR is set)\n"
		"  -h, --help            this help\n"
		"  --version             version\n"),
	      stream);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("popscope: ", stderr);
	/* The analyzer loses track of va_start through the format attribute. */
	vfprintf(stderr, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
	va_end(ap);
	fputs(_(" (see popscope --help)\n"), stderr);
	return -1;
}

static void add_selector(cli_options_t *options, cli_selector_t selector)
{
	options->selectors = xreallocarray(options->selectors, options->selector_count + 1,
					   sizeof *options->selectors);
	options->selectors[options->selector_count++] = selector;
}

/* parse_range: "4" or "1-100" (first <= last), message numbers from 1. */
static bool parse_range(const char *p, size_t len, cli_selector_t *selector)
{
	const char *dash = memchr(p, '-', len);
	size_t first_len = dash ? (size_t)(dash - p) : len;
	if (!parse_u64(p, first_len, UINT32_MAX, &selector->first) || selector->first == 0)
		return false;
	selector->last = selector->first;
	if (dash && !parse_u64(dash + 1, len - first_len - 1, UINT32_MAX, &selector->last))
		return false;
	return selector->last >= selector->first;
}

/* parse_selectors: "1,4,7", ranges "1-100", "all", or "uidl:ID" (one
 * message by its UIDL, taken whole: a UIDL may contain commas). */
static int parse_selectors(const char *text, cli_options_t *options)
{
	if (strncmp(text, "uidl:", 5) == 0) {
		const char *uidl = text + 5;
		if (!sanitize_is_clean_uidl(uidl, strlen(uidl)))
			return usage_error(_("invalid UIDL \"%s\": expected 1 to 70 printable "
					     "characters without spaces after uidl:"),
					   uidl);
		add_selector(options, (cli_selector_t){.uidl = uidl});
		return 0;
	}
	const char *p = text;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		cli_selector_t selector = {0};
		if (len == 3 && strncmp(p, "all", 3) == 0)
			selector.all = true;
		else if (!parse_range(p, len, &selector))
			break;
		add_selector(options, selector);
		if (!comma)
			return 0;
		p = comma + 1;
	}
	return usage_error(_("invalid message list \"%s\": expected numbers and ranges like "
			     "1,4,7-9, all, or uidl:ID"),
			   text);
}

/* parse_positive: a whole number from 1 to max; NULL, or what is wrong. */
static char *parse_positive(const char *text, uint64_t max, const char *option, unsigned *out)
{
	uint64_t value;
	if (!parse_u64_str(text, max, &value) || value == 0)
		return xasprintf(_("invalid %s \"%s\": expected a whole number from 1 to %llu"),
				 option, text, (unsigned long long)max);
	*out = (unsigned)value;
	return NULL;
}

/* parse_count: a whole number from 0 to max; NULL, or what is wrong. */
static char *parse_count(const char *text, uint64_t max, const char *option, unsigned *out)
{
	uint64_t value;
	if (!parse_u64_str(text, max, &value))
		return xasprintf(_("invalid %s \"%s\": expected a whole number from 0 to %llu"),
				 option, text, (unsigned long long)max);
	*out = (unsigned)value;
	return NULL;
}

static int set_mode(cli_options_t *options, run_mode_t mode)
{
	if (options->mode != MODE_UI && options->mode != mode)
		return usage_error("%s", _("choose one of --check, --list, --save and --delete"));
	options->mode = mode;
	return 0;
}

static char *upper_dup(const char *s)
{
	char *copy = xstrdup(s);
	for (char *p = copy; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return copy;
}

/* fingerprint_is_valid: "sha256:" and 64 hex digits, colons allowed between pairs. */
static bool fingerprint_is_valid(const char *text)
{
	if (strncasecmp(text, "sha256:", 7) != 0)
		return false;
	size_t digits = 0;
	for (const char *p = text + 7; *p; p++) {
		if (isxdigit((unsigned char)*p))
			digits++;
		else if (*p != ':')
			return false;
	}
	return digits == 64;
}

static int check_combination(cli_options_t *options)
{
	bool saves = options->mode == MODE_SAVE || options->mode == MODE_DELETE;
	if (saves && !options->to_dir)
		return usage_error("%s", _("--save and --delete need --to DIR"));
	if (!saves && options->to_dir)
		return usage_error("%s", _("--to goes with --save or --delete"));
	if (options->json && options->mode != MODE_LIST)
		return usage_error("%s", _("--json goes with --list"));
	if (options->big_given && options->mode != MODE_LIST && options->mode != MODE_UI)
		return usage_error("%s", _("--big goes with --list or the full-screen view"));
	if (options->accept_line_end_count && !saves)
		return usage_error("%s", _("--accept-line-end-count goes with --save or --delete"));
	if (options->insecure && options->fingerprint)
		return usage_error("%s", _("--insecure and --fingerprint contradict each other"));
	return 0;
}

/* set_value: an option that takes a value, from the command line or the
 * config file. Returns false when id is not one; else true, with *why NULL
 * or saying what is wrong with the value. */
static bool set_value(cli_options_t *options, int id, const char *value, char **why)
{
	unsigned timeout = 0;
	*why = NULL;
	switch (id) {
	case OPT_TO: options->to_dir = value; break;
	case OPT_REPORT: options->report_file = value; break;
	case OPT_USER: options->user = value; break;
	case OPT_AUTH:
		free((char *)options->auth);
		options->auth = upper_dup(value);
		break;
	case OPT_PASSWORD_COMMAND: options->password_command = value; break;
	case OPT_OAUTH_TOKEN_COMMAND: options->oauth_token_command = value; break;
	case OPT_CA_FILE: options->ca_file = value; break;
	case OPT_FINGERPRINT:
		options->fingerprint = value;
		if (!fingerprint_is_valid(value))
			*why = xasprintf(_("invalid --fingerprint \"%s\": expected sha256: and 64 "
					   "hex digits (colons allowed)"),
					 value);
		break;
	case OPT_TIMEOUT:
		*why = parse_positive(value, 86400, "--timeout", &timeout);
		if (!*why)
			options->timeout_seconds = (int)timeout;
		break;
	case OPT_SPEED_LIMIT:
		*why = parse_count(value, 1000000000, "--speed-limit", &options->speed_limit);
		break;
	case OPT_TRACE: options->trace_file = value; break;
	case OPT_SAVE_DIR: options->save_dir = value; break;
	case OPT_LOG: options->log_file = value; break;
	case OPT_LOG_SIZE:
		*why = parse_positive(value, 4096, "--log-size", &options->log_size_mib);
		break;
	case OPT_LOG_BODY_LINES:
		if (strcmp(value, "all") == 0)
			options->log_body_lines = UINT_MAX;
		else
			*why = parse_count(value, 1000000000, "--log-body-lines",
					   &options->log_body_lines);
		break;
	case OPT_PREVIEW_LINES:
		*why = parse_positive(value, 1000000, "--preview-lines", &options->preview_lines);
		break;
	case OPT_PIPELINE:
		*why = parse_positive(value, 1000000, "--pipeline", &options->pipeline_window);
		break;
	case OPT_BIG:
		options->big_given = true;
		if (!parse_size(value, UINT64_MAX, &options->big))
			*why = xasprintf(
			    _("invalid --big \"%s\": expected octets, or a number with K, "
			      "M or G (binary: 10M is 10 MiB)"),
			    value);
		break;
	default: return false;
	}
	return true;
}

/* flag_of: the option without a value that id sets, or NULL. */
static bool *flag_of(cli_options_t *options, int id)
{
	switch (id) {
	case OPT_INSECURE: return &options->insecure;
	case OPT_PLAINTEXT: return &options->plaintext;
	case OPT_ACCEPT_LINE_END_COUNT: return &options->accept_line_end_count;
	case OPT_NO_COLOR: return &options->no_color;
	case OPT_JSON: return &options->json;
	default: return NULL;
	}
}

static const struct option *long_option_named(const char *name)
{
	for (const struct option *o = long_options; o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

int options_set(cli_options_t *options, const char *name, const char *value, char **errstr)
{
	const struct option *option = long_option_named(name);
	bool *flag = option ? flag_of(options, option->val) : NULL;
	if (flag) {
		*flag = strcmp(value, "on") == 0;
		return 0;
	}
	if (!option || !set_value(options, option->val, value, errstr))
		*errstr = xasprintf(_("unknown option --%s"), name);
	return *errstr ? -1 : 0;
}

bool options_given(const cli_options_t *options, const char *name)
{
	const struct option *option = long_option_named(name);
	return option && option->val >= OPT_CHECK &&
	       (options->command_line >> (option->val - OPT_CHECK) & 1);
}

/* parse_option: one option from getopt_long. Returns 0 or -1 (printed). */
static int parse_option(cli_options_t *options, int c, char **argv)
{
	switch (c) {
	case OPT_CHECK: return set_mode(options, MODE_CHECK);
	case OPT_LIST: return set_mode(options, MODE_LIST);
	case OPT_ACCOUNTS: return set_mode(options, MODE_ACCOUNTS);
	case OPT_SAVE:
	case OPT_DELETE:
		if (set_mode(options, c == OPT_SAVE ? MODE_SAVE : MODE_DELETE) != 0)
			return -1;
		return parse_selectors(optarg, options);
	case OPT_CONFIG: options->config_file = optarg; return 0;
	case 'v': options->verbose = true; return 0;
	case ':': return usage_error(_("option %s needs a value"), argv[optind - 1]);
	case '?': return usage_error(_("unknown option %s"), argv[optind - 1]);
	default: break;
	}
	bool *flag = flag_of(options, c);
	if (flag) {
		*flag = true;
		return 0;
	}
	char *why = NULL;
	if (!set_value(options, c, optarg, &why))
		return usage_error(_("unknown option %s"), argv[optind - 1]);
	if (!why)
		return 0;
	usage_error("%s", why);
	free(why);
	return -1;
}

/* parse_target: the one argument, a URL or an account's name. Returns 0, -1
 * (printed) or an exit status. */
static int parse_target(cli_options_t *options, const char *target)
{
	if (!strstr(target, "://")) {
		int status = account_apply(options, target);
		if (status != 0)
			return status;
	} else {
		if (options->config_file)
			return usage_error("%s",
					   _("--config goes with an account name or --accounts, "
					     "not with a URL"));
		char *errstr = NULL;
		if (url_parse(target, &options->url, &errstr) != 0) {
			fprintf(stderr, "popscope: %s\n", errstr);
			free(errstr);
			return -1;
		}
	}
	if (!options->user)
		options->user = options->url.user ? options->url.user : getenv("USER");
	if (!options->user || !*options->user)
		return usage_error(
		    "%s", _("no user name: put it in the URL (pop3s://user@host) or use --user"));
	return 0;
}

static int parse_arguments(int argc, char **argv, cli_options_t *options)
{
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vh", long_options, NULL)) != -1) {
		if (c == 'h' || c == OPT_VERSION) {
			options->mode = c == 'h' ? MODE_HELP : MODE_VERSION;
			return 0;
		}
		if (parse_option(options, c, argv) != 0)
			return -1;
		if (c >= OPT_CHECK)
			options->command_line |= (uint64_t)1 << (c - OPT_CHECK);
	}
	if (options->mode == MODE_ACCOUNTS) {
		if (optind < argc)
			return usage_error(_("unexpected argument \"%s\": --accounts takes no URL "
					     "or account"),
					   argv[optind]);
		return account_load(options);
	}
	if (optind >= argc)
		return usage_error(
		    "%s", _("no URL or account given, e.g. pop3s://user@mail.example.com"));
	if (optind + 1 < argc)
		return usage_error(_("unexpected argument \"%s\" after the URL"), argv[optind + 1]);
	int status = parse_target(options, argv[optind]);
	if (status != 0)
		return status;
	return check_combination(options);
}

int options_parse(int argc, char **argv, cli_options_t *options)
{
	memset(options, 0, sizeof *options);
	options->timeout_seconds = 30;
	options->speed_limit = 100;
	options->preview_lines = 200;
	options->log_size_mib = 16;
	options->log_body_lines = 20;
	options->big = MAILBOX_BIG_DEFAULT;
	const char *no_color = getenv("NO_COLOR");
	options->no_color = no_color && *no_color;
	int status = parse_arguments(argc, argv, options);
	return status < 0 ? EXIT_USAGE : status;
}

void options_free(cli_options_t *options)
{
	url_free(&options->url);
	free(options->selectors);
	free((char *)options->auth);
	secret_free(options->password);
	config_free(&options->config);
	memset(options, 0, sizeof *options);
}
