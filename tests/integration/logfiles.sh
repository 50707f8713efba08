#!/bin/bash
# logfiles.sh: --trace and --log write only to a regular file: a FIFO (with
# or without a reader), a device or a symbolic link is refused at once.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

# Nothing listens on port 1; the trace file is opened before connecting.
URL=pop3://alice@127.0.0.1:1

refused()
{
	local what=$1 path=$2
	shift 2
	POPSCOPE_TIMEOUT=10 run_popscope "$@" "$URL"
	check_sane "$what: no hang"
	is_status 74 "$what: exit 74"
	like "$ERR" "^popscope: .*$path.*(is not a regular file|symbolic link)" \
		"$what: says why"
}

mkfifo "$WORK/fifo"
refused "--trace FIFO without a reader" "$WORK/fifo" \
	--check --plaintext --password-command 'printf x' --trace "$WORK/fifo"

# Both ends held open here: a plain open for writing would succeed.
exec 3<>"$WORK/fifo"
refused "--trace FIFO with a reader" "$WORK/fifo" \
	--check --plaintext --password-command 'printf x' --trace "$WORK/fifo"
# Nothing reached the FIFO.
if read -r -t 0.2 -u 3 line; then
	fail "--trace FIFO with a reader: nothing written" "got: $line"
else
	pass "--trace FIFO with a reader: nothing written"
fi
exec 3<&-

refused "--trace /dev/null" /dev/null \
	--check --plaintext --password-command 'printf x' --trace /dev/null

ln -s "$WORK/elsewhere" "$WORK/link"
refused "--trace symlink" "$WORK/link" \
	--check --plaintext --password-command 'printf x' --trace "$WORK/link"
[ ! -e "$WORK/elsewhere" ]
ok $? "--trace symlink: its target was not created"

# --log (the full-screen view) shares the rules; it is opened before the
# terminal check.
refused "--log FIFO" "$WORK/fifo" --plaintext --password-command 'printf x' --log "$WORK/fifo"

# A regular file still works, new or existing.
POPSCOPE_TIMEOUT=10 run_popscope --check --plaintext --password-command 'printf x' \
	--trace "$WORK/trace.log" "$URL"
check_sane "--trace regular file: no crash"
is_status 69 "--trace regular file: the connection is refused (69), not the file (74)"
like "$(cat "$WORK/trace.log")" 'resolving 127\.0\.0\.1 port 1' "--trace regular file: written"
is "$(stat -c %a "$WORK/trace.log")" 600 "--trace regular file: mode 0600"

done_testing
