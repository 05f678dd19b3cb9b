#!/bin/sh
# Estimation of the total: from a capture table or from linkage, by every
# method, with intervals, warnings and a chart; bad tables are named.
. "$(dirname "$0")/lib.sh"

printf 'A,B,count\n1,0,60\n0,1,40\n1,1,20\n' >"$T/two.csv"
expect_status 0 tg --json estimate --table "$T/two.csv"
python3 - "$T/out" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
# Chapman: (n1+1)(n2+1)/(m+1) - 1 with n1 = 80, n2 = 60, m = 20.
assert e["method"] == "chapman", e
assert abs(e["estimate"] - (81 * 61 / 21 - 1)) < 1e-6, e["estimate"]
assert e["observed"] == 120 and e["lower"] < e["estimate"] < e["upper"], e
PY
checks=$((checks + 1))

printf 'A,B,C,count\n1,0,0,45\n0,1,0,55\n0,0,1,30\n1,1,0,12\n1,0,1,10\n0,1,1,8\n1,1,1,4\n' >"$T/three.csv"
expect_status 0 tg --json estimate --table "$T/three.csv" --criterion bic --models
python3 - "$T/out" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
assert e["method"] == "loglinear" and e["model"].startswith("["), e
assert e["lower"] <= e["estimate"] <= e["upper"] and e["estimate"] > e["observed"], e
assert len(e["models"]) == 8, len(e["models"])  # every hierarchical model without [123]
PY
checks=$((checks + 1))
# Model averaging: the AIC-weighted mean of every fitted model's estimate.
expect_status 0 tg --json estimate --table "$T/three.csv" --models
cp "$T/out" "$T/models.json"
expect_status 0 tg --json estimate --table "$T/three.csv" --average
python3 - "$T/models.json" "$T/out" <<'PY'
import json, math, sys
models = json.load(open(sys.argv[1]))["models"]
avg = json.load(open(sys.argv[2]))
best = min(m["aic"] for m in models)
w = [math.exp(-(m["aic"] - best) / 2) for m in models]
want = sum(wi * m["estimate"] for wi, m in zip(w, models)) / sum(w)
assert avg["method"] == "loglinear_average", avg["method"]
assert abs(avg["estimate"] - want) < 1e-6 * want, (avg["estimate"], want)
assert avg["lower"] < avg["estimate"] < avg["upper"], avg
PY
checks=$((checks + 1))
expect_status 2 tg estimate --table "$T/three.csv" --method chapman --average
expect_status 0 tg --json estimate --table "$T/three.csv" --method lcmcr --seed 7
cp "$T/out" "$T/lcmcr1"
expect_status 0 tg --json estimate --table "$T/three.csv" --method lcmcr --seed 7
python3 - "$T/out" "$T/lcmcr1" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
for k in ("estimate", "lower", "upper"):
    assert a[k] == b[k], ("the same seed gave another chain", k, a[k], b[k])
PY
checks=$((checks + 1))
expect_in "$T/out" '"diagnostics"'
expect_status 0 tg estimate --table "$T/three.csv" --svg "$T/chart.svg"
expect_in "$T/out" "estimated total"
python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$T/chart.svg"
expect_in "$T/chart.svg" "<svg"

# Bad tables are named by line and column; nothing is estimated.
printf 'A,B,count\n1,0,60\n1,2,3\n' >"$T/bad.csv"
expect_status 4 tg estimate --table "$T/bad.csv"
expect_in "$T/err" "bad.csv"
expect_in "$T/err" "bad.csv:3"
expect_in "$T/err" "B"
printf 'A,B,count\n1,0,x\n' >"$T/bad2.csv"
expect_status 4 tg estimate --table "$T/bad2.csv"
expect_in "$T/err" "count"
expect_status 2 tg estimate --table "$T/two.csv" --method magic
expect_status 2 tg estimate --table "$T/two.csv" --by place

# From linkage: one estimate per stratum, the unknown one included.
tg init >/dev/null
tg generate --out "$T/lists" --size 3000 --seed 3 >/dev/null
for l in government:ru ngo-a:kk ngo-b:en media:en; do
	name=${l%%:*}
	tg import "$T/lists/list-$name.csv" --list "$name" --map "$T/lists/map-$name.json" \
		--lang "${l##*:}" >/dev/null
done
expect_status 4 tg estimate
expect_in "$T/err" "tergeu link"
expect_status 0 tg link
expect_status 0 tg --json estimate --by region
python3 - "$T/out" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) > 3, rows
for r in rows:
    assert r["lists"] == ["government", "ngo-a", "ngo-b", "media"], r["lists"]
    if "estimate" in r:
        assert r["estimate"] >= r["observed"] - 1e-9, r
PY
checks=$((checks + 1))
expect_status 0 tg --lang ru estimate
expect_in "$T/out" "оценка общего числа"
done_ok
