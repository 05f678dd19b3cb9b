#!/bin/sh
# The web server under wrk on loopback: a person's dossier page and a JSON
# list, against a static file served by the same server in the same run
# (the ratio is the cost of the page over the server's floor). Prints
# requests/s, p99 latency and the server's RSS idle and after the load.
#
# Usage: bench/bench-web.sh [TERGEU] [SECONDS] [CONNECTIONS]
#   TERGEU defaults to build/cli/tergeu; run from the repository root.
set -eu
tg=${1:-build/cli/tergeu}
secs=${2:-10}
conns=${3:-32}
command -v wrk >/dev/null || { echo "bench-web: needs wrk (apt-get install wrk)" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/tergeu-bench-web.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
export TERGEU_DB="$T/demo.db" LANGUAGE=en TERGEU_LANG=en
"$tg" demo >/dev/null
printf 'Taldykorgan river stone lamp\n' >"$T/pw"
"$tg" user add bench --role editor --password-fd 3 3<"$T/pw" >/dev/null
token=$("$tg" user token bench --label bench | sed -n 2p)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
"$tg" serve --listen "127.0.0.1:$port" >"$T/serve.out" 2>&1 &
pid=$!
until grep -q serving "$T/serve.out" 2>/dev/null; do sleep 0.1; done

# Sign in (the session cookie), and a person with acts for the dossier.
jar=$T/jar
tok=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$tok" \
	--data-urlencode "name=bench" --data-urlencode "password=Taldykorgan river stone lamp" "$base/login"
sid=$(awk '$6 == "__Host-sid" { print $7 }' "$jar")
# The founding case's person: the richest dossier of the demo.
victim=$("$tg" --json search "Nursultan Isayev" --type person |
	python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["record"]["id"])')
rss() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"; }
idle=$(rss)

# run NAME URL [HEADER]: wrk's requests/s and p99 (ms) for URL, which must
# answer 200 (wrk counts a redirect to the sign-in page as a success).
run() {
	code=$(curl -s -o /dev/null -w '%{http_code}' ${3:+-H "$3"} "$2")
	[ "$code" = 200 ] || { echo "bench-web: $1 answers $code" >&2; exit 1; }
	if [ -n "${3:-}" ]; then
		wrk -t2 -c"$conns" -d"${secs}s" --latency -H "$3" "$2" >"$T/wrk.out"
	else
		wrk -t2 -c"$conns" -d"${secs}s" --latency "$2" >"$T/wrk.out"
	fi
	non2xx=$(awk "/Non-2xx/ { print \$NF }" "$T/wrk.out")
	[ -z "$non2xx" ] || { cat "$T/wrk.out" >&2; echo "bench-web: $1 had non-2xx answers" >&2; exit 1; }
	rps=$(awk '/Requests\/sec/ { print $2 }' "$T/wrk.out")
	p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 }
		else if (v ~ /ms$/) sub(/ms/, "", v); else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }
		print v }' "$T/wrk.out")
	printf '%-28s %10.0f req/s   p99 %7.2f ms\n' "$1" "$rps" "$p99"
	eval "rps_$4=$rps"
}
echo "bench-web: ${secs}s per URL, $conns connections, 2 wrk threads, server threads 2"
run "static file (baseline)" "$base/static/style.css" "" base
run "dossier page" "$base/record/$victim" "Cookie: __Host-sid=$sid" dossier
run "people list page" "$base/people" "Cookie: __Host-sid=$sid" people
if curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
	"$base/api/v1/person?limit=20" | grep -q 200; then
	run "JSON list (20 persons)" "$base/api/v1/person?limit=20" "Authorization: Bearer $token" api
	api_ratio=$(python3 -c "print('%.3f' % ($rps_api / $rps_base))")
else
	api_ratio="n/a (no /api/v1 yet)"
fi
printf 'server RSS: idle %s MiB, after load %s MiB\n' "$idle" "$(rss)"
printf 'ratios to the static baseline: dossier %s, people %s, JSON list %s\n' \
	"$(python3 -c "print('%.3f' % ($rps_dossier / $rps_base))")" \
	"$(python3 -c "print('%.3f' % ($rps_people / $rps_base))")" "$api_ratio"
