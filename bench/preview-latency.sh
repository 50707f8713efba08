#!/bin/bash
# preview-latency.sh: how soon a preview or a save asked for during the
# header scan starts, in the full-screen view at a 20 ms round trip. The view
# runs in tmux against the test Dovecot (10,000 messages) through the delayed
# path of header-scan.sh (netem, else bench/delay_proxy.py). Once the scan is
# under way the script jumps to a message far ahead of it and presses Enter
# (preview), then jumps to another and saves it (s, Enter). popscope measures
# itself (POPSCOPE_TIMINGS, src/ui/keytime.c): from the key to the command
# leaving, to the first line of its reply and to the redraw that shows it.
# Run from anywhere: bash bench/preview-latency.sh. See bench/README.md.
#
# Environment: POPSCOPE (binary, default src/popscope), MESSAGES (10000),
# RUNS (3), RTT_MS (20), DELAY_METHOD (auto|netem|proxy|veth0), START_TOPS
# (the TOPs sent before the keys: 5% of MESSAGES), SCAN_TIMEOUT (120 s).
set -u
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

MESSAGES=${MESSAGES:-10000}
RTT_MS=${RTT_MS:-20}
DELAY_METHOD=${DELAY_METHOD:-auto}
NET_PREFIX=${NET_PREFIX:-10.253.231}
START_TOPS=${START_TOPS:-$((MESSAGES / 20))}
SCAN_TIMEOUT=${SCAN_TIMEOUT:-120}
PREVIEW_AT=$((MESSAGES * 9 / 10))
SAVE_AT=$((MESSAGES * 8 / 10))

bench_init preview-latency
bench_need tmux
[ "$DELAY_METHOD" != none ] || bench_die "DELAY_METHOD=none: this bench needs the delayed path"
DIR=$WORK/dovecot
BIG_SIZE=4096 bench_dovecot "$DIR" "$MESSAGES"
SOCK=$WORK/tmux.sock
at_exit "tmux -S '$SOCK' kill-server"
bench_delay_path
URL="pop3s://$USER@$RTT_HOST:$RTT_PORT"

echo "preview-latency: the full-screen view on $MESSAGES messages, a preview and a save during the header scan"
echo "machine: $(machine_line)"
echo "path: $DELAY_PATH"
echo "$RUNS runs; times measured inside popscope (POPSCOPE_TIMINGS), ms from the key"

# count_tops LOG: the TOP n 0 commands of the header scan sent so far.
count_tops()
{
	local n
	n=$(grep -c ' C: TOP [0-9]* 0$' "$1" 2>/dev/null) # nothing while the log is not there yet
	echo "${n:-0}"
}

# wait_for WHAT SECONDS CMD...: until CMD succeeds; dies after SECONDS.
wait_for()
{
	local what=$1 tries=$(($2 * 20))
	shift 2
	until "$@"; do
		tries=$((tries - 1))
		[ $tries -gt 0 ] || bench_die "no $what within the time allowed (see $WORK)"
		kill -0 "$PID" 2>/dev/null || bench_die "popscope ended (see $WORK)"
		sleep 0.05
	done
}

scan_started() { [ "$(count_tops "$LOG")" -ge "$START_TOPS" ]; }
has_record() { grep -q "^request:$1 " "$TIMINGS"; }

# one_run N: the view, a preview and a save; appends "KIND SENT REPLY SHOWN
# NUMBER TOPS_BEFORE TOPS_AT_END KEY_MS" lines to $WORK/results.
one_run()
{
	local run=$1 tops_key kind at
	LOG=$WORK/log.$run TIMINGS=$WORK/timings.$run
	mkdir -p "$WORK/saved.$run"
	: >"$TIMINGS"
	# shellcheck disable=SC2145  # the prefix is one string for tmux's shell
	tmux -S "$SOCK" new-session -d -x 160 -y 50 \
		"exec ${RUN_IN[*]} env POPSCOPE_TIMINGS='$TIMINGS' TZ=UTC LANG=C.UTF-8 '$POPSCOPE' \
		--ca-file '$CA_FILE' --password-command '$PW_CMD' --log '$LOG' \
		--log-body-lines 0 --save-dir '$WORK/saved.$run' '$URL'"
	PID=$(tmux -S "$SOCK" display -p '#{pane_pid}')
	wait_for "header scan" "$SCAN_TIMEOUT" scan_started
	for kind in preview save; do
		tops_key=$(count_tops "$LOG")
		if [ "$kind" = preview ]; then
			at=$PREVIEW_AT
			tmux -S "$SOCK" send-keys "$at" Enter Enter
		else
			at=$SAVE_AT
			# Left: back to the list; jump; s opens the prompt, Enter saves.
			tmux -S "$SOCK" send-keys Left "$at" Enter
			sleep 0.2
			tmux -S "$SOCK" send-keys s
			sleep 0.2
			tmux -S "$SOCK" send-keys Enter
		fi
		wait_for "$kind record" 60 has_record "$kind"
		# The key's own line (its handling and redraw) comes before the request's.
		awk -v k="$kind" -v b="$tops_key" -v n="$(count_tops "$LOG")" -v at="$at" \
			'$1 == "request:" k { print k, $2, $3, $4, at, b, n, key; exit }
			$1 !~ /^request:/ { key = $2 }' "$TIMINGS" >>"$WORK/results"
	done
	tmux -S "$SOCK" kill-server 2>/dev/null
	sleep 0.5
}

: >"$WORK/results"
for ((i = 1; i <= RUNS; i++)); do
	one_run "$i"
done

echo
printf '  %-8s %7s %7s %7s %7s %7s %6s %9s %10s %8s\n' "request" "message" "key" "sent" \
	"reply" "shown" "RTTs" "TOPs then" "TOPs after" "scan"
awk -v rtt="$RTT_MS" -v n="$MESSAGES" '{
	printf "  %-8s %7d %7.1f %7.1f %7.1f %7.1f %6.1f %9d %10d %8s\n", $1, $5, $8, $2, $3, $4,
		($3 - $2) / rtt, $6, $7, ($7 < n ? "running" : "done") }' "$WORK/results"
echo
echo "  key: the key's handling and redraw (a save creates its file then); sent: key to"
echo "  the command leaving; reply: key to the first line of the reply; shown: key to"
echo "  the end of the redraw that shows it; RTTs: sent to reply, in round trips of RTT_MS;"
echo "  TOPs then / after: header TOPs sent when the key came / when the record was written"
