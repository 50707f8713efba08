#include <config.h>

#include "cli/options.h"

#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
};

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
    {NULL, 0, NULL, 0},
};

void options_usage(FILE *stream)
{
	fputs(
	    _("Usage: popscope [OPTIONS] URL\n"
	      "       popscope --check URL\n"
	      "       popscope --list [--json] URL\n"
	      "       popscope --save N[,M-N...]|all|uidl:ID --to DIR URL\n"
	      "       popscope --delete N[,M-N...]|all|uidl:ID --to DIR URL\n"
	      "\n"
	      "Inspect a POP3 mailbox: a full-screen view of its messages, their\n"
	      "content and the raw protocol, with deletion only after a verified save.\n"
	      "\n"
	      "URL is pop3s://[user@]host[:port] (TLS, port 995) or\n"
	      "pop3://[user@]host[:port] (port 110, STLS required).\n"
	      "\n"
	      "Modes:\n"
	      "  --check               test the connection step by step; changes nothing\n"
	      "  --list                one line per message: number, size, UIDL, date,\n"
	      "                        from, subject, address, problems\n"
	      "  --save LIST           save messages (1,4,7-9, all or uidl:ID; repeatable)\n"
	      "                        as .eml files into --to DIR\n"
	      "  --delete LIST         save, then delete what was saved and verified\n"
	      "\n"
	      "Connection and login:\n"
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

static int parse_positive(const char *text, uint64_t max, const char *option, unsigned *out)
{
	uint64_t value;
	if (!parse_u64_str(text, max, &value) || value == 0)
		return usage_error(_("invalid %s \"%s\": expected a whole number from 1 to %llu"),
				   option, text, (unsigned long long)max);
	*out = (unsigned)value;
	return 0;
}

/* parse_count: a whole number from 0 to max. */
static int parse_count(const char *text, uint64_t max, const char *option, unsigned *out)
{
	uint64_t value;
	if (!parse_u64_str(text, max, &value))
		return usage_error(_("invalid %s \"%s\": expected a whole number from 0 to %llu"),
				   option, text, (unsigned long long)max);
	*out = (unsigned)value;
	return 0;
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
	if (options->fingerprint && !fingerprint_is_valid(options->fingerprint))
		return usage_error(_("invalid --fingerprint \"%s\": expected sha256: and 64 hex "
				     "digits (colons allowed)"),
				   options->fingerprint);
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

	int c;
	unsigned timeout = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vh", long_options, NULL)) != -1) {
		int rc = 0;
		switch (c) {
		case OPT_CHECK: rc = set_mode(options, MODE_CHECK); break;
		case OPT_LIST: rc = set_mode(options, MODE_LIST); break;
		case OPT_SAVE:
			rc = set_mode(options, MODE_SAVE);
			if (!rc)
				rc = parse_selectors(optarg, options);
			break;
		case OPT_DELETE:
			rc = set_mode(options, MODE_DELETE);
			if (!rc)
				rc = parse_selectors(optarg, options);
			break;
		case OPT_TO: options->to_dir = optarg; break;
		case OPT_REPORT: options->report_file = optarg; break;
		case OPT_USER: options->user = optarg; break;
		case OPT_AUTH:
			free((char *)options->auth);
			options->auth = upper_dup(optarg);
			break;
		case OPT_PASSWORD_COMMAND: options->password_command = optarg; break;
		case OPT_OAUTH_TOKEN_COMMAND: options->oauth_token_command = optarg; break;
		case OPT_CA_FILE: options->ca_file = optarg; break;
		case OPT_FINGERPRINT: options->fingerprint = optarg; break;
		case OPT_INSECURE: options->insecure = true; break;
		case OPT_PLAINTEXT: options->plaintext = true; break;
		case OPT_TIMEOUT:
			rc = parse_positive(optarg, 86400, "--timeout", &timeout);
			options->timeout_seconds = (int)timeout;
			break;
		case OPT_SPEED_LIMIT:
			rc =
			    parse_count(optarg, 1000000000, "--speed-limit", &options->speed_limit);
			break;
		case OPT_TRACE: options->trace_file = optarg; break;
		case 'v': options->verbose = true; break;
		case OPT_JSON: options->json = true; break;
		case OPT_ACCEPT_LINE_END_COUNT: options->accept_line_end_count = true; break;
		case OPT_SAVE_DIR: options->save_dir = optarg; break;
		case OPT_LOG: options->log_file = optarg; break;
		case OPT_LOG_SIZE:
			rc = parse_positive(optarg, 4096, "--log-size", &options->log_size_mib);
			break;
		case OPT_LOG_BODY_LINES:
			if (strcmp(optarg, "all") == 0)
				options->log_body_lines = UINT_MAX;
			else
				rc = parse_count(optarg, 1000000000, "--log-body-lines",
						 &options->log_body_lines);
			break;
		case OPT_NO_COLOR: options->no_color = true; break;
		case OPT_PREVIEW_LINES:
			rc = parse_positive(optarg, 1000000, "--preview-lines",
					    &options->preview_lines);
			break;
		case OPT_PIPELINE:
			rc = parse_positive(optarg, 1000000, "--pipeline",
					    &options->pipeline_window);
			break;
		case OPT_BIG:
			options->big_given = true;
			if (!parse_size(optarg, UINT64_MAX, &options->big))
				rc = usage_error(
				    _("invalid --big \"%s\": expected octets, or a number "
				      "with K, M or G (binary: 10M is 10 MiB)"),
				    optarg);
			break;
		case 'h': options->mode = MODE_HELP; return 0;
		case OPT_VERSION: options->mode = MODE_VERSION; return 0;
		case ':': rc = usage_error(_("option %s needs a value"), argv[optind - 1]); break;
		default: rc = usage_error(_("unknown option %s"), argv[optind - 1]); break;
		}
		if (rc)
			return -1;
	}
	if (optind >= argc)
		return usage_error("%s", _("no URL given, e.g. pop3s://user@mail.example.com"));
	if (optind + 1 < argc)
		return usage_error(_("unexpected argument \"%s\" after the URL"), argv[optind + 1]);
	char *errstr = NULL;
	if (url_parse(argv[optind], &options->url, &errstr) != 0) {
		fprintf(stderr, "popscope: %s\n", errstr);
		free(errstr);
		return -1;
	}
	if (!options->user)
		options->user = options->url.user ? options->url.user : getenv("USER");
	if (!options->user || !*options->user)
		return usage_error(
		    "%s", _("no user name: put it in the URL (pop3s://user@host) or use --user"));
	return check_combination(options);
}

void options_free(cli_options_t *options)
{
	url_free(&options->url);
	free(options->selectors);
	free((char *)options->auth);
	memset(options, 0, sizeof *options);
}
