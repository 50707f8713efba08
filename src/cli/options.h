/* options.h: the command line, parsed into one structure. */
#ifndef POPSCOPE_OPTIONS_H
#define POPSCOPE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/config.h"
#include "net/url.h"

typedef enum {
	MODE_UI,       /* popscope URL: the full-screen inspector */
	MODE_CHECK,    /* --check */
	MODE_LIST,     /* --list */
	MODE_SAVE,     /* --save N[,M...] --to DIR */
	MODE_DELETE,   /* --delete N[,M...] --to DIR */
	MODE_ACCOUNTS, /* --accounts: the config file's accounts */
	MODE_HELP,
	MODE_VERSION,
} run_mode_t;

/* Messages named to --save / --delete: a number or a range of numbers
 * ("4", "1-100"), every message ("all"), or one message by its UIDL
 * ("uidl:ID"). */
typedef struct {
	uint64_t first, last; /* the range; first = last for one number; 0 for all or uidl */
	bool all;
	const char *uidl; /* points into argv; NULL unless uidl: */
} cli_selector_t;

typedef struct {
	run_mode_t mode;
	pop_url_t url;
	const char *account;          /* NAME when the argument named an account */
	const char *config_file;      /* --config FILE */
	config_t config;              /* the config file read for NAME or --accounts */
	uint64_t command_line;        /* the options given on the command line (options_given) */
	char *password;               /* the account's password (secret_free after use) */
	const char *user;             /* --user, else the account's, else the URL's, else $USER */
	const char *auth;             /* --auth MECH (upper-cased) */
	const char *password_command; /* --password-command CMD */
	const char *oauth_token_command;
	const char *ca_file;
	const char *fingerprint;
	bool insecure;
	bool plaintext;
	int timeout_seconds;        /* --timeout, default 30 */
	unsigned speed_limit;       /* --speed-limit BYTES per second, default 100; 0 = no floor */
	const char *trace_file;     /* --trace FILE */
	bool verbose;               /* -v: trace to stderr */
	bool json;                  /* --json for --list */
	bool accept_line_end_count; /* --accept-line-end-count for --save / --delete */
	cli_selector_t *selectors;  /* --save / --delete messages, in the order given */
	size_t selector_count;
	const char *to_dir;       /* --to DIR */
	const char *report_file;  /* --report FILE: the ticket report (ticket.h) */
	const char *save_dir;     /* --save-dir DIR (UI default save directory) */
	const char *log_file;     /* --log FILE (UI: stream the protocol log) */
	unsigned log_size_mib;    /* --log-size MIB kept for the log pane (default 16) */
	unsigned log_body_lines;  /* --log-body-lines N|all: body lines logged a reply
				   * (default 20; all: UINT_MAX) */
	bool no_color;            /* --no-color or NO_COLOR set */
	unsigned preview_lines;   /* --preview-lines N for TOP (default 200) */
	unsigned pipeline_window; /* --pipeline N (0: no cap; 1 disables pipelining) */
	uint64_t big;             /* --big SIZE: bigger messages are a problem (0: none) */
	bool big_given;
} cli_options_t;

/* options_parse: fill *options from argv and, when the argument names an
 * account (it has no "://"), from that account of the config file, under
 * the options given. Returns 0, or an exit status after printing one clear
 * line to stderr: EXIT_USAGE, or EXIT_IOERR when the config file cannot be
 * read. */
int options_parse(int argc, char **argv, cli_options_t *options);
/* options_set: set the option with this long name ("timeout") to value as
 * the command line would ("on" or "off" for an option without a value).
 * Returns 0, or -1 with *errstr saying what is wrong in the words used for
 * the command line. */
int options_set(cli_options_t *options, const char *name, const char *value, char **errstr);
/* options_given: the option with this long name was on the command line. */
bool options_given(const cli_options_t *options, const char *name);
void options_free(cli_options_t *options);
/* options_usage: the --help text to stream. */
void options_usage(FILE *stream);

#endif
