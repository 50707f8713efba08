#!/bin/bash
# install-deps.sh: install what building and testing popscope needs on
# Debian 12 (as root). Safe to run again; does nothing when all is there.
set -eu

PACKAGES="build-essential autoconf automake autopoint libtool gettext pkg-config
	libncursesw5-dev libssl-dev libgsasl-dev libgmime-3.0-dev libxml2-dev libc-ares-dev
	libcmocka-dev
	dovecot-core dovecot-pop3d openssl python3 tmux valgrind clang clang-format clang-tidy
	cppcheck xz-utils groff-base man-db procps psmisc strace locales gettext-base
	mailutils-pop3d python3-twisted sasl2-bin libsasl2-modules libsasl2-modules-db
	courier-authlib courier-authlib-userdb util-linux mount
	zsh"

# The interop tests (tests/interop/) run these servers from their unpacked
# packages, never installed: they declare a conflict with dovecot-pop3d,
# which the other tests need. Their libraries are installed normally.
UNPACKED="cyrus-common cyrus-pop3d cyrus-imapd courier-base courier-pop popa3d"
SERVER_CACHE=${POPSCOPE_SERVER_CACHE:-/var/cache/popscope-test-servers}

installed()
{
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

updated=no
apt_update()
{
	[ $updated = yes ] && return 0
	apt-get update -q
	updated=yes
}

# Do not let the packages start a system Dovecot (or any other daemon): the
# tests run their own.
policy=/usr/sbin/policy-rc.d
created_policy=no
no_daemons()
{
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod +x "$policy"
		created_policy=yes
	fi
}
trap '[ "$created_policy" = yes ] && rm -f "$policy"' EXIT

missing=""
for package in $PACKAGES; do
	installed "$package" || missing="$missing $package"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "install-deps.sh: these packages are missing:$missing" >&2
		echo "install-deps.sh: run as root, or install them with apt-get" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt_update
	no_daemons
	apt-get install -y -q --no-install-recommends $missing
fi

# candidates: "PACKAGE VERSION" per UNPACKED package, as apt would pick it
# (the version is empty when apt knows none).
candidates()
{
	local package policy
	policy=$(apt-cache policy $UNPACKED 2>/dev/null)
	for package in $UNPACKED; do
		echo "$package $(echo "$policy" | awk -v p="$package:" '
			/^[^ ]/ { cur = $1 }
			cur == p && $1 == "Candidate:" && $2 != "(none)" { print $2 }')"
	done
}

# unpack_servers: apt-get download the UNPACKED packages into
# $SERVER_CACHE/debs, dpkg-deb -x them into $SERVER_CACHE/root, install the
# libraries they depend on, and write $SERVER_CACHE/VERSIONS last (the stamp
# that tests/fixture/servers/lib.sh looks for). Nothing of them is
# configured or started; nothing outside $SERVER_CACHE is written but the
# libraries' packages.
unpack_servers()
{
	local want have deb debs libs dep
	want=$(candidates)
	have=$(cat "$SERVER_CACHE/VERSIONS" 2>/dev/null || true)
	if [ -d "$SERVER_CACHE/root" ] && [ -n "$have" ] && [ "$want" = "$have" ]; then
		return 0
	fi
	if echo "$want" | grep -q ' $'; then
		apt_update
		want=$(candidates)
		if echo "$want" | grep -q ' $'; then
			echo "install-deps.sh: apt knows no version of:" \
				"$(echo "$want" | awk 'NF == 1' | tr '\n' ' ')" >&2
			return 1
		fi
		[ -d "$SERVER_CACHE/root" ] && [ "$want" = "$have" ] && return 0
	fi
	echo "install-deps.sh: unpacking $UNPACKED into $SERVER_CACHE"
	rm -rf "$SERVER_CACHE/debs" "$SERVER_CACHE/root.new"
	mkdir -p "$SERVER_CACHE/debs" "$SERVER_CACHE/root.new"
	# apt's download sandbox user must be able to write there.
	chown _apt "$SERVER_CACHE/debs" 2>/dev/null || true
	(cd "$SERVER_CACHE/debs" && apt-get download -q $UNPACKED) ||
		{ apt_update && (cd "$SERVER_CACHE/debs" && apt-get download -q $UNPACKED); } ||
		return 1
	debs=$(ls "$SERVER_CACHE"/debs/*.deb)
	for deb in $debs; do
		dpkg-deb -x "$deb" "$SERVER_CACHE/root.new" || return 1
	done
	# Their libraries: every lib* dependency (the first of alternatives).
	libs=""
	for deb in $debs; do
		for dep in $(dpkg-deb -f "$deb" Depends Pre-Depends |
			sed 's/^[A-Za-z-]*: //' | tr ',' '\n' | sed 's/|.*//; s/(.*//; s/ //g'); do
			case $dep in
			lib*) installed "$dep" || libs="$libs $dep" ;;
			esac
		done
	done
	libs=$(echo $libs | tr ' ' '\n' | sort -u | tr '\n' ' ')
	if [ -n "${libs// /}" ]; then
		no_daemons
		apt-get install -y -q --no-install-recommends $libs || return 1
	fi
	rm -rf "$SERVER_CACHE/root"
	mv "$SERVER_CACHE/root.new" "$SERVER_CACHE/root"
	echo "$want" >"$SERVER_CACHE/VERSIONS"
}

if [ "$(id -u)" = 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	unpack_servers || {
		echo "install-deps.sh: could not unpack the interop servers into $SERVER_CACHE" >&2
		exit 1
	}
elif [ ! -s "$SERVER_CACHE/VERSIONS" ]; then
	echo "install-deps.sh: no $SERVER_CACHE (run as root): some interop tests will skip" >&2
fi

# A system Dovecot (or Mailutils pop3d) left running would hold no ports we
# use, but stop it anyway.
if command -v systemctl >/dev/null 2>&1; then
	systemctl stop dovecot.service dovecot.socket mailutils-pop3d.service \
		>/dev/null 2>&1 || true
fi
exit 0
