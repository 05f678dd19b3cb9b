#!/bin/sh
# Files of the evidence vault no evidence names (an intake killed between
# sealing its file and recording it, or before the seal was whole) are
# reported by evidence verify --all and removed by evidence gc: only those,
# only once older than the grace period, never while an intake is in
# flight, and with a ledger entry naming each.
. "$(dirname "$0")/lib.sh"

tg init >/dev/null
VAULT="$TERGEU_DB-vault"
src=$(tg add source --type photo_video --title "Phone video")
head -c 20000 /dev/urandom >"$T/photo.jpg"
ev=$(tg evidence add "$T/photo.jpg" --source "$src" | cut -c1-36)
kept=$(ls "$VAULT")
gone=$(tg evidence add "$T/photo.jpg" --source "$src" | cut -c1-36)
tg delete "$gone" --reason "entered twice" >/dev/null
deleted_blob=$(tg --json show "$gone" | sed -n 's/.*"blob": "\([0-9a-f]*\)".*/\1/p')
[ -n "$deleted_blob" ] || fail "no blob for the deleted evidence"

# An intake killed while it reads its file leaves its temporary file.
mkfifo "$T/fifo"
"$TERGEU" evidence add "$T/fifo" --source "$src" >/dev/null 2>&1 &
pid=$!
exec 3>"$T/fifo"
head -c 3000000 /dev/urandom >&3
sleep 0.5
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
exec 3>&-
temp=$(ls "$VAULT" | grep '^tmp-') || fail "the killed intake left no temporary file"
checks=$((checks + 1))
# One killed between the rename and the record leaves a whole blob: made
# here as such a run leaves it, a sealed file under a fresh id.
orphan=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
cp "$VAULT/$kept" "$VAULT/$orphan"
printf 'not ours\n' >"$VAULT/notes.txt"

# Fresh: reported as possibly in flight, left alone by default.
expect_status 0 tg evidence verify --all
expect_in "$T/out" "1 evidence file(s) checked, 0 mismatched"
expect_in "$T/out" "vault: 2 file(s) no evidence names were changed within the last 3600 s"
expect_status 0 tg evidence gc
expect_in "$T/out" "left alone $orphan"
expect_in "$T/out" "2 file(s) left alone"
[ -e "$VAULT/$orphan" ] && [ -e "$VAULT/$temp" ] || fail "gc removed a file within the grace period"
checks=$((checks + 1))

# Older than the grace period: reported, then removed.
touch -d '2 hours ago' "$VAULT/$orphan" "$VAULT/$temp" "$VAULT/notes.txt" "$VAULT/$kept" \
	"$VAULT/$deleted_blob"
expect_status 0 tg evidence verify --all
expect_in "$T/out" "vault: 2 file(s) no evidence names (1 of them unfinished intakes"
expect_status 0 tg evidence gc --dry-run
expect_in "$T/out" "would remove $orphan (sealed, never recorded"
expect_in "$T/out" "would remove $temp (an unfinished intake's temporary file"
expect_in "$T/out" "2 file(s) would be removed"
expect_not_in "$T/out" "$kept"
expect_not_in "$T/out" "$deleted_blob"
[ -e "$VAULT/$orphan" ] && [ -e "$VAULT/$temp" ] || fail "gc --dry-run removed a file"
checks=$((checks + 1))

# Not while another process has the vault open (an intake in flight).
"$TERGEU" evidence add "$T/fifo" --source "$src" >"$T/late.out" 2>&1 &
pid=$!
sleep 0.5
expect_status 5 tg evidence gc
expect_in "$T/err" "in use"
[ -e "$VAULT/$orphan" ] || fail "gc removed a file while the vault was in use"
checks=$((checks + 1))
head -c 5000 /dev/urandom >"$T/fifo"
wait "$pid" || fail "the intake beside gc failed: $(cat "$T/late.out")"
late=$(cut -c1-36 "$T/late.out")

expect_status 0 tg --json evidence gc
entry=$(sed -n 's/.*"entry": "\([^"]*\)".*/\1/p' "$T/out")
expect_in "$T/out" '"removed": 2'
[ -n "$entry" ] || fail "gc named no ledger entry"
[ ! -e "$VAULT/$orphan" ] && [ ! -e "$VAULT/$temp" ] || fail "gc left an orphan"
[ -e "$VAULT/$kept" ] && [ -e "$VAULT/$deleted_blob" ] && [ -e "$VAULT/notes.txt" ] ||
	fail "gc removed a file it must keep"
checks=$((checks + 2))
expect_status 0 tg history "$entry"
expect_in "$T/out" "$orphan"
expect_in "$T/out" "$temp"
expect_status 0 tg ledger verify
expect_status 0 tg evidence verify --all
expect_in "$T/out" "2 evidence file(s) checked, 0 mismatched"
expect_not_in "$T/out" "vault:"
expect_status 0 tg evidence verify "$late"
expect_status 0 tg evidence gc --grace 0
expect_in "$T/out" "nothing to remove"

expect_status 2 tg evidence gc --grace soon
expect_status 2 tg evidence gc --now
done_ok
