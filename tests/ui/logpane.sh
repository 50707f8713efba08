#!/bin/bash
# The log pane for traffic watchers: its own search (/ n N), wrap or
# horizontal scroll (W, Left/Right, h/l) with markers, the filter (F),
# dated saved logs with PASS masked, whole bodies within --log-size; and
# the keys users bring: ^F ^B ^D ^U, F10, Left/Right, and the status line
# for a key with no action or no binding.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/tap.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/tui.sh"

tui_setup 12
plan 47

# log_column: the log pane (right of the separator) of the screen.
log_column()
{
	tui_screen | sed -n 's/^[^│]*│//p'
}
# log_header: the log pane's header line.
log_header()
{
	tui_row 2 | sed 's/^.*\(Protocol log\)/\1/'
}
# marked: the log line drawn in reverse video (the search match), as text.
marked()
{
	"$TUI_TMUX" -S "$TUI_SOCK" capture-pane -e -p -t ui | sed -n 's/^[^│]*│//p' |
		grep -E $'\e\\[([0-9;]*;)?7(;[0-9;]*)?m' | sed 's/\x1b\[[0-9;]*m//g'
}
# wait_marked REGEX: poll until the highlighted log line matches.
wait_marked()
{
	local i=0
	while [ "$i" -lt 100 ]; do
		marked | grep -Eq -- "$1" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	diag "no highlighted log line matches /$1/: '$(marked)'"
	return 1
}
# selected: the number of the selected list row.
selected()
{
	tui_screen | sed -n 's/^> *\([0-9]*\) .*/\1/p'
}
dated='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2} '

tui_start --auth USER
tui_wait 'Generic message 12' 15 || bail_out "the list did not appear"
tui_wait 'C: TOP 1 200' 10

# ---- search in the log ----
tui_keys Tab Tab g /
tui_wait '^/'
tui_type 'top 1'
tui_keys Enter
tui_wait_row 3 '│[0-9:.]+ C: TOP 1 0 *$' 5
ok $? "/ in the focused log searches the log: the match is at the top"
like "$(log_header)" 'scrolled' "the log stops following"
is "$(selected)" 1 "the list selection did not move"
wait_marked '^[0-9:.]+ C: TOP 1 0 *$'
ok $? "the match is highlighted (reverse video)"
tui_keys n
wait_marked '^[0-9:.]+ C: TOP 10 0 *$'
ok $? "n: the next match, on the screen already, is highlighted"
tui_wait_row 3 '│[0-9:.]+ C: TOP 1 0 *$' 5
ok $? "and the view stays where it was"
tui_keys N
wait_marked '^[0-9:.]+ C: TOP 1 0 *$'
ok $? "N: the previous match"
tui_keys /
tui_type 'no-such-line'
tui_keys Enter
tui_wait '^Not found: no-such-line'
ok $? "a search without a match says Not found"

# ---- long lines: cut with markers, Left/Right, h/l, wrap ----
tui_keys G
tui_wait_row 2 'Protocol log *$' 5
like "$(log_column)" '»$' "a cut line ends in a marker"
tui_keys Right
tui_wait_row 2 'Protocol log \[column [0-9]+\]' 5
ok $? "Right scrolls the log sideways; the header names the first column"
like "$(log_column | sed -n 1p)" '^«' "a line shifted left starts with a marker"
tui_keys h
tui_wait_row 2 'Protocol log *$' 5
ok $? "h scrolls back in the log pane"
tui_keys l
tui_wait_row 2 'Protocol log \[column' 5
ok $? "l scrolls right in the log pane"
tui_keys Left
tui_keys W
tui_wait_row 2 'Protocol log \[wrap\]' 5
ok $? "W: the header says the lines wrap"
like "$(tui_screen)" 'Log: long lines wrap' "and the status line too"
unlike "$(log_column)" '»' "no cut markers while lines wrap"
continued=$(log_column | grep -cvE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} ')
[ "$continued" -gt 0 ]
ok $? "a long line goes on in the next row ($continued rows)"
tui_keys Right
tui_wait "The log's lines wrap: W cuts them"
ok $? "Right while lines wrap says why it does nothing"
tui_keys W
tui_wait_row 2 'Protocol log *$' 5

# ---- the filter ----
like "$(log_column)" ' S\| ' "body lines are shown"
tui_keys F
tui_wait_row 2 'Protocol log \[no bodies\]' 5
ok $? "F: the header says bodies are hidden"
unlike "$(log_column)" ' S\| ' "no body line is shown"
like "$(log_column)" ' C: TOP 1 200' "commands are shown"
like "$(tui_screen)" 'Log: commands and status lines only' "the status line says so"
tui_keys /
tui_type 'S| Subject'
tui_keys Enter
tui_wait '^Not found: S\| Subject'
ok $? "the search skips hidden lines"
tui_keys F
tui_wait_row 2 'Protocol log *$' 5
like "$(log_column)" ' S\| ' "F again: bodies are back"

# ---- keys with no action, keys with no binding ----
tui_keys Enter
tui_wait '^Enter: no action in the log pane'
ok $? "Enter in the log says it does nothing there"
tui_keys x
tui_wait '^x: not a key; \? shows help'
ok $? "an unbound key says it is not a key"
tui_keys 5
tui_wait '^5: no action in the log pane'
ok $? "a digit outside the list says it does nothing there"
tui_keys Tab
tui_keys Left
tui_wait '^Left: no action in the message list'
ok $? "Left in the list says it does nothing there"

# ---- movement keys from less and mutt (the list) ----
tui_keys C-d
tui_wait '^> +([3-9]|1[01]) ' 5
half=$(selected)
[ "$half" -gt 2 ] && [ "$half" -lt 12 ]
ok $? "^D moves half a page down (to $half)"
tui_keys C-u
tui_wait '^> +1 ' 5
ok $? "^U moves half a page up"
tui_keys C-f
tui_wait '^> +12 ' 5
ok $? "^F pages down"
tui_keys C-b
tui_wait '^> +1 ' 5
ok $? "^B pages up"
tui_keys Right
tui_wait '^Message 1, 319'
tui_keys Enter
tui_wait '^Enter: no action in the preview'
ok $? "Right opens the preview and focuses it"
tui_keys h
tui_keys Left
tui_wait '^Left: no action in the message list'
ok $? "h in the preview goes back to the list"

# ---- the saved log: dates, PASS masked ----
tui_keys w
tui_wait '^Write the protocol log to:'
tui_keys C-u
tui_type "$TUI_DIR/written-log.txt"
tui_keys Enter
tui_wait '^Protocol log written to '
is "$(grep -cvE "$dated" "$TUI_DIR/written-log.txt")" 0 "w: every line has an ISO 8601 date"
like "$(cat "$TUI_DIR/written-log.txt")" "${dated}C: PASS \\*{4}\$" "w: PASS is masked"
is "$(grep -cvE "$dated" "$TUI_DIR/log.txt")" 0 "--log: every line has an ISO 8601 date"
like "$(cat "$TUI_DIR/log.txt")" "${dated}C: PASS \\*{4}\$" "--log: PASS is masked"
if grep -qF "$PASSWORD" "$TUI_DIR/written-log.txt" "$TUI_DIR/log.txt"; then
	fail "the password is in neither file"
else
	pass "the password is in neither file"
fi

# ---- F10 quits through the quit dialog ----
tui_keys s
tui_wait '^Save message 1 to'
tui_keys Enter
tui_wait '^Saved message 1 to '
tui_keys d
tui_wait 'Delete message 1 from the server at quit'
tui_keys y
tui_wait 'Message 1 marked for deletion'
tui_keys F10
tui_wait 'will be DELETED from the server at quit'
ok $? "F10 lists the pending deletions first, as q does"
tui_keys r
is "$(tui_wait_exit)" 0 "F10, then RSET and quit: exit 0"
like "$(tui_list)" 'Plain ASCII message' "nothing was deleted"

# ---- whole bodies within --log-size ----
tui_start --log-body-lines all --log-size 1
tui_wait 'Generic message 12' 15
tui_type 11
tui_keys Enter f
tui_wait '^Message 11 fetched whole' 60
ok $? "a 4 MB message fetched with every body line logged"
tui_keys w
tui_wait '^Write the protocol log to:'
tui_keys C-u
tui_type "$TUI_DIR/bodies-log.txt"
tui_keys Enter
tui_wait '^Protocol log written to '
size=$(stat -c %s "$TUI_DIR/bodies-log.txt")
[ "$size" -gt 500000 ] && [ "$size" -lt 1300000 ]
ok $? "the pane kept about --log-size 1 MiB, its newest events (w wrote $size bytes)"
unlike "$(head -n 5 "$TUI_DIR/bodies-log.txt")" 'resolving' "the oldest events went first"
lines=$(grep -c . "$(ls "$MAILDIR"/cur/"$(awk -F '\t' '$1 == 11 { print $6 }' "$EXPECTED")"* |
	head -n 1)")
[ "$(grep -c ' S| ' "$TUI_DIR/log.txt")" -gt "$lines" ]
ok $? "the --log file has every body line (message 11 has $lines lines)"
tui_keys q
tui_wait_exit >/dev/null

done_testing
