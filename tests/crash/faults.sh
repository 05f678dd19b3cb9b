#!/bin/sh
# faults.sh [POINTS]: disk full, I/O errors and torn writes injected through
# the encrypting VFS (TERGEU_TEST_FAULT, lib/store/cryptvfs-fault.c) at up to
# POINTS reads or writes of each of an import, record writes, an evidence
# intake and a link run: every one must end in a clean error (exit 5) or a
# whole success, and leave the database verifying with the data all there
# or not at all (issue 9). The driver is faults.py; TERGEU names the binary.
set -eu
: "${TERGEU:?TERGEU must point to the tergeu binary}"
exec python3 "$(dirname "$0")/faults.py" "$@"
