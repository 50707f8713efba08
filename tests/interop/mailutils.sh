#!/bin/bash
# mailutils.sh: popscope against GNU Mailutils 3.15 pop3d with mbox
# mailboxes (tests/fixture/servers/mailutils.sh): STLS, POP3S, USER, APOP.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/interop.sh"

interop_start mailutils
interop_checks

# Found by this suite, beyond issue 7's list: both on bob's untouched mailbox.
bob=(--ca-file "$CA_FILE" --password-command "printf %s $PASSWORD2")
# Mailutils puts an APOP timestamp in every greeting, also for a user
# without an APOP secret (bob): over TLS the default login is USER/PASS.
begin mailutils:bob-default-login
run_popscope --check "${bob[@]}" "pop3s://$USER2@$HOST:$POP3S_PORT"
sane "--check as bob (no APOP secret): no crash"
is_status 0 "--check as bob, no --auth: the default login works for a user without an APOP secret"
like "$OUT" "^login +OK .* $USER2 with USER\$" "--check as bob, no --auth: logged in with USER over TLS"
run_popscope --check --auth USER "${bob[@]}" "pop3s://$USER2@$HOST:$POP3S_PORT"
is_status 0 "--check --auth USER as bob: USER/PASS works"
run_popscope --check --auth APOP "${bob[@]}" "pop3s://$USER2@$HOST:$POP3S_PORT"
sane "--check --auth APOP as bob: no crash"
is_status 77 "--check --auth APOP as bob (no APOP secret): exit 77"
like "$OUT" '^login +FAIL +login failed: APOP was refused \(server said: .*\); APOP uses a secret the server keeps for it' \
	"--check --auth APOP as bob: the failure names APOP's own secret, not the password"

# Mailutils adds an X-UIDL header to an mbox message at its first UIDL, and
# LIST gives the new size from then on: popscope asks UIDL before LIST.
begin mailutils:first-contact
mkdir -p "$WORK/bob"
run_popscope --save 1,2,3 --to "$WORK/bob" --auth USER "${bob[@]}" "pop3s://$USER2@$HOST:$POP3S_PORT"
sane "--save 1,2,3 of bob's messages, never listed before: no crash"
is_status 0 "--save 1,2,3 of bob's messages, never listed before: exit 0"
is "$(grep -c '^saved ' "$WORK/stdout")" 3 "--save 1,2,3, never listed before: three messages saved"
run_popscope --save 1,2,3 --to "$WORK/bob" --auth USER "${bob[@]}" "pop3s://$USER2@$HOST:$POP3S_PORT"
is_status 0 "--save 1,2,3 again: exit 0"
is "$(grep -c '^saved ' "$WORK/stdout")" 3 "--save 1,2,3 again: three messages saved"
done_testing
