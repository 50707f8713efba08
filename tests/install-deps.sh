#!/bin/bash
# install-deps.sh: install what building and testing popscope needs on
# Debian 12 (as root). Safe to run again; does nothing when all is there.
set -eu

PACKAGES="build-essential autoconf automake autopoint libtool gettext pkg-config
	libncursesw5-dev libssl-dev libgsasl-dev libgmime-3.0-dev libxml2-dev libc-ares-dev
	libcmocka-dev
	dovecot-core dovecot-pop3d openssl python3 tmux valgrind clang clang-format clang-tidy
	cppcheck xz-utils groff-base man-db procps psmisc"

missing=""
for package in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $package"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "install-deps.sh: these packages are missing:$missing" >&2
		echo "install-deps.sh: run as root, or install them with apt-get" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# Do not let the packages start a system Dovecot: the tests run their own.
	policy=/usr/sbin/policy-rc.d
	created_policy=no
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod +x "$policy"
		created_policy=yes
	fi
	apt-get install -y -q --no-install-recommends $missing
	[ "$created_policy" = yes ] && rm -f "$policy"
fi
# A system Dovecot left running would hold no ports we use, but stop it anyway.
if command -v systemctl >/dev/null 2>&1; then
	systemctl stop dovecot.service dovecot.socket >/dev/null 2>&1 || true
fi
exit 0
