#!/bin/sh
# The evidence vault: files hashed at intake, kept encrypted under random
# names, their chain of custody in the ledger; tampering and truncation
# are named; large files in constant memory.
. "$(dirname "$0")/lib.sh"

CANARY="Evidence-Canary-$$"
tg init >/dev/null
src=$(tg add source --type photo_video --title "Phone video")
printf '\377\330\377\340JFIF photo of %s' "$CANARY" >"$T/photo.jpg"
head -c 300000 /dev/urandom >>"$T/photo.jpg"
sha=$(sha256sum "$T/photo.jpg" | cut -c1-64)
expect_status 0 tg evidence add "$T/photo.jpg" --source "$src" --captured-by "documenter" \
	--captured-at 2022-01-05T10:00:00Z --note "street, Almaty"
expect_in "$T/out" "sha256:$sha"
ev=$(cut -c1-36 "$T/out")
VAULT="$TERGEU_DB-vault"
blob=$(ls "$VAULT")
echo "$blob" | grep -Eq '^[0-9a-f]{32}$' || fail "blob name reveals something: $blob"
checks=$((checks + 1))
[ "$(od -An -N2 -tx1 "$VAULT/$blob" | tr -d ' ')" != "ffd8" ] || fail "the blob starts with the JPEG magic"
grep -qa "$CANARY" "$VAULT/$blob" && fail "the blob holds plaintext"
checks=$((checks + 2))

expect_status 0 tg evidence custody "$ev" --add transferred --by "lawyer" --note "for the appeal"
expect_status 4 tg evidence custody "$ev" --add lost
expect_status 0 tg evidence show "$ev"
expect_in "$T/out" "Intake"
expect_in "$T/out" "Transferred"
expect_status 0 tg evidence export "$ev" --out "$T/back.jpg"
cmp -s "$T/photo.jpg" "$T/back.jpg" || fail "the exported file differs"
checks=$((checks + 1))
expect_status 0 tg --json evidence show "$ev"
expect_in "$T/out" '"exported"'
expect_status 0 tg evidence verify --all
expect_in "$T/out" "1 evidence file(s) checked, 0 mismatched"
expect_status 0 tg ledger verify

# One byte changed in the blob: named. The blob cut short: named.
cp "$VAULT/$blob" "$T/blob.good"
printf 'x' | dd of="$VAULT/$blob" bs=1 seek=5000 conv=notrunc 2>/dev/null
expect_status 5 tg evidence verify "$ev"
expect_in "$T/err" "$ev"
expect_status 5 tg evidence export "$ev" --out "$T/bad.jpg"
[ ! -e "$T/bad.jpg" ] || fail "a damaged export was written"
checks=$((checks + 1))
head -c $(( $(wc -c <"$T/blob.good") - 100 )) "$T/blob.good" >"$VAULT/$blob"
expect_status 5 tg evidence verify --all
expect_in "$T/err" "$ev"
cp "$T/blob.good" "$VAULT/$blob"
expect_status 0 tg evidence verify "$ev"

expect_status 2 tg evidence add "$T/photo.jpg"
expect_status 4 tg evidence add "$T/photo.jpg" --source 01890a5d-ac96-774b-bcce-b302099a8057
[ "$(ls "$VAULT" | wc -l)" -eq 1 ] || fail "a refused intake left a blob behind"
checks=$((checks + 1))
expect_status 5 tg evidence add "$T/missing.jpg" --source "$src"

# A 2 GiB file goes through in constant memory.
if command -v /usr/bin/time >/dev/null && [ "${TERGEU_SKIP_BIG:-0}" != 1 ]; then
	truncate -s 2G "$T/big.bin"
	/usr/bin/time -f "%M" -o "$T/rss" "$TERGEU" evidence add "$T/big.bin" --source "$src" >"$T/out"
	rss=$(tail -n 1 "$T/rss")
	[ "$rss" -lt 262144 ] || fail "intake of 2 GiB used $rss KiB"
	checks=$((checks + 1))
	big=$(cut -c1-36 "$T/out")
	rm -f "$T/big.bin"
	expect_status 0 tg evidence verify "$big"
fi

tg quick-delete --force >/dev/null
[ ! -e "$VAULT" ] || fail "the vault is left after quick-delete"
checks=$((checks + 1))
done_ok
