#!/bin/sh
# Load, bounded for CI: 500 slow connections from the users' own address
# do not lock them out, and a mixed read/write load through the API loses
# no acknowledged write, answers no error, and leaves a ledger that
# verifies (bench/bench-soak.sh, 10 s; the benchmark runs it 10 minutes).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
command -v wrk >/dev/null 2>&1 || { echo "skip: wrk is not installed"; exit 77; }

tg init >/dev/null 2>&1
tg add person --name "Нұрсұлтан Исаев" >/dev/null
start_server
cat >"$T/slow.py" <<'PY'
import socket, sys, time
port, n, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
socks = []
for _ in range(n):
    s = socket.socket()
    try:
        s.connect(("127.0.0.1", port))
        s.send(b"GET /login HTTP/1.1\r\n")
        socks.append(s)
    except OSError:
        s.close()
print("open", len(socks), flush=True)
end = time.time() + secs
while time.time() < end:
    for s in socks:
        try:
            s.send(b"X")
        except OSError:
            pass
    time.sleep(1)
PY
python3 "$T/slow.py" "$PORT" 500 6 >"$T/slow.out" 2>&1 &
slow=$!
sleep 2
expect_in "$T/slow.out" "open 500"
start=$(date +%s%N)
expect_eq "$(status_of -m 3 "$BASE/login")" 200
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 2000 ] || fail "a request among 500 slow connections took $ms ms"
checks=$((checks + 1))
wait "$slow"
stop_server

"$(dirname "$0")/../../bench/bench-soak.sh" "$TERGEU" 10 16 >"$T/soak.out" 2>&1 ||
	{ cat "$T/soak.out" >&2; fail "the soak run lost a write or answered an error"; }
checks=$((checks + 1))
expect_in "$T/soak.out" "socket errors 0   non-2xx 0"
expect_in "$T/soak.out" "lost (not read back) 0"
cat "$T/soak.out"
done_ok
