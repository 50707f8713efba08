#!/bin/bash
# Saves show their progress and Esc cancels them (no file left, the message
# not saved, delete still refused, a later save works); the title keeps
# the pending deletions in view at 80x24 and 40x12; the delete dialog
# wraps the saved path instead of cutting it.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/tap.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/tui.sh"

tui_setup 12
plan 16

# The server's bytes pass a relay at 1 MiB/s: the 4 MB message takes
# seconds, so its save can be watched and cancelled.
"${PYTHON3:-python3}" "$TUI_SRCDIR/lib/throttle_proxy.py" "$POP3S_PORT" 1048576 \
	"$TUI_DIR/proxy.port" </dev/null >/dev/null 2>&1 &
for _ in $(seq 100); do
	[ -s "$TUI_DIR/proxy.port" ] && break
	sleep 0.05
done
[ -s "$TUI_DIR/proxy.port" ] || bail_out "the relay did not start"
direct_url=$TUI_URL
TUI_URL="pop3s://$USER@127.0.0.1:$(cat "$TUI_DIR/proxy.port")"

# dialog_text FIRST LAST: the dialog's detail lines (columns FIRST-LAST) joined.
# Columns are characters, not bytes: the saved name keeps its accents.
dialog_text()
{
	tui_screen | PYTHONIOENCODING=utf-8 "${PYTHON3:-python3}" -c '
import sys
first, last = int(sys.argv[1]), int(sys.argv[2])
print("".join(line.rstrip("\n")[first - 1:last].rstrip() for line in sys.stdin), end="")
' "$1" "$2"
}

TUI_COLS=80 TUI_ROWS=24 tui_start
tui_wait 'Plain ASCII message' 15 || bail_out "the list did not appear"
tui_keys 1 1 Enter
tui_wait '^Message 11, 4\.1 MiB'
tui_keys s
tui_wait '^Save message 11 to'
tui_keys Enter
tui_wait '^Saving 11 +[0-9]+% [0-9.]+ [KM]?i?B/4\.1 MiB \(Esc cancels\)'
ok $? "a save shows its progress: octets, total and percent"
tui_keys Escape
tui_wait 'save cancelled: the partial file was removed'
ok $? "Esc cancels the save"
is "$(ls -A "$TUI_DIR/saves" | wc -l)" 0 "no file, not even a temporary one, is left"
tui_keys d
tui_wait 'Refused: message 11 has not been saved in this session'
ok $? "the message is not saved: delete is refused"
tui_keys s
tui_wait '^Save message 11 to'
tui_keys Enter
tui_wait '^Saved message 11 to ' 40
ok $? "a later save of the same message works"
saved=$(ls "$TUI_DIR"/saves/*.eml 2>/dev/null | head -n 1)
is "$(wc -c <"$saved" | tr -d ' ')" "$(awk -F '\t' '$1 == 11 { print $2 }' "$EXPECTED")" \
	"and its file has the message's size"

tui_keys d
tui_wait 'Delete message 11 from the server at quit\? \[y/N\]'
like "$(dialog_text 9 74)" "Saved to: $saved" \
	"80x24: the delete dialog shows the whole saved path, wrapped"
tui_keys y
tui_wait_row 1 '1 PENDING DELETION$'
ok $? "80x24: the title shows the pending deletion in full"
like "$(tui_row 1)" 'TLS verified' "80x24: and the security state"
tui_keys q
tui_wait 'will be DELETED'
tui_keys r
tui_wait_exit >/dev/null

TUI_URL=$direct_url
TUI_COLS=40 TUI_ROWS=12 tui_start
tui_wait 'Plain ASC' 15 || bail_out "the list did not appear at 40x12"
tui_keys 3 Enter
tui_wait '^Message 3, '
tui_keys s
tui_wait '^Save message 3'
tui_keys Enter
tui_wait '^Saved message 3'
saved=$(ls "$TUI_DIR"/saves/2026-03-05_Caf*.eml 2>/dev/null | head -n 1)
tui_keys d
tui_wait 'Delete message 3 from the server at'
like "$(dialog_text 4 38)" "Saved to: $saved" \
	"40x12: the delete dialog shows the whole saved path, wrapped"
like "$(dialog_text 3 38)" 'Delete message 3 from the server at ?quit\? \[y/N\]' \
	"40x12: the question wraps too"
tui_keys y
tui_wait_row 1 '1 PENDING DELETION$'
ok $? "40x12: the title still shows the pending deletion"
like "$(tui_row 1)" 'TLS verified' "40x12: and the security state"
tui_keys u
tui_wait 'Send RSET\? It restores EVERY'
tui_keys y
tui_wait '^RSET: 1 pending'
unlike "$(tui_row 1)" 'PENDING' "after RSET the title has no pending deletion"
like "$(tui_row 1)" '^ alice@127\.0\.0\.1:[0-9]+ +TLS verified' \
	"with room again the account comes back"
tui_keys q
status=$(tui_wait_exit)
is "$status" 0 "quit exits 0"

done_testing
