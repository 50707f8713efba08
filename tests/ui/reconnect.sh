#!/bin/bash
# A dropped connection: the UI stays up, says nothing was deleted, and R
# reconnects; saved state comes back by UIDL.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/tap.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/tui.sh"

tui_setup 20
plan 8
tui_start

tui_wait '^ +14 .*Generic message' 15 || bail_out "the list did not appear"
tui_keys j
tui_wait '^Message 2, '
tui_keys s
tui_wait '^Save message 2 to'
tui_keys Enter
tui_wait '^Saved message 2 to '
tui_keys d
tui_wait 'Delete message 2 from the server at quit\? \[y/N\]'
tui_keys y
tui_wait 'Message 2 marked for deletion'
ok $? "message 2 is saved and pending deletion"

# Dovecot's pop3 process for our session dies: the connection drops.
pkill -f "popscope-test-$POP3_PORT/pop3( |\$)"
tui_wait 'Connection lost' 15
ok $? "the UI stays up and says the connection was lost"
like "$(tui_screen)" 'Nothing was deleted' "it says nothing pending was deleted"
unlike "$(tui_row 1)" 'PENDING' "the title no longer counts pending deletions"

tui_keys R
tui_wait 'TLS verified +20 messages' 15
ok $? "R reconnects and the list is loaded again"
tui_wait '^>?[ ]?S +2 ' 10
ok $? "message 2 is marked saved again (matched by UIDL)"

tui_keys q
is "$(tui_wait_exit)" 0 "quit exits 0"
is "$(tui_list | grep -c .)" 20 "the server still holds all 20 messages"
