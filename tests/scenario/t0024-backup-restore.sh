#!/bin/sh
# The restore drill (THREATS.md T14): a backup taken while the server runs
# and a writer writes is consistent; on a clean machine it restores with
# the passphrase or the recovery code into a database whose ledger and
# evidence verify; with neither nothing decrypts; a damaged backup is
# refused naming the entry; nothing is left behind by a refused restore.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

# ids FILE: the record ids of an export, sorted.
ids() {
	python3 -c 'import json,sys; [print(r["id"]) for r in json.load(open(sys.argv[1]))["records"]]' "$1" | sort
}
# empty DIR: DIR holds nothing.
expect_empty() {
	[ -z "$(ls -A "$1")" ] || { ls -la "$1" >&2; fail "$1 is not empty"; }
	checks=$((checks + 1))
}

CANARY="Backup-Canary-Isayev-$$"
expect_status 0 tg init
grep -Eo '[0-9A-Z]{4}(-[0-9A-Z]{4}){13}' "$T/out" >"$T/recovery"
[ -s "$T/recovery" ] || fail "no recovery code in the output of init"
src=$(tg add source --type photo_video --title "Phone video")
tg add person --name "$CANARY" >/dev/null
for i in 1 2 3; do tg add person --name "Person $i" >/dev/null; done
printf 'photo of %s' "$CANARY" >"$T/a.jpg"
head -c 200000 /dev/urandom >>"$T/a.jpg"
head -c 70000 /dev/urandom >"$T/b.pdf"
expect_status 0 tg evidence add "$T/a.jpg" --source "$src"
expect_status 0 tg evidence add "$T/b.pdf" --source "$src"

# Online: the server serves the database and a writer adds records
# throughout the backup.
start_server
: >"$T/writing"
(i=0; while [ -e "$T/writing" ]; do
	i=$((i + 1)); "$TERGEU" add person --name "Writer $i" >/dev/null 2>&1 || :
done) &
WRITER=$!
sleep 1
tg export >"$T/before.json"
expect_status 0 tg backup --out "$T/drill.tgb"
expect_in "$T/out" "2 evidence file(s)"
expect_in "$T/out" "(encrypted)"
tg export >"$T/after.json"
sleep 0.5
rm -f "$T/writing"
wait "$WRITER"
expect_status 0 curl -fs -o /dev/null "$BASE/login"
stop_server
ids "$T/before.json" >"$T/ids.before"
ids "$T/after.json" >"$T/ids.after"
[ "$(wc -l <"$T/ids.after")" -gt "$(wc -l <"$T/ids.before")" ] ||
	fail "the writer wrote nothing during the backup"

# Refusals of backup: an existing --out; --force replaces it.
expect_status 4 tg backup --out "$T/drill.tgb"
expect_status 2 tg backup
cp "$T/drill.tgb" "$T/spare.tgb"
expect_status 0 tg backup --out "$T/spare.tgb" --force

# No plaintext: the canary name is in the database, not in the backup.
grep -q "$CANARY" "$T/before.json" || fail "the canary is not in the database"
grep -qa "$CANARY" "$T/drill.tgb" && fail "the backup holds a name in plaintext"
grep -qa "Phone video" "$T/drill.tgb" && fail "the backup holds a title in plaintext"
checks=$((checks + 2))

# A clean machine: another directory, another database path.
M="$T/clean"
mkdir "$M"
export TERGEU_DB="$M/restored.sqlite"
expect_status 0 tg restore "$T/drill.tgb"
expect_in "$T/out" "2 evidence file(s) verified"
expect_in "$T/out" "ledger verified"
expect_status 0 tg ledger verify
expect_status 0 tg evidence verify --all
expect_in "$T/out" "2 evidence file(s) checked, 0 mismatched"
# The restored database is the snapshot: every record of before it, none
# that was not there after it.
tg export >"$T/restored.json"
ids "$T/restored.json" >"$T/ids.restored"
[ -z "$(comm -23 "$T/ids.before" "$T/ids.restored")" ] || fail "records of before the backup are missing"
[ -z "$(comm -13 "$T/ids.after" "$T/ids.restored")" ] || fail "the restore has records never written"
checks=$((checks + 2))
expect_status 0 tg show "$(sed -n 's/.*"id":"\([^"]*\)".*'"$CANARY"'.*/\1/p' "$T/before.json" | head -1)"
expect_in "$T/out" "$CANARY"
ev=$(python3 -c 'import json,sys; print(next(r["id"] for r in json.load(open(sys.argv[1]))["records"] if r.get("filename") == "a.jpg"))' "$T/before.json")
expect_status 0 tg evidence export "$ev" --out "$M/a.out"
cmp -s "$T/a.jpg" "$M/a.out" || fail "the restored evidence file differs"
rm "$M/a.out"
checks=$((checks + 1))

# Over an existing database: refused without --force, nothing changed.
expect_status 4 tg restore "$T/drill.tgb"
expect_in "$T/err" "--force"
expect_status 0 tg restore "$T/drill.tgb" --force
expect_status 0 tg ledger verify

# With the recovery code instead of the passphrase.
M2="$T/clean2"
mkdir "$M2"
printf '%s\n' "$(cat "$T/recovery")" >"$T/recovery.txt"
expect_status 0 env -u TERGEU_PASSPHRASE_FILE TERGEU_DB="$M2/r.sqlite" \
	TERGEU_RECOVERY_FILE="$T/recovery.txt" "$TERGEU" restore "$T/drill.tgb" --recovery
expect_status 0 env TERGEU_DB="$M2/r.sqlite" "$TERGEU" evidence verify --all
expect_in "$T/out" "2 evidence file(s) checked, 0 mismatched"

# With neither: nothing decrypts, nothing is left behind.
M3="$T/clean3"
mkdir "$M3"
printf 'not the passphrase at all\n' >"$T/wrong"
expect_status 6 env TERGEU_DB="$M3/r.sqlite" TERGEU_PASSPHRASE_FILE="$T/wrong" \
	"$TERGEU" restore "$T/drill.tgb"
expect_empty "$M3"
# the recovery code of another database: well formed, wrong
env TERGEU_DB="$T/other.sqlite" "$TERGEU" init >"$T/other.out"
grep -Eo '[0-9A-Z]{4}(-[0-9A-Z]{4}){13}' "$T/other.out" >"$T/other.code"
expect_status 6 env TERGEU_DB="$M3/r.sqlite" TERGEU_RECOVERY_FILE="$T/other.code" \
	"$TERGEU" restore "$T/drill.tgb" --recovery
expect_empty "$M3"

# One flipped byte, in the database, in a blob, in the manifest: refused
# naming the entry, nothing written.
flip() { # flip FILE ENTRY OUT: OUT is FILE with one byte of ENTRY's data flipped
	python3 - "$1" "$2" "$3" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
pos = 18
while pos < len(data):
    n = int.from_bytes(data[pos:pos + 2], "big"); name = data[pos + 2:pos + 2 + n].decode()
    size = int.from_bytes(data[pos + 2 + n:pos + 10 + n], "big"); body = pos + 10 + n
    if name == sys.argv[2] or name.startswith(sys.argv[2] + "/"):
        data[body + size // 2] ^= 0x01
        break
    pos = body + size + 32
else:
    sys.exit("no entry " + sys.argv[2])
open(sys.argv[3], "wb").write(data)
PY
}
for entry in database vault manifest.json key; do
	flip "$T/drill.tgb" "$entry" "$T/bad.tgb"
	expect_status 5 env TERGEU_DB="$M3/r.sqlite" "$TERGEU" restore "$T/bad.tgb"
	expect_in "$T/err" "\"$entry"
	expect_empty "$M3"
done
head -c 100000 "$T/drill.tgb" >"$T/short.tgb"
expect_status 5 env TERGEU_DB="$M3/r.sqlite" "$TERGEU" restore "$T/short.tgb"
expect_empty "$M3"

# A --no-encrypt database: the backup says so, and restores without keys.
export TERGEU_DB="$T/plain.sqlite"
expect_status 0 tg init --no-encrypt
tg add person --name "$CANARY" >/dev/null
expect_status 0 tg backup --out "$T/plain.tgb"
expect_in "$T/out" "NOT encrypted"
grep -qa '"encrypted": false' "$T/plain.tgb" || fail "the manifest does not say the backup is not encrypted"
checks=$((checks + 1))
expect_status 0 env TERGEU_DB="$M3/p.sqlite" "$TERGEU" restore "$T/plain.tgb"
expect_status 0 env TERGEU_DB="$M3/p.sqlite" "$TERGEU" ledger verify

echo "ok: $checks checks"
