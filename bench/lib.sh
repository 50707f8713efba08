# lib.sh: shared by the bench/*.sh scripts (sourced, not run).
#
# Provides: bench_init (paths, tools, temp dir, cleanup trap), bench_dovecot
# (start the test fixture), bench_measure / bench_repeat / bench_alternate
# (wall time and peak RSS through /usr/bin/time), median, ratio, bench_row
# (one table line), bench_need (Debian packages), at_exit (register cleanup). Settings come from the environment, see bench/README.md.
# shellcheck shell=bash disable=SC2034  # the variables set here are read by the scripts

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
FIXTURE=$REPO_DIR/tests/fixture/dovecot.sh
PYTHON3=${PYTHON3:-python3}
RUNS=${RUNS:-3}
# Every client run is bounded: a hung run is killed and reported, not waited for.
RUN_TIMEOUT=${RUN_TIMEOUT:-900}

BENCH_CLEANUP=()
BENCH_RUN_PID=

bench_die()
{
	echo "${0##*/}: $*" >&2
	exit 1
}

bench_note()
{
	echo "${0##*/}: $*" >&2
}

# at_exit CMD...: run CMD (one string, eval'd) at exit, last registered first.
at_exit()
{
	BENCH_CLEANUP=("$*" "${BENCH_CLEANUP[@]}")
}

bench_cleanup()
{
	local cmd
	trap - EXIT INT TERM HUP
	if [ -n "${BENCH_RUN_PID:-}" ]; then
		# time's child is timeout, which passes the signal on to the client.
		pkill -TERM -P "$BENCH_RUN_PID" 2>/dev/null
		wait "$BENCH_RUN_PID" 2>/dev/null
	fi
	for cmd in "${BENCH_CLEANUP[@]}"; do
		eval "$cmd" >/dev/null 2>&1
	done
}

# bench_init NAME: check the tools, make $WORK (removed at exit), set $POPSCOPE.
bench_init()
{
	local name=$1
	[ -x /usr/bin/time ] ||
		bench_die "/usr/bin/time is missing (GNU time: apt-get install -y time)"
	command -v "$PYTHON3" >/dev/null || bench_die "python3 is missing"
	POPSCOPE=${POPSCOPE:-$REPO_DIR/src/popscope}
	[ -x "$POPSCOPE" ] || bench_die "no popscope binary at $POPSCOPE: build with -O2 and" \
		"no sanitizers, then set POPSCOPE=/path/to/popscope"
	POPSCOPE=$(cd "$(dirname "$POPSCOPE")" && pwd)/$(basename "$POPSCOPE")
	if ldd "$POPSCOPE" 2>/dev/null | grep -Eq 'lib(asan|ubsan|tsan)'; then
		bench_note "warning: $POPSCOPE is built with sanitizers; its times and RSS" \
			"mean nothing"
	fi
	if command -v curl >/dev/null; then
		HAVE_CURL=1
	else
		HAVE_CURL=0
		bench_note "curl is not installed (apt-get install -y curl): its rows are skipped"
	fi
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/popscope-bench-$name.XXXXXX") ||
		bench_die "cannot make a temp dir"
	chmod 755 "$WORK"
	at_exit "rm -rf '$WORK'"
	trap bench_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
}

# bench_need PACKAGE...: the Debian packages a bench needs: installed with
# apt-get when missing and running as root, else the bench stops and says so.
bench_need()
{
	local missing=() package
	for package in "$@"; do
		dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$package")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || bench_die "missing: ${missing[*]} (apt-get install -y ${missing[*]})"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >"$WORK/apt.log" 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" \
				>"$WORK/apt.log" 2>&1; } ||
		bench_die "apt-get install ${missing[*]} failed (see $WORK/apt.log)"
}

# bench_dovecot DIR NMESSAGES: start the test fixture in DIR, source DIR/env,
# write DIR/pw and DIR/netrc. Extra arguments: a command prefix to run the
# fixture under (e.g. ip netns exec NS). BIG_SIZE comes from the environment.
bench_dovecot()
{
	local dir=$1 count=$2
	shift 2
	at_exit "bash '$FIXTURE' stop '$dir'"
	FIXTURE_WATCH_PID=$$ "$@" bash "$FIXTURE" start "$dir" "$count" >"$WORK/fixture.log" 2>&1 ||
		{ cat "$WORK/fixture.log" >&2; bench_die "the Dovecot fixture did not start"; }
	# shellcheck disable=SC1091
	. "$dir/env"
	printf '%s\n' "$PASSWORD" >"$dir/pw"
	chmod 600 "$dir/pw"
	PW_CMD="cat $dir/pw"
	# The mailbox (up to a gigabyte) goes to disk before anything is timed:
	# its write-back would slow whichever client runs first.
	sync
}

# bench_measure OUT CMD...: run CMD once, stdout to OUT, stdin from BENCH_STDIN
# (default /dev/null); sets M_WALL (s), M_RSS (KiB).
# Returns CMD's status (124 on timeout).
bench_measure()
{
	local out=$1 tf=$WORK/time.out rc
	shift
	# In the background, so that a signal runs the trap at once (bash defers traps
	# while a foreground child runs); the exit handler stops the run.
	/usr/bin/time -f '%e %M' -o "$tf" timeout "$RUN_TIMEOUT" "$@" >"$out" \
		2>"$WORK/stderr.out" <"${BENCH_STDIN:-/dev/null}" &
	BENCH_RUN_PID=$!
	wait "$BENCH_RUN_PID"
	rc=$?
	BENCH_RUN_PID=
	# /usr/bin/time prefixes a line when the command failed: take the last one.
	read -r M_WALL M_RSS < <(tail -n 1 "$tf")
	if [ $rc -ne 0 ]; then
		bench_note "failed (exit $rc): $*"
		sed 's/^/  /' "$WORK/stderr.out" | head -n 5 >&2
	fi
	return $rc
}

# bench_repeat N OUT CMD...: run CMD N times; R_WALL is the median wall time, R_RSS
# the largest peak RSS (KiB), R_OK 0 when every run succeeded. BEFORE_RUN, when
# set, is eval'd before each run (untimed).
bench_repeat()
{
	local n=$1 out=$2 i walls=() rss=0
	shift 2
	R_OK=0
	for ((i = 0; i < n; i++)); do
		[ -n "${BEFORE_RUN:-}" ] && eval "$BEFORE_RUN"
		bench_measure "$out" "$@" || R_OK=1
		walls+=("$M_WALL")
		[ "${M_RSS%%.*}" -gt "$rss" ] && rss=${M_RSS%%.*}
	done
	R_WALL=$(median "${walls[@]}")
	R_RSS=$rss
}

# bench_alternate N OUT_A OUT_B: run the commands in the arrays CMD_A (stdin
# from A_STDIN, default /dev/null) and CMD_B in turn, N times each (A, B, A,
# B, ...), so that both see the same machine; A_WALL / B_WALL are the medians,
# A_WALLS / B_WALLS every run's wall time in order, A_RSS / B_RSS the largest
# peak RSS (KiB), A_OK / B_OK 0 when every run succeeded. BEFORE_A and
# BEFORE_B, when set, are eval'd before each run of A and of B (untimed).
bench_alternate()
{
	local n=$1 out_a=$2 out_b=$3 i walls_a=() walls_b=()
	A_OK=0 B_OK=0 A_RSS=0 B_RSS=0
	for ((i = 0; i < n; i++)); do
		[ -n "${BEFORE_A:-}" ] && eval "$BEFORE_A"
		BENCH_STDIN=${A_STDIN:-/dev/null} bench_measure "$out_a" "${CMD_A[@]}" || A_OK=1
		walls_a+=("$M_WALL")
		[ "${M_RSS%%.*}" -gt "$A_RSS" ] && A_RSS=${M_RSS%%.*}
		[ -n "${BEFORE_B:-}" ] && eval "$BEFORE_B"
		bench_measure "$out_b" "${CMD_B[@]}" || B_OK=1
		walls_b+=("$M_WALL")
		[ "${M_RSS%%.*}" -gt "$B_RSS" ] && B_RSS=${M_RSS%%.*}
	done
	A_WALL=$(median "${walls_a[@]}")
	B_WALL=$(median "${walls_b[@]}")
	A_WALLS=${walls_a[*]}
	B_WALLS=${walls_b[*]}
}

# median NUMBER...: the median.
median()
{
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B: A / B with two decimals, "x1.23".
ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "x%.2f", a / b; else print "-" }'
}

# mb KIB: KiB as MiB with one decimal.
mb()
{
	awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'
}

# bench_row LABEL COL...: one table line, the label left-aligned.
bench_row()
{
	local label=$1
	shift
	printf '  %-40s' "$label"
	printf ' %12s' "$@"
	printf '\n'
}

# machine_line: what the numbers were measured on.
machine_line()
{
	local cpu
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
	printf '%s, %s CPUs (%s), %s, Dovecot %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" \
		"$(nproc)" "${cpu:-unknown CPU}" "$(uname -sr)" \
		"$(dovecot --version 2>/dev/null | cut -d' ' -f1)"
}

# ---- the delayed path (header-scan.sh, preview-latency.sh) ----
# Settings: RTT_MS, DELAY_METHOD, NET_PREFIX; DIR is the fixture's directory.

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


# bench_delay_path: the RTT_MS path by DELAY_METHOD (auto: netem where it
# works, else the relay). Sets RTT_HOST RTT_PORT RUN_IN and DELAY_PATH (its
# description); DELAY_METHOD=none exits the script.
bench_delay_path()
{
	local method=$DELAY_METHOD
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
		DELAY_PATH="network namespace + veth, netem ${RTT_MS} ms RTT ($RTT_HOST)"
		;;
	veth0)
		setup_veth 0
		DELAY_PATH="network namespace + veth, no delay (plumbing check)"
		;;
	proxy)
		setup_proxy "$RTT_MS"
		DELAY_PATH="userspace delay relay, ${RTT_MS} ms RTT (bench/delay_proxy.py; netem unavailable)"
		;;
	none)
		exit 0
		;;
	*)
		bench_die "DELAY_METHOD must be auto, netem, proxy, veth0 or none"
		;;
	esac
}
