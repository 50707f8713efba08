#!/bin/bash
# header-scan.sh: popscope --list on a big mailbox (LIST, UIDL, TOP n 0 per message),
# pipelined and not, against python poplib and curl; on loopback, then at a
# 20 ms round trip. Run from anywhere: bash bench/header-scan.sh. See bench/README.md.
#
# The floor is an openssl s_client that writes the login, LIST and every
# TOP n 0 at once: the server's and the link's own speed. popscope's default
# runs alternate with it, and the table gives each row's ratio to it.
#
# Environment: POPSCOPE (binary, default src/popscope), MESSAGES (10000),
# ALT_RUNS (9: the floor and popscope alternate this many times, a second or
# so each at 10,000 messages; a run's noise moves the medians less),
# RUNS (3, median, the other rows), RTT_RUNS (1, for the slow sequential clients at RTT),
# RTT_MS (20), PIPELINES (extra rows with --pipeline N, e.g. "128 1"),
# PEERS (1: python poplib and curl on loopback too), RTT_PEERS (0: 1 adds them
# at the round trip, minutes at 10,000 messages), CURL_TOPS (200, the TOP
# sample), DELAY_METHOD (auto|netem|proxy|veth0|none), RUN_TIMEOUT (900 s per run).
set -u
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

MESSAGES=${MESSAGES:-10000}
ALT_RUNS=${ALT_RUNS:-9}
RTT_RUNS=${RTT_RUNS:-1}
RTT_MS=${RTT_MS:-20}
PIPELINES=${PIPELINES:-}
PEERS=${PEERS:-1}
RTT_PEERS=${RTT_PEERS:-0}
CURL_TOPS=${CURL_TOPS:-200}
DELAY_METHOD=${DELAY_METHOD:-auto}
# The veth pair for the netem method: a /30 that must be unused here.
NET_PREFIX=${NET_PREFIX:-10.253.231}

bench_init header-scan
[ "$CURL_TOPS" -le "$MESSAGES" ] || CURL_TOPS=$MESSAGES
DIR=$WORK/dovecot
# All messages small, the fixture's "big" one included: this is about headers.
BIG_SIZE=4096 bench_dovecot "$DIR" "$MESSAGES"

# write_curl_config FILE HOST PORT NTOPS: LIST, UIDL, then TOP 1..NTOPS 0, one
# connection (curl reuses it across --next), output discarded.
write_curl_config()
{
	local file=$1 host=$2 port=$3 ntops=$4 i
	{
		for cmd in LIST UIDL; do
			printf 'url = "pop3s://%s:%s/"\nrequest = "%s"\n' "$host" "$port" "$cmd"
			printf 'cacert = "%s"\nnetrc-file = "%s"\nsilent\nshow-error\n' \
				"$CA_FILE" "$DIR/netrc"
			printf 'output = "/dev/null"\n'
			[ "$cmd" = UIDL ] && [ "$ntops" -eq 0 ] || echo next
		done
		for ((i = 1; i <= ntops; i++)); do
			printf 'url = "pop3s://%s:%s/"\nrequest = "TOP %d 0"\n' "$host" "$port" "$i"
			printf 'cacert = "%s"\nnetrc-file = "%s"\nsilent\nshow-error\n' \
				"$CA_FILE" "$DIR/netrc"
			printf 'output = "/dev/null"\n'
			[ "$i" -lt "$ntops" ] && echo next
		done
	} >"$file"
}

# write_floor_input FILE NTOPS: what the floor client writes at once: the
# login, LIST, every TOP n 0 and QUIT.
write_floor_input()
{
	local i
	{
		printf 'USER %s\r\nPASS %s\r\nLIST\r\n' "$USER" "$PASSWORD"
		for ((i = 1; i <= $2; i++)); do
			printf 'TOP %d 0\r\n' "$i"
		done
		printf 'QUIT\r\n'
	} >"$1"
	chmod 600 "$1"
}

# round_trips TRACE: from the first event of a popscope --trace to the first
# TOP sent, in round trips of RTT_MS (times in the trace are milliseconds),
# in all and per phase: TCP connect, TLS handshake, the greeting and the
# first CAPA (sent with the handshake's last flight, answered with the
# greeting), the login (AUTH/USER.. to "logged in"), from there to the
# server's first answer (CAPA and STAT, sent as the login succeeds: one
# round trip plus the server's time to open the mailbox), then up to the
# first TOP (sent as STAT's answer gives the count).
round_trips()
{
	awk -v rtt="$RTT_MS" '
		function ms(t,   p) { sub(/^[0-9-]*T/, "", t); sub(/[+-][0-9:]*$/, "", t)
			split(t, p, ":"); return ((p[1] * 60 + p[2]) * 60 + p[3]) * 1000 }
		function phase(name, from, to) { printf "  %-34s %5.1f round trips (%4d ms)\n",
			name, (to - from) / rtt, to - from }
		NR == 1 { start = ms($1) }
		$2 == "---" && $3 == "connected" && !conn { conn = ms($1) }
		$2 == "TLS" && !tls { tls = ms($1) }
		$2 == "---" && $3 == "authenticating" && !auth { auth = ms($1) }
		$2 == "---" && $3 == "logged" && !login { login = ms($1) }
		$2 == "S:" && login && !answer { answer = ms($1) }
		$2 == "C:" && $3 == "TOP" { top = ms($1)
			printf "%.1f round trips (%d ms)\n", (top - start) / rtt, top - start
			phase("start to TCP connected", start, conn)
			phase("TLS handshake", conn, tls ? tls : conn)
			phase("greeting and CAPA", tls ? tls : conn, auth)
			phase("login (SASL exchange)", auth, login)
			phase("login to the first answer", login, answer)
			phase("first answer to the first TOP", answer, top)
			exit }' "$1"
}

# scan_table TITLE HOST PORT SEQ_RUNS PEERS PREFIX...: the table for one
# network path. PREFIX runs each client (e.g. ip netns exec NS).
scan_table()
{
	local title=$1 host=$2 port=$3 seq_runs=$4 peers=$5 window runs out lines t_list base
	shift 5
	local url="pop3s://$USER@$host:$port"
	local per floor_wall
	printf 'machine %s login %s password %s\n' "$host" "$USER" "$PASSWORD" >"$DIR/netrc"
	chmod 600 "$DIR/netrc"

	echo
	echo "$title"
	bench_row "client" "wall s" "peak RSS MiB" "ms/message" "of floor"
	bench_row "------" "------" "------------" "----------" "--------"
	# The floor and popscope's default, alternated.
	CMD_A=("$@" openssl s_client -quiet -ign_eof -CAfile "$CA_FILE" -connect "$host:$port")
	CMD_B=("$@" "$POPSCOPE" --list --ca-file "$CA_FILE" --password-command "$PW_CMD" "$url")
	A_STDIN=$WORK/floor.in bench_alternate "$ALT_RUNS" "$WORK/floor.txt" "$WORK/list-default.txt"
	floor_wall=$A_WALL
	[ "$(grep -c '^+OK' "$WORK/floor.txt")" -eq $((MESSAGES + 5)) ] ||
		bench_note "the floor client did not get every reply"
	per=$(awk -v t="$A_WALL" -v n="$MESSAGES" 'BEGIN { printf "%.3f", t * 1000 / n }')
	bench_row "floor: s_client, all TOPs at once" "$A_WALL$([ "$A_OK" = 0 ] || echo '!')" \
		"$(mb "$A_RSS")" "$per" "x1.00"
	lines=$(wc -l <"$WORK/list-default.txt")
	[ "$lines" -eq "$MESSAGES" ] || bench_note "popscope --list printed $lines lines," \
		"expected $MESSAGES"
	per=$(awk -v t="$B_WALL" -v n="$MESSAGES" 'BEGIN { printf "%.3f", t * 1000 / n }')
	bench_row "popscope --list" "$B_WALL$([ "$B_OK" = 0 ] || echo '!')" "$(mb "$B_RSS")" \
		"$per" "$(ratio "$B_WALL" "$floor_wall")"
	echo "    runs in turn (s): floor $A_WALLS"
	echo "                   popscope $B_WALLS"

	for window in $PIPELINES; do
		runs=$RUNS
		[ "$window" -lt 16 ] && runs=$seq_runs
		out=$WORK/list-$window.txt
		bench_repeat "$runs" "$out" "$@" "$POPSCOPE" --list --pipeline "$window" \
			--ca-file "$CA_FILE" --password-command "$PW_CMD" "$url"
		per=$(awk -v t="$R_WALL" -v n="$MESSAGES" 'BEGIN { printf "%.3f", t * 1000 / n }')
		bench_row "popscope --list --pipeline $window" "$R_WALL$([ "$R_OK" = 0 ] || echo '!')" \
			"$(mb "$R_RSS")" "$per" "$(ratio "$R_WALL" "$floor_wall")"
	done

	[ "$peers" = 1 ] || return 0
	bench_repeat "$seq_runs" "$WORK/poplib.txt" "$@" "$PYTHON3" "$BENCH_DIR/poplib_scan.py" \
		scan "$host" "$port" "$CA_FILE" "$USER" "$DIR/pw"
	per=$(awk -v t="$R_WALL" -v n="$MESSAGES" 'BEGIN { printf "%.3f", t * 1000 / n }')
	bench_row "python poplib (sequential)" "$R_WALL$([ "$R_OK" = 0 ] || echo '!')" \
		"$(mb "$R_RSS")" "$per" "$(ratio "$R_WALL" "$floor_wall")"
	# poplib_scan.py prints --list's first six fields (number, size, UIDL,
	# date, sender, subject), not the address and problem codes after them.
	cut -f 1-6 "$WORK/list-default.txt" | cmp -s "$WORK/poplib.txt" - ||
		bench_note "note: poplib's listing differs from popscope's (see $WORK if kept)"

	if [ "$HAVE_CURL" = 1 ]; then
		write_curl_config "$WORK/curl-list.cfg" "$host" "$port" 0
		write_curl_config "$WORK/curl-top.cfg" "$host" "$port" "$CURL_TOPS"
		bench_repeat "$RUNS" /dev/null "$@" curl -K "$WORK/curl-list.cfg"
		t_list=$R_WALL base=$R_RSS
		bench_row "curl LIST+UIDL only (reference)" "$t_list$([ "$R_OK" = 0 ] || echo '!')" \
			"$(mb "$base")" ""
		bench_repeat "$RUNS" /dev/null "$@" curl -K "$WORK/curl-top.cfg"
		# LIST+UIDL plus CURL_TOPS TOPs measured; the rest extrapolated per TOP.
		per=$(awk -v a="$t_list" -v b="$R_WALL" -v k="$CURL_TOPS" \
			'BEGIN { d = (b - a) / k; if (d < 0) d = 0; printf "%.3f", d * 1000 }')
		local est
		est=$(awk -v a="$t_list" -v p="$per" -v n="$MESSAGES" \
			'BEGIN { printf "%.2f", a + p * n / 1000 }')
		bench_row "curl LIST+UIDL+$CURL_TOPS TOP (measured)" \
			"$R_WALL$([ "$R_OK" = 0 ] || echo '!')" "$(mb "$R_RSS")" ""
		bench_row "curl full scan, extrapolated" "~$est" "" "$per"
	fi
}

# rtt_probe PREFIX...: one command round trip (the first CAPA) as popscope --check shows it.
rtt_probe()
{
	local url="pop3s://$USER@$RTT_HOST:$RTT_PORT"
	"$@" "$POPSCOPE" --check --ca-file "$CA_FILE" --password-command "$PW_CMD" "$url" \
		2>&1 | awk '$1 == "capa" { printf "CAPA before login took %s ms", $3; exit }'
}

echo "header-scan: $MESSAGES messages (LIST, UIDL, TOP n 0 each), pop3s, Dovecot fixture"
echo "machine: $(machine_line)"
echo "median of $ALT_RUNS alternated runs of the floor and popscope, of $RUNS for the other rows" \
	"(sequential clients at RTT: $RTT_RUNS); ! = a run failed"

# Warm up: Dovecot builds its index and caches on the first scan.
bench_measure "$WORK/warm.txt" "$POPSCOPE" --list --ca-file "$CA_FILE" \
	--password-command "$PW_CMD" "pop3s://$USER@$HOST:$POP3S_PORT" ||
	bench_die "popscope --list failed on the fixture"

write_floor_input "$WORK/floor.in" "$MESSAGES"
scan_table "loopback (127.0.0.1, no added delay)" "$HOST" "$POP3S_PORT" "$RUNS" "$PEERS"

bench_delay_path
echo
echo "round trip check (popscope --check): $(rtt_probe "${RUN_IN[@]}")"
"${RUN_IN[@]}" "$POPSCOPE" --list --trace "$WORK/rtt.trace" --ca-file "$CA_FILE" \
	--password-command "$PW_CMD" "pop3s://$USER@$RTT_HOST:$RTT_PORT" >/dev/null ||
	bench_note "popscope --list --trace failed at the round trip"
echo "from the start to the first TOP sent: $(round_trips "$WORK/rtt.trace")"
scan_table "$DELAY_PATH" "$RTT_HOST" "$RTT_PORT" "$RTT_RUNS" "$RTT_PEERS" "${RUN_IN[@]}"
