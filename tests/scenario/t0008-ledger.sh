#!/bin/sh
# The ledger: every change is a leaf; checkpoints are signed notes; any
# rewrite, removal, forged checkpoint or restored older copy is caught.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || fail "sqlite3 is needed to play the attacker"
DB=$TERGEU_DB
# Copies the database with everything committed in its main file.
snap() { sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null && cp "$DB" "$1"; }
restore() { rm -f "$DB-wal" "$DB-shm" && cp "$1" "$DB"; }

# The attacker here can write the database file (an insider with the key): a
# throwaway unencrypted database lets the test play that part with sqlite3.
tg init --no-encrypt >/dev/null
a=$(tg add person --name "Асель Нұрланқызы")
tg edit "$a" --sex female
expect_status 0 tg ledger checkpoint --out "$T/cp1.txt"
expect_in "$T/cp1.txt" "—"
head -n 2 "$T/cp1.txt" | tail -n 1 >"$T/size"
expect_eq "$(cat "$T/size")" 2
snap "$T/old.db"
b=$(tg add person --name "Ерлан Сәрсенбаев")
tg delete "$b" --reason "duplicate" >/dev/null
expect_status 0 tg ledger verify --checkpoint "$T/cp1.txt"
expect_in "$T/out" "4 entries"
# --full: SQLite's integrity_check (indexes and constraints too) first.
expect_status 0 tg ledger verify --full
expect_in "$T/out" "integrity check passed"
expect_status 0 tg --json ledger verify --full
expect_in "$T/out" '"pages": "integrity_check"'
expect_status 2 tg ledger verify --fast
expect_status 0 tg --json ledger prove "$a"
expect_in "$T/out" '"leaf_index": 1'
expect_status 0 tg ledger checkpoint
snap "$T/good.db"
# Names never reach the leaves.
sqlite3 "$DB" "SELECT * FROM tlog_leaf" >"$T/leaves"
[ -s "$T/leaves" ] || fail "no ledger leaves"
expect_not_in "$T/leaves" "Асель"

# A rewritten entry is named.
sqlite3 "$DB" "DROP TRIGGER change_append_only_u; UPDATE change SET doc = replace(doc, 'Асель', 'Айгүл') WHERE seq = 1;"
expect_status 5 tg ledger verify
expect_in "$T/err" "ledger[1]"
restore "$T/good.db"
# A removed entry in the middle, leaf and all (triggers disabled).
sqlite3 "$DB" "DROP TRIGGER tlog_leaf_append_only_d; DROP TRIGGER change_append_only_d; DELETE FROM tlog_leaf WHERE idx = 1; DELETE FROM change WHERE seq = 2;"
expect_status 5 tg ledger verify
expect_in "$T/err" "missing"
restore "$T/good.db"
# The newest entries cut off: the checkpoint beside the database says more.
sqlite3 "$DB" "DROP TRIGGER tlog_leaf_append_only_d; DROP TRIGGER change_append_only_d; DELETE FROM tlog_leaf WHERE idx = 3; DELETE FROM change WHERE seq = 4;"
expect_status 5 tg list
expect_in "$T/err" "cut short"
restore "$T/good.db"
# A checkpoint signed by another key, or altered, is refused.
sed 's/^2$/3/' "$T/cp1.txt" >"$T/altered.txt"
expect_status 5 tg ledger verify --checkpoint "$T/altered.txt"
expect_in "$T/err" "altered.txt"
tg --db "$T/other.db" init --no-encrypt >/dev/null
tg --db "$T/other.db" add person --name x >/dev/null
tg --db "$T/other.db" add person --name y >/dev/null
tg --db "$T/other.db" ledger checkpoint --out "$T/foreign.txt" >/dev/null
expect_status 5 tg ledger verify --checkpoint "$T/foreign.txt"
expect_in "$T/err" "not signed by this database"
# An older copy of the database is refused on open.
restore "$T/old.db"
expect_status 5 tg list
expect_in "$T/err" "older copy"
restore "$T/good.db"
# A clock that goes back is flagged.
TERGEU_NOW=2001-01-01T00:00:00 tg add person --name "Clock" >/dev/null
expect_status 0 tg ledger verify
expect_in "$T/out" "clock_regression"
expect_status 2 tg ledger frobnicate
expect_status 3 tg ledger prove 01890a5d-ac96-774b-bcce-b302099a8057
done_ok
