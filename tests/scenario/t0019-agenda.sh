#!/bin/sh
# tergeu agenda: hearings and deadlines (open, met, passed first as
# warnings) in the CLI's table and JSON, the iCalendar file checked against
# RFC 5545 and compared byte for byte with a golden file, clearances, the
# rules file and its errors, bad options named, no half-written file; the
# web page and /agenda.ics for readers of different clearances.
# UPDATE_GOLDEN=1 rewrites golden/agenda.ics instead of comparing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
GOLDEN="$HERE/golden/agenda.ics"

# The clock of the CLI's runs: today is 1 February 2024.
tgn() { TERGEU_NOW=2024-02-01T09:00:00 "$TERGEU" "$@"; }
add() { printf '%s\n' "$1" | tg add proceeding --file - >/dev/null; }

tg init >/dev/null 2>&1
P=00000000-0000-7000-8000-0000000000
# A Supreme Court review that is also the next hearing (one event); a
# verdict known to the month; a trial known to the month (listed, no event).
add '{"id":"'$P'a1","type":"criminal_case","title":"Criminal case against Nursultan Isayev",
 "authority":"court in Aktobe","confidentiality":"public","next_hearing":"2024-02-05",
 "stages":[{"stage":"verdict","date":"2023-02"},{"stage":"appeal_filed"},
 {"stage":"appeal_decision"},{"stage":"cassation_filed"},
 {"stage":"supreme_court_review","date":"2024-02-05","authority":"Supreme Court"},
 {"stage":"trial","date":"2024-03"}]}'
# A verdict with no appeal recorded: the window closed on 25 January.
add '{"id":"'$P'a2","type":"criminal_case","confidentiality":"restricted","case_number":"1-7/2024",
 "title":"Іс: Асқар Жұмабаев; Арман, Бек\\Нұр\nекінші жол — ұзын атау ұзын атау ұзын атау",
 "stages":[{"stage":"verdict","date":"2024-01-10","authority":"court in Almaty"}]}'
add '{"id":"'$P'a3","type":"criminal_case","title":"Confidential case","confidentiality":"confidential",
 "next_hearing":"2024-02-20"}'
# A refusal to open a case: the reminder to challenge it is open.
add '{"id":"'$P'a4","type":"complaint","title":"Torture complaint","confidentiality":"public",
 "stages":[{"stage":"complaint_filed","date":"2024-01-05"},
 {"stage":"refused_to_open","date":"2024-01-20","authority":"prosecutor"}]}'
add '{"id":"'$P'a5","type":"criminal_case","title":"Open appeal","confidentiality":"public",
 "stages":[{"stage":"verdict","date":"2024-02-10"}]}'
# Charged within 72 hours of the detention: met.
add '{"id":"'$P'a6","type":"criminal_case","title":"Detention","confidentiality":"public",
 "stages":[{"stage":"detained","date":"2024-01-30"},{"stage":"charged","date":"2024-01-31"}]}'
add '{"id":"'$P'a7","type":"criminal_case","title":"Case <script>alert(1)</script>",
 "confidentiality":"public","next_hearing":"2024-03-03"}'

# The table: the passed deadline first, flagged; the month-only trial
# marked; nothing above the default clearance (restricted).
expect_status 0 tgn agenda --from 2024-01-01 --to 2024-03-31
expect_eq "$(sed -n 3p "$T/out" | cut -c1-2)" "! "
expect_in "$T/out" "Appeal window closes — Іс: Асқар Жұмабаев"
expect_in "$T/out" "5 February 2024"
expect_in "$T/out" "Supreme Court preliminary review — Criminal case against Nursultan Isayev"
expect_in "$T/out" "March 2024 *"
expect_in "$T/out" "1 deadline(s) passed"
expect_not_in "$T/out" "Confidential case"
expect_eq "$(grep -c "Supreme Court preliminary review" "$T/out")" 1

# JSON: every status as expected.
expect_status 0 tgn --json agenda --from 2024-01-01 --to 2024-03-31
python3 - "$T/out" "$P" <<'PY' || fail "agenda JSON"
import json, sys
a = json.load(open(sys.argv[1]))
P = sys.argv[2]
got = {(i["proceeding"][-2:], i["kind"], i.get("rule") or i["stage"]): i for i in a["items"]}
want = {("a2", "deadline", "appeal"): ("passed", "2024-01-25", True),
        ("a4", "deadline", "refusal-challenge"): ("open", "2024-02-19", True),
        ("a5", "deadline", "appeal"): ("open", "2024-02-25", True),
        ("a6", "deadline", "detention-72h"): ("met", "2024-02-02", True),
        ("a1", "hearing", "supreme_court_review"): (None, "2024-02-05", True),
        ("a1", "hearing", "trial"): (None, "2024-03", False),
        ("a7", "hearing", "hearing"): (None, "2024-03-03", True)}
assert set(got) == set(want), sorted(set(got) ^ set(want))
for k, (status, date, cal) in want.items():
    i = got[k]
    assert (i["status"], i["date"], i["in_calendar"]) == (status, date, cal), (k, i)
assert a["items"][0]["status"] == "passed"
assert a["from"] == "2024-01-01" and a["to"] == "2024-03-31" and a["today"] == "2024-02-01"
assert got[("a2", "deadline", "appeal")]["stage_date"] == "2024-01-10"
assert got[("a2", "deadline", "appeal")]["days"] == 15
PY
checks=$((checks + 1))

# The calendar: RFC 5545's rules, and byte for byte the golden file.
expect_status 0 tgn agenda --from 2024-01-01 --to 2024-03-31 --ics "$T/agenda.ics"
expect_in "$T/err" "6 event(s) written"
python3 "$HERE/check-ics.py" "$T/agenda.ics" >"$T/events" || fail "agenda.ics breaks RFC 5545"
checks=$((checks + 1))
if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
	cp "$T/agenda.ics" "$GOLDEN"
fi
cmp "$T/agenda.ics" "$GOLDEN" || fail "agenda.ics differs from $GOLDEN"
checks=$((checks + 1))
# Unfolding and unescaping give back the title as recorded.
python3 - "$T/events" <<'PY' || fail "the title did not survive folding and escaping"
import json, sys
events = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
title = "Іс: Асқар Жұмабаев; Арман, Бек\\Нұр\nекінші жол — ұзын атау ұзын атау ұзын атау"
summaries = [e["SUMMARY"] for e in events]
assert "Deadline passed, nothing recorded: Appeal window closes — " + title in summaries, summaries
assert len({e["UID"] for e in events}) == len(events) == 6
PY
checks=$((checks + 1))
expect_status 0 tgn agenda --from 2024-01-01 --to 2024-03-31 --ics -
cmp "$T/out" "$GOLDEN" || fail "--ics - differs from --ics FILE"
checks=$((checks + 1))

# Clearances: confidential shows the third case, public hides the second.
expect_status 0 tgn --json agenda --from 2024-01-01 --to 2024-03-31 --clearance confidential
expect_in "$T/out" "${P}a3"
expect_status 0 tgn --json agenda --from 2024-01-01 --to 2024-03-31 --clearance public
expect_not_in "$T/out" "${P}a2"
expect_not_in "$T/out" "${P}a3"
expect_in "$T/out" "${P}a4"

# Labels in the reader's language.
expect_status 0 tgn --lang ru agenda --from 2024-01-01 --to 2024-03-31
expect_in "$T/out" "Истекает срок апелляционного обжалования"
expect_in "$T/out" "5 февраля 2024"
expect_status 0 tgn --lang kk agenda --from 2024-01-01 --to 2024-03-31
expect_in "$T/out" "Апелляциялық шағым беру мерзімі бітеді"

# Rules of one's own, and their errors named by file, line and field.
cat >"$T/rules.json" <<'EOF'
{"rules": [{"id": "short", "after": "verdict", "days": 5, "expect": ["appeal_filed"],
            "label": {"en": "Short window"}}]}
EOF
expect_status 0 tgn --json agenda --from 2024-01-01 --to 2024-03-31 --rules "$T/rules.json"
expect_in "$T/out" '"date": "2024-01-15"'
expect_in "$T/out" "Short window"
expect_not_in "$T/out" "refusal-challenge"
cat >"$T/bad-rules.json" <<'EOF'
{"rules": [
  {"id": "short", "after": "verdict",
   "days": "five", "expect": ["appeal_filed"], "label": {"en": "Short"}}]}
EOF
expect_status 4 tgn agenda --rules "$T/bad-rules.json"
expect_in "$T/err" "bad-rules.json:3:"
expect_in "$T/err" "rules[0].days"
printf '{"rules": [\n  {"id": "x", "after": "verdicts", "days": 1, "expect": ["appeal_filed"], "label": {"en": "X"}}]}\n' >"$T/bad-rules.json"
expect_status 4 tgn agenda --rules "$T/bad-rules.json"
expect_in "$T/err" "bad-rules.json:2:"
expect_in "$T/err" "verdicts"
printf '{"rules": [\n  {"id": "x",,}]}\n' >"$T/bad-rules.json"
expect_status 4 tgn agenda --rules "$T/bad-rules.json"
expect_in "$T/err" "bad-rules.json:2:"
expect_status 5 tgn agenda --rules "$T/no-such-rules.json"
expect_in "$T/err" "no-such-rules.json"

# Bad options and dates name themselves; nothing is asked or written.
expect_status 4 tgn agenda --from 2024-13-01
expect_in "$T/err" "--from"
expect_status 4 tgn agenda --from 2024-03 --to 2024-01-31
expect_in "$T/err" "--to"
expect_status 4 tgn agenda --to yesterday
expect_in "$T/err" "--to"
expect_status 2 tgn agenda --from
expect_in "$T/err" "--from"
expect_status 2 tgn agenda --clearance secret
expect_in "$T/err" "--clearance"
expect_status 2 tgn agenda --frobnicate
expect_in "$T/err" "--frobnicate"
expect_status 2 tgn agenda tomorrow
expect_status 2 tgn --json agenda --ics -
# A failing write leaves no file, whole or half.
expect_status 5 tgn agenda --ics "$T/no-dir/agenda.ics"
[ ! -e "$T/no-dir" ] || fail "a directory was made"
mkdir "$T/a-dir"
expect_status 5 tgn agenda --ics "$T/a-dir"
expect_in "$T/err" "a-dir"
[ -z "$(ls -A "$T/a-dir")" ] && ! ls "$T" | grep -q "a-dir.tmp" || fail "a temporary file was left"
checks=$((checks + 1))

# The web: the page and the calendar, each reader seeing what they may.
printf 'Taldykorgan river stone lamp\n' >"$T/pw"
tg user add ed --role editor --password-fd 3 3<"$T/pw" >/dev/null
tg user add vi --role viewer --password-fd 3 3<"$T/pw" >/dev/null
start_server
expect_eq "$(status_of "$BASE/agenda")" 303
expect_eq "$(status_of "$BASE/agenda.ics")" 303
web_login "$T/ed" ed "Taldykorgan river stone lamp"
Q="from=2024-01-01&to=2024-03-31"
expect_eq "$(status_of -b "$T/ed" "$BASE/agenda?$Q")" 200
expect_html "$T/body"
expect_in "$T/body" 'href="/agenda"'
expect_in "$T/body" "passed, nothing recorded"
expect_in "$T/body" "Case &lt;script&gt;alert(1)&lt;/script&gt;"
expect_not_in "$T/body" "<script>alert"
expect_not_in "$T/body" "Confidential case"
expect_in "$T/body" "/agenda.ics?from=2024-01-01&amp;to=2024-03-31"
python3 - "$T/body" <<'PY' || fail "the passed deadline is not first on the page"
import sys
page = open(sys.argv[1], encoding="utf-8").read()
rows = page.split("<tbody>", 1)[1].split("</tr>")
assert "passed, nothing recorded" in rows[0] and "1-7/2024" in rows[0], rows[0]
PY
checks=$((checks + 1))
expect_eq "$(status_of -b "$T/ed" "$BASE/agenda.ics?$Q")" 200
expect_in "$T/headers" "Content-Type: text/calendar; charset=utf-8"
expect_in "$T/headers" "attachment"
python3 "$HERE/check-ics.py" "$T/body" >"$T/events" || fail "/agenda.ics breaks RFC 5545"
checks=$((checks + 1))
expect_in "$T/events" "${P}a2-deadline-20240125-appeal@tergeu"
expect_not_in "$T/events" "${P}a3"
expect_eq "$(status_of -b "$T/ed" "$BASE/agenda?from=2024-13")" 400
expect_eq "$(status_of -b "$T/ed" "$BASE/agenda.ics?from=2024-03&to=2024-01")" 400
web_login "$T/vi" vi "Taldykorgan river stone lamp"
expect_eq "$(status_of -b "$T/vi" "$BASE/agenda.ics?$Q")" 200
python3 "$HERE/check-ics.py" "$T/body" >"$T/events" || fail "/agenda.ics breaks RFC 5545"
expect_not_in "$T/events" "${P}a2"
expect_not_in "$T/events" "${P}a3"
expect_in "$T/events" "${P}a4-deadline-20240219-refusal-challenge@tergeu"
expect_eq "$(status_of -b "$T/vi" "$BASE/agenda?$Q")" 200
expect_not_in "$T/body" "Асқар Жұмабаев"
stop_server

# The demo: the founding case's Supreme Court review, and a calendar of
# two years of proceedings that still keeps to the RFC.
export TERGEU_DB="$T/demo.db"
tg demo --size 300 >/dev/null 2>&1
expect_status 0 tgn agenda --from 2024-02-05 --to 2024-02-05
expect_in "$T/out" "Supreme Court preliminary review — Criminal case against Nursultan Isayev"
expect_status 0 tgn agenda --from 2022-01-01 --to 2024-12-31 --ics "$T/demo.ics"
python3 "$HERE/check-ics.py" "$T/demo.ics" >/dev/null || fail "the demo's calendar breaks RFC 5545"
checks=$((checks + 1))

done_ok
