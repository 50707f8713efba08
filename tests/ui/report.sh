#!/bin/bash
# The ticket report in the view: T writes it on demand (a default name in the
# save directory, the status line says where), refuses a file that is not a
# report, and --report FILE writes it when the session ends.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/tap.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/tui.sh"

tui_setup 6
plan 26
field() { sed -n "s/^$1: //p" "$2" | head -n 1; }
final=$TUI_DIR/final-report.txt
tui_start --report "$final"

tui_wait 'Plain ASCII message' 15 || bail_out "the list did not appear"
tui_keys '?'
tui_wait '^ +T +write the ticket report'
ok $? "the help lists T"
tui_keys Escape
tui_wait 'Plain ASCII message'

tui_keys j j
tui_wait '^Message 3, '
tui_keys s
tui_wait '^Save message 3 to'
tui_keys Enter
tui_wait '^Saved message 3 to '
ok $? "message 3 saved"
saved=$(ls "$TUI_DIR"/saves/*.eml | head -n 1)

tui_keys T
tui_wait '^Write the report to: '
ok $? "T asks where to write the report"
like "$(tui_screen)" "^Write the report to: $TUI_DIR/saves/popscope-report-[0-9]{8}-[0-9]{6}\\.txt" \
	"the default: a dated name in the save directory"
tui_keys Enter
tui_wait '^Report written to '
ok $? "the status line says where it went"
first=$(ls "$TUI_DIR"/saves/popscope-report-*.txt 2>/dev/null | head -n 1)
like "$(tui_screen)" "^Report written to $first" "the path on the status line is the file's"
is "$(stat -c %a "$first" 2>/dev/null)" 600 "the report has mode 0600"
is "$(field deletion "$first")" none "message 3: saved, no deletion asked"
like "$(field outcome "$first")" '^the session is still open' \
	"written during the session, it does not read as its end"
is "$(field SHA-256 "$first")" "$(sha256sum "$saved" | cut -d ' ' -f 1)" \
	"the SHA-256 of the saved file, as sha256sum gives it"

tui_keys d
tui_wait 'Delete message 3 from the server at quit\? \[y/N\]'
tui_keys y
tui_wait 'Message 3 marked for deletion'

# A file that is not a report is refused, and left as it was.
printf 'my notes\n' >"$TUI_DIR/notes.txt"
tui_keys T
tui_wait '^Write the report to: '
tui_keys C-u
tui_type "$TUI_DIR/notes.txt"
tui_keys Enter
tui_wait 'cannot write the report: .*not written by popscope'
ok $? "a file that is not a report: the status line says why not"
is "$(cat "$TUI_DIR/notes.txt")" "my notes" "that file is unchanged"

tui_keys T
tui_wait '^Write the report to: '
tui_keys C-u
tui_type "$TUI_DIR/pending.txt"
tui_keys Enter
tui_wait "^Report written to $TUI_DIR/pending\\.txt"
ok $? "T to a path typed in"
is "$(field deletion "$TUI_DIR/pending.txt")" pending "the deletion is pending until QUIT"
is "$(field deletions "$TUI_DIR/pending.txt")" "0 confirmed, 0 not confirmed, 0 uncertain, 1 pending" \
	"the counts say so"

tui_keys q
tui_wait 'will be DELETED from the server at quit'
tui_keys c
is "$(tui_wait_exit)" 0 "commit and quit: exit 0"
like "$(tui_screen)" "^Report written to $final\$" "after the summary: where the report went"
[ -f "$final" ]
ok $? "--report: written when the session ended"
is "$(stat -c %a "$final")" 600 "with mode 0600"
is "$(field deletion "$final")" confirmed "message 3: the deletion is confirmed"
like "$(field outcome "$final")" 'confirmed the deletion of 1 message' "the outcome sentence"
is "$(field SHA-256 "$final")" "$(sha256sum "$saved" | cut -d ' ' -f 1)" \
	"the SHA-256 of the saved file"
is "$(field 'saved to' "$final")" "$saved" "the saved path"
is "$(field account "$final") $(field 'certificate SHA-256' "$final")" "$USER $CERT_SHA256" \
	"the account and the certificate's fingerprint"
grep -qF "$PASSWORD" "$final" "$first" "$TUI_DIR/pending.txt"
isnt $? 0 "no report holds the password"
unlike "$(tui_list)" 'Café crème' "a second session no longer has message 3"

done_testing
