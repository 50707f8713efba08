#!/bin/bash
# A slow name server does not freeze the screen: while the host name is
# looked up, help opens and Esc cancels; the list appears once the answer
# arrives; R looks the name up again without blocking; --timeout ends a
# lookup that gets no answer.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/tap.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/tui.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/fakedns.sh"

DELAY=4
fakedns_require
tui_setup 12
fakedns_start "$TUI_DIR/dns" "$DELAY"
trap 'fakedns_stop; tui_cleanup' EXIT
plan 15

# popscope runs with the private resolv.conf; the fixture's certificate
# names localhost, so the slow name is trusted by its pinned fingerprint.
TUI_ENV="'$FAKEDNS_RUN'"
TUI_URL="pop3s://$USER@slow.popscope.test:$POP3S_PORT"

# count query|answer: how many A queries for the slow name arrived / were answered.
count()
{
	grep -c "^$1 slow\.popscope\.test A\$" "$FAKEDNS_LOG"
}

# wait_count WHAT N: until the name server logged N lines "WHAT slow... A".
wait_count()
{
	local i=0
	while [ "$(count "$1")" -lt "$2" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ "$(count "$1")" -ge "$2" ] || diag "the name server log: $(cat "$FAKEDNS_LOG")"
}

# --- the screen answers while the name server keeps us waiting ---------------
tui_start --fingerprint "$CERT_SHA256"
wait_count query 1
tui_wait "Connecting to slow\.popscope\.test:$POP3S_PORT" 5
ok $? "the screen is up while the name is looked up"
tui_keys '?'
tui_wait 'popscope help' 2
ok $? "? opens the help during the lookup"
is "$(count query) $(count answer)" "1 0" "... before the name server answered"
tui_keys x
tui_wait '^q quit' 2
tui_wait 'TLS verified +12 messages' $((DELAY + 10))
ok $? "the list appears once the answer arrived"
like "$(cat "$TUI_DIR/log.txt")" 'resolving slow\.popscope\.test port' \
	"the protocol log says what was looked up"
tui_keys q
is "$(tui_wait_exit)" 0 "quit exits 0"

# --- Esc gives the attempt up; R tries again, without blocking either -------
tui_start --fingerprint "$CERT_SHA256"
wait_count query 2
tui_keys Escape
tui_wait 'Connecting cancelled; press R to retry' 2
ok $? "Esc during the lookup cancels it"
is "$(count query) $(count answer)" "2 1" "... before the name server answered"
wait_count answer 2
sleep 0.5
screen=$(tui_screen)
like "$(printf '%s\n' "$screen" | sed -n 1p)" 'DISCONNECTED' \
	"the late answer connects nothing: the title says DISCONNECTED"
unlike "$screen" 'Generic message' "... and no message is listed"
tui_keys R
wait_count query 3
tui_keys L
tui_wait 'Layout: log below' 2
ok $? "after R the screen answers during the lookup (L changes the layout)"
is "$(count query) $(count answer)" "3 2" "... while a new lookup waited for its answer"
tui_wait 'TLS verified +12 messages' $((DELAY + 10))
ok $? "R connects once the answer arrived"
tui_keys q
tui_wait_exit >/dev/null

# --- no answer at all: --timeout ends the first connection ----------------
TUI_URL="pop3s://$USER@never.popscope.test:$POP3S_PORT"
tui_start --timeout 1
status=$(tui_wait_exit 10)
is "$status" 68 "a name server that never answers: exit 68 after --timeout"
like "$(tui_screen)" \
	"popscope: cannot resolve never\.popscope\.test port $POP3S_PORT: no answer within 1 second\$" \
	"... and says so on the terminal"
