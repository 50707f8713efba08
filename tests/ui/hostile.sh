#!/bin/bash
# The full-screen view against a misbehaving server's LIST and UIDL: a LIST
# that cannot be trusted shows nothing to act on; messages whose UIDL is
# shared or garbled can be saved but never deleted; a save does not carry
# over a reconnect to another message under the same UIDL; no raw control
# byte reaches the terminal; a save whose size LIST counted with one octet
# a line end waits for a second confirmation.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/tap.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/tui.sh"

tui_setup 3
plan 52
HOSTILE_PID=

# hostile NAME: a scripted server for one connection; the view points at it.
hostile()
{
	local portfile=$TUI_DIR/hostile-$1.port
	[ -n "$HOSTILE_PID" ] && kill "$HOSTILE_PID" 2>/dev/null
	"${PYTHON3:-python3}" "$TUI_SRCDIR/fixture/hostile_server.py" "$1" "$portfile" \
		</dev/null >/dev/null 2>&1 &
	HOSTILE_PID=$!
	for _ in $(seq 100); do
		[ -s "$portfile" ] && break
		sleep 0.05
	done
	[ -s "$portfile" ] || bail_out "hostile server $1 did not start"
	HOSTILE_LOG=$portfile.log
	TUI_URL="pop3://alice@127.0.0.1:$(cat "$portfile")"
}

# save_and_delete: s Enter on the selected row, then d.
save_and_delete()
{
	tui_keys s
	tui_wait '^Save message 1 to' || return 1
	tui_keys Enter
	tui_wait '^Saved message 1 to ' || return 1
	tui_keys d
}

for scenario in list_duplicates list_out_of_range; do
	hostile "$scenario"
	tui_start --plaintext
	tui_wait 'LIST failed: the server.s LIST ' 15
	ok $? "$scenario: the status line says LIST cannot be trusted"
	unlike "$(tui_screen)" '^>? *[ SD~!UE]{4} +1 +100' "$scenario: no message row to act on"
	tui_keys q
	is "$(tui_wait_exit)" 0 "$scenario: q leaves"
done

hostile uidl_duplicates
tui_start --plaintext
tui_wait 'gives two messages the same id same: popscope will not delete' 15
ok $? "uidl_duplicates: the status line names the shared UIDL"
tui_wait '^>? *U +1 '
ok $? "uidl_duplicates: message 1 is flagged U"
save_and_delete
tui_wait 'shares its UIDL with another message'
ok $? "uidl_duplicates: saved, then d is refused with the reason"
tui_keys :
tui_type 'DELE 1'
tui_keys Enter
tui_wait 'Not sent: message 1 shares its UIDL'
ok $? "uidl_duplicates: DELE typed at the command line is refused too"
tui_keys q
tui_wait_exit >/dev/null
unlike "$(cat "$HOSTILE_LOG")" "DELE" "uidl_duplicates: no DELE reached the server"

hostile uidl_control_chars
tui_start --plaintext
tui_wait '^>? *U +1 ' 15
ok $? "uidl_control_chars: message 1 is flagged U"
screen=$(tui_screen)
unlike "$screen" 'pwned|x07' "uidl_control_chars: the garbled UIDL never reaches the screen raw"
save_and_delete
tui_wait 'UIDL for message 1 is malformed; not deleted'
ok $? "uidl_control_chars: d is refused: the UIDL is malformed"
tui_keys q
tui_wait_exit >/dev/null
unlike "$(cat "$HOSTILE_LOG")" "DELE" "uidl_control_chars: no DELE reached the server"
# Message 1 is saved, the link drops; after R the server lists another,
# larger message under the same UIDL: not saved, and DELE is refused.
hostile uidl_reuse
tui_start --plaintext
tui_wait '^>? +1 +187 ' 15 || bail_out "uidl_reuse: the list did not appear"
tui_keys s
tui_wait '^Save message 1 to'
tui_keys Enter
tui_wait 'Connection lost' 15
ok $? "uidl_reuse: the save completes, then the connection drops"
tui_keys R
tui_wait '^>? *E +1 +[0-9]{3,} ' 15
ok $? "uidl_reuse: after R message 1 is larger and not marked saved"
unlike "$(tui_screen)" '^>? *S +1 ' "uidl_reuse: no S flag on message 1"
tui_wait '^Not saved: the earlier save of this UIDL had 187 octets'
ok $? "uidl_reuse: the preview says why the earlier save does not count"
tui_keys d
tui_wait 'earlier save of this UIDL had 187 octets, the server now lists'
ok $? "uidl_reuse: d is refused and says why"
tui_keys q
tui_wait_exit >/dev/null
unlike "$(cat "$HOSTILE_LOG")" "DELE" "uidl_reuse: no DELE reached the server"

# The link drops after QUIT reached the server: the summary says the
# deletion is uncertain, and the exit status is 75.
hostile quit_cut
tui_start --plaintext
tui_wait '^>? +1 +187 ' 15 || bail_out "quit_cut: the list did not appear"
save_and_delete
tui_wait 'Delete message 1 from the server at quit\? \[y/N\]'
tui_keys y
tui_wait 'Message 1 marked for deletion'
tui_keys q
tui_wait 'will be DELETED from the server at quit'
tui_keys c
is "$(tui_wait_exit)" 75 "quit_cut: exit status 75"
like "$(tui_screen)" '^uncertain 1 uidl-one ' "quit_cut: the summary lists the deletion as uncertain"
like "$(tui_screen)" 'QUIT was sent but not confirmed' "quit_cut: and says to check the server"

# A message without a final line end, counted without the CRLF the server
# adds: the copy is complete, saved with a note, and may be deleted.
hostile size_final_line_end
tui_start --plaintext
tui_wait '^>? +1 +185 ' 15 || bail_out "size_final_line_end: the list did not appear"
tui_keys s
tui_wait '^Save message 1 to'
tui_keys Enter
tui_wait '^>? *S +1 +185 '
ok $? "size_final_line_end: saved"
like "$(cat "$TUI_DIR/log.txt")" 'message 1: LIST said 185 octets and 187 arrived: the server ended a last' \
	"size_final_line_end: the protocol log says why the size differs"
tui_keys d
tui_wait 'Delete message 1 from the server at quit\? \[y/N\]'
ok $? "size_final_line_end: the save counts, d asks for confirmation"
tui_keys n q
tui_wait_exit >/dev/null

# LIST counts a line end as one octet and message 1 has no final line end
# (Twisted): the save waits for a second confirmation (80x24) with both
# sizes, the line count and the explanation, default No. Refused: nothing
# saved, the note stays in the preview, d is refused. Saved again and
# accepted: the file holds the octets that arrived, and d may delete it.
hostile size_line_ends_open_last_line
rm -f "$TUI_DIR"/saves/*
# The server lives 20 s: few waits, keys sent together where the order is enough.
TUI_COLS=80 TUI_ROWS=24 tui_start --plaintext
tui_wait '^>? +1 +178 ' 15 || bail_out "size_line_ends_open_last_line: the list did not appear"
tui_keys s
tui_wait '^Save message 1 to'
tui_keys Enter
tui_wait "Keep message 1 as it arrived\? Its size is not LIST's\. \[y/N\]"
ok $? "line ends: the save asks a second time"
screen=$(tui_screen)
like "$screen" 'From: one@example\.org' "line ends: the dialog names the sender"
like "$screen" 'Subject: first' "line ends: the dialog names the subject"
like "$screen" 'LIST size: 178 octets' "line ends: the dialog shows LIST's size"
like "$screen" 'Received: 187 octets in 8 lines' "line ends: the dialog shows what arrived"
# The dialog's lines start in column 9 and end before column 75 at 80x24.
dialog=$(printf '%s\n' "$screen" | cut -c9-74 | tr -s ' \n' '  ')
like "$dialog" 'LIST said 178 octets and 187 arrived, 9 more: the server counts a line end as one octet \(one more for each of the 7 line ends it stored\) and ended the last of its 8 lines, which its copy left open \(2 more\) ' \
	"line ends: the whole explanation fits in the dialog"
like "$dialog" 'nothing is saved\. ' "line ends: the dialog ends with what n does"
is "$(ls "$TUI_DIR/saves")" "" "line ends: no file while the question waits"
tui_keys Enter d
tui_wait 'Refused: message 1 has not been saved in this session'
ok $? "line ends: Enter (No) refuses; d is refused then"
screen=$(tui_screen)
like "$screen" '^Last error: LIST said 178 octets and 187 arrived, 9 more' \
	"line ends: the preview keeps the explanation"
like "$screen" '^>? *E!1 +1 +178 ' "line ends: message 1 is flagged (error, one problem: size-mismatch), not saved"
is "$(ls -A "$TUI_DIR/saves")" "" "line ends: refused, no file left"
tui_keys s
tui_wait '^Save message 1 to'
tui_keys Enter
tui_wait "Keep message 1 as it arrived\?"
tui_keys y d
tui_wait 'Delete message 1 from the server at quit\? \[y/N\]'
ok $? "line ends: y saves; the save counts, d asks for confirmation"
like "$(tui_screen)" '^>? *S +1 +178 ' "line ends: message 1 is flagged saved"
tui_keys y q
tui_wait 'will be DELETED from the server at quit'
tui_keys c
is "$(tui_wait_exit)" 0 "line ends: exit 0"
like "$(cat "$HOSTILE_LOG")" "b'DELE 1" "line ends: DELE 1 reached the server"
"${PYTHON3:-python3}" -c 'import sys; sys.path.insert(0, sys.argv[1]); import hostile_server
sys.stdout.buffer.write(hostile_server.MESSAGES[0])' "$TUI_SRCDIR/fixture" >"$TUI_DIR/expected"
saved=$(ls "$TUI_DIR/saves")
cmp -s "$TUI_DIR/expected" "$TUI_DIR/saves/$saved"
ok $? "line ends: the file holds the 187 octets that arrived"
like "$(cat "$TUI_DIR/log.txt")" 'message 1: refused by the user, not saved' \
	"line ends: the protocol log has the refusal"

# The link drops while the question waits: the dialog goes, nothing is kept.
hostile size_line_ends_then_close
rm -f "$TUI_DIR"/saves/*
tui_start --plaintext
tui_wait '^>? +1 +179 ' 15 || bail_out "size_line_ends_then_close: the list did not appear"
tui_keys s
tui_wait '^Save message 1 to'
tui_keys Enter
tui_wait 'Connection lost'
ok $? "line ends, link lost: the status line says so"
unlike "$(tui_screen)" 'Keep message 1 as it arrived' "line ends, link lost: no dialog left"
is "$(ls -A "$TUI_DIR/saves")" "" "line ends, link lost: no file, not even a temporary one"
tui_keys q
is "$(tui_wait_exit)" 0 "line ends, link lost: q leaves"
like "$(cat "$TUI_DIR/log.txt")" "message 1: LIST said 179 octets and 187 arrived.*waiting for the user's answer" \
	"line ends, link lost: the question was asked before the link went"

# No TOP: the preview is the start of RETR, and says where it was cut.
hostile no_top_big
tui_start --plaintext
tui_wait 'this server has no TOP: fetched with RETR, preview' 20
ok $? "no_top_big: the preview says it was cut"
tui_keys q
tui_wait_exit >/dev/null

if grep -q "$(printf '\033')" "$TUI_ALL_SCREENS"; then
	fail "no ESC byte on any screen"
else
	pass "no ESC byte on any screen"
fi
