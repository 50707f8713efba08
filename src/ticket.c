/* ticket.c: the ticket report (see ticket.h). */
#include <config.h>

#include "ticket.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util/buf.h"
#include "util/gettext.h"
#include "util/private_file.h"
#include "util/sanitize.h"
#include "util/xalloc.h"

/* One message of the report: a save, a deletion, or both, on one
 * connection. Strings point into the model. */
typedef struct {
	unsigned connection;
	uint64_t number;
	const char *uidl;
	uint64_t size;
	mailbox_summary_t summary; /* borrowed pointers */
	const char *path;          /* the saved file, or NULL */
	uint64_t octets;           /* of the save; 0 when not known */
	const char *sha256;        /* of the save, or NULL */
	const char *deletion;      /* "none", "pending", "confirmed", ... */
	size_t order;              /* the order found, to keep sorting stable */
} entry_t;

typedef struct {
	entry_t *items;
	size_t count;
} entries_t;

ticket_t ticket_of(const pop3_config_t *config, const pop3_t *pop3)
{
	return (ticket_t){.host = config->host,
			  .port = config->port,
			  .user = config->user,
			  .tls = pop3 ? pop3_tls_info(pop3) : NULL};
}

/* line: "label: value", the value sanitized (server data, certificate
 * data, or a path built from them). */
static void line(buf_t *out, const char *label, const char *value)
{
	char *clean = sanitize_display(value, strlen(value), false, false);
	buf_printf(out, "%s: %s\n", label, clean);
	free(clean);
}

static void iso_time(char *text, size_t size, time_t when, bool local)
{
	struct tm tm;
	if (!(local ? localtime_r(&when, &tm) : gmtime_r(&when, &tm)) ||
	    strftime(text, size, local ? "%Y-%m-%dT%H:%M:%S%z" : "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		snprintf(text, size, "?");
		return;
	}
	/* ISO 8601's extended form writes the offset +01:00, strftime +0100. */
	size_t len = strlen(text);
	if (local && len > 2 && len + 2 <= size) {
		memmove(text + len - 1, text + len - 2, 3);
		text[len - 2] = ':';
	}
}

static void put_header(buf_t *out, const ticket_t *ticket, time_t now)
{
	char when[40];
	iso_time(when, sizeof when, now, true);
	buf_append_str(out, TICKET_FIRST_LINE);
	buf_printf(out, "version: popscope %s\n", PACKAGE_VERSION);
	buf_printf(out, "written: %s\n", when);
	line(out, "server", ticket->host ? ticket->host : "-");
	line(out, "port", ticket->port ? ticket->port : "-");
	const tls_info_t *tls = ticket->tls;
	if (!tls) {
		buf_append_str(out, "TLS: none\ncipher: none\ncertificate subject: none\n"
				    "certificate SHA-256: none\ncertificate check: none\n");
	} else {
		line(out, "TLS", tls->protocol && *tls->protocol ? tls->protocol : "?");
		line(out, "cipher", tls->cipher && *tls->cipher ? tls->cipher : "?");
		line(out, "certificate subject", tls->subject ? tls->subject : "?");
		line(out, "certificate SHA-256", tls->fingerprint ? tls->fingerprint : "?");
		char *check = tls->verified
				  ? xstrdup("verified")
				  : xasprintf("not verified (%s%s)",
					      tls->verify_result ? tls->verify_result : "?",
					      tls->insecure ? ", --insecure" : "");
		line(out, "certificate check", check);
		free(check);
	}
	line(out, "account", ticket->user ? ticket->user : "-");
	if (ticket->problem && *ticket->problem)
		line(out, "problem", ticket->problem);
}

static entry_t *add(entries_t *list)
{
	list->items = xreallocarray(list->items, list->count + 1, sizeof *list->items);
	entry_t *entry = &list->items[list->count];
	*entry = (entry_t){.deletion = "none", .order = list->count};
	list->count++;
	return entry;
}

/* find: the entry of a save of number on connection into path, or NULL. */
static entry_t *find(entries_t *list, unsigned connection, uint64_t number, const char *path)
{
	for (size_t i = list->count; i-- > 0;) {
		entry_t *e = &list->items[i];
		if (e->connection == connection && e->number == number && e->path && path &&
		    strcmp(e->path, path) == 0)
			return e;
	}
	return NULL;
}

/* save_of: the latest save into path (a deletion of a save carried over
 * from an earlier connection names its file). */
static const mailbox_save_t *save_of(const mailbox_t *mailbox, const char *path)
{
	for (size_t i = mailbox_save_count(mailbox); path && i-- > 0;) {
		const mailbox_save_t *save = mailbox_save_at(mailbox, i);
		if (strcmp(save->path, path) == 0)
			return save;
	}
	return NULL;
}

/* deleted: the entry for a deletion of number on connection, a new one
 * when its save is not an entry of that connection. */
static entry_t *deleted(entries_t *list, const mailbox_t *mailbox, unsigned connection,
			uint64_t number, const char *path)
{
	entry_t *entry = find(list, connection, number, path);
	if (entry)
		return entry;
	entry = add(list);
	entry->connection = connection;
	entry->number = number;
	entry->path = path;
	const mailbox_save_t *save = save_of(mailbox, path);
	if (save) {
		entry->octets = save->octets;
		entry->sha256 = save->sha256;
	}
	return entry;
}

static const char *outcome_word(msg_state_t outcome)
{
	switch (outcome) {
	case MSG_DELETED: return "confirmed";
	case MSG_DELETE_UNCERTAIN: return "uncertain";
	default: return "not confirmed";
	}
}

/* summary_from_row: the row's header summary, borrowed: the strings stay
 * the mailbox's (its string pool) and are only read, never freed. */
static mailbox_summary_t summary_from_row(const mailbox_msg_t *msg)
{
	return (mailbox_summary_t){.headers = msg->headers,
				   .from = (char *)msg->from,
				   .from_address = (char *)msg->from_address,
				   .subject = (char *)msg->subject,
				   .date = msg->date};
}

static int entry_cmp(const void *a, const void *b)
{
	const entry_t *x = a, *y = b;
	if (x->connection != y->connection)
		return x->connection < y->connection ? -1 : 1;
	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* collect: the saves, then the deletions whose end is known, then the
 * deletions still pending on this connection, in one list by connection
 * and number. */
static entries_t collect(const mailbox_t *mailbox)
{
	entries_t list = {0};
	unsigned now = mailbox_connection(mailbox);
	for (size_t i = 0; i < mailbox_save_count(mailbox); i++) {
		const mailbox_save_t *save = mailbox_save_at(mailbox, i);
		entry_t *e = add(&list);
		e->connection = save->connection;
		e->number = save->number;
		e->uidl = save->uidl;
		e->size = save->size;
		e->summary = save->summary;
		e->path = save->path;
		e->octets = save->octets;
		e->sha256 = save->sha256;
		/* Headers that came after the save (the view scans them). */
		const mailbox_msg_t *row =
		    save->connection == now ? mailbox_find(mailbox, save->number) : NULL;
		if (!e->summary.headers && row && row->headers)
			e->summary = summary_from_row(row);
	}
	for (size_t i = 0; i < mailbox_deletion_count(mailbox); i++) {
		const mailbox_deletion_t *d = mailbox_deletion_at(mailbox, i);
		entry_t *e = deleted(&list, mailbox, d->connection, d->number, d->saved_path);
		e->uidl = d->uidl;
		e->size = d->size;
		e->summary = d->summary;
		e->deletion = outcome_word(d->outcome);
	}
	for (size_t i = 0; i < mailbox_count(mailbox); i++) {
		const mailbox_msg_t *msg = mailbox_at(mailbox, i);
		if (msg->state != MSG_DELETE_SENT && msg->state != MSG_DELETE_PENDING)
			continue;
		entry_t *e = deleted(&list, mailbox, now, msg->number, msg->saved_path);
		e->uidl = msg->uidl;
		e->size = msg->size;
		e->summary = summary_from_row(msg);
		e->deletion = "pending";
	}
	if (list.count)
		qsort(list.items, list.count, sizeof *list.items, entry_cmp);
	return list;
}

static void put_sender(buf_t *out, const mailbox_summary_t *summary)
{
	const char *name = summary->from && *summary->from ? summary->from : NULL;
	const char *address =
	    summary->from_address && *summary->from_address ? summary->from_address : NULL;
	if (!summary->headers) {
		line(out, "from", _("(headers not loaded)"));
	} else if (name && address && strcmp(name, address) != 0) {
		char *both = xasprintf("%s <%s>", name, address);
		line(out, "from", both);
		free(both);
	} else {
		line(out, "from", address ? address : name ? name : _("(no sender)"));
	}
}

static void put_entry(buf_t *out, const entry_t *e, bool connections)
{
	buf_printf(out, "\nmessage: %llu\n", (unsigned long long)e->number);
	if (connections)
		buf_printf(out, "connection: %u\n", e->connection);
	line(out, "UIDL", e->uidl ? e->uidl : "-");
	buf_printf(out, "size: %llu octets\n", (unsigned long long)e->size);
	put_sender(out, &e->summary);
	const char *subject =
	    e->summary.subject && *e->summary.subject ? e->summary.subject : _("(no subject)");
	line(out, "subject", e->summary.headers ? subject : _("(headers not loaded)"));
	char date[40] = "unknown";
	if (e->summary.date)
		iso_time(date, sizeof date, (time_t)e->summary.date, false);
	buf_printf(out, "date: %s\n", date);
	line(out, "saved to", e->path ? e->path : "-");
	if (e->octets)
		buf_printf(out, "saved octets: %llu\n", (unsigned long long)e->octets);
	else
		buf_append_str(out, "saved octets: -\n");
	buf_printf(out, "SHA-256: %s\n", e->sha256 ? e->sha256 : "-");
	buf_printf(out, "deletion: %s\n", e->deletion);
}

static size_t count_word(const entries_t *list, const char *word)
{
	size_t n = 0;
	for (size_t i = 0; i < list->count; i++)
		n += strcmp(list->items[i].deletion, word) == 0;
	return n;
}

static void put_messages(buf_t *out, const mailbox_t *mailbox, const char *problem)
{
	entries_t list = collect(mailbox);
	buf_printf(out, "saved: %zu\n", mailbox_save_count(mailbox));
	buf_printf(out, "deletions: %zu confirmed, %zu not confirmed, %zu uncertain, %zu pending\n",
		   count_word(&list, "confirmed"), count_word(&list, "not confirmed"),
		   count_word(&list, "uncertain"), count_word(&list, "pending"));
	/* A report written during the session (T) must not read as its end. */
	char *outcome =
	    mailbox_online(mailbox)
		? xstrdup(_("the session is still open: nothing is deleted before QUIT"))
		: report_outcome_text(mailbox, problem);
	line(out, "outcome", outcome);
	free(outcome);
	bool connections = mailbox_connection(mailbox) > 1;
	for (size_t i = 0; i < list.count; i++)
		put_entry(out, &list.items[i], connections);
	free(list.items);
}

char *ticket_text(const ticket_t *ticket, time_t now)
{
	buf_t out;
	buf_init(&out);
	put_header(&out, ticket, now);
	if (ticket->mailbox) {
		put_messages(&out, ticket->mailbox, ticket->problem);
	} else {
		buf_append_str(&out, "saved: 0\ndeletions: 0 confirmed, 0 not confirmed, "
				     "0 uncertain, 0 pending\n");
		line(&out, "outcome", _("nothing was deleted"));
	}
	return buf_steal(&out);
}

int ticket_check_path(const char *path, char **errstr)
{
	char *why = NULL;
	if (private_file_check(path, TICKET_FIRST_LINE, &why) == 0)
		return 0;
	*errstr = xasprintf(_("cannot write the report: %s"), why);
	free(why);
	return -1;
}

int ticket_write(const char *path, const ticket_t *ticket, char **errstr)
{
	char *text = ticket_text(ticket, time(NULL));
	char *why = NULL;
	int rc = private_file_write(path, text, strlen(text), TICKET_FIRST_LINE, &why);
	free(text);
	if (rc != 0) {
		*errstr = xasprintf(_("cannot write the report: %s"), why);
		free(why);
	}
	return rc;
}
