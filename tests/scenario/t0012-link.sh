#!/bin/sh
# Record linkage on generated lists with known truth: the persons found
# stay at or above the golden quality, decisions are kept and reversible,
# person ids survive a re-run, and bad parameters change nothing.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)

tg init >/dev/null
tg generate --out "$T/lists" --size 10000 --seed 5 >/dev/null
for l in government:ru ngo-a:kk ngo-b:en media:en; do
	name=${l%%:*}
	expect_status 0 tg import "$T/lists/list-$name.csv" --list "$name" \
		--map "$T/lists/map-$name.json" --lang "${l##*:}"
done

# Golden quality on the fixed 10k population: a drop fails.
expect_status 0 tg link --clusters-out "$T/persons.csv"
expect_in "$T/out" "linked"
expect_in "$T/out" "name word + birth year"
python3 "$root/scripts/link-quality" "$T/persons.csv" "$T/lists/truth.csv" --json >"$T/q.json"
python3 - "$T/q.json" <<'PY'
import json, sys
q = json.load(open(sys.argv[1]))
golden = {"precision": 0.9982, "recall": 0.9802, "f1": 0.9891}
for k, v in golden.items():
    if q[k] < v - 0.002:
        sys.exit(f"FAIL: {k} {q[k]:.4f} fell below the golden {v:.4f}")
assert q["unmatched_records"] == 0, q
PY
rows=$(($(wc -l <"$T/persons.csv") - 1))
records=$(($(cat "$T"/lists/list-*.csv | wc -l) - 4))
[ "$rows" -eq "$records" ] || fail "persons.csv has $rows records, the lists $records"

# A re-run with nothing changed keeps every person id.
cp "$T/persons.csv" "$T/before.csv"
expect_status 0 tg --json link --clusters-out "$T/persons.csv"
expect_in "$T/out" '"run"'
cmp -s "$T/before.csv" "$T/persons.csv" || fail "person ids changed on a re-run"

# The review queue, for tools; explanations of a pair.
expect_status 0 tg --json review
python3 - "$T/out" >"$T/pair" <<'PY'
import json, sys
q = json.load(open(sys.argv[1]))
assert q, "the review queue is empty"
it = q[0]
assert 0.5 <= it["probability"] < 0.85, it["probability"]
print(it["a"]["raw"], it["b"]["raw"], it["a"]["list"] + ":" + it["a"]["record_id"])
PY
read -r a b named <"$T/pair"
# What a list says happened is read from its words (kk, ru, en).
grep -q '"fate": "' "$T/out" || fail "review records carry no fate"
expect_status 0 tg link --explain "$a" "$b"
expect_in "$T/out" "match probability"
expect_status 0 tg --json link --explain "$named" "$b"
expect_in "$T/out" '"comparisons"'

# On a terminal, review goes pair by pair: both records side by side, the
# explanation, and a choice; a "not the same" answer is a decision.
python3 - "$TERGEU" >"$T/tty" <<'PY'
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "review"])
out, answers = b"", [b"s\n", b"n\n", b"q\n"]
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if out.count(b"[q] quit") > 3 - len(answers) and answers:
        os.write(fd, answers.pop(0))
os.waitpid(pid, 0)
sys.stdout.write(out.decode())
PY
expect_in "$T/tty" "pair 1 of"
expect_in "$T/tty" "match probability"
expect_in "$T/tty" "pair 2 of"
expect_in "$T/tty" "1 decisions recorded"
expect_status 0 tg --json review --decisions
expect_in "$T/out" '"not_link"'
uid=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["id"])' "$T/out")
expect_status 0 tg review --undo "$uid"

# A decision: recorded in the ledger, applied at the next run, undone.
expect_status 0 tg review --decide "$a" "$b" link --note "same person: family confirmed"
expect_in "$T/out" "recorded"
expect_status 4 tg review --decide "$b" "$a" not-link
expect_in "$T/err" "already have a decision"
expect_status 0 tg link --clusters-out "$T/after.csv"
expect_status 0 tg --json link --explain "$a" "$b"
expect_in "$T/out" '"same_cluster": true'
expect_status 0 tg --json review --decisions
uid=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readlines()[-1])["id"])' "$T/out")
expect_status 0 tg ledger prove "$uid"
expect_in "$T/out" "leaf_index"
expect_status 0 tg review --undo "$uid"
expect_status 4 tg review --undo "$uid"
expect_in "$T/err" "already undone"
expect_status 0 tg review --decide "$a" "$b" not-link
expect_status 0 tg link
expect_status 0 tg --json link --explain "$a" "$b"
expect_in "$T/out" '"same_cluster": false'
expect_in "$T/out" "reviewer decided"
expect_status 0 tg ledger verify

# Bad input names the parameter and changes nothing.
tg export --out "$T/before.json"
expect_status 2 tg link --upper 1.5
expect_in "$T/err" "--upper"
expect_status 2 tg link --upper 0.6 --lower 0.7
expect_status 2 tg link --threads many
expect_in "$T/err" "--threads"
expect_status 3 tg link --explain 1 999999999
expect_in "$T/err" "999999999"
expect_status 2 tg review --decide 1 2 maybe
expect_status 5 tg link --clusters-out "$T/no/such/dir/p.csv"
[ ! -e "$T/no/such/dir/p.csv" ] || fail "a half-written persons file"
tg export --out "$T/after.json"
cmp -s "$T/before.json" "$T/after.json" || fail "bad input changed the database"

done_ok
