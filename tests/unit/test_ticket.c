/* test_ticket: the ticket report's text from a scripted mailbox (fields,
 * outcomes, sanitizing) and how its file is written (0600, an earlier
 * report replaced, anything else refused, never through a symlink). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "gate.h"
#include "mailbox.h"
#include "ticket.h"
#include "util/private_file.h"
#include "util/xalloc.h"

static const char LIST3[] = "1 100\r\n2 200\r\n3 300\r\n";
static const char UIDL3[] = "1 a\r\n2 b\r\n3 c\r\n";

static void connect(mailbox_t *mb)
{
	char *err = NULL;
	mailbox_begin_connection(mb);
	assert_int_equal(mailbox_take_list(mb, LIST3, strlen(LIST3), 3, &err), 0);
	char *problem = NULL;
	mailbox_take_uidl(mb, UIDL3, strlen(UIDL3), &problem);
	free(problem);
	mailbox_set_online(mb, true);
}

static void save_and_mark(mailbox_t *mb, uint64_t number, const char *path, const char *sha)
{
	char *why = NULL;
	assert_int_equal(gate_save_begin(mb, number, &why), 0);
	gate_save_verified(mb, number, path, number * 100, sha, NULL);
	assert_int_equal(gate_delete_begin(mb, number, &why), 0);
	gate_delete_answered(mb, number, true, NULL);
}

static void has(const char *text, const char *line)
{
	if (!strstr(text, line))
		fail_msg("the report lacks \"%s\":\n%s", line, text);
}

static void no_controls(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			fail_msg("control byte 0x%02x in the report:\n%s", *p, text);
	if (strstr(text, "\xe2\x80\xae") || strstr(text, "\xc2\x9b"))
		fail_msg("a bidi override or a C1 control in the report:\n%s", text);
}

static void test_text(void **state)
{
	static const char head[] =
	    "From: =?utf-8?q?Evil=1B]0;x=07_=E2=80=AE?= <evil@example.org>\r\n"
	    "Subject: \x1b[2Jcleared\r\nDate: Mon, 02 Mar 2026 09:00:00 +0000\r\n\r\n";
	tls_info_t tls = {.subject = "CN=mail\x1b[31m.example",
			  .fingerprint = "sha256:AB:CD",
			  .protocol = "TLSv1.3",
			  .cipher = "TLS_AES_256_GCM_SHA384",
			  .verified = true,
			  .verify_result = "ok"};
	mailbox_t *mb = mailbox_new();
	connect(mb);
	mailbox_take_headers(mb, 2, head, strlen(head));
	save_and_mark(mb, 2, "/saved/2.eml", "0123abcd");
	gate_quit_sent(mb);
	gate_quit_answered(mb, true);
	ticket_t ticket = {
	    .host = "mail.example", .port = "995", .user = "alice", .tls = &tls, .mailbox = mb};
	char *text = ticket_text(&ticket, 0);
	assert_int_equal(strncmp(text, TICKET_FIRST_LINE, strlen(TICKET_FIRST_LINE)), 0);
	has(text, "\nversion: popscope " PACKAGE_VERSION "\n");
	has(text, "\nwritten: 1970-01-01T00:00:00+00:00\n");
	has(text, "\nserver: mail.example\nport: 995\nTLS: TLSv1.3\n"
		  "cipher: TLS_AES_256_GCM_SHA384\n");
	has(text, "\ncertificate subject: CN=mail\xe2\x90\x9b[31m.example\n");
	has(text, "\ncertificate SHA-256: sha256:AB:CD\ncertificate check: verified\n");
	has(text, "\naccount: alice\nsaved: 1\n");
	has(text, "\ndeletions: 1 confirmed, 0 not confirmed, 0 uncertain, 0 pending\n");
	has(text, "\noutcome: the server confirmed the deletion of 1 message\n");
	has(text, "\n\nmessage: 2\nUIDL: b\nsize: 200 octets\nfrom: Evil");
	has(text, " <evil@example.org>\nsubject: \xe2\x90\x9b[2Jcleared\n"
		  "date: 2026-03-02T09:00:00Z\nsaved to: /saved/2.eml\nsaved octets: 200\n"
		  "SHA-256: 0123abcd\ndeletion: confirmed\n");
	assert_null(strstr(text, "connection:"));
	no_controls(text);
	free(text);
	mailbox_free(mb);
}

/* Each end a deletion can have, over three connections, and a check
 * without a mailbox or TLS. */
static void test_outcomes(void **state)
{
	mailbox_t *mb = mailbox_new();
	connect(mb);
	save_and_mark(mb, 1, "/saved/1.eml", "11");
	gate_connection_lost(mb); /* before QUIT: kept */
	connect(mb);
	save_and_mark(mb, 3, "/saved/3.eml", NULL);
	gate_quit_sent(mb);
	gate_quit_failed(mb, true); /* QUIT written, never answered */
	connect(mb);
	save_and_mark(mb, 2, "/saved/2.eml", "22");
	ticket_t ticket = {.host = "h", .port = "110", .user = "bob", .mailbox = mb};
	char *text = ticket_text(&ticket, 0);
	has(text, "\nTLS: none\ncipher: none\ncertificate subject: none\n");
	has(text, "\nsaved: 3\n");
	has(text, "\ndeletions: 0 confirmed, 1 not confirmed, 1 uncertain, 1 pending\n");
	has(text, "\noutcome: the session is still open");
	has(text, "\nmessage: 1\nconnection: 1\n");
	has(text, "SHA-256: 11\ndeletion: not confirmed\n");
	has(text, "\nmessage: 3\nconnection: 2\n");
	has(text, "SHA-256: -\ndeletion: uncertain\n");
	has(text, "\nmessage: 2\nconnection: 3\n");
	has(text, "from: (headers not loaded)\n");
	has(text, "SHA-256: 22\ndeletion: pending\n");
	assert_true(strstr(text, "message: 1") < strstr(text, "message: 3"));
	assert_true(strstr(text, "message: 3") < strstr(text, "message: 2"));
	free(text);

	gate_connection_lost(mb);
	ticket.problem = "the server closed the connection";
	text = ticket_text(&ticket, 0);
	has(text, "\nproblem: the server closed the connection\n");
	has(text, "\ndeletions: 0 confirmed, 2 not confirmed, 1 uncertain, 0 pending\n");
	free(text);
	mailbox_free(mb);

	ticket = (ticket_t){.host = "h", .port = "110", .user = "bob"};
	text = ticket_text(&ticket, 0);
	has(text, "\nsaved: 0\n");
	has(text, "\noutcome: nothing was deleted\n");
	assert_null(strstr(text, "message:"));
	free(text);
}

static char *read_all(const char *path)
{
	FILE *in = fopen(path, "r");
	assert_non_null(in);
	char *text = xcalloc(1, 4096);
	size_t n = fread(text, 1, 4095, in);
	text[n] = '\0';
	fclose(in);
	return text;
}

static void write_text(const char *path, const char *text)
{
	FILE *out = fopen(path, "w");
	assert_non_null(out);
	fputs(text, out);
	fclose(out);
}

static void refused(const char *path, const char *reason)
{
	char *err = NULL;
	assert_int_equal(private_file_check(path, TICKET_FIRST_LINE, &err), -1);
	if (!strstr(err, reason))
		fail_msg("\"%s\" lacks \"%s\"", err, reason);
	free(err);
	assert_int_equal(private_file_write(path, "x", 1, TICKET_FIRST_LINE, &err), -1);
	free(err);
}

static void test_file(void **state)
{
	char dir[] = "/tmp/test_ticket.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *report = xasprintf("%s/report.txt", dir);
	char *other = xasprintf("%s/notes.txt", dir);
	char *link = xasprintf("%s/link.txt", dir);
	char *missing = xasprintf("%s/no/such/report.txt", dir);
	char *err = NULL;
	struct stat st;

	umask(022);
	assert_int_equal(private_file_check(report, TICKET_FIRST_LINE, &err), 0);
	assert_int_equal(
	    private_file_write(report, TICKET_FIRST_LINE "one\n", 20, TICKET_FIRST_LINE, &err), 0);
	assert_int_equal(stat(report, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* An earlier report is replaced. */
	assert_int_equal(
	    private_file_write(report, TICKET_FIRST_LINE "two\n", 20, TICKET_FIRST_LINE, &err), 0);
	char *text = read_all(report);
	assert_string_equal(text, TICKET_FIRST_LINE "two\n");
	free(text);

	write_text(other, "my notes\n");
	refused(other, "not written by popscope");
	text = read_all(other);
	assert_string_equal(text, "my notes\n");
	free(text);

	assert_int_equal(symlink(report, link), 0);
	refused(link, "symbolic link");
	text = read_all(report);
	assert_string_equal(text, TICKET_FIRST_LINE "two\n");
	free(text);

	refused(dir, "not a regular file");
	refused(missing, "does not exist");

	unlink(link);
	unlink(other);
	unlink(report);
	rmdir(dir);
	free(report);
	free(other);
	free(link);
	free(missing);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_outcomes),
	    cmocka_unit_test(test_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
