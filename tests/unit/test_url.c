#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/url.h"

/* Parse text that must be accepted and check every field. */
static void expect_ok(const char *text, url_scheme_t scheme, const char *user, const char *host,
		      const char *port)
{
	pop_url_t url;
	char *err = NULL;

	int rc = url_parse(text, &url, &err);
	if (rc != 0)
		print_error("unexpected error for %s: %s\n", text, err ? err : "(null)");
	assert_int_equal(rc, 0);
	assert_null(err);
	assert_int_equal(url.scheme, scheme);
	if (user)
		assert_string_equal(url.user, user);
	else
		assert_null(url.user);
	assert_string_equal(url.host, host);
	assert_string_equal(url.port, port);
	url_free(&url);
	assert_null(url.host);
}

/* Parse text that must be refused with a message containing want. */
static void expect_error(const char *text, const char *want)
{
	pop_url_t url;
	char *err = NULL;

	int rc = url_parse(text, &url, &err);
	assert_int_equal(rc, -1);
	assert_non_null(err);
	if (!strstr(err, want))
		print_error("for %s: got \"%s\", wanted \"%s\"\n", text, err, want);
	assert_non_null(strstr(err, want));
	assert_null(strchr(err, '\n'));
	assert_null(url.user);
	assert_null(url.host);
	assert_null(url.port);
	free(err);
}

static void test_default_ports(void **state)
{
	expect_ok("pop3://mail.example.com", URL_SCHEME_POP3, NULL, "mail.example.com", "110");
	expect_ok("pop3s://mail.example.com", URL_SCHEME_POP3S, NULL, "mail.example.com", "995");
	expect_ok("pop3s://mail.example.com/", URL_SCHEME_POP3S, NULL, "mail.example.com", "995");
}

static void test_scheme_case(void **state)
{
	expect_ok("POP3://h", URL_SCHEME_POP3, NULL, "h", "110");
	expect_ok("Pop3S://h", URL_SCHEME_POP3S, NULL, "h", "995");
}

static void test_explicit_port(void **state)
{
	expect_ok("pop3://h:1", URL_SCHEME_POP3, NULL, "h", "1");
	expect_ok("pop3s://h:65535/", URL_SCHEME_POP3S, NULL, "h", "65535");
	expect_ok("pop3://h:0110", URL_SCHEME_POP3, NULL, "h", "110");
	expect_ok("pop3s://h:110", URL_SCHEME_POP3S, NULL, "h", "110");
}

static void test_user(void **state)
{
	expect_ok("pop3://alice@h", URL_SCHEME_POP3, "alice", "h", "110");
	expect_ok("pop3s://alice%40example.com@h:995", URL_SCHEME_POP3S, "alice@example.com", "h",
		  "995");
	/* The last '@' separates user and host. */
	expect_ok("pop3://alice@example.com@h", URL_SCHEME_POP3, "alice@example.com", "h", "110");
	expect_ok("pop3://a%3ab%2Fc%25d@h", URL_SCHEME_POP3, "a:b/c%d", "h", "110");
	expect_ok("pop3://%C3%A9l%C3%A8ve@h", URL_SCHEME_POP3, "\xc3\xa9l\xc3\xa8ve", "h", "110");
	expect_ok("pop3://u+tag@h", URL_SCHEME_POP3, "u+tag", "h", "110");
}

static void test_ipv4(void **state)
{
	expect_ok("pop3://127.0.0.1", URL_SCHEME_POP3, NULL, "127.0.0.1", "110");
	expect_ok("pop3s://u@192.0.2.7:9995/", URL_SCHEME_POP3S, "u", "192.0.2.7", "9995");
}

static void test_ipv6(void **state)
{
	expect_ok("pop3://[::1]", URL_SCHEME_POP3, NULL, "::1", "110");
	expect_ok("pop3s://[::1]:995/", URL_SCHEME_POP3S, NULL, "::1", "995");
	expect_ok("pop3s://bob@[2001:db8::5]:1995", URL_SCHEME_POP3S, "bob", "2001:db8::5", "1995");
	expect_ok("pop3://[::ffff:192.0.2.1]", URL_SCHEME_POP3, NULL, "::ffff:192.0.2.1", "110");
}

static void test_host_names(void **state)
{
	expect_ok("pop3://localhost", URL_SCHEME_POP3, NULL, "localhost", "110");
	expect_ok("pop3://my-host_1.example.", URL_SCHEME_POP3, NULL, "my-host_1.example.", "110");
}

static void test_bad_scheme(void **state)
{
	expect_error("imap://h", "unsupported scheme \"imap\"");
	expect_error("pop3x://h", "unsupported scheme \"pop3x\"");
	expect_error("mail.example.com", "missing pop3:// or pop3s://");
	expect_error("pop3:/h", "missing pop3:// or pop3s://");
	expect_error("://h", "unsupported scheme \"\"");
	expect_error("", "empty URL");
	expect_error(NULL, "empty URL");
}

static void test_bad_port(void **state)
{
	expect_error("pop3://host:99999", "invalid port \"99999\" in pop3://host:99999 "
					  "(expected 1-65535)");
	expect_error("pop3://host:0", "invalid port \"0\"");
	expect_error("pop3://host:65536", "invalid port \"65536\"");
	expect_error("pop3://host:-1", "invalid port \"-1\"");
	expect_error("pop3://host:+5", "invalid port \"+5\"");
	expect_error("pop3://host:pop3", "invalid port \"pop3\"");
	expect_error("pop3://host:99999999999999999999999", "invalid port");
	expect_error("pop3://host:", "empty port");
	expect_error("pop3://[::1]:", "empty port");
	expect_error("pop3://[::1]:x", "invalid port \"x\"");
}

static void test_bad_host(void **state)
{
	expect_error("pop3://", "missing host name");
	expect_error("pop3:///", "missing host name");
	expect_error("pop3://u@", "missing host name");
	expect_error("pop3://:110", "missing host name");
	expect_error("pop3://a..b", "empty part");
	expect_error("pop3://.a", "empty part");
	expect_error("pop3://h!st", "invalid character '!'");
	expect_error("pop3://h\xc3\xa9st", "invalid character '?'");
	expect_error("pop3://999.1.1.1", "invalid IPv4 address \"999.1.1.1\"");
	expect_error("pop3://1.2.3", "invalid IPv4 address");
	expect_error("pop3://::1", "must be written in brackets");
	expect_error("pop3://2001:db8::1:110", "must be written in brackets");
}

static void test_long_host(void **state)
{
	char text[400];
	char label[70];

	memset(label, 'a', 64);
	label[64] = '\0';
	snprintf(text, sizeof(text), "pop3://%s.example", label);
	expect_error(text, "part longer than 63");

	strcpy(text, "pop3://");
	for (int i = 0; i < 26; i++)
		strcat(text, "abcdefghi.");
	strcat(text, "x");
	expect_error(text, "longer than 253");
}

static void test_bad_ipv6(void **state)
{
	expect_error("pop3://[::1", "missing ']'");
	expect_error("pop3://[]", "invalid IPv6 address \"\"");
	expect_error("pop3://[example.com]", "invalid IPv6 address \"example.com\"");
	expect_error("pop3://[fe80::1%25eth0]", "invalid IPv6 address");
	expect_error("pop3://[::1]x", "unexpected text after ']'");
}

static void test_path_query(void **state)
{
	expect_error("pop3://h/INBOX", "path \"/INBOX\" not allowed");
	expect_error("pop3://h//", "path \"//\" not allowed");
	expect_error("pop3://h?x=1", "query or fragment \"?x=1\"");
	expect_error("pop3://h/?x", "query or fragment \"?x\"");
	expect_error("pop3://h#frag", "query or fragment");
	/* A '/' in the user name is part of the path unless encoded. */
	expect_error("pop3://a/b@h", "not allowed");
}

static void test_bad_user(void **state)
{
	expect_error("pop3://@h", "empty user name");
	expect_error("pop3://u:secret@h", "passwords are not accepted");
	expect_error("pop3://u%4@h", "invalid percent-encoding");
	expect_error("pop3://u%@h", "invalid percent-encoding");
	expect_error("pop3://u%zz@h", "invalid percent-encoding");
	expect_error("pop3://u%0D%0AQUIT@h", "encoded control character %0D");
	expect_error("pop3://u%00@h", "encoded control character %00");
	expect_error("pop3://u%7f@h", "encoded control character %7f");
}

static void test_bytes(void **state)
{
	expect_error("pop3://h ost", "space at position 9");
	expect_error(" pop3://host", "space at position 1");
	expect_error("pop3://host\r\n", "control character at position 12");
	expect_error("pop3://ho\tst", "control character at position 10");
	expect_error("pop3://host\x7f", "control character");
	expect_error("pop3://\x1b[31mhost", "control character at position 8");
}

static void test_free_twice(void **state)
{
	pop_url_t url;
	char *err = NULL;

	assert_int_equal(url_parse("pop3://u@h", &url, &err), 0);
	url_free(&url);
	url_free(&url);
	url_free(NULL);
	assert_null(url.user);
	assert_null(url.port);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_ports), cmocka_unit_test(test_scheme_case),
	    cmocka_unit_test(test_explicit_port), cmocka_unit_test(test_user),
	    cmocka_unit_test(test_ipv4),          cmocka_unit_test(test_ipv6),
	    cmocka_unit_test(test_host_names),    cmocka_unit_test(test_bad_scheme),
	    cmocka_unit_test(test_bad_port),      cmocka_unit_test(test_bad_host),
	    cmocka_unit_test(test_long_host),     cmocka_unit_test(test_bad_ipv6),
	    cmocka_unit_test(test_path_query),    cmocka_unit_test(test_bad_user),
	    cmocka_unit_test(test_bytes),         cmocka_unit_test(test_free_twice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
