#!/bin/sh
# Record linkage end to end on generated lists with known truth:
#   bench/bench-link.sh [SIZE] [SEED]     (SIZE: population; default 100000)
# Generates the four lists, imports them, runs tergeu link and prints the
# time of each phase, comparisons per second per thread, peak RSS, review
# items per 1,000 records and pairwise precision / recall / F1 against
# the truth. The baseline, measured in the same run, is reading every raw
# record out of SQLite once (the least any linker of this database does);
# the ratio is link time over that.
set -eu
size=${1:-100000}
seed=${2:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
tergeu=${TERGEU:-$root/build/cli/tergeu}
dir=$(mktemp -d "${TMPDIR:-/tmp}/tergeu-bench-link.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export TERGEU_DB="$dir/db.sqlite"
"$tergeu" init --no-encrypt >/dev/null
start=$(date +%s.%N)
"$tergeu" generate --out "$dir/lists" --size "$size" --seed "$seed" >/dev/null
gen=$(python3 -c "import time; print(time.time() - $start)")
start=$(date +%s.%N)
for l in government:ru ngo-a:kk ngo-b:en media:en; do
	name=${l%%:*}
	"$tergeu" import "$dir/lists/list-$name.csv" --list "$name" \
		--map "$dir/lists/map-$name.json" --lang "${l##*:}" >/dev/null
done
import=$(python3 -c "import time; print(time.time() - $start)")
start=$(date +%s.%N)
sqlite3 "$TERGEU_DB" "SELECT * FROM raw_record" >/dev/null
base=$(python3 -c "import time; print(time.time() - $start)")
/usr/bin/time -f '%e %M' -o "$dir/time" "$tergeu" --json link --clusters-out "$dir/persons.csv" \
	>"$dir/report.json"
python3 "$root/scripts/link-quality" "$dir/persons.csv" "$dir/lists/truth.csv" --json \
	>"$dir/quality.json"
python3 - "$dir" "$size" "$gen" "$import" "$base" <<'PY'
import json, sys
d, size, gen, imp, base = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:])
r = json.load(open(d + "/report.json"))
q = json.load(open(d + "/quality.json"))
wall, rss = open(d + "/time").read().split()
wall, rss = float(wall), int(rss)
t = r["timings"]
print(f"population {size}, records {r['records']}, persons found {r['clusters']}"
      f" (true {q['true_persons']})")
print(f"generate {gen:.2f} s, import {imp:.2f} s")
print(f"link {wall:.2f} s wall, peak RSS {rss / 1024:.0f} MiB; phases: " +
      ", ".join(f"{k} {v:.2f} s" for k, v in t.items()))
for b in r["blocking"]:
    print(f"  rule {b['rule']:24} pairs {b['pairs']:>11} new {b['new_pairs']:>11}"
          f" reduction {b['reduction_ratio']:.6f} capped blocks {b['capped_blocks']}")
print(f"pairs compared {r['pairs']}, {r['comparisons_per_second_per_thread'] / 1e6:.2f}M"
      f" comparisons/s per thread ({r['params']['threads']} threads)")
print(f"auto-links {r['links']}, review {r['review']}"
      f" ({1000 * r['review'] / max(r['records'], 1):.1f} per 1,000 records)")
print(f"precision {q['precision']:.4f} recall {q['recall']:.4f} F1 {q['f1']:.4f}")
print(f"baseline (read raw records) {base:.3f} s; link/baseline {wall / base:.1f}x")
PY
