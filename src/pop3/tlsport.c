/* tlsport.c: a pop3:// URL that names a port speaking TLS (pop3s, 995).
 *
 * A TLS server waits for the client's hello and sends nothing, so the
 * greeting never comes. Three signs, from the surest:
 *  - the first bytes are a TLS record (a handshake or an alert, 0x16 or
 *    0x15, then version 0x03): said at once;
 *  - the greeting timed out on port 995, pop3s by assignment: said then;
 *  - the greeting timed out on another port: popscope sends "QUIT". A slow
 *    POP3 server answers it (with its greeting first); a TLS server takes
 *    it for a broken hello and closes the connection or sends an alert at
 *    once. The answer is awaited at most TLS_PORT_PROBE_MS. */
#include <config.h>

#include <string.h>

#include "pop3/engine_internal.h"

#include "util/gettext.h"

/* How long a server has to close after the probe. */
#define TLS_PORT_PROBE_MS 2000

static const char probe_line[] = "QUIT";

bool pop3_is_tls_record(const char *data, size_t len)
{
	return len >= 2 && (data[0] == 0x16 || data[0] == 0x15) && data[1] == 0x03;
}

void pop3_fail_tls_port(pop3_t *pop3)
{
	pop3_fail(pop3, POP3_E_PROTOCOL, NULL, 0, POP3_CODE_NONE,
		  _("port %s of %s speaks TLS: use pop3s://%s:%s"), pop3->config.port,
		  pop3->config.host, pop3->config.host, pop3->config.port);
}

bool pop3_greeting_timed_out(pop3_t *pop3)
{
	if (pop3->phase != PHASE_GREETING || pop3->config.tls_mode == POP3_TLS_IMPLICIT)
		return false;
	if (strcmp(pop3->config.port, "995") == 0) {
		pop3_fail_tls_port(pop3);
		return true;
	}
	if (pop3->tls_probe_sent)
		return false;
	trace_emitf(pop3->trace, TRACE_INFO,
		    _("no greeting: sending QUIT to find out whether this port speaks TLS"));
	trace_emit(pop3->trace, TRACE_SEND, -1, probe_line, sizeof probe_line - 1);
	conn_write(pop3->conn, probe_line, sizeof probe_line - 1);
	conn_write(pop3->conn, "\r\n", 2);
	conn_flush(pop3->conn);
	pop3->tls_probe_sent = true;
	/* The timeout now ends TLS_PORT_PROBE_MS from here. */
	long long probe = TLS_PORT_PROBE_MS < pop3->config.timeout_ms ? TLS_PORT_PROBE_MS
								      : pop3->config.timeout_ms;
	pop3->last_progress_ms = pop3_now_ms() - pop3->config.timeout_ms + probe;
	return true;
}
