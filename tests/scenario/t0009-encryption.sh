#!/bin/sh
# Safe when a laptop is seized (THREATS.md T1-T5, T13): canaries never
# reach the disk in plaintext, not after a clean close, not after kill -9
# at random points; a wrong passphrase changes nothing; a flipped byte is
# named; the passphrase changes without touching the data; quick-delete
# leaves nothing that decrypts.
. "$(dirname "$0")/lib.sh"

DATA=$T/data
mkdir -p "$DATA" "$T/tmp"
export TERGEU_DB="$DATA/db.sqlite" TMPDIR="$T/tmp"
CANARY="Victim-Name-ZXQ-$$-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
no_canary() {
	n=$(grep -rac -- "$CANARY" "$DATA" "$T/tmp" | awk -F: '{s += $NF} END {print s + 0}')
	[ "$n" -eq 0 ] || fail "canary found $n times on disk ($1)"
	checks=$((checks + 1))
}

expect_status 0 tg init
expect_in "$T/out" "Recovery code"
sed -n 's/^    \([0-9A-Z-]\{20,\}\)$/\1/p' "$T/out" >"$T/recovery"
[ -s "$T/recovery" ] || fail "no recovery code printed"
[ -f "$DATA/db.sqlite.key" ] || fail "no key file"
p=$(tg add person --name "$CANARY" --note "witness $CANARY" --occupation "$CANARY")
tg add act --type torture --victim "$p" --description "beaten, $CANARY" >/dev/null
tg add source --type testimony --title "Testimony of $CANARY" >/dev/null
expect_status 0 tg search "$CANARY"
expect_in "$T/out" "$p"
no_canary "after a clean close"
# (stderr: names never written there)
expect_not_in "$T/err" "$CANARY"

# kill -9 at random points of an import (one transaction of 60 records).
printf '{"format":"tergeu-export","version":1,"terms":[],"records":[\n' >"$T/batch.json"
i=0
while [ $i -lt 60 ]; do
	[ $i -gt 0 ] && printf ',\n' >>"$T/batch.json"
	printf '{"entity":"person","names":[{"text":"%s %d"}],"note":"%s"}' "$CANARY" $i "$CANARY" >>"$T/batch.json"
	i=$((i + 1))
done
printf '\n]}\n' >>"$T/batch.json"
before=$(tg --json summary | sed -n 's/.*"person": \([0-9]*\).*/\1/p')
kills=0
while [ $kills -lt 20 ]; do
	tg import "$T/batch.json" >/dev/null 2>&1 &
	pid=$!
	sleep "0.0$(od -An -N1 -tu1 /dev/urandom | tr -d ' ' | cut -c1)"
	kill -9 $pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
	kills=$((kills + 1))
	no_canary "after kill -9 number $kills"
	now=$(tg --json summary | sed -n 's/.*"person": \([0-9]*\).*/\1/p')
	[ -n "$now" ] || fail "the database does not reopen after kill -9 number $kills"
	[ $(((now - before) % 60)) -eq 0 ] || fail "half an import after kill -9 number $kills: $before -> $now"
	before=$now
	expect_status 0 tg ledger verify
done

# A wrong passphrase, three times: a clear error each time, nothing changed.
tg export --out "$T/before.json"
printf 'not the passphrase at all\n' >"$T/wrong"
for k in 1 2 3; do
	expect_status 6 env TERGEU_PASSPHRASE_FILE="$T/wrong" "$TERGEU" list
	expect_in "$T/err" "passphrase"
done
tg export --out "$T/after.json"
cmp -s "$T/before.json" "$T/after.json" || fail "a wrong passphrase changed the data"
checks=$((checks + 1))
rm -f "$T/before.json" "$T/after.json"

# A flipped byte is an integrity error naming the page: in page 1, which
# every open reads, and in the middle of the file, which an export reads.
[ ! -e "$DATA/db.sqlite-wal" ] || fail "the WAL was not checkpointed at close"
cp "$DATA/db.sqlite" "$T/good"
printf '\377' | dd of="$DATA/db.sqlite" bs=1 seek=600 conv=notrunc 2>/dev/null
expect_status 5 tg list
expect_in "$T/err" "page 1"
cp "$T/good" "$DATA/db.sqlite"
pages=$(( $(wc -c <"$DATA/db.sqlite") / 4096 ))
mid=$((pages / 2 + 1))
printf '\377' | dd of="$DATA/db.sqlite" bs=1 seek=$((4096 * (mid - 1) + 300)) conv=notrunc 2>/dev/null
expect_status 5 tg ledger verify
expect_in "$T/err" "page $mid"
cp "$T/good" "$DATA/db.sqlite"
rm -f "$T/good"

# The passphrase changes; the old one no longer opens; the recovery code does.
printf 'Zhanaozen oil field morning\n' >"$T/new"
expect_status 0 env TERGEU_NEW_PASSPHRASE_FILE="$T/new" "$TERGEU" passphrase change
expect_status 6 tg list
expect_status 0 env TERGEU_PASSPHRASE_FILE="$T/new" "$TERGEU" list person
expect_status 0 env TERGEU_RECOVERY_FILE="$T/recovery" TERGEU_NEW_PASSPHRASE_FILE="$TERGEU_PASSPHRASE_FILE" "$TERGEU" passphrase change --recovery
expect_status 0 tg list person
# A weak passphrase is refused.
printf 'password1234\n' >"$T/weak"
expect_status 4 env TERGEU_NEW_PASSPHRASE_FILE="$T/weak" "$TERGEU" passphrase change

# Quick-delete: refused while changes are in no export, then shreds the key.
tg add person --name "$CANARY late" >/dev/null
cp "$DATA/db.sqlite" "$T/seized.db"
expect_status 4 tg quick-delete
expect_in "$T/err" "--force"
start=$(date +%s%N)
expect_status 0 tg quick-delete --force
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ $ms -lt 2000 ] || fail "quick-delete took $ms ms"
checks=$((checks + 1))
[ ! -e "$DATA/db.sqlite.key" ] && [ ! -e "$DATA/db.sqlite" ] || fail "files left after quick-delete"
checks=$((checks + 1))
# A copy of the database taken before cannot be opened, even with the passphrase.
cp "$T/seized.db" "$DATA/db.sqlite"
expect_status 5 tg list
no_canary "after quick-delete"
done_ok
