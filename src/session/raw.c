/* raw.c: the raw command line: a command typed by the user goes to the
 * server as typed, except that DELE and RSET go through the gate and the
 * model, QUIT is handed back to the quit flow, and STLS is refused. */
#include <config.h>

#include "session/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/gettext.h"
#include "util/numparse.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

/* A raw command's multi-line reply kept for the preview pane. */
#define RAW_COLLECT_LIMIT (1024 * 1024)

session_raw_result_t session_raw(session_t *session, const char *line, char **errstr)
{
	while (*line == ' ' || *line == '\t')
		line++;
	size_t len = strlen(line);
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (!len)
		return SESSION_RAW_EMPTY;
	if (memchr(line, '\r', len) || memchr(line, '\n', len) || len > 500) {
		*errstr = xstrdup(_("a command is one line of at most 500 characters"));
		return SESSION_RAW_REFUSED;
	}
	char *cmd = xstrndup(line, len);
	const char *arg = cmd + strcspn(cmd, " ");
	while (*arg == ' ')
		arg++;
	session_raw_result_t result = SESSION_RAW_SENT;
	uint64_t number;
	switch (pop3_command_typed(cmd, NULL)->verb) {
	case POP3_CMD_QUIT: result = SESSION_RAW_QUIT; break;
	case POP3_CMD_STLS:
		*errstr = xstrdup(_("STLS is only possible before login; popscope did it already"));
		result = SESSION_RAW_REFUSED;
		break;
	case POP3_CMD_DELE:
		/* Through the gate, like the d key. */
		if (!parse_u64_str(arg, POP3_MAX_MESSAGES, &number)) {
			*errstr = xstrdup(_("DELE needs one message number"));
			result = SESSION_RAW_REFUSED;
		} else if (session_delete(session, number, errstr) < 0) {
			result = SESSION_RAW_REFUSED;
		}
		break;
	case POP3_CMD_RSET:
		if (session_undelete_all(session, errstr) < 0)
			result = SESSION_RAW_REFUSED;
		break;
	default:
		if (!session_connected(session)) {
			*errstr = xstrdup(_("not connected"));
			result = SESSION_RAW_REFUSED;
			break;
		}
		session_submit(session, req_new(session, REQ_RAW, 0),
			       (pop3_request_t){.line = cmd, .collect_limit = RAW_COLLECT_LIMIT});
		break;
	}
	secret_wipe(cmd, len);
	free(cmd);
	return result;
}

void session_on_raw(session_t *session, const pop3_reply_t *reply)
{
	if (reply->error != POP3_OK) {
		char *why = session_reply_problem(session, reply);
		session_set_status(session, true, _("Command failed: %s"), why);
		free(why);
		return;
	}
	char *text = sanitize_display(reply->text, reply->text_len, false, false);
	session_set_status(session, !reply->ok, "%s %s", reply->ok ? "+OK" : "-ERR", text);
	free(text);
	if (!reply->body_len && !reply->terminated)
		return;
	buf_clear(&session->raw_reply);
	buf_append_str(&session->raw_reply, reply->ok ? "+OK " : "-ERR ");
	buf_append(&session->raw_reply, reply->text, reply->text_len);
	buf_append_str(&session->raw_reply, "\r\n");
	buf_append(&session->raw_reply, reply->body, reply->body_len);
	if (reply->body_truncated)
		buf_printf(&session->raw_reply, "\r\n[%s]\r\n", _("truncated"));
	session->raw_serial++;
}

const char *session_raw_reply(const session_t *session, size_t *len, unsigned long *serial)
{
	*len = session->raw_reply.len;
	*serial = session->raw_serial;
	return session->raw_reply.data ? session->raw_reply.data : "";
}
