# fakedns.sh: run popscope against a private, slow name server, with no
# hook in popscope itself (bash; source after tap.sh).
#
#   fakedns_require           skip_all unless the tools and rights are there
#   fakedns_start DIR DELAY   start fixture/slow_dns.py on port 53 of a free
#                             loopback address (answers slow.popscope.test
#                             with 127.0.0.1 after DELAY seconds, never
#                             answers never.popscope.test, NXDOMAIN for the
#                             rest) and write the wrapper $FAKEDNS_RUN
#   $FAKEDNS_RUN CMD ARGS...  CMD in its own mount namespace, where
#                             /etc/resolv.conf names that server and
#                             /etc/hosts also maps hosts.popscope.test
#   $FAKEDNS_LOG              the server's log: "query NAME TYPE" and
#                             "answer NAME TYPE" lines, as they happen
#   fakedns_stop              stop the server (it also stops by itself when
#                             the calling shell is gone)
#
# Needs root (port 53, bind mounts) and unshare: skip_all otherwise.
# resolv.conf has no port syntax, hence port 53 on an address of our own.

fakedns_require()
{
	[ "$(id -u)" = 0 ] || skip_all "needs root (a name server on port 53, bind mounts)"
	command -v unshare >/dev/null 2>&1 || skip_all "unshare (util-linux) is missing"
	command -v "${PYTHON3:-python3}" >/dev/null 2>&1 || skip_all "python3 is missing"
	unshare --mount --propagation private true 2>/dev/null ||
		skip_all "cannot make a private mount namespace (unshare --mount)"
}

fakedns_start()
{
	local dir=$1 delay=$2 tries=100 python=${PYTHON3:-python3}
	fakedns_require
	mkdir -p "$dir"
	FAKEDNS_ADDRESS_FILE=$dir/dns-address
	FAKEDNS_LOG=$FAKEDNS_ADDRESS_FILE.log
	rm -f "$FAKEDNS_ADDRESS_FILE" "$FAKEDNS_LOG"
	"$python" "${TESTS_SRCDIR:-$(dirname "${BASH_SOURCE[0]}")/..}/fixture/slow_dns.py" \
		"$FAKEDNS_ADDRESS_FILE" "$delay" $$ </dev/null >"$dir/dns.out" 2>&1 &
	FAKEDNS_PID=$!
	while [ ! -s "$FAKEDNS_ADDRESS_FILE" ] && [ $tries -gt 0 ]; do
		kill -0 "$FAKEDNS_PID" 2>/dev/null || break
		sleep 0.05
		tries=$((tries - 1))
	done
	[ -s "$FAKEDNS_ADDRESS_FILE" ] ||
		bail_out "the fake name server did not start: $(cat "$dir/dns.out")"
	printf 'nameserver %s\n' "$(cat "$FAKEDNS_ADDRESS_FILE")" >"$dir/resolv.conf"
	printf '127.0.0.1 localhost\n127.0.0.1 hosts.popscope.test\n' >"$dir/hosts"
	FAKEDNS_RUN=$dir/private-dns
	cat >"$FAKEDNS_RUN" <<EOF
#!/bin/sh
# Runs a command with the test's resolv.conf and hosts, in a mount namespace of its own.
exec unshare --mount --propagation private sh -c \\
	'mount --bind "\$0/resolv.conf" /etc/resolv.conf && mount --bind "\$0/hosts" /etc/hosts &&
	exec "\$@"' $(printf '%q' "$dir") "\$@"
EOF
	chmod 755 "$FAKEDNS_RUN"
}

fakedns_stop()
{
	[ -n "${FAKEDNS_PID:-}" ] || return 0
	kill "$FAKEDNS_PID" 2>/dev/null
	wait "$FAKEDNS_PID" 2>/dev/null
	FAKEDNS_PID=
	return 0
}
