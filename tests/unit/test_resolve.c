/* Name resolution without a name server: numeric addresses are answered
 * before resolve_start returns (no query, nothing to poll), and the
 * connection's resolve step fails early on an empty host. Lookups through
 * a name server are tested end to end in tests/integration/resolve.sh. */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net/conn.h"
#include "net/resolve.h"

static void test_ipv4_literal(void **state)
{
	resolve_t *resolve = resolve_start("192.0.2.7", "995");
	size_t count = 99;

	assert_int_equal(resolve_state(resolve), RESOLVE_DONE);
	assert_string_equal(resolve_error(resolve), "");
	resolve_poll_fds(resolve, &count);
	assert_int_equal(count, 0);
	assert_int_equal(resolve_timeout_ms(resolve), -1);
	const resolve_addr_t *addrs = resolve_addrs(resolve, &count);
	assert_int_equal(count, 1);
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&addrs[0].addr;
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(addrs[0].len, sizeof *sin);
	assert_int_equal(ntohs(sin->sin_port), 995);
	assert_int_equal(ntohl(sin->sin_addr.s_addr), 0xC0000207);
	resolve_free(resolve);
}

static void test_ipv6_literal(void **state)
{
	resolve_t *resolve = resolve_start("2001:db8::1", "110");
	struct in6_addr want;
	size_t count;

	assert_int_equal(resolve_state(resolve), RESOLVE_DONE);
	const resolve_addr_t *addrs = resolve_addrs(resolve, &count);
	assert_int_equal(count, 1);
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&addrs[0].addr;
	assert_int_equal(sin6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(sin6->sin6_port), 110);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", &want), 1);
	assert_memory_equal(&sin6->sin6_addr, &want, sizeof want);
	resolve_free(resolve);
	resolve_free(NULL);
}

static void test_conn_literal(void **state)
{
	conn_t *conn = conn_new();
	size_t count = 99;

	assert_int_equal(conn_start_resolve(conn, "127.0.0.1", "110"), 0);
	assert_int_equal(conn_state(conn), CONN_IDLE);
	conn_poll_fds(conn, &count);
	assert_int_equal(count, 0);
	assert_int_equal(conn_timeout_ms(conn), -1);
	conn_free(conn);
}

static void test_conn_no_host(void **state)
{
	conn_t *conn = conn_new();

	assert_int_equal(conn_start_resolve(conn, "", "110"), -1);
	assert_int_equal(conn_state(conn), CONN_FAILED);
	assert_int_equal(conn_failure(conn), CONN_FAIL_RESOLVE);
	assert_non_null(strstr(conn_error(conn), "no host name"));
	/* Connecting without an answer is refused, not attempted. */
	assert_int_equal(conn_start_connect(conn), -1);
	conn_free(conn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipv4_literal),
	    cmocka_unit_test(test_ipv6_literal),
	    cmocka_unit_test(test_conn_literal),
	    cmocka_unit_test(test_conn_no_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
