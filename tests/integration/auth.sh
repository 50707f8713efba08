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

done_testing
