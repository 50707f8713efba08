#!/bin/bash
# Save before delete, the confirmation, commit at quit, and RSET.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/tap.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/tui.sh"

tui_setup 20
plan 16
# The server's copy of message 3 as it goes on the wire (CRLF), kept before
# the deletion removes it.
basename=$(awk -F '\t' '$1 == 3 { print $6 }' "$EXPECTED")
sed 's/$/\r/' "$(ls "$MAILDIR"/cur/"$basename"* | head -n 1)" >"$TUI_DIR/orig.crlf"
tui_start

tui_wait '^ +14 .*Generic message' 15 || bail_out "the list did not appear"
tui_keys j j
tui_wait '^Message 3, '
tui_keys d
tui_wait 'save it first'
ok $? "d on an unsaved message is refused: save it first"
sleep 0.3
unlike "$(grep -E ' C: ' "$TUI_DIR/log.txt")" 'DELE' "no DELE reached the server"

tui_keys s
tui_wait '^Save message 3 to'
ok $? "s asks for a path"
like "$(tui_screen)" "Save message 3 to .*saves/2026-03-05_Café_crème_brûlée" \
	"the default path: save dir, date, subject with its accents (UTF-8 locale)"
tui_keys Enter
tui_wait '^Saved message 3 to '
ok $? "the save is verified and the status line says where"

tui_keys d
tui_wait 'Delete message 3 from the server at quit\? \[y/N\]'
screen=$(tui_screen)
like "$screen" 'Saved to: .*saves/2026-03-05_Caf' \
	"the confirmation names the message and its saved path"
tui_keys y
tui_wait 'Message 3 marked for deletion'
ok $? "y sends DELE; the row is pending"

tui_keys q
tui_wait 'will be DELETED from the server at quit'
ok $? "q with a pending deletion lists it and asks"
tui_keys c
status=$(tui_wait_exit)
is "$status" 0 "commit and quit exits 0"
like "$(tui_screen)" '^deleted 3 ' "the summary after the screen closed says what was deleted"

list=$(tui_list)
is "$(printf '%s\n' "$list" | grep -c .)" 19 "a second session sees one message fewer"
unlike "$list" 'Café crème' "exactly that message is gone"

saved=$(ls "$TUI_DIR"/saves/2026-03-05_Caf*.eml 2>/dev/null | head -n 1)
cmp -s "$TUI_DIR/orig.crlf" "$saved"
ok $? "the saved file is byte-identical to the server's copy"

# u (RSET) leaves the server untouched.
tui_start
tui_wait '^ +14 .*Generic message' 15
tui_keys j
tui_wait '^Message 2, '
tui_keys s
tui_wait '^Save message 2 to'
tui_keys C-u
tui_type "mbox:$TUI_DIR/saves/keep.mbox"
tui_keys Enter
tui_wait '^Saved message 2 to .*keep\.mbox'
ok $? "s can append to an mbox instead"
like "$(head -n 1 "$TUI_DIR/saves/keep.mbox")" '^From ' "the mbox starts with a From line"
tui_keys k
tui_wait '^Message 1, '
tui_keys s
tui_wait '^Save message 1 to'
tui_keys Enter
tui_wait '^Saved message 1 to '
tui_keys d
tui_wait 'Delete message 1'
tui_keys y
tui_wait 'Message 1 marked for deletion'
tui_keys u
tui_wait 'RSET\? It restores EVERY pending deletion'
tui_keys y
tui_wait 'RSET: 1 pending deletion restored'
tui_keys q
tui_wait_exit >/dev/null
is "$(tui_list | grep -c 'Plain ASCII message')" 1 \
	"after u (RSET) and quit the message is still there"

done_testing
