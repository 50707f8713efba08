# tui.sh: drive the full-screen popscope in tmux against the Dovecot fixture.
# Sourced by tests/ui/*.sh (after tests/lib/tap.sh):
#
#   tui_setup [NMESSAGES]      start the fixture (skip_all without tmux/dovecot)
#   tui_start [ARGS...]        popscope in a fresh 120x40 tmux session
#                              (TUI_COLS, TUI_ROWS: another size)
#   tui_keys KEY...            send keys (tmux key names: Enter, Escape, Tab, C-l)
#   tui_type TEXT              send literal text
#   tui_screen                 the screen as text (also appended to $TUI_ALL_SCREENS)
#   tui_wait REGEX [SECONDS]   poll the screen until a line matches (default 10 s)
#   tui_wait_row N REGEX [SECONDS]  the same for screen line N
#   tui_wait_exit [SECONDS]    wait for popscope to end; prints its exit status
#   tui_row N                  line N (1-based) of the screen
#   tui_list                   the fixture's mailbox via a second session (--list)
#
# Fixed terminal, locale and time zone; nothing sleeps a fixed time except
# the short polling step.

TUI_SRCDIR=${TESTS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TUI_TMUX=${TMUX_BIN:-tmux}
[ -n "$TUI_TMUX" ] || TUI_TMUX=tmux

tui_cleanup()
{
	[ -n "${TUI_SOCK:-}" ] && "$TUI_TMUX" -S "$TUI_SOCK" kill-server 2>/dev/null
	# The fixture goes before its directory does.
	[ -n "${TUI_DIR:-}" ] && bash "$TUI_SRCDIR/fixture/dovecot.sh" stop "$TUI_DIR/fx" \
		>/dev/null 2>&1
	[ -n "${TUI_DIR:-}" ] && rm -rf "$TUI_DIR"
}

tui_setup()
{
	command -v "$TUI_TMUX" >/dev/null 2>&1 || skip_all "tmux not installed"
	[ -x "${POPSCOPE:-}" ] || skip_all "POPSCOPE not set"
	TUI_DIR=$(mktemp -d "${TMPDIR:-/tmp}/popscope-ui.XXXXXX") || bail_out "mktemp"
	chmod 755 "$TUI_DIR"
	trap tui_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	if [ -z "${DOVECOT:-}" ] && ! command -v dovecot >/dev/null 2>&1 &&
		[ ! -x /usr/sbin/dovecot ]; then
		skip_all "dovecot not installed"
	fi
	[ -n "${DOVECOT:-}" ] || unset DOVECOT
	bash "$TUI_SRCDIR/fixture/dovecot.sh" start "$TUI_DIR/fx" "${1:-40}" \
		>"$TUI_DIR/fixture.log" 2>&1 ||
		{ cat "$TUI_DIR/fixture.log" >&2; bail_out "the Dovecot fixture did not start"; }
	. "$TUI_DIR/fx/env"
	TUI_SOCK=$TUI_DIR/tmux.sock
	TUI_ALL_SCREENS=$TUI_DIR/all-screens.txt
	: >"$TUI_ALL_SCREENS"
	mkdir -p "$TUI_DIR/saves"
	printf '%s\n' "$PASSWORD" >"$TUI_DIR/pw"
	chmod 600 "$TUI_DIR/pw"
	TUI_URL="pop3s://$USER@127.0.0.1:$POP3S_PORT"
}

# tui_start [ARGS...]: the URL and the usual options are added.
tui_start()
{
	# A fresh tmux server per start: reusing a socket right after
	# kill-server races with the old server's exit.
	"$TUI_TMUX" -S "$TUI_SOCK" kill-server 2>/dev/null
	TUI_STARTS=$((${TUI_STARTS:-0} + 1))
	TUI_SOCK=$TUI_DIR/tmux-$TUI_STARTS.sock
	rm -f "$TUI_DIR/exit"
	local cmd q=
	for a in "$@"; do q="$q '$a'"; done
	cmd="cd '$TUI_DIR' && env TERM=screen LANG=${TUI_LANG:-C.UTF-8} LC_ALL=${TUI_LANG:-C.UTF-8}"
	cmd="$cmd TZ=UTC TMPDIR='$TUI_DIR' ${TUI_ENV:-} '$POPSCOPE' --ca-file '$CA_FILE'"
	cmd="$cmd --password-command 'cat $TUI_DIR/pw' --save-dir '$TUI_DIR/saves'"
	cmd="$cmd --log '$TUI_DIR/log.txt' $q '$TUI_URL'"
	cmd="$cmd; echo \$? >'$TUI_DIR/exit.tmp'; mv '$TUI_DIR/exit.tmp' '$TUI_DIR/exit'; sleep 60"
	rm -f "$TUI_DIR/log.txt"
	"$TUI_TMUX" -S "$TUI_SOCK" -f /dev/null new-session -d -s ui -x "${TUI_COLS:-120}" -y "${TUI_ROWS:-40}" "$cmd" ||
		bail_out "tmux new-session failed"
	"$TUI_TMUX" -S "$TUI_SOCK" set-option -g status off >/dev/null 2>&1
}

tui_keys()
{
	"$TUI_TMUX" -S "$TUI_SOCK" send-keys -t ui "$@"
}

tui_type()
{
	"$TUI_TMUX" -S "$TUI_SOCK" send-keys -t ui -l "$1"
}

tui_screen()
{
	"$TUI_TMUX" -S "$TUI_SOCK" capture-pane -p -t ui | tee -a "$TUI_ALL_SCREENS"
}

tui_wait()
{
	local regex=$1 limit=${2:-10} i=0
	while [ "$i" -lt $((limit * 20)) ]; do
		if tui_screen | grep -Eq -- "$regex"; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	diag "timed out waiting for /$regex/; the screen:"
	diag "$(tui_screen)"
	return 1
}

# tui_wait_row N REGEX [SECONDS]: poll until screen line N matches.
tui_wait_row()
{
	local n=$1 regex=$2 limit=${3:-10} i=0
	while [ "$i" -lt $((limit * 20)) ]; do
		tui_screen | sed -n "${n}p" | grep -Eq -- "$regex" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	diag "timed out waiting for line $n to match /$regex/; the screen:"
	diag "$(tui_screen)"
	return 1
}

tui_wait_exit()
{
	local limit=${1:-10} i=0
	while [ ! -f "$TUI_DIR/exit" ] && [ "$i" -lt $((limit * 20)) ]; do
		sleep 0.05
		i=$((i + 1))
	done
	cat "$TUI_DIR/exit" 2>/dev/null || echo timeout
}

tui_row()
{
	tui_screen | sed -n "${1}p"
}

tui_list()
{
	# Dovecot may still hold the mailbox lock for a moment after our QUIT.
	local i=0 out
	while [ "$i" -lt 50 ]; do
		if out=$("$POPSCOPE" --list --ca-file "$CA_FILE" \
			--password-command "cat $TUI_DIR/pw" "$TUI_URL" 2>"$TUI_DIR/list.err"); then
			printf '%s\n' "$out"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	diag "--list failed: $(cat "$TUI_DIR/list.err")"
	return 1
}
