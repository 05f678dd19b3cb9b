#!/bin/sh
# Documented counts: list records before linkage, distinct persons after
# it, by any dimensions, with the lists behind each number and the
# unknowns as their own rows; table, CSV and JSON; bad input named.
. "$(dirname "$0")/lib.sh"

tg init >/dev/null
tg generate --out "$T/lists" --size 3000 --seed 9 >/dev/null
for l in government:ru ngo-a:kk ngo-b:en media:en; do
	name=${l%%:*}
	tg import "$T/lists/list-$name.csv" --list "$name" --map "$T/lists/map-$name.json" \
		--lang "${l##*:}" >/dev/null
done
records=$(($(cat "$T"/lists/list-*.csv | wc -l) - 4))

# Before linkage the unit is the record, and says so.
expect_status 0 tg --json stats --by fate
python3 - "$T/out" "$records" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["unit"] == "records", s["unit"]
assert s["total"] == int(sys.argv[2]), (s["total"], sys.argv[2])
assert any(r["fate"] is None for r in s["rows"]), "no row for the unknown fate"
assert any(r["fate"] == "killed" and "government" not in r["lists"] for r in s["rows"])
PY
checks=$((checks + 1))

expect_status 0 tg link
expect_status 0 tg --json stats --by fate,sex
python3 - "$T/out" "$T/lists/truth.csv" "$records" <<'PY'
import csv, json, sys
s = json.load(open(sys.argv[1]))
persons = len({r["person_id"] for r in csv.DictReader(open(sys.argv[2]))})
assert s["unit"] == "persons", s["unit"]
# Linkage merges records: fewer than the records, near the true persons.
assert s["total"] < int(sys.argv[3]), s["total"]
assert abs(s["total"] - persons) < 0.05 * persons, (s["total"], persons)
assert sum(r["victims"] for r in s["rows"]) == s["total"]
for r in s["rows"]:
    assert r["lists"], r
PY
checks=$((checks + 1))

expect_status 0 tg stats --by region,age --format csv
expect_in "$T/out" "region,age,victims,lists"
expect_in "$T/out" "kz-almaty-city,18-29,"
expect_status 0 tg stats
expect_in "$T/out" "distinct persons after linkage"
expect_in "$T/out" "unknown"
expect_status 0 tg --lang ru stats --by fate
expect_in "$T/out" "убит"
expect_status 0 tg --lang ru stats --by region
expect_in "$T/out" "Алматинская область"

# The event-based records: victims of acts by act type, with the sources
# behind each number, within the reader's clearance.
expect_status 0 tg --db "$T/demo.db" demo --size 300
expect_status 0 tg --db "$T/demo.db" --json stats --from records --by act_type
python3 - "$T/out" <<'PY' >"$T/restricted"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["unit"] == "victims", s["unit"]
types = {r["act_type"]: r for r in s["rows"]}
assert types["torture"]["victims"] > 0 and types["killing"]["victims"] > 0, types.keys()
assert "Longing for Justice in Kazakhstan" in types["torture"]["sources"], types["torture"]
print(s["total"])
PY
expect_status 0 tg --db "$T/demo.db" --json stats --from records --by act_type --clearance public
python3 - "$T/out" "$(cat "$T/restricted")" <<'PY'
import json, sys
assert json.load(open(sys.argv[1]))["total"] <= int(sys.argv[2])
PY
checks=$((checks + 1))
expect_status 0 tg --db "$T/demo.db" --lang kk stats --from records --by sex,age
expect_in "$T/out" "зардап шеккендер"
# Places and regions in the reader's language, as linked persons' are.
expect_status 0 tg --db "$T/demo.db" --lang en stats --from records --by region
expect_in "$T/out" "Almaty Region"
expect_not_in "$T/out" "облысы"
expect_status 0 tg --db "$T/demo.db" --lang ru stats --from records --by region
expect_in "$T/out" "Алматинская область"
expect_status 0 tg --db "$T/demo.db" --lang kk stats --from records --by region
expect_in "$T/out" "Алматы облысы"

expect_status 4 tg stats --by shoe_size
expect_in "$T/err" "shoe_size"
expect_status 2 tg stats --format xml
done_ok
