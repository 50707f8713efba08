/* check.c: --check, the connection test: each step timed, OK or FAIL with
 * the reason. Changes nothing on the server (no RETR, no DELE). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/batch.h"
#include "cli/exitcode.h"
#include "loop.h"
#include "util/gettext.h"
#include "util/size.h"

typedef struct {
	pop3_t *pop3;
	const pop3_config_t *config;
	const char *next_step; /* the step that runs now (named on failure) */
	bool tls_seen;
	bool logged_in;
	bool done;
	bool failed;
} check_state_t;

static void step(const char *name, const char *status, long ms, const char *detail)
{
	char timing[32] = "";
	if (ms >= 0)
		snprintf(timing, sizeof timing, "%ld ms", ms);
	printf("%-12s %-4s %7s  %s\n", name, status, timing, detail);
	fflush(stdout);
}

static void print_certificate(const tls_info_t *info, bool ok)
{
	char detail[2048];
	if (ok && info->insecure) {
		/* --insecure: the handshake went on whatever the check said, so
		 * the certificate proves nothing, even if its chain happens to be
		 * good. */
		snprintf(detail, sizeof detail,
			 ngettext("NOT VERIFIED (--insecure; the check said: %s): %s, issuer %s, "
				  "expires %s (%ld day), %s",
				  "NOT VERIFIED (--insecure; the check said: %s): %s, issuer %s, "
				  "expires %s (%ld days), %s",
				  labs(info->days_left)),
			 info->verify_result ? info->verify_result : "", info->subject,
			 info->issuer, info->not_after, info->days_left, info->fingerprint);
		step("certificate", "WARN", -1, detail);
		return;
	}
	if (info->verified)
		snprintf(detail, sizeof detail,
			 ngettext("%s, issuer %s, expires %s (%ld day), %s",
				  "%s, issuer %s, expires %s (%ld days), %s",
				  labs(info->days_left)),
			 info->subject, info->issuer, info->not_after, info->days_left,
			 info->fingerprint);
	else
		snprintf(detail, sizeof detail,
			 ngettext("%s, issuer %s, expires %s (%ld day), %s, NOT VERIFIED: %s",
				  "%s, issuer %s, expires %s (%ld days), %s, NOT VERIFIED: %s",
				  labs(info->days_left)),
			 info->subject, info->issuer, info->not_after, info->days_left,
			 info->fingerprint, info->verify_result ? info->verify_result : "");
	step("certificate", ok ? "OK" : "FAIL", -1, detail);
}

static void print_capa(const pop3_capa_t *capa, long ms)
{
	if (!capa->known) {
		step("capa", "OK", ms, _("(the server has no CAPA command)"));
		return;
	}
	char line[2048] = "";
	struct {
		bool on;
		const char *name;
	} flags[] = {
	    {capa->top, "TOP"},
	    {capa->uidl, "UIDL"},
	    {capa->user, "USER"},
	    {capa->pipelining, "PIPELINING"},
	    {capa->stls, "STLS"},
	    {capa->resp_codes, "RESP-CODES"},
	    {capa->auth_resp_code, "AUTH-RESP-CODE"},
	    {capa->sasl_ir, "SASL-IR"},
	};
	for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
		if (flags[i].on) {
			strncat(line, flags[i].name, sizeof line - strlen(line) - 2);
			strncat(line, " ", sizeof line - strlen(line) - 1);
		}
	if (capa->sasl) {
		strncat(line, "SASL ", sizeof line - strlen(line) - 1);
		strncat(line, capa->sasl, sizeof line - strlen(line) - 1);
	}
	size_t len = strlen(line);
	if (len && line[len - 1] == ' ')
		line[len - 1] = '\0';
	step("capa", "OK", ms, line);
}

static void on_event(void *ctx, pop3_event_t event, long ms)
{
	check_state_t *state = ctx;
	pop3_t *pop3 = state->pop3;
	char detail[1024];
	switch (event) {
	case POP3_EVENT_RESOLVED:
		/* TRANSLATORS: host name, port number. */
		snprintf(detail, sizeof detail, _("%s port %s"), state->config->host,
			 state->config->port);
		step("resolve", "OK", ms, detail);
		state->next_step = "connect";
		break;
	case POP3_EVENT_CONNECTED:
		step("connect", "OK", ms, pop3_peer(pop3));
		state->next_step =
		    state->config->tls_mode == POP3_TLS_IMPLICIT ? "tls" : "greeting";
		break;
	case POP3_EVENT_STLS:
		step("stls", "OK", ms, _("the server agreed to start TLS"));
		state->next_step = "tls";
		break;
	case POP3_EVENT_TLS: {
		const tls_info_t *info = pop3_tls_info(pop3);
		snprintf(detail, sizeof detail, "%s %s", info->protocol, info->cipher);
		step("tls", "OK", ms, detail);
		print_certificate(info, true);
		state->tls_seen = true;
		state->next_step =
		    state->config->tls_mode == POP3_TLS_IMPLICIT ? "greeting" : "capa";
		break;
	}
	case POP3_EVENT_GREETING:
		step("greeting", "OK", ms, pop3_greeting(pop3));
		state->next_step = "capa";
		break;
	case POP3_EVENT_CAPA:
		print_capa(pop3_capa(pop3), ms);
		if (state->config->tls_mode == POP3_TLS_STLS && !state->tls_seen)
			state->next_step = "stls";
		else
			state->next_step = state->logged_in ? "stat" : "login";
		break;
	case POP3_EVENT_LOGGED_IN:
		if (pop3_auth_fallback(pop3)) {
			/* TRANSLATORS: %1$s is "MECH-PLUS failed (server said: ...)",
			 * %2$s the mechanism that logged in. */
			snprintf(detail, sizeof detail,
				 _("%1$s; logged in with %2$s, without "
				   "channel binding"),
				 pop3_auth_fallback(pop3), pop3_auth_method(pop3));
			step("login", "WARN", -1, detail);
		}
		snprintf(detail, sizeof detail, _("%s with %s"), state->config->user,
			 pop3_auth_method(pop3));
		step("login", "OK", ms, detail);
		state->logged_in = true;
		state->next_step = "capa";
		break;
	case POP3_EVENT_READY:
		if (state->config->skip_login) {
			step("login", "SKIP", -1, _("no password available"));
		} else {
			char size[32];
			unsigned long long count = (unsigned long long)pop3_stat_count(pop3);
			snprintf(detail, sizeof detail,
				 ngettext("%llu message, %s", "%llu messages, %s", count), count,
				 size_format(pop3_stat_octets(pop3), size, sizeof size));
			step("stat", "OK", ms, detail);
		}
		state->done = true;
		break;
	case POP3_EVENT_FAILED: state->failed = true; break;
	case POP3_EVENT_CLOSED: break;
	}
}

static const char *failed_step(const check_state_t *state)
{
	switch (pop3_error(state->pop3)) {
	case POP3_E_RESOLVE: return "resolve";
	case POP3_E_CONNECT: return "connect";
	case POP3_E_GREETING: return "greeting";
	case POP3_E_TLS:
	case POP3_E_VERIFY: return "tls";
	case POP3_E_NO_STLS:
	case POP3_E_INJECTION: return "stls";
	case POP3_E_AUTH:
	case POP3_E_INSECURE: return "login";
	default: return state->next_step;
	}
}

int batch_check(const cli_options_t *options, const pop3_config_t *config, trace_t *trace)
{
	pop3_t *pop3 = pop3_new(config, trace);
	check_state_t state = {.pop3 = pop3, .config = config, .next_step = "resolve"};
	pop3_open(pop3, on_event, &state);
	while (!state.done && !state.failed && pop3_is_running(pop3))
		loop_iterate(pop3, NULL, 0, -1);
	int status = EXIT_OK;
	if (!state.done) {
		step(failed_step(&state), "FAIL", -1, pop3_errstr(pop3));
		fprintf(stderr, "popscope: %s\n", pop3_errstr(pop3));
		const tls_info_t *info = pop3_tls_info(pop3);
		if (pop3_error(pop3) == POP3_E_VERIFY && info)
			print_certificate(info, false);
		status = exitcode_for_engine(pop3);
	} else {
		batch_quit(pop3, NULL, NULL);
	}
	status = batch_write_report(options, config, pop3, NULL, NULL, status);
	pop3_free(pop3);
	return status;
}
