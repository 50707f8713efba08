#!/bin/bash
# The preview full screen (p: scroll, / search, q closes), the message or a
# part in $PAGER (P) and $EDITOR (e), piped to a command (|): each gets a
# private 0600 copy that is gone afterwards; a message known only by its
# first lines is fetched whole first; a failing program's status is shown.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/tap.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/tui.sh"

tui_setup 12
plan 32

out=$TUI_DIR/out
mkdir "$out"
# The "pager" and the "editor": record the copy's mode, bytes, name and
# $POPSCOPE_FILE, and what the directory around it allows.
cat >"$TUI_DIR/look.sh" <<'SH'
#!/bin/sh
dir=$(dirname "$1")
stat -c %a "$1" >"$OUT/mode"
stat -c %a "$dir" >"$OUT/dirmode"
cp "$1" "$OUT/copy"
printf '%s\n' "$1" >"$OUT/path"
printf '%s\n' "$POPSCOPE_FILE" >"$OUT/env"
[ "$EDITS" = yes ] && echo "changed by the editor" >>"$1"
exit "${LOOK_STATUS:-0}"
SH
chmod 755 "$TUI_DIR/look.sh"

# message_bytes N FILE: the server's copy of message N as RETR sends it (CRLF).
message_bytes()
{
	local base
	base=$(awk -F '\t' -v n="$1" '$1 == n { print $6 }' "$EXPECTED")
	sed 's/$/\r/' "$(ls "$MAILDIR"/cur/"$base"* | head -n 1)" >"$2"
}
message_bytes 1 "$TUI_DIR/m1"
message_bytes 11 "$TUI_DIR/m11"

TUI_ENV="PAGER='$TUI_DIR/look.sh' VISUAL= EDITOR='$TUI_DIR/look.sh' EDITS=yes OUT='$out'"
tui_start
tui_wait 'Plain ASCII message' 15 || bail_out "the list did not appear"
tui_wait '^Hello Alice,'

# p: the preview full screen; q closes it as in less.
tui_keys p
tui_wait 'lines 1-[0-9]+ of [0-9]+ \(100%\) END +q close'
ok $? "p shows the preview full screen with its own status line"
like "$(tui_row 1)" '^Message 1, 319' "the pager starts at the top of the preview"
tui_keys q
tui_wait '^ Messages \(sorted by number\)'
ok $? "q closes the pager, popscope goes on"

# P: $PAGER with a private copy of the whole message.
tui_keys P
tui_wait 'look\.sh: done \(the temporary copy was removed\)'
ok $? "P runs \$PAGER and comes back"
is "$(cat "$out/mode")" 600 "the copy is created 0600"
is "$(cat "$out/dirmode")" 700 "in a private 0700 directory"
cmp -s "$out/copy" "$TUI_DIR/m1"
ok $? "the copy holds the message's bytes as the server sends them"
is "$(cat "$out/env")" "$(cat "$out/path")" "\$POPSCOPE_FILE names the same file as \"\$1\""
copy_path=$(cat "$out/path")
ok "$([ ! -e "$copy_path" ] && [ ! -e "$(dirname "$copy_path")" ] && echo 0 || echo 1)" \
	"the copy and its directory are gone afterwards"

# e: the editor gets a copy; what it writes is thrown away.
rm -f "$out"/*
tui_keys e
tui_wait 'The editor changed its copy: the changes were thrown away'
ok $? "e runs \$EDITOR; its changes are thrown away and said so"
is "$(cat "$out/mode")" 600 "the editor's copy is 0600"
cmp -s "$out/copy" "$TUI_DIR/m1"
ok $? "the editor's copy holds the message's bytes"
ok "$([ ! -e "$(cat "$out/path")" ] && echo 0 || echo 1)" "the editor's copy is gone afterwards"

# |: the message on the command's standard input; "press a key" after it.
tui_keys '|'
tui_wait '^Pipe message 1 to'
tui_type "wc -c >'$out/wc'; echo piped-ok"
tui_keys Enter
tui_wait '^\[popscope\] Press a key to return\.'
ok $? "| runs the command and waits for a key"
like "$(tui_screen)" 'piped-ok' "the command's output stays on the screen until then"
is "$(tr -d ' ' <"$out/wc")" "$(wc -c <"$TUI_DIR/m1" | tr -d ' ')" \
	"the command read the whole message on its standard input"
tui_keys x
tui_wait '^ Messages \(sorted by number\)'
ok $? "a key brings the screen back"
like "$(tui_screen)" 'wc -c .*: done' "the status line says the command is done"

# A failing command: its exit status on the status line.
tui_keys '|'
tui_wait '^Pipe message 1 to'
tui_type 'cat >/dev/null; exit 3'
tui_keys Enter
tui_wait 'exited with status 3\. Press a key to return\.'
ok $? "a failing command's status is shown before the screen returns"
tui_keys Enter
tui_wait 'exit 3: exited with status 3'
ok $? "and on the status line"

# A message known only by its first lines (TOP) is fetched whole first.
tui_keys 1 1 Enter
tui_wait '^Message 11, 4\.1 MiB \(first 200 lines via TOP'
rm -f "$out"/*
tui_keys P
tui_wait 'look\.sh: done' 30
ok $? "P on a long message fetches it, then runs the pager"
like "$(tui_screen)" '^Message 11, 4\.1 MiB \(whole message\)' "the preview now holds it whole"
cmp -s "$out/copy" "$TUI_DIR/m11"
ok $? "the pager got the whole message, not the TOP preview"

# The full-screen preview scrolls and searches (the raw source here).
tui_keys p v
tui_wait '^ lines 1-39 of [0-9]+ \([0-9]+%\) +q close'
ok $? "p on a long message: the first screen and how much there is"
tui_keys Space
tui_wait '^ lines 39-77 of '
ok $? "Space pages down (one line kept)"
tui_keys /
tui_type 'Content-Disposition: attachment'
tui_keys Enter
tui_wait '^Content-Disposition: attachment; filename="big\.bin"'
ok $? "/ finds text further down and shows it"
tui_keys v q
tui_wait '^ Messages \(sorted by number\)'

# A part, decoded, from the preview pane (Left: back to the list first,
# where digits jump to a message).
tui_keys Left 6 Enter
# Message 6's own part: the preview of message 11 before it has a part [2]
# of the same type.
tui_wait '^  \[2\] +application/octet-stream .*Bericht'
tui_keys Tab
rm -f "$out"/*
tui_keys P
tui_wait '^Which part'
tui_type 2
tui_keys Enter
tui_wait 'look\.sh: done'
ok $? "P from the preview pane asks for a part and opens it"
like "$(cat "$out/path")" '/Bericht' "the part's copy is named after its file name"
"${PYTHON3:-python3}" - "$TUI_SRCDIR/fixture/make-mail.py" "$out/copy" <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location('make_mail', sys.argv[1])
mm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mm)
want = mm.pseudo_random_bytes(4096, b'attachment')
sys.exit(0 if open(sys.argv[2], 'rb').read() == want else 1)
PY
ok $? "the part's copy holds its decoded bytes"

# The pager program failing: its status shows, then the screen returns.
tui_keys q
tui_wait_exit >/dev/null
TUI_ENV="PAGER='$TUI_DIR/look.sh' LOOK_STATUS=2 OUT='$out'"
tui_start
tui_wait 'Plain ASCII message' 15
tui_wait '^Hello Alice,'
tui_keys P
tui_wait 'look\.sh: exited with status 2\. Press a key to return\.'
ok $? "a pager that fails leaves its complaint readable"
tui_keys x
tui_wait 'look\.sh: exited with status 2 \(the temporary copy was removed\)'
ok $? "and its status is on the status line"
leftover=$(find "$TUI_DIR" -maxdepth 1 -name 'popscope-view-*' | wc -l)
is "$leftover" 0 "no temporary directory is left behind"
tui_keys q
tui_wait_exit >/dev/null

done_testing
