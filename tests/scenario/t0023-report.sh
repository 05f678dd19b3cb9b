#!/bin/sh
# tergeu report: one self-contained HTML file with its charts in kk, ru
# and en, the same figures in data.json, the checkpoint they were taken
# at; a public version that counts public records only and hides small
# cells; the charts drawn by Chromium are not empty; the web serves it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

export TERGEU_DB="$T/demo.db"
tg demo --size 300 >/dev/null
id=$(tg --json search "Nursultan Isayev" --type person |
	python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["record"]["id"])')
CANARY="QZR-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
tg add place --code qzr-region --name "$CANARY" --type region --confidentiality confidential >/dev/null
tg add act --type torture --victim "$id" --start 2022-01 --place qzr-region \
	--confidentiality confidential >/dev/null

for l in kk ru en; do
	expect_status 0 tg --lang "$l" report --out "$T/$l"
	for f in report.html data.json checkpoint.txt; do
		[ -s "$T/$l/$f" ] || fail "$l/$f is missing"
		checks=$((checks + 1))
	done
	expect_html "$T/$l/report.html"
	expect_in "$T/$l/report.html" "<html lang=\"$l\">"
	expect_not_in "$T/$l/report.html" "<script"
	expect_not_in "$T/$l/report.html" "$CANARY"
	expect_status 0 tg ledger verify --checkpoint "$T/$l/checkpoint.txt"
done
expect_in "$T/kk/report.html" "Алматы"
expect_in "$T/en/report.html" "January 2022"
expect_in "$T/ru/report.html" "январь 2022 г."

# The figures: data.json agrees with the page and with tergeu stats.
python3 - "$T/en/data.json" "$T/en/report.html" <<'PY' || fail "data.json does not agree"
import json, re, sys
d = json.load(open(sys.argv[1])); page = open(sys.argv[2], encoding="utf-8").read()
for key in ("records", "victims_by_region", "victims_by_month", "victims_by_act_type",
            "proceedings_by_stage", "estimate", "params", "checkpoint", "made",
            "accountability_funnel", "accountability_asymmetry"):
    assert key in d, key
assert d["params"]["clearance"] == "restricted" and d["params"]["public"] is False
assert d["estimate"]["lower"] <= d["estimate"]["estimate"] <= d["estimate"]["upper"]
assert d["estimate"]["observed"] > 0
assert sum(c["n"] for c in d["victims_by_act_type"]) > 0
assert d["records"]["person"] > 0
funnel = {c["label"]: c["n"] for c in d["accountability_funnel"]}
assert funnel["Alleged"] == sum(v for k, v in funnel.items() if k != "Alleged"), funnel
asym = {c["label"]: c["n"] for c in d["accountability_asymmetry"]}
assert asym["victims convicted"] <= asym["victims prosecuted"], asym
assert asym["closed as \"no crime\""] <= asym["complaints and investigations about officials"], asym
# every chart has bars
svgs = re.findall(r"<svg.*?</svg>", page, re.S)
assert len(svgs) >= 5, len(svgs)
assert all("<rect" in s or "<circle" in s or "<line" in s for s in svgs)
PY
checks=$((checks + 1))
tg --json stats --from records --by act_type >"$T/stats.json"
python3 - "$T/stats.json" "$T/en/data.json" <<'PY' || fail "the report's counts differ from tergeu stats"
import json, sys
stats = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2]))
rows = stats["rows"] if isinstance(stats, dict) and "rows" in stats else stats
total_stats = sum(r["victims"] for r in rows)
total_report = sum(c["n"] for c in d["victims_by_act_type"])
assert total_stats == total_report, (total_stats, total_report)
PY
checks=$((checks + 1))

# The public version: public records only, small cells hidden.
expect_status 0 tg report --out "$T/public" --public
expect_not_in "$T/public/report.html" "$CANARY"
expect_in "$T/public/report.html" "&lt;5"
python3 - "$T/public/data.json" <<'PY' || fail "small cells are not hidden"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["params"]["public"] is True and d["params"]["clearance"] == "public"
for key in ("victims_by_region", "victims_by_month", "victims_by_act_type", "proceedings_by_stage",
            "accountability_funnel", "accountability_asymmetry"):
    cells = d[key]
    assert all(c["n"] in ("<5", "*", 0) or c["n"] >= 5 for c in cells), key
    hidden = sum(1 for c in cells if c["n"] in ("<5", "*"))
    shown = sum(1 for c in cells if isinstance(c["n"], int))
    assert hidden != 1 or shown == 0, key
    assert "*" not in [c["n"] for c in cells] or "<5" in [c["n"] for c in cells], key
PY
checks=$((checks + 1))
expect_status 0 tg report --out "$T/public10" --public --min-cell 10
expect_in "$T/public10/report.html" "&lt;10"

# Bad options are named and write nothing.
expect_status 2 tg report
expect_in "$T/err" "--out"
expect_status 2 tg report --out "$T/bad" --clearance secret
expect_status 2 tg report --out "$T/bad" --min-cell 3
expect_status 2 tg report --out "$T/bad" --public --min-cell zero
[ ! -e "$T/bad" ] || fail "a refused report made its directory"
checks=$((checks + 1))

# Chromium draws the charts: the screenshot is not a blank page.
if [ -x /usr/bin/chromium ]; then
	timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --window-size=900,2400 \
		--screenshot="$T/report.png" "file://$T/en/report.html" >/dev/null 2>&1 || :
	python3 - "$T/report.png" <<'PY' || fail "the report renders blank"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR": w = struct.unpack(">I", body[:4])[0]
    if kind == b"IDAT": idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
dark = sum(1 for b in raw[::7] if b < 128)
assert dark > 2000, dark   # text and bars, not an empty page
PY
	checks=$((checks + 1))
else
	echo "note: no Chromium: the rendering is not checked"
fi

# The web serves the report at the reader's clearance.
printf 'Taldykorgan river stone lamp\n' >"$T/pw"
tg user add ana --role analyst --password-fd 3 3<"$T/pw" >/dev/null
tg user add vera --role viewer --clearance public --password-fd 3 3<"$T/pw" >/dev/null
start_server
web_login "$T/jar" ana 'Taldykorgan river stone lamp'
expect_eq "$(status_of -b "$T/jar" "$BASE/report?lang=ru")" 200
expect_in "$T/body" '<html lang="ru">'
expect_in "$T/headers" "style-src 'sha256-"
expect_not_in "$T/body" "$CANARY"
expect_eq "$(status_of -b "$T/jar" "$BASE/report?public=1")" 200
expect_in "$T/body" "&lt;5"
web_login "$T/vjar" vera 'Taldykorgan river stone lamp'
expect_eq "$(status_of -b "$T/vjar" "$BASE/report")" 200
expect_not_in "$T/body" "$CANARY"
expect_eq "$(status_of "$BASE/report")" 303
done_ok
