/* main.c: pick the mode, nothing else. */
#include <config.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli/account.h"
#include "cli/batch.h"
#include "cli/exitcode.h"
#include "cli/options.h"
#include "cli/password.h"
#include "cli/preflight.h"
#include "mime.h"
#include "sasl.h"
#include "ticket.h"
#include "trace.h"
#include "ui/ui.h"
#include "util/gettext.h"
#include "util/xalloc.h"
#include "version.h"

/* keep_secrets_out_of_core_dumps: a crash must not write the password to disk. */
static void keep_secrets_out_of_core_dumps(void)
{
	struct rlimit none = {0, 0};
	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static pop3_tls_mode_t tls_mode_for(const cli_options_t *options)
{
	if (options->url.scheme == URL_SCHEME_POP3S)
		return POP3_TLS_IMPLICIT;
	return options->plaintext ? POP3_TLS_NONE : POP3_TLS_STLS;
}

/* obtain_secrets: the password or token; for --check a missing password only
 * skips the login step. The account's password is wiped once taken. Returns
 * 0 or an exit status. */
static int obtain_secrets(cli_options_t *options, pop3_config_t *config)
{
	char *errstr = NULL;
	if (options->oauth_token_command) {
		secret_free(options->password);
		options->password = NULL;
		config->oauth_token = token_obtain(options->oauth_token_command, &errstr);
		if (!config->oauth_token)
			goto fail;
		return 0;
	}
	config->password = password_obtain(options->password_command, options->password,
					   config->user, config->host, &errstr);
	secret_free(options->password);
	options->password = NULL;
	if (config->password)
		return 0;
	if (options->mode == MODE_CHECK && !options->password_command) {
		config->skip_login = true;
		free(errstr);
		return 0;
	}
fail:
	fprintf(stderr, "popscope: %s\n", errstr ? errstr : "");
	free(errstr);
	return EXIT_NOPERM;
}

static trace_t *open_trace(const cli_options_t *options, int *status)
{
	/* The full-screen view keeps the latest --log-size MiB for its log pane. */
	trace_t *trace = trace_new(options->mode == MODE_UI ? SIZE_MAX : 0);
	trace_set_byte_limit(trace, (size_t)options->log_size_mib << 20);
	const char *file =
	    options->mode == MODE_UI && options->log_file ? options->log_file : options->trace_file;
	if (file) {
		char *errstr = NULL;
		if (trace_open_file(trace, file, &errstr) != 0) {
			fprintf(stderr, "popscope: %s\n", errstr);
			free(errstr);
			trace_free(trace);
			*status = EXIT_IOERR;
			return NULL;
		}
	}
	if (options->verbose && options->mode != MODE_UI)
		trace_set_stream(trace, stderr);
	return trace;
}

/* check_report_path: --report FILE must be writable before any work is done. */
static int check_report_path(const cli_options_t *options)
{
	char *errstr = NULL;
	if (!options->report_file || ticket_check_path(options->report_file, &errstr) == 0)
		return 0;
	fprintf(stderr, "popscope: %s\n", errstr);
	free(errstr);
	return EXIT_IOERR;
}

static int run(cli_options_t *options)
{
	pop3_config_t config = {
	    .host = options->url.host,
	    .port = options->url.port,
	    .tls_mode = tls_mode_for(options),
	    .tls = {.ca_file = options->ca_file,
		    .fingerprint = options->fingerprint,
		    .insecure = options->insecure},
	    .user = options->user,
	    .auth = options->auth,
	    .allow_plaintext_password = options->plaintext,
	    .timeout_ms = options->timeout_seconds * 1000,
	    .pipeline_window = options->pipeline_window,
	    .trace_body_lines = options->log_body_lines,
	    .speed_limit = options->speed_limit,
	};
	if (options->insecure)
		fputs(
		    _("popscope: warning: --insecure: the server's certificate is not verified\n"),
		    stderr);
	if (config.tls_mode == POP3_TLS_NONE)
		fputs(_("popscope: warning: --plaintext: the connection is not encrypted\n"),
		      stderr);

	int status = preflight_check(options);
	if (status == 0)
		status = check_report_path(options);
	if (status == 0)
		status = obtain_secrets(options, &config);
	if (status != 0)
		return status;
	trace_t *trace = open_trace(options, &status);
	if (trace) {
		switch (options->mode) {
		case MODE_CHECK: status = batch_check(options, &config, trace); break;
		case MODE_LIST: status = batch_list(options, &config, trace); break;
		case MODE_SAVE: status = batch_save(options, &config, trace, false); break;
		case MODE_DELETE: status = batch_save(options, &config, trace, true); break;
		default: status = ui_run(options, &config, trace); break;
		}
		trace_free(trace);
	}
	secret_free((char *)config.password);
	secret_free((char *)config.oauth_token);
	return status;
}

int main(int argc, char **argv)
{
	keep_secrets_out_of_core_dumps();
	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);

	cli_options_t options;
	int parsed = options_parse(argc, argv, &options);
	if (parsed != 0) {
		options_free(&options);
		return parsed;
	}
	if (options.mode == MODE_HELP) {
		options_usage(stdout);
		options_free(&options);
		return EXIT_OK;
	}
	if (options.mode == MODE_ACCOUNTS) {
		int listed = account_list(&options, stdout);
		options_free(&options);
		return listed;
	}
	if (options.mode == MODE_VERSION) {
		version_print(stdout);
		options_free(&options);
		return EXIT_OK;
	}
	char *errstr = NULL;
	if (sasl_init(&errstr) != 0) {
		fprintf(stderr, "popscope: %s\n", errstr);
		free(errstr);
		options_free(&options);
		return EXIT_SOFTWARE;
	}
	mime_init();
	int status = run(&options);
	mime_done();
	sasl_done();
	options_free(&options);
	return status;
}
