#!/bin/sh
# Accounts of the web interface: roles with clearances, passwords only as
# Argon2id hashes and only under the passphrase policy, disabled not
# deleted, every change in the ledger; bad input named, nothing written.
. "$(dirname "$0")/lib.sh"

export TERGEU_DB="$T/plain.db"
tg init --no-encrypt >/dev/null
printf 'Kettle orchard winter 42\n' >"$T/pw"
export TERGEU_USER_PASSWORD_FILE="$T/pw"
expect_status 0 tg user add aigerim --role admin
expect_status 0 tg user add daniyar --role analyst
expect_status 4 tg user add aigerim --role viewer
expect_in "$T/err" "already a user aigerim"
expect_status 4 tg user add bolat --role owner
expect_in "$T/err" "role"
expect_status 4 tg user add bolat --role viewer --clearance secret
expect_in "$T/err" "clearance"
printf 'password1234\n' >"$T/weak"
expect_status 4 env TERGEU_USER_PASSWORD_FILE="$T/weak" "$TERGEU" user add bolat --role viewer
expect_in "$T/err" "password"
printf 'short\n' >"$T/short"
expect_status 4 env TERGEU_USER_PASSWORD_FILE="$T/short" "$TERGEU" user add bolat --role viewer
expect_status 4 tg user add "bad name" --role viewer
expect_status 2 tg user add bolat
expect_status 2 tg user frobnicate x

expect_status 0 tg --json user list
python3 - "$T/out" <<'PY'
import json, sys
users = {u["name"]: u for u in map(json.loads, open(sys.argv[1]))}
assert set(users) == {"aigerim", "daniyar"}, users.keys()
assert users["aigerim"]["role"] == "admin" and users["aigerim"]["clearance"] == "confidential"
assert users["daniyar"]["clearance"] == "restricted"
assert not any("argon" in json.dumps(u) for u in users.values())
PY
checks=$((checks + 1))

expect_status 0 tg user role daniyar viewer
expect_status 0 tg user passwd daniyar
expect_status 0 tg user disable daniyar
expect_status 3 tg user disable daniyar
expect_status 3 tg user passwd nobody
expect_status 0 tg --json user list
expect_in "$T/out" '"disabled"'
expect_in "$T/out" '"public"'

# The hash is stored, the password nowhere, and no change entry holds either.
python3 - "$T/plain.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
hashes = [h for (h,) in db.execute("SELECT password FROM app_user")]
assert all(h.startswith("$argon2id$") for h in hashes), hashes
docs = " ".join(d or "" for (d,) in db.execute("SELECT doc FROM change WHERE entity = 'user'"))
assert "argon2id" not in docs and "Kettle" not in docs, docs
assert docs.count('"name":"daniyar"') >= 4, docs
PY
checks=$((checks + 1))
expect_status 0 tg ledger verify
done_ok
