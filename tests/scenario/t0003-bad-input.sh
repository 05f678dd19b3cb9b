#!/bin/sh
# Every class of bad input: a clear error naming the file, line or field,
# a non-zero exit, and the database unchanged.
. "$(dirname "$0")/lib.sh"

tg init >/dev/null
p=$(tg add person --name "Ерлан Сәрсенбаев")
tg export --out "$T/before.json"
unchanged() {
	tg export --out "$T/after.json"
	cmp -s "$T/before.json" "$T/after.json" || fail "the database changed after: $*"
	checks=$((checks + 1))
}

# Malformed JSON: the file and line.
printf '{"type": "torture",\n "victim": "%s",\n "methods": [beating]}\n' "$p" >"$T/bad.json"
expect_status 4 tg add act --file "$T/bad.json"
expect_in "$T/err" "bad.json:3:"
unchanged malformed JSON

# Unknown vocabulary term, in a flag and in a list element.
expect_status 4 tg add act --type robbery --victim "$p"
expect_in "$T/err" "type"
expect_in "$T/err" "robbery"
expect_status 4 tg add act --type torture --victim "$p" --method beating --method tickling
expect_in "$T/err" "methods[1]"
unchanged unknown term

# Impossible and malformed dates.
expect_status 4 tg add act --type torture --victim "$p" --start 2022-02-30
expect_in "$T/err" "start"
expect_in "$T/err" "2022-02-30"
expect_status 4 tg add person --name X --birth-date "January 1990"
expect_in "$T/err" "birth_date"
unchanged impossible date

# Dangling references.
expect_status 4 tg add act --type killing --victim 01890a5d-ac96-774b-bcce-b302099a8057
expect_in "$T/err" "victim"
expect_status 4 tg add act --type killing --victim "$p" --place nowhere
expect_in "$T/err" "place"
unchanged dangling reference

# Wrong types and unknown fields.
printf '{"names": [{"text": "A"}], "sex": 1}\n' >"$T/type.json"
expect_status 4 tg add person --file "$T/type.json"
expect_in "$T/err" "type.json"
expect_in "$T/err" "sex"
expect_status 2 tg add place --name X --lat north
expect_in "$T/err" "--lat"
expect_status 2 tg add place --name X --lat nan
expect_status 5 tg add person --file "$T/missing.json"
expect_in "$T/err" "missing.json"
expect_status 2 tg list --from
expect_in "$T/err" "needs a value"
expect_status 2 tg add person --shoe-size 42
expect_in "$T/err" "shoe-size"
printf '["not", "an", "object"]\n' >"$T/array.json"
expect_status 4 tg add person --file "$T/array.json"
unchanged wrong type

# Usage errors.
expect_status 2 tg add dragon --name X
expect_status 2 tg frobnicate
expect_status 2 tg list --limit -3
expect_status 3 tg show 01890a5d-ac96-774b-bcce-b302099a8057
expect_status 4 tg list act --from 2022-13
expect_in "$T/err" "--from"
expect_status 3 tg list --place atlantis
expect_status 3 tg --db "$T/none.sqlite" list
expect_in "$T/err" "tergeu init"

# A broken export: the import names the record and field, and writes nothing.
cp "$T/before.json" "$T/broken.json"
sed -i 's/"names":\[{"script":"Cyrl","text":"Ерлан Сәрсенбаев"}\]/&,"sex":"dragon"/' "$T/broken.json"
grep -q dragon "$T/broken.json" || fail "test setup: could not break the export"
expect_status 0 tg --db "$T/new.sqlite" init
expect_status 4 tg --db "$T/new.sqlite" import "$T/broken.json"
expect_in "$T/err" "broken.json"
expect_in "$T/err" "records[0].sex"
tg --db "$T/new.sqlite" export --out "$T/new.json"
expect_not_in "$T/new.json" "Ерлан"
printf '{"format": "tergeu-export", "version": 1, "records": [\n{"entity": "act",' >"$T/trunc.json"
expect_status 4 tg --db "$T/new.sqlite" import "$T/trunc.json"
expect_in "$T/err" "trunc.json:2:"
unchanged broken import
done_ok
