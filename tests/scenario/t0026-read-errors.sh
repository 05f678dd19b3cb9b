#!/bin/sh
# A read the database cannot do is a storage error (exit 5), never "no
# record" (exit 3) nor a dangling reference (exit 4), and never tampering:
# every read of each look-up command fails in turn through the test fault
# injector (TERGEU_TEST_FAULT=eio:N, lib/store/cryptvfs-fault.c).
. "$(dirname "$0")/lib.sh"

tg init >/dev/null
person=$(tg add person --name "Ерлан Сәрсенбаев" --sex male)
src=$(tg add source --type photo_video --title "Phone video")
head -c 5000 /dev/urandom >"$T/photo.jpg"
ev=$(tg evidence add "$T/photo.jpg" --source "$src" | cut -c1-36)

# sweep NAME CMD...: CMD with its Nth read failing, for every read it
# does (every few reads past 30); each run exits 0 (SQLite did without the read) or 5 with a storage
# message, and never says a record is missing or the file was altered.
sweep() {
	name=$1
	shift
	reads=$(TERGEU_TEST_FAULT=count tg "$@" 2>&1 >/dev/null |
		sed -n 's/.*count: [0-9]* writes, \([0-9]*\) reads.*/\1/p')
	[ "${reads:-0}" -gt 0 ] || fail "$name: no read count"
	failed=0
	step=$(((reads + 29) / 30))
	n=1
	while [ "$n" -le "$reads" ]; do
		set +e
		TERGEU_TEST_FAULT="eio:$n" tg "$@" >"$T/out" 2>"$T/err"
		got=$?
		set -e
		grep -v 'test fault:' "$T/err" >"$T/msg" || true
		case $got in
		0) ;;
		5) grep -Eqi 'database|disk|I/O|could not be read|cannot read' "$T/msg" ||
			fail "$name, read $n: exit 5 without a storage message: $(cat "$T/msg")"
			failed=$((failed + 1)) ;;
		*) fail "$name, read $n: exit $got: $(cat "$T/msg")" ;;
		esac
		if grep -Eqi 'no record|no evidence|not found|does not exist' "$T/msg"; then
			fail "$name, read $n: a read error reported as a missing record: $(cat "$T/msg")"
		fi
		if grep -Eqi 'authentication|altered|damaged|rewritten|removed' "$T/msg"; then
			fail "$name, read $n: a read error reported as tampering: $(cat "$T/msg")"
		fi
		checks=$((checks + 1))
		n=$((n + step))
	done
	[ "$failed" -gt 0 ] || fail "$name: no injected read failed the command"
	echo "$name: $reads reads, $failed of those failed in turn ended in a storage error"
}

sweep show show "$person"
sweep history history "$person"
sweep edit edit "$person" --occupation teacher
sweep evidence-show evidence show "$ev"
sweep act-with-victim add act --type torture --victim "$person" --start 2022-01
sweep dossier dossier "$person" --out "$T/dossier.html"
sweep ledger-verify ledger verify
sweep ledger-verify-full ledger verify --full

# With reads working, the answers are the ordinary ones.
expect_status 0 tg show "$person"
expect_status 3 tg show 01890a5d-ac96-774b-bcce-b302099a8057
expect_in "$T/err" "no record"
expect_status 3 tg evidence show "$person"
expect_in "$T/err" "no evidence"
expect_status 0 tg ledger verify
done_ok
