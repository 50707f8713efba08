#!/bin/bash
# cyrus.sh: popscope against Cyrus IMAP 3.6.1 pop3d with users in a sasldb
# (tests/fixture/servers/cyrus.sh): STLS, POP3S, USER, APOP and SASL PLAIN
# LOGIN CRAM-MD5 DIGEST-MD5 SCRAM-SHA-1/-256 with their -PLUS variants.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/interop.sh"

interop_start cyrus
# Cyrus 3.6 offers the -PLUS mechanisms over TLS 1.3 but binds only with
# tls-unique, which TLS 1.3 does not have: it cancels popscope's
# tls-exporter exchange ("bad protocol / cancel"). The default login
# retries without channel binding (every check below logs in that way); a
# -PLUS named with --auth is the user's choice and is not replaced.
plus_refused='the SCRAM-SHA-(1|256)-PLUS exchange failed, not the password \(server said: \[AUTH\] authenticating: bad protocol / cancel\);.* \(--auth SCRAM-SHA-(1|256) logs in without it\)$'
interop_auth_refused SCRAM-SHA-1-PLUS 76 "$plus_refused"
interop_auth_refused SCRAM-SHA-256-PLUS 76 "$plus_refused"
interop_checks

# The retry without channel binding, as --check and the trace show it.
begin cyrus:plus-fallback
run_popscope --check "${CONN[@]}" --trace "$WORK/fallback.trace" "$URL"
sane "--check, default login: no crash"
is_status 0 "--check, default login: exit 0"
like "$OUT" '^login +WARN +SCRAM-SHA-256-PLUS failed \(server said: \[AUTH\] authenticating: bad protocol / cancel\); logged in with SCRAM-SHA-256, without channel binding$' \
	"--check, default login: a WARN line says SCRAM-SHA-256-PLUS failed and why"
like "$OUT" "^login +OK .* $USER with SCRAM-SHA-256\$" "--check, default login: logged in with SCRAM-SHA-256"
like "$(cat "$WORK/fallback.trace")" '!!! SCRAM-SHA-256-PLUS failed \(server said: .*bad protocol / cancel\); trying SCRAM-SHA-256 without channel binding' \
	"--check, default login: the trace says so"
is "$(grep -c 'C: AUTH ' "$WORK/fallback.trace")" 2 "--check, default login: two AUTH commands, no more"

# A wrong password: the retry is refused too, and that is the password.
run_popscope --check --ca-file "$CA_FILE" --password-command "printf %s wrong-pw" "$URL"
sane "--check, wrong password: no crash"
is_status 77 "--check, wrong password: exit 77"
like "$OUT" '^login +FAIL +login failed: the user name or password was not accepted \(server said: \[AUTH\] authenticating: authentication failure\)$' \
	"--check, wrong password: the password is named, after the retry"
unlike "$OUT" '^login +OK' "--check, wrong password: not logged in"

run_popscope --check --auth DIGEST-MD5 --ca-file "$CA_FILE" --password-command "printf %s wrong-pw" "$URL"
is_status 77 "--check --auth DIGEST-MD5, wrong password: exit 77"
done_testing
