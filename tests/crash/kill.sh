#!/bin/sh
# kill.sh RUNS [SEED]: SIGKILL tergeu at seeded moments during an import, a
# link run, an evidence intake and web writes (before and after their
# commit points), then check that nothing acknowledged is lost, nothing is
# partial, SQLite's integrity_check, the ledger and evidence verify, the
# vault holds no file the kill does not explain and evidence gc cleans it,
# and no plaintext reached the database files (THREATS.md T2, issue 9).
# The driver is kill.py; TERGEU names the binary.
set -eu
: "${TERGEU:?TERGEU must point to the tergeu binary}"
[ $# -ge 1 ] || { echo "usage: kill.sh RUNS [SEED]" >&2; exit 2; }
exec python3 "$(dirname "$0")/kill.py" "$@"
