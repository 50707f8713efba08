#!/bin/bash
# The raw command line (:): replies in the log pane and preview, the
# save-before-delete gate, masked secrets, QUIT through the quit flow.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/tap.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/tui.sh"

tui_setup 20
plan 12
tui_start

tui_wait '^ +14 .*Generic message' 15 || bail_out "the list did not appear"
tui_keys :
tui_wait '^POP3>'
ok $? ": opens the command line"
tui_type 'LIST'
tui_keys Enter
tui_wait 'C: LIST$'
ok $? "a raw LIST shows in the log pane"
tui_wait '^1 319'
ok $? "its multi-line reply shows in the preview"

tui_keys w
tui_wait '^Write the protocol log to:'
tui_keys C-u
tui_type "$TUI_DIR/written-log.txt"
tui_keys Enter
tui_wait '^Protocol log written to '
ok $? "w writes the protocol log to a file"
like "$(cat "$TUI_DIR/written-log.txt" 2>/dev/null)" 'C: LIST$' "the written log holds the session"

tui_keys :
tui_type 'dele 2'
tui_keys Enter
tui_wait 'Not sent: message 2 has not been saved'
ok $? "DELE typed by hand is refused for an unsaved message"
sleep 0.3
unlike "$(grep -E ' C: ' "$TUI_DIR/log.txt")" 'DELE' "no DELE reached the server"

tui_keys :
tui_type 'PASS hunter2-typed-secret'
tui_wait '^POP3> PASS \*{20}'
ok $? "a PASS argument is shown as stars while typed"
tui_keys Enter
tui_wait 'C: PASS'
tui_keys : Up
sleep 0.3
unlike "$(tui_screen | grep '^POP3>')" 'PASS' "PASS lines are kept out of the history"
tui_keys Escape

tui_keys : Up
tui_wait '^POP3> dele 2'
ok $? "Up recalls the previous command"
tui_keys C-u
tui_type 'QUIT'
tui_keys Enter
status=$(tui_wait_exit)
is "$status" 0 "QUIT goes through the quit flow and exits"

if grep -qF "hunter2-typed-secret" "$TUI_ALL_SCREENS" "$TUI_DIR/log.txt" ||
	grep -qF "$PASSWORD" "$TUI_ALL_SCREENS" "$TUI_DIR/log.txt"; then
	fail "no password on any screen or in the log"
else
	pass "no password on any screen or in the log"
fi

done_testing
