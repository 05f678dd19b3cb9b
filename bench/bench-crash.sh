#!/bin/sh
# Crash consistency at length: tests/crash/kill.sh with RUNS runs (default
# 200, a quarter each for a list import, a link run, an evidence intake and
# web writes through the JSON API), each SIGKILLed at a seeded moment: at
# random over the whole operation and its tail, in its last quarter, just
# after its acknowledgement, or (intake) just after its file took its
# final name in the vault. After each kill: SQLite's full integrity_check,
# the ledger, evidence, no acknowledged write lost, no orphan vault file
# the kill does not explain, evidence gc leaving verify clean. Prints kills
# before and after the commit point per operation, acknowledged writes,
# data lost (must be 0), orphans and the time; exits non-zero if any run
# failed. 200 runs take about 9 minutes on 2 shared cores.
#
# Usage: bench/bench-crash.sh [TERGEU] [RUNS] [SEED]
#   TERGEU defaults to build/cli/tergeu; run from the repository root.
set -eu
tg=${1:-build/cli/tergeu}
runs=${2:-200}
TERGEU=$(cd "$(dirname "$tg")" && pwd)/$(basename "$tg")
export TERGEU
if [ $# -ge 3 ]; then
	exec tests/crash/kill.sh "$runs" "$3"
fi
exec tests/crash/kill.sh "$runs"
