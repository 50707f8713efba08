#!/bin/bash
# run.sh: every benchmark in one go (what `make bench` runs): the header
# scan (10,000 and 100,000 messages, loopback and a 20 ms round trip, with
# the floor), the full-screen view at 100,000 messages, a preview and a save
# during the header scan at 20 ms, bulk saves against mpop, and the big RETRs
# against curl.
# Each script starts its own Dovecot and cleans up. See bench/README.md.
#
# Environment: POPSCOPE (an -O2 build without sanitizers; default
# src/popscope), RUNS (3), ALT_RUNS (the alternations of header-scan: 9
# at 10,000 messages, 5 at 100,000; of retr-big: 5), and each script's own
# settings.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
status=0
run()
{
	echo
	echo "=== $*"
	"$@" || status=1
}
run bash "$dir/header-scan.sh"
MESSAGES=100000 PEERS=0 ALT_RUNS=${ALT_RUNS:-5} run bash "$dir/header-scan.sh"
run bash "$dir/view-scale.sh"
run bash "$dir/preview-latency.sh"
MESSAGES=100000 RUNS=1 run bash "$dir/preview-latency.sh"
run bash "$dir/bulk-save.sh"
run bash "$dir/retr-big.sh"
# 1 GB: base64 lines of 78 octets for 57 bytes.
BIG_SIZE=730769230 run bash "$dir/retr-big.sh"
exit $status
