#!/bin/sh
# I/O faults at every point: tests/crash/faults.py with no limit on the
# points, so each write of each write operation (an import, adding a
# person, an evidence intake, an edit, a link run) fails once per fault
# kind (disk full, write error, torn write, a disk that stays full), each
# read of them fails once, and each read of the read-only commands (ledger
# verify, stats, search, list, accountability, evidence verify and export,
# report) fails once; the vault's own writes, fsyncs and reads too.  Prints the
# points per operation and kind and a last line with the total, failures
# and time; exits non-zero on any failure.
#
# Usage: bench/bench-faults.sh [TERGEU] [POINTS]
#   TERGEU defaults to build/cli/tergeu; POINTS (default: all) caps the
#   points per operation and kind. Run from the repository root.
set -eu
tg=${1:-build/cli/tergeu}
points=${2:-1000000}
TERGEU=$(cd "$(dirname "$tg")" && pwd)/$(basename "$tg")
export TERGEU
exec python3 tests/crash/faults.py "$points"
