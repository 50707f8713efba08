#!/bin/bash
# auth.sh: every mechanism Dovecot offers logs in; the automatic choice is the strongest.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

start_dovecot

login_line()
{
	printf '%s\n' "$OUT" | grep -E '^login ' | head -n 1
}

for mech in USER APOP PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256; do
	run_popscope --check --auth "$mech" "$POP3S_URL" --ca-file "$CA_FILE" \
		--password-command "$PW_CMD"
	check_sane "$mech: no crash"
	is_status 0 "$mech: --check exit 0"
	like "$(login_line)" "^login +OK .*$USER with $mech\$" "$mech: login line says 'with $mech'"

	run_popscope --check --auth "$mech" "$POP3S_URL" --ca-file "$CA_FILE" \
		--password-command "printf %s wrong-pw"
	is_status 77 "$mech: a wrong password gives exit 77"
done

run_popscope --check "$POP3S_URL" --ca-file "$CA_FILE" --password-command "$PW_CMD"
is_status 0 "automatic choice: exit 0"
like "$(login_line)" "with SCRAM-SHA-256\$" "automatic choice: SCRAM-SHA-256, the strongest offered"

run_popscope --check --auth scram-sha-256 "$POP3S_URL" --ca-file "$CA_FILE" \
	--password-command "$PW_CMD"
is_status 0 "--auth is case-insensitive"

run_popscope --check --user "$USER2" "pop3s://$HOST:$POP3S_PORT" --ca-file "$CA_FILE" \
	--password-command "printf %s $PASSWORD2"
is_status 0 "--user gives the login name"
like "$(login_line)" "$USER2 with " "--user: the login line names $USER2"
like "$(printf '%s\n' "$OUT" | grep -E '^stat ')" ' 0 messages' "--user: $USER2's empty mailbox"

# A mechanism the server does not offer is not silently replaced.
run_popscope --check --auth XOAUTH2 "$POP3S_URL" --ca-file "$CA_FILE" \
	--oauth-token-command "printf %s token" --password-command "$PW_CMD"
check_sane "--auth XOAUTH2 (not offered): no crash"
isnt "$STATUS" 0 "--auth XOAUTH2 (not offered): fails"
unlike "$(login_line)" "OK" "--auth XOAUTH2 (not offered): no other mechanism used"
is_status 77 "--auth XOAUTH2 (not offered): exit 77"
like "$ERR" 'does not offer XOAUTH2; it offers PLAIN LOGIN CRAM-MD5' \
	"--auth XOAUTH2 (not offered): refused here, with the mechanisms offered"
run_popscope --list --auth XOAUTH2 "$POP3S_URL" --ca-file "$CA_FILE" \
	--oauth-token-command "printf %s token" --trace "$WORK/auth-trace"
unlike "$(cat "$WORK/auth-trace")" 'C: AUTH' "--auth XOAUTH2 (not offered): no AUTH was sent"

# A wrong password with the automatic choice: one AUTH, and the password named.
run_popscope --check "$POP3S_URL" --ca-file "$CA_FILE" --password-command "printf %s wrong-pw" \
	--trace "$WORK/wrong-trace"
is_status 77 "automatic choice, wrong password: exit 77"
like "$(login_line)" '^login +FAIL +login failed: the user name or password was not accepted' \
	"automatic choice, wrong password: the login line names the password"
is "$(grep -c 'C: AUTH ' "$WORK/wrong-trace")" 1 "automatic choice, wrong password: one AUTH, no retry"

# A -PLUS mechanism the server does not offer is refused here, not sent.
run_popscope --check --auth SCRAM-SHA-256-PLUS "$POP3S_URL" --ca-file "$CA_FILE" \
	--password-command "$PW_CMD"
is_status 77 "--auth SCRAM-SHA-256-PLUS (not offered): exit 77"
like "$ERR" 'does not offer SCRAM-SHA-256-PLUS' "--auth SCRAM-SHA-256-PLUS (not offered): refused here"

# The -PLUS retry against the scripted server (tests/fixture/hostile_server.py):
# how many AUTH commands, what the trace and the messages say.
hostile_check()
{
	local name=$1
	shift
	start_hostile "$name"
	run_popscope --check --timeout 3 --ca-file "$HOSTILE_CERT" --password-command \
		"printf %s hostile-pw" --trace "$WORK/$name.trace" "$@" \
		"pop3s://alice@127.0.0.1:$HOSTILE_PORT"
	stop_hostile
	check_sane "$name: no crash"
	AUTHS=$(grep -c "^b'AUTH " "$HOSTILE_LOG")
}

hostile_check plus_cancelled_retry
is_status 0 "-PLUS cancelled: the retry without binding logs in"
is "$AUTHS" 2 "-PLUS cancelled: two AUTH commands"
like "$(cat "$WORK/plus_cancelled_retry.trace")" \
	'!!! SCRAM-SHA-256-PLUS failed \(server said: \[AUTH\] authenticating: bad protocol / cancel\); trying SCRAM-SHA-256 without channel binding' \
	"-PLUS cancelled: the trace warns before the retry"
like "$(cat "$WORK/plus_cancelled_retry.trace")" '--- logged in as alice with SCRAM-SHA-256$' \
	"-PLUS cancelled: the trace names the mechanism that logged in"

hostile_check plus_cancelled_retry --auth SCRAM-SHA-256-PLUS
is_status 76 "-PLUS forced and cancelled: exit 76, not 77"
is "$AUTHS" 1 "-PLUS forced and cancelled: no retry without binding"
like "$ERR" 'the SCRAM-SHA-256-PLUS exchange failed, not the password .*\(--auth SCRAM-SHA-256 logs in without it\)$' \
	"-PLUS forced and cancelled: the message says what failed and how to log in"

hostile_check plus_retry_wrong_password
is_status 77 "-PLUS cancelled, wrong password on the retry: exit 77"
is "$AUTHS" 2 "-PLUS cancelled, wrong password on the retry: two AUTH commands, no third"

hostile_check plus_retry_cancelled
is_status 76 "-PLUS and its retry both cancelled: exit 76"
is "$AUTHS" 2 "-PLUS and its retry both cancelled: two AUTH commands, no third"
unlike "$ERR" 'password was not accepted' "-PLUS and its retry both cancelled: the password is not blamed"

hostile_check plus_bad_challenge
is_status 76 "-PLUS challenge not base64: exit 76"
is "$AUTHS" 1 "-PLUS challenge not base64: no retry after our own failure"
like "$(cat "$HOSTILE_LOG")" "^b'\\*\\\\r\\\\n'\$" "-PLUS challenge not base64: the exchange was cancelled with *"

hostile_check scram_iterations_huge
is_status 76 "SCRAM asks for 4294967295 iterations: exit 76, at once"
is "$AUTHS" 1 "SCRAM asks for 4294967295 iterations: no retry"

hostile_check apop_refused_tls_user --auth APOP
is_status 77 "APOP named and refused: exit 77"
like "$ERR" 'APOP was refused .*APOP uses a secret the server keeps for it' \
	"APOP named and refused: the message names APOP's own secret"
unlike "$(cat "$HOSTILE_LOG")" "^b'(USER|PASS) " "APOP named and refused: no USER/PASS after it"

done_testing
