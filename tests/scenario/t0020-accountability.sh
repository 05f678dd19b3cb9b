#!/bin/sh
# tergeu accountability: the founding case in the demo (his complaint
# closed as "no crime", his 15 years counted), the JSON's shape, a golden
# file for a small database built with tergeu add, bad options named, and
# the web page with the records behind a figure, a public viewer seeing
# none of the restricted ones.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
GOLDEN="$(cd "$(dirname "$0")" && pwd)/golden/accountability.json"

# ---- the demo: the founding case, the shape of every figure ----
tg --db "$T/demo.db" demo --size 500 --seed 3 >/dev/null 2>&1
tg --db "$T/demo.db" --json list proceeding --text "Nursultan Isayev" >"$T/isayev.json"
expect_status 0 tg --db "$T/demo.db" --json accountability
python3 - "$T/out" "$T/isayev.json" <<'PY'
import json, sys
acc = json.load(open(sys.argv[1]))
procs = json.load(open(sys.argv[2]))
complaint = [p for p in procs if p["type"] == "complaint"][0]
trial = [p for p in procs if p["type"] == "criminal_case"][0]
assert trial["sentence_months"] == 180
act = complaint["acts"][0]
def fig(key, node=acc):
    if isinstance(node, dict):
        if node.get("key") == key and "ids" in node:
            return node
        node = list(node.values())
    if isinstance(node, list):
        for v in node:
            f = fig(key, v)
            if f:
                return f
    return None
# His complaint closed as "no crime"; his torture at that stage, once.
assert complaint["id"] in fig("complaints:closed_no_crime")["ids"]
assert act in fig("funnel:torture:*:closed:no_crime")["ids"]
assert act in fig("funnel:*:*:alleged")["ids"]
stages = [s for s in acc["stages"] if s != "alleged"]
assert sum(act in acc["total"][s]["ids"] for s in stages) == 1
# His conviction and his 180 months among the sentences.
assert trial["id"] in fig("prosecutions:convicted")["ids"]
s = fig("prosecutions:sentences")
assert trial["id"] in s["ids"] and s["months"] >= 180 and abs(s["years"] - s["months"] / 12) < 1e-9
# The shape: every figure a key, a count and its ids; acts once per row.
assert acc["by"] == "type" and acc["clearance"] == "restricted" and acc["unit"] == "acts"
assert "furthest stage" in acc["note"]
assert acc["stages"][0] == "alleged"
def figures(node):
    if isinstance(node, dict):
        if "key" in node and "ids" in node:
            yield node
        for v in node.values():
            yield from figures(v)
    elif isinstance(node, list):
        for v in node:
            yield from figures(v)
keys = set()
for f in figures(acc):
    assert isinstance(f["count"], int) and isinstance(f["ids"], list), f["key"]
    assert f["key"] not in keys, f["key"]
    keys.add(f["key"])
    if f["key"].startswith(("funnel:", "complaints:", "posthumous")):
        assert f["count"] == len(f["ids"]), f["key"]
    else:
        assert f["count"] <= len(f["ids"]), f["key"]
for row in acc["funnel"] + [acc["total"]]:
    alleged = set(row["alleged"]["ids"])
    at = [i for s in stages for i in row[s]["ids"]]
    assert sorted(at) == sorted(alleged), row["group"]
    reasons = [i for r in row["closed"].get("reasons", {}).values() for i in r["ids"]]
    assert sorted(reasons) == sorted(row["closed"]["ids"]), row["group"]
assert acc["total"]["alleged"]["count"] == sum(r["alleged"]["count"] for r in acc["funnel"])
assert acc["posthumous"]["count"] >= 1
c = acc["complaints"]
assert c["total"]["count"] == sum(c[k]["count"] for k in
    ("refused_to_open", "closed_no_crime", "closed_other", "pending", "charged", "convicted"))
PY
checks=$((checks + 1))

# The table: labels and numbers in the reader's language, the rule stated.
expect_status 0 tg --db "$T/demo.db" accountability
expect_in "$T/out" "at the furthest stage"
expect_in "$T/out" "Torture"
expect_in "$T/out" 'Closed: "no crime"'
expect_in "$T/out" "Years of prison sentences"
expect_status 0 tg --db "$T/demo.db" --lang ru accountability
expect_in "$T/out" "Пытки"
expect_status 0 tg --db "$T/demo.db" --lang ru accountability --by place
expect_in "$T/out" "Актюбинская область"
# Only the founding case is public: his figures, and ids on request.
expect_status 0 tg --db "$T/demo.db" accountability --clearance public --ids
trial=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print([p["id"] for p in d if p["type"] == "criminal_case"][0])' "$T/isayev.json")
expect_in "$T/out" "$trial"
expect_status 0 tg --db "$T/demo.db" --json accountability --clearance public --by both
python3 - "$T/out" <<'PY'
import json, sys
acc = json.load(open(sys.argv[1]))
assert acc["total"]["alleged"]["count"] == 1, acc["total"]["alleged"]
assert acc["prosecutions"]["sentences"]["years"] == 15
assert acc["complaints"]["closed_no_crime"]["count"] == 1
row = acc["funnel"][0]
assert row["act_type"] == "torture" and row["place"]["code"] == "kz-aktobe-region", row
PY
checks=$((checks + 1))

# Bad options are named; nothing is counted.
expect_status 2 tg --db "$T/demo.db" accountability --by period
expect_in "$T/err" "--by"
expect_status 2 tg --db "$T/demo.db" accountability --clearance secret
expect_in "$T/err" "--clearance"
expect_status 2 tg --db "$T/demo.db" accountability --frobnicate
expect_in "$T/err" "--frobnicate"
expect_status 2 tg --db "$T/demo.db" accountability --by
expect_in "$T/err" "--by"

# ---- a small database, byte for byte against the golden file ----
export TERGEU_NOW=2024-02-01T00:00:00.000Z
tg init >/dev/null 2>&1
id() { printf '01900000-0000-7000-8000-%012d' "$1"; }
add() {
	entity=$1
	shift
	printf '%s\n' "$*" | tg add "$entity" --file - >/dev/null || fail "add $entity: $*"
}
add place "{\"id\": \"$(id 1)\", \"code\": \"kz\", \"name\": \"Қазақстан\", \"name_en\": \"Kazakhstan\", \"type\": \"country\", \"confidentiality\": \"public\"}"
add place "{\"id\": \"$(id 2)\", \"code\": \"kz-aktobe-region\", \"name\": \"Ақтөбе облысы\", \"name_ru\": \"Актюбинская область\", \"name_en\": \"Aktobe Region\", \"type\": \"region\", \"parent\": \"kz\", \"confidentiality\": \"public\"}"
add place "{\"id\": \"$(id 3)\", \"code\": \"kz-aktobe\", \"name\": \"Ақтөбе\", \"name_en\": \"Aktobe\", \"type\": \"city\", \"parent\": \"kz-aktobe-region\", \"confidentiality\": \"public\"}"
for p in "10 Nursultan Testov" "11 Aigerim Testova" "12 Berik Testov" "13 Aktobe police"; do
	add person "{\"id\": \"$(id "${p%% *}")\", \"names\": [{\"text\": \"${p#* }\"}], \"confidentiality\": \"public\"}"
done
act() { add act "{\"id\": \"$(id "$1")\", \"type\": \"$2\", \"victim\": \"$(id "$3")\", $4 \"confidentiality\": \"$5\"}"; }
act 20 torture 10 '"place": "kz-aktobe",' public
act 21 torture 11 '"place": "kz-aktobe",' restricted
act 22 ill_treatment 11 '' public
act 23 killing 12 '"place": "kz-aktobe-region",' restricted
# proc N TYPE PERSON ROLE ACT|- LEVEL MONTHS|- STAGE[/REASON]...
proc() {
	n=$1 type=$2 who=$3 role=$4 about=$5 level=$6 months=$7
	shift 7
	stages=
	for s in "$@"; do
		case $s in
		*/*) stages="$stages{\"stage\": \"${s%/*}\", \"reason\": \"${s#*/}\"}," ;;
		*) stages="$stages{\"stage\": \"$s\"}," ;;
		esac
	done
	extra=
	[ "$about" = - ] || extra="$extra\"acts\": [\"$(id "$about")\"], "
	[ "$months" = - ] || extra="$extra\"sentence_months\": $months, "
	add proceeding "{\"id\": \"$(id "$n")\", \"type\": \"$type\", \"parties\": [{\"person\": \"$(id "$who")\", \"role\": \"$role\"}], $extra\"stages\": [${stages%,}], \"confidentiality\": \"$level\"}"
}
proc 30 complaint 10 complainant 20 public - complaint_filed investigation closed/no_crime
proc 31 criminal_case 10 defendant - public 180 detained charged trial verdict appeal_filed
proc 32 complaint 11 complainant 21 restricted - complaint_filed refused_to_open
proc 33 investigation 12 victim 23 restricted - case_opened closed/no_evidence
proc 34 criminal_case 11 defendant - restricted - charged amnesty
proc 35 criminal_case 12 defendant - public - case_opened posthumous closed/death_of_accused
proc 36 complaint 13 defendant 22 public - complaint_filed investigation charged trial verdict
expect_status 0 tg --json accountability --by both
if [ -n "${TERGEU_UPDATE_GOLDEN:-}" ]; then
	cp "$T/out" "$GOLDEN"
fi
cmp "$T/out" "$GOLDEN" || {
	diff -u "$GOLDEN" "$T/out" >&2
	fail "tergeu --json accountability --by both differs from $GOLDEN"
}
checks=$((checks + 1))

# ---- the web page and the records behind a figure ----
printf 'Taldykorgan river stone lamp\n' >"$T/pw"
tg user add ana --role analyst --password-fd 3 3<"$T/pw" >/dev/null
tg user add vic --role viewer --password-fd 3 3<"$T/pw" >/dev/null
start_server
expect_eq "$(status_of "$BASE/accountability")" 303
web_login "$T/ana.jar" ana "Taldykorgan river stone lamp"
web_login "$T/vic.jar" vic "Taldykorgan river stone lamp"
expect_eq "$(status_of -b "$T/ana.jar" "$BASE/accountability")" 200
expect_html "$T/body"
expect_in "$T/body" '<svg xmlns="http://www.w3.org/2000/svg" role="img"'
expect_in "$T/body" '<title id="funnel-title">'
expect_in "$T/body" 'href="/accountability/records?figure=funnel%3A%2A%3A%2A%3Aalleged"'
expect_in "$T/body" 'Prosecutions of victims'
expect_in "$T/body" 'Complaints against officials'
expect_in "$T/body" 'href="/accountability"'
expect_not_in "$T/body" '<script>'
expect_eq "$(status_of -b "$T/ana.jar" "$BASE/accountability?by=both")" 200
expect_in "$T/body" 'Aktobe Region'
# The analyst sees the restricted act among all acts; the viewer does not.
expect_eq "$(status_of -b "$T/ana.jar" "$BASE/accountability/records?figure=funnel:*:*:alleged")" 200
expect_in "$T/body" "/record/$(id 20)"
expect_in "$T/body" "/record/$(id 21)"
expect_eq "$(status_of -b "$T/vic.jar" "$BASE/accountability/records?figure=funnel:*:*:alleged")" 200
expect_in "$T/body" "/record/$(id 20)"
expect_not_in "$T/body" "/record/$(id 21)"
expect_not_in "$T/body" "/record/$(id 23)"
# A figure only restricted records make is no figure for the viewer.
expect_eq "$(status_of -b "$T/ana.jar" "$BASE/accountability/records?figure=complaints:closed_other:no_evidence")" 200
expect_in "$T/body" "/record/$(id 33)"
expect_eq "$(status_of -b "$T/vic.jar" "$BASE/accountability/records?figure=complaints:closed_other:no_evidence")" 404
expect_not_in "$T/body" "/record/$(id 33)"
expect_eq "$(status_of -b "$T/vic.jar" "$BASE/accountability")" 200
expect_not_in "$T/body" "no_evidence"
expect_not_in "$T/body" "Insufficient evidence"
# His sentence in years, the link to his trial behind it.
expect_eq "$(status_of -b "$T/vic.jar" "$BASE/accountability/records?figure=prosecutions:sentences")" 200
expect_in "$T/body" "/record/$(id 31)"
expect_eq "$(status_of -b "$T/ana.jar" "$BASE/accountability/records")" 400
expect_eq "$(status_of -b "$T/ana.jar" "$BASE/accountability/records?figure=nothing")" 404
stop_server

done_ok
