#include <config.h>

#include "ui/views.h"

#include <stdlib.h>
#include <string.h>

#include "cli/exitcode.h"
#include "util/gettext.h"
#include "util/xalloc.h"

/* keep_tls: the handshake's details, for a report written after the
 * engine is gone (it is freed once the connection closes). */
static void keep_tls(ui_t *ui)
{
	const tls_info_t *info = pop3_tls_info(ui->pop3);
	if (!info)
		return;
	conn_tls_info_free(ui->tls);
	ui->tls = conn_tls_info_copy(info);
}

static void on_engine_event(void *ctx, pop3_event_t event, long elapsed_ms)
{
	ui_t *ui = ctx;
	if (event == POP3_EVENT_TLS || event == POP3_EVENT_FAILED)
		keep_tls(ui);
	switch (event) {
	case POP3_EVENT_LOGGED_IN:
		/* UIDL and LIST go out with the engine's CAPA and STAT. */
		session_attach(ui->session, ui->pop3);
		break;
	case POP3_EVENT_READY:
		ui->connected = true;
		free(ui->message);
		ui->message = NULL;
		break;
	case POP3_EVENT_FAILED:
	case POP3_EVENT_CLOSED: {
		const char *why = pop3_errstr(ui->pop3);
		if (!ui->connected && event == POP3_EVENT_FAILED) {
			const char *server = pop3_server_text(ui->pop3);
			free(ui->fatal);
			/* The engine's text usually quotes the server already. */
			ui->fatal = server && !strstr(why, server)
					? xasprintf("%s (%s)", why, server)
					: xstrdup(why);
			ui->exit_status = exitcode_for_engine(ui->pop3);
			ui->running = false;
		}
		session_detach(ui->session,
			       why && *why ? why : _("the server closed the connection"));
		ui->engine_dead = true;
		break;
	}
	default: break;
	}
}

void ui_connect(ui_t *ui)
{
	ui->pop3 = pop3_new(ui->config, ui->trace);
	ui->engine_dead = false;
	pop3_open(ui->pop3, on_engine_event, ui);
}

void ui_cancel_connect(ui_t *ui)
{
	if (!ui->pop3 || ui->engine_dead || session_engine(ui->session))
		return;
	pop3_free(ui->pop3);
	ui->pop3 = NULL;
	trace_emitf(ui->trace, TRACE_INFO, "%s", _("connecting cancelled"));
	session_detach(ui->session, _("connecting cancelled"));
	session_set_status(ui->session, false, "%s", _("Connecting cancelled; press R to retry."));
}

void ui_reconnect(ui_t *ui)
{
	if (session_state(ui->session) != SESSION_DISCONNECTED) {
		ui_message(ui, false, "%s", _("Still connected."));
		return;
	}
	if (ui->pop3) {
		pop3_free(ui->pop3);
		ui->pop3 = NULL;
	}
	ui_message(ui, false, "%s", _("Reconnecting..."));
	ui->connected = true; /* a failure now keeps the screen up */
	ui_connect(ui);
}
