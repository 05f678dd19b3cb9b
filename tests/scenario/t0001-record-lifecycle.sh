#!/bin/sh
# init → add (flags and JSON) → show → list with filters → edit → history →
# soft delete.
. "$(dirname "$0")/lib.sh"

expect_status 0 tg init
expect_in "$T/out" "created"
expect_status 4 tg init  # exists already

city=$(tg add place --code kz-aktobe --name "Ақтөбе" --name-ru "Актобе" --name-en Aktobe \
	--type city --lat 50.28 --lon 57.17)
src=$(tg add source --type ngo_report --title "Longing for Justice in Kazakhstan" \
	--organisation "Human Rights Watch" --date 2024-01-29 --language en)
person=$(tg add person --name "Нұрсұлтан Исаев" --name '{"text":"Nursultan Isayev","lang":"en","source":"'"$src"'"}' \
	--sex male --birth-date "~1990" --residence kz-aktobe)
cat >"$T/act.json" <<JSON
{"type": "torture", "victim": "$person", "methods": ["beating"], "start": "2022-01",
 "place": "kz-aktobe", "physical_consequences": "broken ribs, lost teeth, concussion"}
JSON
act=$(tg add act --file "$T/act.json")
echo "$act" | grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-7' || fail "act id is not a UUIDv7: $act"

expect_status 0 tg show "$person"
expect_in "$T/out" "Нұрсұлтан Исаев"
expect_in "$T/out" "about 1990"
expect_in "$T/out" "Aktobe"
expect_status 0 tg --lang ru show "$person"
expect_in "$T/out" "около 1990 г."
expect_status 0 tg --json show "$person"
expect_in "$T/out" '"birth_date": "~1990"' 
expect_status 0 tg --json show "$act"
expect_in "$T/out" '"methods": ['
expect_in "$T/out" '"entity": "act"'

expect_status 0 tg list act --place kz-aktobe
expect_in "$T/out" "$act"
expect_status 0 tg list act --term beating --from 2022-01-01 --to 2022-12
expect_in "$T/out" "$act"
expect_status 0 tg list act --to 2021
expect_not_in "$T/out" "$act"
expect_status 0 tg list --text "исаев"
expect_in "$T/out" "$person"
expect_status 0 tg --json list person --limit 1
expect_in "$T/out" "$person"

expect_status 0 tg edit "$act" --method hooding --method beating --status convicted
expect_status 0 tg edit "$person" --unset birth-date --occupation "welder"
expect_status 0 tg history "$person"
expect_in "$T/out" "#"
expect_in "$T/out" "create"
expect_in "$T/out" "update"
expect_in "$T/out" "- birth_date: about 1990"
expect_in "$T/out" "+ occupation: welder"

expect_status 2 tg delete "$act"
expect_status 0 tg delete "$act" --reason "entered twice"
expect_status 0 tg list act
expect_not_in "$T/out" "$act"
expect_status 0 tg list act --deleted
expect_in "$T/out" "$act"
expect_status 0 tg history "$act"
expect_in "$T/out" "delete: entered twice"
expect_status 4 tg edit "$act" --status released

expect_status 0 tg vocab add act_type forced_labour --en "Forced labour" \
	--ru "Принудительный труд" --kk "Мәжбүрлі еңбек"
expect_status 0 tg vocab act_type
expect_in "$T/out" "forced_labour"
expect_status 0 tg add person --help
expect_in "$T/out" "--birth-date DATE"
expect_in "$T/out" "[vocabulary sex]"
expect_status 0 tg summary
expect_in "$T/out" "person"
done_ok
