#!/bin/bash
# popscope NAME: the full-screen view opens on the account of the config file.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/tap.sh"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/ui/tui.sh"

tui_setup 12
plan 4
mkdir -p "$TUI_DIR/xdg/popscope"
# The URL has no user: the title can only show alice from the account's user.
cat >"$TUI_DIR/xdg/popscope/config" <<CONF
account helpdesk
url pop3s://127.0.0.1:$POP3S_PORT
user $USER
CONF
TUI_ENV="XDG_CONFIG_HOME='$TUI_DIR/xdg' USER=nobody-here"
TUI_URL=helpdesk
tui_start

tui_wait '^ +12 ' 15
ok $? "popscope NAME: the list shows the account's mailbox"
screen=$(tui_screen)
like "$screen" "^ popscope  $USER@127\\.0\\.0\\.1:$POP3S_PORT  TLS verified +12 messages" \
	"title: the account's user and server"

tui_keys q
status=$(tui_wait_exit)
is "$status" 0 "q exits 0"

TUI_URL=nobody
tui_start
status=$(tui_wait_exit)
is "$status" 64 "popscope with an unknown account exits 64 before the view opens"
