#!/bin/bash
# view-scale.sh: the full-screen view on a big mailbox (100,000 messages by
# default): the time until every header is in, the peak memory then, and
# how long sorting and paging take, measured inside popscope
# (POPSCOPE_TIMINGS: each key's handling plus the redraw that follows).
# The view runs in a tmux terminal of 160x50 against the test Dovecot.
# Run from anywhere: bash bench/view-scale.sh. See bench/README.md.
#
# Environment: POPSCOPE (binary, default src/popscope), MESSAGES (100000),
# SCAN_TIMEOUT (600 s for the header scan).
set -u
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

MESSAGES=${MESSAGES:-100000}
SCAN_TIMEOUT=${SCAN_TIMEOUT:-600}

bench_init view-scale
bench_need tmux
DIR=$WORK/dovecot
BIG_SIZE=4096 bench_dovecot "$DIR" "$MESSAGES"
TIMINGS=$WORK/timings
LOG=$WORK/log
SOCK=$WORK/tmux.sock
at_exit "tmux -S '$SOCK' kill-server"

echo "view-scale: the full-screen view on $MESSAGES messages over pop3s (loopback), Dovecot fixture"
echo "machine: $(machine_line)"

started=$(date +%s.%N)
# --log-body-lines 0: the log file and pane get commands and status lines.
tmux -S "$SOCK" new-session -d -x 160 -y 50 \
	"exec env POPSCOPE_TIMINGS='$TIMINGS' TZ=UTC LANG=C.UTF-8 '$POPSCOPE' \
	--ca-file '$CA_FILE' --password-command '$PW_CMD' --log '$LOG' --log-body-lines 0 \
	'pop3s://$USER@$HOST:$POP3S_PORT'"
PID=$(tmux -S "$SOCK" display -p '#{pane_pid}')

# The scan is over when the log has a reply to every TOP and grows no more.
scanned=0 last_size=-1
while :; do
	now=$(date +%s.%N)
	if awk -v a="$started" -v b="$now" -v t="$SCAN_TIMEOUT" 'BEGIN { exit !(b - a > t) }'; then
		bench_die "the header scan did not end within $SCAN_TIMEOUT s"
	fi
	kill -0 "$PID" 2>/dev/null || bench_die "popscope ended during the scan (see $LOG)"
	tops=$(grep -c ' C: TOP [0-9]* 0$' "$LOG" 2>/dev/null)
	size=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
	if [ "${tops:-0}" -ge "$MESSAGES" ] && [ "$size" = "$last_size" ]; then
		scanned=$(awk -v a="$started" -v b="$now" 'BEGIN { printf "%.1f", b - a }')
		break
	fi
	last_size=$size
	sleep 0.5
done
peak_kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$PID/status")
rss_kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$PID/status")

# One key at a time, each given time for its redraw.
press()
{
	tmux -S "$SOCK" send-keys "$@"
	sleep 0.4
}
: >"$TIMINGS"
for _ in 1 2 3 4 5 6 7; do press o; done # number, size, date, from, subject, problems, number
press O
press Z
for _ in $(seq 20); do press NPage; done
for _ in $(seq 20); do press PPage; done
press End
press Home
press '!'
peak_after_kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$PID/status")
press q
tmux -S "$SOCK" send-keys y 2>/dev/null

printf '\n  %-44s %12s\n' "headers of all $MESSAGES messages in (s)" "$scanned"
printf '  %-44s %12s\n' "peak RSS then (MiB)" "$(mb "$peak_kib")"
printf '  %-44s %12s\n' "RSS then (MiB)" "$(mb "$rss_kib")"
printf '  %-44s %12s\n' "peak RSS after the keys below (MiB)" "$(mb "$peak_after_kib")"
echo
echo "  key (handling + redraw, ms, measured inside popscope)"
awk '{ n[$1]++; s[$1] += $2; if ($2 > m[$1]) m[$1] = $2 }
	END { for (k in n) printf "  %-12s %4d presses  mean %8.2f  max %8.2f\n", k, n[k], s[k] / n[k], m[k] }' \
	"$TIMINGS" | sort
