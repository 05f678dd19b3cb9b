#!/bin/sh
# The demo database holds the founding case and a population; the list
# generator is deterministic per seed.
. "$(dirname "$0")/lib.sh"

expect_status 0 tg demo --size 300 --seed 3
expect_in "$T/out" "person"
expect_in "$T/out" "Torture"
expect_status 4 tg demo --size 300  # exists: needs --force
expect_in "$T/err" "--force"
# --force replaces an encrypted database whole, key file included.
tg --db "$T/enc.db" init >/dev/null
expect_status 0 tg --db "$T/enc.db" demo --force --size 50
[ ! -e "$T/enc.db.key" ] || fail "demo --force left the old key file"
expect_status 0 tg --db "$T/enc.db" summary

expect_status 0 tg list person --text "Нұрсұлтан Исаев"
expect_in "$T/out" "Нұрсұлтан Исаев"
person=$(head -n 1 "$T/out" | cut -c1-36)
expect_status 0 tg list source --text "Longing for Justice"
expect_in "$T/out" "Longing for Justice in Kazakhstan"
expect_status 0 tg list proceeding --term supreme_court_review
expect_in "$T/out" "Isayev"
proc=$(grep -m1 Isayev "$T/out" | cut -c1-36)
expect_status 0 tg show "$proc"
expect_in "$T/out" "5 February 2024"
expect_status 0 tg --lang kk show "$proc"
expect_in "$T/out" "5 ақпан 2024 ж."
expect_in "$T/out" "180"
expect_status 0 tg list proceeding --term no_crime --text "Isayev"
expect_status 0 tg list information --text "broken ribs"
expect_in "$T/out" "information"
expect_status 0 tg list act --term torture --place kz-aktobe-region
expect_status 0 tg list intervention --text "Human Rights Watch"
expect_in "$T/out" "Isayev"
expect_status 0 tg list relation --term subordinate_unit_of
expect_in "$T/out" "relation"
expect_status 0 tg --json summary
expect_in "$T/out" '"killing"'

expect_status 0 tg generate --out "$T/a" --size 400 --seed 9
expect_status 0 tg generate --out "$T/b" --size 400 --seed 9
expect_status 0 tg generate --out "$T/c" --size 400 --seed 10
for f in "$T"/a/*.csv; do
	cmp -s "$f" "$T/b/$(basename "$f")" || fail "same seed, different $f"
done
checks=$((checks + 1))
cmp -s "$T/a/truth.csv" "$T/c/truth.csv" && fail "different seeds, same truth"
n=$(cat "$T"/a/list-*.csv | wc -l)
t=$(wc -l <"$T/a/truth.csv")
nl=$(ls "$T"/a/list-*.csv | wc -l)
# Every list record (all lines less one header per list) is in the truth file once.
expect_eq "$((n - nl))" "$((t - 1))"
expect_status 2 tg generate --size 10
expect_status 2 tg generate --out "$T/d" --lists 7
done_ok
