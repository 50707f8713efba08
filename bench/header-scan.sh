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
# RUNS (3, median), RTT_RUNS (1, for the slow sequential clients at RTT),
# RTT_MS (20), PIPELINES (extra rows with --pipeline N, e.g. "128 1"),
# PEERS (1: python poplib and curl on loopback too), RTT_PEERS (0: 1 adds them
# at the round trip, minutes at 10,000 messages), CURL_TOPS (200, the TOP
# sample), DELAY_METHOD (auto|netem|proxy|veth0|none), RUN_TIMEOUT (900 s per run).
set -u
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

MESSAGES=${MESSAGES:-10000}
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
# TOP sent, in round trips of RTT_MS (times in the trace are milliseconds).
round_trips()
{
	awk -v rtt="$RTT_MS" '
		function ms(t,   p) { split(t, p, ":"); return ((p[1] * 60 + p[2]) * 60 + p[3]) * 1000 }
		NR == 1 { start = ms($1) }
		$2 == "C:" && $3 == "TOP" { printf "%.1f round trips (%d ms)", (ms($1) - start) / rtt,
			ms($1) - start; exit }' "$1"
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
	A_STDIN=$WORK/floor.in bench_alternate "$RUNS" "$WORK/floor.txt" "$WORK/list-default.txt"
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
	cmp -s "$WORK/poplib.txt" "$WORK/list-default.txt" ||
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

netem_works()
{
	local ns=popscope-bench-probe-$$ ok=1
	ip netns add "$ns" 2>/dev/null || return 1
	ip -n "$ns" link set lo up &&
		ip netns exec "$ns" tc qdisc add dev lo root netem delay 1ms 2>/dev/null && ok=0
	ip netns del "$ns" 2>/dev/null
	return $ok
}

# setup_veth DELAY_MS: namespace NS with a veth pair to this one, DELAY_MS of
# netem on each end (0: none). Dovecot gains a listener on the root-side address
# with a certificate naming it. Sets RTT_HOST RTT_PORT RUN_IN.
setup_veth()
{
	local delay=$1 host=$NET_PREFIX.1 peer=$NET_PREFIX.2
	NS=popscope-bench-$$
	local vroot=psb$$r vns=psb$$n
	vroot=${vroot:0:15} vns=${vns:0:15}
	ip -4 addr show | grep -q "inet $NET_PREFIX\." &&
		bench_die "$NET_PREFIX.0/30 is in use here: set NET_PREFIX to a free /24 prefix"
	ip netns add "$NS" || bench_die "ip netns add failed (root needed)"
	at_exit "ip netns del '$NS'"
	ip link add "$vroot" type veth peer name "$vns" || bench_die "cannot create a veth pair"
	# Deleting one end removes the pair (and its qdiscs); the namespace's end goes
	# with the namespace.
	at_exit "ip link del '$vroot'"
	ip link set "$vns" netns "$NS" &&
		ip addr add "$host/30" dev "$vroot" && ip link set "$vroot" up &&
		ip -n "$NS" addr add "$peer/30" dev "$vns" && ip -n "$NS" link set "$vns" up &&
		ip -n "$NS" link set lo up || bench_die "cannot configure the veth pair"
	if [ "$delay" != 0 ]; then
		local half
		half=$(awk -v d="$delay" 'BEGIN { print d / 2 }')
		tc qdisc add dev "$vroot" root netem delay "${half}ms" limit 100000 &&
			ip netns exec "$NS" tc qdisc add dev "$vns" root netem delay "${half}ms" \
				limit 100000 || bench_die "tc netem failed"
	fi

	# Bench-only config tweak: listen on the veth address too, with a certificate
	# (signed by the fixture's CA) that names it, then reload Dovecot.
	(
		cd "$DIR/tls" || exit 1
		openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout bench.key -out bench.csr -subj "/CN=$host" -config /dev/null &&
			printf 'subjectAltName = IP:%s\nextendedKeyUsage = serverAuth\n' "$host" \
				>bench.ext &&
			openssl x509 -req -in bench.csr -CA ca.crt -CAkey ca.key -days 2 \
				-set_serial "0x$(openssl rand -hex 8)" -extfile bench.ext -out bench.crt
	) >"$WORK/openssl.log" 2>&1 || { cat "$WORK/openssl.log" >&2; bench_die "openssl failed"; }
	chmod 644 "$DIR/tls/bench.crt"
	chown --reference="$DIR/tls/server.key" "$DIR/tls/bench.key" 2>/dev/null
	sed -i "s/^listen = .*/&, $host/" "$DIR/dovecot.conf"
	printf 'local %s {\n  ssl_cert = <%s\n  ssl_key = <%s\n}\n' "$host" \
		"$DIR/tls/bench.crt" "$DIR/tls/bench.key" >>"$DIR/dovecot.conf"
	kill -HUP "$(cat "$DIR/run/master.pid")" || bench_die "cannot reload Dovecot"
	local tries=100
	until ip netns exec "$NS" "$PYTHON3" -c "import socket, sys
s = socket.create_connection(('$host', $POP3S_PORT), timeout=2)" 2>/dev/null; do
		tries=$((tries - 1))
		[ $tries -gt 0 ] || bench_die "Dovecot does not listen on $host after the reload"
		sleep 0.1
	done
	RTT_HOST=$host RTT_PORT=$POP3S_PORT RUN_IN=(ip netns exec "$NS")
}

# setup_proxy DELAY_MS: delay_proxy.py on loopback. Sets RTT_HOST RTT_PORT RUN_IN.
setup_proxy()
{
	local half
	half=$(awk -v d="$1" 'BEGIN { print d / 2 }')
	coproc PROXY { exec "$PYTHON3" "$BENCH_DIR/delay_proxy.py" 127.0.0.1 "$POP3S_PORT" \
		"$half" 3600; }
	at_exit "kill $PROXY_PID"
	read -r -t 10 RTT_PORT <&"${PROXY[0]}" || bench_die "delay_proxy.py did not start"
	RTT_HOST=127.0.0.1 RUN_IN=()
}

echo "header-scan: $MESSAGES messages (LIST, UIDL, TOP n 0 each), pop3s, Dovecot fixture"
echo "machine: $(machine_line)"
echo "median of $RUNS runs (sequential clients at RTT: $RTT_RUNS); ! = a run failed"

# Warm up: Dovecot builds its index and caches on the first scan.
bench_measure "$WORK/warm.txt" "$POPSCOPE" --list --ca-file "$CA_FILE" \
	--password-command "$PW_CMD" "pop3s://$USER@$HOST:$POP3S_PORT" ||
	bench_die "popscope --list failed on the fixture"

write_floor_input "$WORK/floor.in" "$MESSAGES"
scan_table "loopback (127.0.0.1, no added delay)" "$HOST" "$POP3S_PORT" "$RUNS" "$PEERS"

method=$DELAY_METHOD
if [ "$method" = auto ]; then
	if [ "$(id -u)" -eq 0 ] && command -v tc >/dev/null && netem_works; then
		method=netem
	else
		method=proxy
		bench_note "no tc netem here (needs root and the sch_netem module): using" \
			"bench/delay_proxy.py on loopback instead"
	fi
fi
case $method in
netem)
	setup_veth "$RTT_MS"
	path="network namespace + veth, netem ${RTT_MS} ms RTT ($RTT_HOST)"
	;;
veth0)
	setup_veth 0
	path="network namespace + veth, no delay (plumbing check)"
	;;
proxy)
	setup_proxy "$RTT_MS"
	path="userspace delay relay, ${RTT_MS} ms RTT (bench/delay_proxy.py; netem unavailable)"
	;;
none)
	exit 0
	;;
*)
	bench_die "DELAY_METHOD must be auto, netem, proxy, veth0 or none"
	;;
esac
echo
echo "round trip check (popscope --check): $(rtt_probe "${RUN_IN[@]}")"
"${RUN_IN[@]}" "$POPSCOPE" --list --trace "$WORK/rtt.trace" --ca-file "$CA_FILE" \
	--password-command "$PW_CMD" "pop3s://$USER@$RTT_HOST:$RTT_PORT" >/dev/null ||
	bench_note "popscope --list --trace failed at the round trip"
echo "from the start to the first TOP sent: $(round_trips "$WORK/rtt.trace")"
scan_table "$path" "$RTT_HOST" "$RTT_PORT" "$RTT_RUNS" "$RTT_PEERS" "${RUN_IN[@]}"
