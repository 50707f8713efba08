#!/bin/bash
# run.sh: the whole test suite, as CI runs it: install what is needed
# (Debian 12, as root), build with ASan + UBSan, make check, make distcheck,
# make lint; end with "N passed, N failed" (", N skipped" when any).
#
#   bash tests/run.sh
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build-check"
jobs=2
status=0

say() { printf '\n=== %s\n' "$*"; }

say "installing dependencies"
bash "$top/tests/install-deps.sh" || exit 1

say "bootstrap and configure (sanitizers on)"
(cd "$top" && ./bootstrap >/dev/null 2>&1) || { echo "bootstrap failed" >&2; exit 1; }
rm -rf "$build"
mkdir -p "$build"
cd "$build" || exit 1
"$top/configure" --enable-sanitizers --enable-werror --quiet || exit 1

say "build"
make -j"$jobs" >/dev/null || { make; exit 1; }

say "make check"
make -j"$jobs" check >check.out 2>&1
check_status=$?
grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP):' check.out | grep -vE '^PASS:' | head -200
if [ $check_status -ne 0 ]; then
	status=1
	# Show the logs of failing tests so CI output explains itself.
	for log in $(grep -lE '^(FAIL|ERROR):' tests/*/*.log 2>/dev/null | grep -v test-suite); do
		echo "--- $log"
		tail -n 60 "$log"
	done
fi

count()
{
	[ -f tests/test-suite.log ] || { echo 0; return; }
	awk -v key="$1" '$1 == "#" && $2 == key ":" { n += $3 } END { print n + 0 }' \
		tests/test-suite.log 2>/dev/null
}
passed=$(count PASS)
failed=$(( $(count FAIL) + $(count ERROR) + $(count XPASS) ))
skipped=$(count SKIP)
if [ ! -f tests/test-suite.log ]; then
	echo "make check did not produce tests/test-suite.log" >&2
	failed=$((failed + 1))
	status=1
fi
[ "$passed" -gt 0 ] || status=1

# make_step TARGET: one more result for a make target; its output goes to
# TARGET.out and is shown when it fails.
make_step()
{
	say "make $1"
	if make -j"$jobs" "$1" >"$1.out" 2>&1; then
		echo "$1 passed"
		passed=$((passed + 1))
	else
		tail -n 80 "$1.out"
		echo "$1 FAILED"
		failed=$((failed + 1))
		status=1
	fi
}

make_step distcheck
make_step lint

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo
echo "$line"
exit $status
