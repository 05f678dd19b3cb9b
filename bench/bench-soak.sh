#!/bin/sh
# Load and soak: many concurrent clients on loopback for SECONDS, a mixed
# workload (30% writes of new persons through the API, 70% reads of lists,
# records and searches), while the server's RSS is sampled every 10 s.
# Afterwards every acknowledged write must read back. Prints requests/s,
# p99 latency, errors, writes acknowledged and lost, and RSS over time.
#
# Usage: bench/bench-soak.sh [TERGEU] [SECONDS] [CONNECTIONS]
set -eu
tg=${1:-build/cli/tergeu}
secs=${2:-600}
conns=${3:-64}
command -v wrk >/dev/null || { echo "bench-soak: needs wrk" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/tergeu-soak.XXXXXX")
pid=
# On failure the server's own output says why (a sanitizer's report, an
# error it logged) before the directory goes.
trap 'rc=$?; [ -z "$pid" ] || kill "$pid" 2>/dev/null || :; wait 2>/dev/null || :
[ "$rc" -ne 0 ] && [ -s "$T/serve.out" ] &&
	{ echo "bench-soak: failed; the server printed:" >&2
	  if grep -q "ERROR: .*Sanitizer" "$T/serve.out"; then
		sed -n "/ERROR: .*Sanitizer/,\$p" "$T/serve.out" | head -120 >&2
	  else
		tail -40 "$T/serve.out" >&2
	  fi; }
rm -rf "$T"' EXIT
export TERGEU_DB="$T/demo.db" LANGUAGE=en TERGEU_LANG=en
"$tg" demo >/dev/null
printf 'Taldykorgan river stone lamp\n' >"$T/pw"
"$tg" user add soak --role editor --password-fd 3 3<"$T/pw" >/dev/null
export SOAK_TOKEN=$("$tg" user token soak --label soak | sed -n 2p)
export SOAK_VICTIM=$("$tg" --json search "Nursultan Isayev" --type person |
	python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["record"]["id"])')
export SOAK_DIR=$T
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$tg" serve --listen "127.0.0.1:$port" >"$T/serve.out" 2>&1 &
pid=$!
until grep -q serving "$T/serve.out" 2>/dev/null; do sleep 0.1; done
rss() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"; }
echo "rss 0 $(rss)" >"$T/rss"
(i=0; while kill -0 "$pid" 2>/dev/null; do sleep 10; i=$((i + 10)); echo "rss $i $(rss)"; done) \
	>>"$T/rss" 2>/dev/null &
sampler=$!
wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s --latency -s "$(dirname "$0")/soak.lua" \
	"http://127.0.0.1:$port" >"$T/wrk.out"
kill "$sampler" 2>/dev/null || :
kill -0 "$pid" 2>/dev/null || { echo "bench-soak: the server ended during the load" >&2; exit 1; }
rps=$(awk '/Requests\/sec/ { print $2 }' "$T/wrk.out")
max=$(awk '$1 == "Latency" { print $4 }' "$T/wrk.out")
p99=$(awk '$1 == "99%" { print $2 }' "$T/wrk.out")
set -- $(awk '/^soak-errors/ { print $2, $3, $4, $5, $6 }' "$T/wrk.out")
errors=$(( $1 + $2 + $3 + $4 + $5 ))
non2xx=$(awk '/Non-2xx/ { print $NF }' "$T/wrk.out")
sort -u "$T"/acked-*.txt >"$T/acked.txt"
acked=$(wc -l <"$T/acked.txt")
# Every acknowledged write reads back: a sample through the API (the
# running server), all of them from the database file (a new process).
lost=0
for uid in $(head -200 "$T/acked.txt"); do
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $SOAK_TOKEN" \
		"http://127.0.0.1:$port/api/v1/person/$uid") || code="curl exit $?"
	[ "$code" = 200 ] && continue
	lost=$((lost + 1))
	[ "$lost" -gt 5 ] || echo "bench-soak: $uid read back: $code" >&2
	kill -0 "$pid" 2>/dev/null || break
done
kill "$pid" 2>/dev/null || { echo "bench-soak: the server ended before the read-back finished" >&2; exit 1; }
wait "$pid" 2>/dev/null || :
pid=
"$tg" export --out "$T/all.json"
set -- $(python3 - "$T/all.json" "$T/acked.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ids = {r["id"] for r in d["records"] if r["entity"] == "person"
       and any(n.get("text", "").startswith("Soak Person") for n in r.get("names", []))}
acked = [l.strip() for l in open(sys.argv[2]) if l.strip()]
print(len(ids), sum(1 for a in acked if a not in ids))
PY
)
stored=$1
lost=$((lost + $2))
"$tg" ledger verify >/dev/null || { echo "bench-soak: the ledger does not verify" >&2; exit 1; }
echo "bench-soak: ${secs}s, $conns connections, 2 wrk threads, server threads 2"
echo "requests/s $rps   p99 $p99   max $max   socket errors $errors   non-2xx ${non2xx:-0}"
echo "writes acknowledged $acked   lost (not read back) $lost   persons stored $stored"
echo "server RSS MiB over time: $(awk '{ printf "%s:%s ", $2, $3 }' "$T/rss")"
[ "$errors" -eq 0 ] && [ -z "$non2xx" ] && [ "$lost" -eq 0 ] && [ "$stored" -ge "$acked" ]
