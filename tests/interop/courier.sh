#!/bin/bash
# courier.sh: popscope against Courier 1.0.16 POP3 with a userdb
# (tests/fixture/servers/courier.sh): STLS, POP3S, USER, CRAM-MD5, LOGIN,
# PLAIN. Courier announces UTF8 (RFC 6856), which popscope sends; without
# it Courier serves the message with raw UTF-8 headers inside a wrapper.
# Needs root and a private mount namespace (authlib's compiled-in paths),
# else it skips.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/interop.sh"

interop_start courier
interop_checks
done_testing
