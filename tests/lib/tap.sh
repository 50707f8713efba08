# tap.sh: minimal TAP producer for sh/bash test scripts.
#
# Source it, then:
#   plan N                      announce N tests (or call done_testing at the end)
#   skip_all REASON             "1..0 # SKIP REASON" and exit 0
#   ok STATUS DESC              pass when STATUS (an exit status) is 0
#   pass DESC / fail DESC [DIAG...]
#   is GOT EXPECTED DESC        string equality; shows both on failure
#   isnt GOT UNEXPECTED DESC
#   like GOT ERE DESC           GOT (any line) matches the extended regex ERE
#   unlike GOT ERE DESC
#   skip REASON [COUNT]         COUNT tests reported as "ok N # SKIP REASON"
#   diag TEXT...                diagnostics, every line prefixed with "# "
#   bail_out REASON             "Bail out! REASON" and exit 1
#   done_testing                print the plan if none was given; exit status
#                               is 0 (the TAP lines carry the results)
#   TAP_TODO=REASON             while set, results are TODO: "not ok N - DESC
#                               # TODO REASON" is a known gap, not a failure;
#                               a pass shows "ok ... # TODO" (the driver's
#                               XPASS: the gap is closed, drop the TODO)
# Results go to stdout; automake's tap-driver.sh reads them there.

TAP_COUNT=0
TAP_FAILED=0
TAP_PLANNED=

plan()
{
	TAP_PLANNED=$1
	echo "1..$1"
}

skip_all()
{
	echo "1..0 # SKIP $*"
	exit 0
}

diag()
{
	# Each line of every argument becomes one "# " comment line.
	printf '%s\n' "$@" | sed 's/^/# /'
}

# _tap_result OK_OR_NOT DESC: print one numbered result line.
_tap_result()
{
	local todo=
	TAP_COUNT=$((TAP_COUNT + 1))
	# A '#' in a description would start a directive: escape it.
	set -- "$1" "$(printf '%s' "$2" | sed 's/#/\\#/g' | tr '\n' ' ')"
	[ -n "${TAP_TODO:-}" ] && todo=" # TODO $(printf '%s' "$TAP_TODO" | tr '#\n' '  ')"
	if [ "$1" = ok ]; then
		echo "ok $TAP_COUNT - $2$todo"
	else
		[ -z "$todo" ] && TAP_FAILED=$((TAP_FAILED + 1))
		echo "not ok $TAP_COUNT - $2$todo"
	fi
}

pass()
{
	_tap_result ok "$1"
}

fail()
{
	_tap_result "not ok" "$1"
	shift
	[ $# -gt 0 ] && diag "$@"
	return 1
}

ok()
{
	if [ "$1" -eq 0 ] 2>/dev/null; then
		pass "$2"
	else
		fail "$2" "exit status: $1"
	fi
}

is()
{
	if [ "x$1" = "x$2" ]; then
		pass "$3"
	else
		fail "$3" "     got: '$1'" "expected: '$2'"
	fi
}

isnt()
{
	if [ "x$1" != "x$2" ]; then
		pass "$3"
	else
		fail "$3" "     got: '$1'" "expected anything else"
	fi
}

like()
{
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		pass "$3"
	else
		fail "$3" "     got: '$1'" "expected to match: /$2/"
	fi
}

unlike()
{
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		fail "$3" "     got: '$1'" "expected not to match: /$2/"
	else
		pass "$3"
	fi
}

skip()
{
	_tap_skip_n=${2:-1}
	while [ "$_tap_skip_n" -gt 0 ]; do
		TAP_COUNT=$((TAP_COUNT + 1))
		echo "ok $TAP_COUNT # SKIP $1"
		_tap_skip_n=$((_tap_skip_n - 1))
	done
}

bail_out()
{
	echo "Bail out! $*"
	exit 1
}

done_testing()
{
	if [ -z "$TAP_PLANNED" ]; then
		echo "1..$TAP_COUNT"
	elif [ "$TAP_PLANNED" -ne "$TAP_COUNT" ]; then
		diag "planned $TAP_PLANNED tests but ran $TAP_COUNT"
	fi
	[ "$TAP_FAILED" -gt 0 ] && diag "$TAP_FAILED of $TAP_COUNT tests failed"
	return 0
}
