#!/bin/sh
# Victim lists come in as immutable raw records: CSV, TSV and JSON, any
# column names through a mapping; bad input names the line or field and
# imports nothing.
. "$(dirname "$0")/lib.sh"

tg init >/dev/null
tg generate --out "$T/lists" --size 400 --seed 4 >/dev/null
printf '{"id":"id","full_name":"full_name","birth_date":"birth_date","sex":"sex","iin":"iin","place":"place","death_date":"death_date","list_type":"official_list"}' >"$T/gov.json"
expect_status 0 tg import "$T/lists/list-government.csv" --list "Government list" --map "$T/gov.json" --lang ru
rows=$(($(wc -l <"$T/lists/list-government.csv") - 1))
expect_in "$T/out" "imported $rows rows"
expect_status 4 tg import "$T/lists/list-government.csv" --list "Government list" --map "$T/gov.json"
expect_in "$T/err" "already imported"
printf '{"id":"id","family":"family","given":"given","patronymic":"patronymic","birth_date":"birth_date","age":"age","sex":"sex","place":"place","note":"note"}' >"$T/ngoa.json"
expect_status 0 tg --json import "$T/lists/list-ngo-a.csv" --list "NGO A" --map "$T/ngoa.json" --lang kk
expect_in "$T/out" '"rows":'
expect_status 0 tg list source --text "NGO A"
expect_in "$T/out" "NGO A"

# TSV and JSON.
tr ',' '\t' <"$T/lists/list-media.csv" >"$T/media.tsv"
printf '{"id":"id","full_name":"name","age":"age","place":"city"}' >"$T/media.json"
expect_status 0 tg import "$T/media.tsv" --list "Media (TSV)" --map "$T/media.json"
printf '[{"no": 1, "name": "Асель Нұрланқызы", "born": "12.03.1988", "gender": "Ж", "iin": "880312400012"},\n {"no": 2, "name": "Ерлан Сәрсенбаев", "born": "1990", "gender": "ер", "comment": "Taraz"}]\n' >"$T/small.json"
printf '{"id":"no","full_name":"name","birth_date":"born","sex":"gender","iin":"iin"}' >"$T/small-map.json"
expect_status 0 tg import "$T/small.json" --list "Small" --map "$T/small-map.json"
expect_in "$T/out" "imported 2 rows"
expect_in "$T/out" "1 IINs fail"

# Bad input: the place is named and nothing is imported.
tg export --out "$T/before.json"
printf 'id,full_name\n1,"Ерлан\n2,Асель\n' >"$T/broken.csv"
printf '{"id":"id","full_name":"full_name"}' >"$T/plain.json"
expect_status 4 tg import "$T/broken.csv" --list "Broken" --map "$T/plain.json"
expect_in "$T/err" "broken.csv"
expect_in "$T/err" "line 2"
printf 'id,full_name\n1,Асель\n2,Ерлан,extra\n' >"$T/ragged.csv"
expect_status 4 tg import "$T/ragged.csv" --list "Ragged" --map "$T/plain.json"
expect_in "$T/err" "line 3"
printf '{"id":"id","full_name":"name_that_is_not_there"}' >"$T/missing-col.json"
expect_status 4 tg import "$T/lists/list-ngo-b.csv" --list "NGO B" --map "$T/missing-col.json"
expect_in "$T/err" "full_name"
printf '{"id":"id","shoe_size":"x"}' >"$T/unknown-field.json"
expect_status 4 tg import "$T/lists/list-ngo-b.csv" --list "NGO B" --map "$T/unknown-field.json"
expect_in "$T/err" "shoe_size"
printf '{"id": "id",' >"$T/bad-map.json"
expect_status 4 tg import "$T/lists/list-ngo-b.csv" --list "NGO B" --map "$T/bad-map.json"
expect_in "$T/err" "bad-map.json"
expect_status 2 tg import "$T/lists/list-ngo-b.csv" --list "NGO B"
tg export --out "$T/after.json"
cmp -s "$T/before.json" "$T/after.json" || fail "a refused import changed the database"
checks=$((checks + 1))
expect_status 0 tg ledger verify
done_ok
