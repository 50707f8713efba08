#!/bin/bash
# popa3d.sh: popscope against popa3d 1.0.3 with mbox spools and PAM logins
# (tests/fixture/servers/popa3d.sh): no TLS, no CAPA, USER/PASS only, so
# every run uses --plaintext. Needs root and a private mount namespace
# (popa3d's compiled-in paths), else it skips.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/interop.sh"

interop_start popa3d
interop_checks
done_testing
