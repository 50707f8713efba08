/* ticket.h: the ticket report (--report FILE, T in the full-screen view):
 * one plain-text account of a popscope run to paste into a helpdesk
 * ticket. It names the server, port, TLS version and cipher, the
 * certificate (subject, SHA-256 fingerprint in the form --fingerprint
 * takes, how it was checked), the account (the user name; never a
 * password, token or other secret: none is ever handed to this module),
 * and every message saved or deleted: number, UIDL, size, sender, subject,
 * date, the saved file with the SHA-256 of its octets read back from disk,
 * and how its deletion ended (report.h's three truths, or still pending).
 *
 * Labels and state words are fixed ASCII ("deletion: confirmed"), so the
 * report reads the same in every language and scripts can grep it; the
 * closing outcome sentence is report_outcome_text in the user's language.
 * Every string from the server or the certificate is sanitized
 * (sanitize_display): the report holds no control byte and no terminal
 * escape. */
#ifndef POPSCOPE_TICKET_H
#define POPSCOPE_TICKET_H

#include <time.h>

#include "mailbox.h"
#include "pop3/engine.h"

/* The report's first line; a file that starts with it is a report and may
 * be replaced by a newer one (private_file.h). */
#define TICKET_FIRST_LINE "popscope report\n"

typedef struct {
	const char *host;
	const char *port;
	const char *user;
	const tls_info_t *tls;    /* NULL: no TLS (or no handshake reached) */
	const mailbox_t *mailbox; /* NULL: no mailbox was loaded (--check) */
	const char *problem;      /* why the session failed or ended early (translated), or
				   * NULL; also the reason in the outcome sentence */
} ticket_t;

/* ticket_of: a ticket for the connection config describes and pop3 made
 * (pop3 may be NULL when there was none); the mailbox and the texts are
 * left to the caller. */
ticket_t ticket_of(const pop3_config_t *config, const pop3_t *pop3);

/* ticket_text: the report as of now (written: now). Caller frees. */
char *ticket_text(const ticket_t *ticket, time_t now);

/* ticket_check_path: whether a report can be written to path (before any
 * work is done): the directory exists and is writable, and nothing is
 * there or an earlier report is. Returns 0, or -1 with *errstr. */
int ticket_check_path(const char *path, char **errstr);

/* ticket_write: the report, written as private_file.h says (0600,
 * fsynced, never through a symlink; an earlier report is replaced, any
 * other file refused). Returns 0, or -1 with *errstr. */
int ticket_write(const char *path, const ticket_t *ticket, char **errstr);

#endif
