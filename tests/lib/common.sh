# common.sh: shared set-up for the integration tests (bash; sources tap.sh).
#
#   start_dovecot [N]   a private Dovecot (tests/fixture/dovecot.sh) in $WORK;
#                       sources its env (HOST, POP3_PORT, USER, PASSWORD, ...)
#   start_hostile NAME  tests/fixture/hostile_server.py NAME; sets HOSTILE_PORT,
#                       HOSTILE_LOG (the commands the server received) and
#                       HOSTILE_CERT (the certificate of a pop3s scenario)
#   run_popscope ARGS   runs $POPSCOPE under timeout with stdin from /dev/null;
#                       sets STATUS, OUT, ERR (and the files $WORK/stdout, stderr)
#   check_sane DESC     one test: no crash, no timeout, no sanitizer report
#   no_esc DESC FILE... one test: no raw ESC byte in the files
#   probe ARGS          tests/lib/pop3probe.py with the Dovecot env (poplib)
# $WORK is a fresh directory, removed on exit (kept with KEEP_TEST_DIR=1);
# everything started here is stopped on exit, whatever the exit.
set -u

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$LIB_DIR/tap.sh"
TESTS_SRCDIR=${TESTS_SRCDIR:-$(cd "$LIB_DIR/.." && pwd)}
FIXTURE=$TESTS_SRCDIR/fixture
PYTHON3=${PYTHON3:-python3}
POPSCOPE=${POPSCOPE:-$(cd "$LIB_DIR/../.." && pwd)/src/popscope}
# Fixed locale, time zone and colours: output must not depend on the caller.
LC_ALL=C.UTF-8
TZ=UTC
NO_COLOR=1
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export LC_ALL TZ NO_COLOR ASAN_OPTIONS UBSAN_OPTIONS PYTHON3
unset LANGUAGE

[ -x "$POPSCOPE" ] || skip_all "popscope is not built ($POPSCOPE)"
command -v "$PYTHON3" >/dev/null 2>&1 || skip_all "python3 is missing"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/popscope-test.XXXXXX") || bail_out "mktemp failed"
# Dovecot's unprivileged processes must reach $WORK/dovecot.
chmod 755 "$WORK"
HOME=$WORK/home
mkdir -m 700 "$HOME"
export HOME
HOSTILE_PIDS=

cleanup()
{
	local pid
	for pid in $HOSTILE_PIDS; do
		kill "$pid" 2>/dev/null
	done
	[ -d "$WORK/dovecot" ] && bash "$FIXTURE/dovecot.sh" stop "$WORK/dovecot" >/dev/null 2>&1
	if [ "${KEEP_TEST_DIR:-0}" = 1 ]; then
		echo "# kept $WORK"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_dovecot()
{
	if [ -n "${DOVECOT:-}" ] && [ ! -x "$DOVECOT" ]; then
		DOVECOT=
	fi
	if [ -z "${DOVECOT:-}" ] && ! command -v dovecot >/dev/null 2>&1 &&
		[ ! -x /usr/sbin/dovecot ]; then
		skip_all "Dovecot is not installed (apt-get install dovecot-pop3d)"
	fi
	if ! FIXTURE_WATCH_PID=$$ bash "$FIXTURE/dovecot.sh" start "$WORK/dovecot" "$@" \
		>"$WORK/dovecot-start.log" 2>&1; then
		diag "$(cat "$WORK/dovecot-start.log")"
		bail_out "cannot start Dovecot"
	fi
	. "$WORK/dovecot/env"
	PW_CMD="printf %s $PASSWORD"
	POP3S_URL="pop3s://$USER@$HOST:$POP3S_PORT"
	POP3_URL="pop3://$USER@$HOST:$POP3_PORT"
}

start_hostile()
{
	local portfile=$WORK/hostile-$1.port tries=200
	rm -f "$portfile" "$portfile.log"
	"$PYTHON3" "$FIXTURE/hostile_server.py" "$1" "$portfile" \
		</dev/null >"$WORK/hostile-$1.out" 2>&1 &
	HOSTILE_PID=$!
	HOSTILE_PIDS="$HOSTILE_PIDS $HOSTILE_PID"
	while [ ! -s "$portfile" ] && [ $tries -gt 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	[ -s "$portfile" ] || bail_out "hostile server $1 did not start"
	HOSTILE_PORT=$(cat "$portfile")
	HOSTILE_LOG=$portfile.log
	HOSTILE_CERT=$portfile.crt
}

# stop_hostile: end the last hostile server (it exits by itself after one
# connection; this covers a client that never connected).
stop_hostile()
{
	kill "$HOSTILE_PID" 2>/dev/null
	wait "$HOSTILE_PID" 2>/dev/null
	return 0
}

run_popscope()
{
	timeout -k 5 "${POPSCOPE_TIMEOUT:-20}" "$POPSCOPE" "$@" \
		</dev/null >"$WORK/stdout" 2>"$WORK/stderr"
	STATUS=$?
	OUT=$(cat "$WORK/stdout")
	ERR=$(cat "$WORK/stderr")
}

check_sane()
{
	local why=
	case $STATUS in
	124 | 137) why="timed out" ;;
	125 | 126 | 127) why="could not run $POPSCOPE" ;;
	*) [ "$STATUS" -gt 128 ] && why="killed by signal $((STATUS - 128))" ;;
	esac
	if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer' \
		"$WORK/stderr"; then
		why="${why:+$why, }sanitizer report"
	fi
	if [ -z "$why" ]; then
		pass "$1"
	else
		fail "$1" "$why (exit status $STATUS)" "stderr:" "$(head -c 4000 "$WORK/stderr")"
	fi
}

no_esc()
{
	local desc=$1
	shift
	if grep -l "$(printf '\033')" "$@" >/dev/null 2>&1; then
		fail "$desc" "raw ESC byte in: $(grep -l "$(printf '\033')" "$@" | tr '\n' ' ')"
	else
		pass "$desc"
	fi
}

probe()
{
	"$PYTHON3" "$LIB_DIR/pop3probe.py" "$WORK/dovecot/env" "$@"
}

# is_status EXPECTED DESC: one test on $STATUS, showing stderr on failure.
is_status()
{
	if [ "$STATUS" = "$1" ]; then
		pass "$2"
	else
		fail "$2" "exit status $STATUS, expected $1" "stdout: $OUT" "stderr: $ERR"
	fi
}

# one_error_line DESC: stderr has a "popscope: " line (the error).
one_error_line()
{
	like "$ERR" '^popscope: ' "$1"
}

# expected_field N COLUMN: a field of expected.tsv (1 number, 2 size, 3 date,
# 4 from, 5 subject, 6 basename, 7 address, 8 problems).
expected_field()
{
	awk -F '\t' -v n="$1" -v c="$2" '$1 == n { print $c }' "$EXPECTED"
}

# maildir_file N: the Maildir file of message N (while it exists).
maildir_file()
{
	local base
	base=$(expected_field "$1" 6)
	ls "$MAILDIR"/cur/"$base"* "$MAILDIR"/new/"$base"* 2>/dev/null | head -n 1
}

# crlf FILE: the file with LF line endings turned into CRLF, on stdout.
crlf()
{
	LC_ALL=C sed 's/$/\r/' "$1"
}

# no_raw_controls DESC FILE...: one test: no C0 control but TAB and LF, no
# DEL, no C1 control (raw or UTF-8 encoded), no bidi override in the files.
no_raw_controls()
{
	local desc=$1 found
	shift
	found=$("$PYTHON3" - "$@" <<'PY'
import re, sys
bad = re.compile(rb'[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]'
		 rb'|\xe2\x81[\xa6-\xa9]|\xd8\x9c')
for path in sys.argv[1:]:
	data = open(path, 'rb').read()
	m = bad.search(data)
	if m:
		print('%s: %r at offset %d' % (path, m.group(), m.start()))
PY
)
	if [ -z "$found" ]; then
		pass "$desc"
	else
		fail "$desc" "$found"
	fi
}
