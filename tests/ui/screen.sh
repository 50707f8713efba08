#!/bin/bash
# The screen itself: hostile text drawn harmlessly, resize, the C locale,
# NO_COLOR, layouts, help, and the terminal restored on a signal.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/tap.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/tui.sh"

tui_setup 12
plan 18

TUI_ENV="NO_COLOR=1"
tui_start
tui_wait 'Big attachment' 15 || bail_out "the list did not appear"
# The log below: the From column has room for the name with the address.
tui_keys L
tui_wait 'Layout: log below'
screen=$(tui_screen)
like "$screen" '^ +9 +379 .*␛\[31mEvil␛\[0m <evil@example\.org> +␛\]0;pwned␇␛\[2J' \
	"escape sequences in from/subject are shown as control pictures"
tui_keys L L L
tui_wait 'Layout: log right' || diag "the layout did not come back to log right"
like "$screen" 'Plain ASCII messag' "the subject's clear-screen did not clear anything"
title=$("$TUI_TMUX" -S "$TUI_SOCK" display-message -p -t ui '#{pane_title}')
unlike "$title" 'pwned' "the subject's OSC sequence did not set the terminal title"
escapes=$("$TUI_TMUX" -S "$TUI_SOCK" capture-pane -e -p -t ui)
unlike "$escapes" $'\e\\[[0-9;]*(3[0-7]|4[0-7]|38;|48;)[0-9;]*m' "NO_COLOR: no color on the screen"

"$TUI_TMUX" -S "$TUI_SOCK" resize-window -t ui -x 80 -y 24
tui_wait_row 24 '^q quit' 5
ok $? "80x24: the key hints are on the last line"
rows=$(tui_screen)
like "$(printf '%s\n' "$rows" | sed -n 1p)" '^ popscope  alice@' \
	"80x24: the title is on the first line"
like "$rows" '^ Messages \(sorted by number\)' "80x24: the list pane is laid out again"
"$TUI_TMUX" -S "$TUI_SOCK" resize-window -t ui -x 200 -y 60
tui_wait_row 60 '^q quit' 5
ok $? "200x60: the key hints are on the last line"
"$TUI_TMUX" -S "$TUI_SOCK" resize-window -t ui -x 120 -y 40

# A mouse click (X10 encoding, what TERM=screen announces) on the 4th row.
click=$(printf '\033[M %s%s\033[M#%s%s' "$(printf "\\$(printf %o $((32 + 11)))")" \
	"$(printf "\\$(printf %o $((32 + 7)))")" "$(printf "\\$(printf %o $((32 + 11)))")" \
	"$(printf "\\$(printf %o $((32 + 7)))")")
tui_type "$click"
tui_wait '^Message 4, 383'
ok $? "a mouse click selects a row"

tui_keys L
tui_wait 'Layout: log below'
ok $? "L switches the layout"
tui_keys '?'
tui_wait 'popscope help'
ok $? "? shows the help screen"
tui_keys x
tui_wait '^q quit'

pane_pid=$("$TUI_TMUX" -S "$TUI_SOCK" display-message -p -t ui '#{pane_pid}')
pid=$(pgrep -P "$pane_pid" | head -n 1)
# With every header in and no key pressed, the view sleeps in poll: over two
# seconds it uses a small part of a CPU (a loop that never sleeps takes all).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
before=$(cpu_ticks "$pid")
sleep 2
used=$(($(cpu_ticks "$pid") - before))
ok $((used * 5 < 2 * hz ? 0 : 1)) "the idle view sleeps: $used of $((2 * hz)) clock ticks in 2 s"
kill -TERM "$pid"
status=$(tui_wait_exit)
is "$status" 143 "SIGTERM ends popscope with 128+15"
unlike "$(tui_screen)" 'Protocol log|q quit s save' \
	"the terminal is restored (the full screen is gone)"

# The C locale: UTF-8 degrades to '?', control pictures to ^X.
TUI_ENV= TUI_LANG=C
tui_start
tui_wait 'Big attachment' 15
tui_keys L
tui_wait 'Layout: log below'
screen=$(tui_screen)
like "$screen" '^ +2 +392 .*J\?+rgen M\?+ller <juergen@example\.org> +Gr\?+' \
	"C locale: non-ASCII shown as '?'"
like "$screen" '^ +9 +379 .*\^\[\[31mEvil' "C locale: ESC shown as ^["
tui_keys q
tui_wait_exit >/dev/null

# A refused login: the screen closes, one error line, the documented status.
TUI_LANG=
printf 'wrong-password\n' >"$TUI_DIR/pw"
tui_start
status=$(tui_wait_exit 20)
is "$status" 77 "a refused login exits 77"
like "$(tui_screen)" '^popscope: .*login' "and says why on the normal terminal"
printf '%s\n' "$PASSWORD" >"$TUI_DIR/pw"

done_testing
