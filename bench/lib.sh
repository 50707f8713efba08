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
# B, ...), so that both see the same machine; A_WALL / B_WALL are the medians, A_RSS / B_RSS the largest peak
# RSS (KiB), A_OK / B_OK 0 when every run succeeded.
bench_alternate()
{
	local n=$1 out_a=$2 out_b=$3 i walls_a=() walls_b=()
	A_OK=0 B_OK=0 A_RSS=0 B_RSS=0
	for ((i = 0; i < n; i++)); do
		BENCH_STDIN=${A_STDIN:-/dev/null} bench_measure "$out_a" "${CMD_A[@]}" || A_OK=1
		walls_a+=("$M_WALL")
		[ "${M_RSS%%.*}" -gt "$A_RSS" ] && A_RSS=${M_RSS%%.*}
		bench_measure "$out_b" "${CMD_B[@]}" || B_OK=1
		walls_b+=("$M_WALL")
		[ "${M_RSS%%.*}" -gt "$B_RSS" ] && B_RSS=${M_RSS%%.*}
	done
	A_WALL=$(median "${walls_a[@]}")
	B_WALL=$(median "${walls_b[@]}")
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
