#!/bin/sh
# Crash consistency at length: tests/crash/kill.sh with RUNS runs (default
# 200, a quarter each for a list import, a link run, an evidence intake and
# web writes through the JSON API), each SIGKILLed at a seeded random
# moment. Prints kills, survived, acknowledged writes, data lost (must be
# 0) and the time; exits non-zero if any run failed.
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
