#!/bin/sh
# tergeu dossier: the founding case's file in kk, ru and en, well-formed
# HTML, every script of the names, the sources and custody, a ledger
# checkpoint that verifies, nothing above the clearance asked for, a PDF
# when Chromium is there; bad arguments named and nothing written.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

export TERGEU_DB="$T/demo.db"
tg demo --size 300 >/dev/null
id=$(tg --json search "Nursultan Isayev" --type person |
	python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["record"]["id"])')

# A confidential act and a piece of evidence of the founding case.
CANARY="QZX-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
tg add act --type ill_treatment --victim "$id" --start 2022-01 \
	--description "$CANARY witness statement" --confidentiality confidential >/dev/null
src=$(tg --json search "Longing for Justice" --type source |
	python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["record"]["id"])')
printf 'photo of the injuries' >"$T/photo.jpg"
expect_status 0 tg evidence add "$T/photo.jpg" --source "$src" --subject "$id" --confidentiality public
eid=$(awk '{ print $1 }' "$T/out")
expect_status 0 tg evidence custody "$eid" --add transferred --by "lawyer"

for l in kk ru en; do
	expect_status 0 tg --lang "$l" dossier "$id" --out "$T/dossier-$l.html"
	expect_eq "$(wc -c <"$T/out")" 0
	expect_html "$T/dossier-$l.html"
	expect_in "$T/dossier-$l.html" "<html lang=\"$l\">"
	for name in "Нұрсұлтан Исаев" "Нурсултан Исаев" "Nursultan Isayev" "Nūrsūltan Isaev"; do
		expect_in "$T/dossier-$l.html" "$name"
	done
	expect_in "$T/dossier-$l.html" "Longing for Justice in Kazakhstan"
	expect_in "$T/dossier-$l.html" "$(sha256sum "$T/photo.jpg" | cut -c1-64)"
	expect_in "$T/dossier-$l.html" "lawyer"
	expect_in "$T/dossier-$l.html" "@media print"
	expect_not_in "$T/dossier-$l.html" "$CANARY"
	expect_not_in "$T/dossier-$l.html" "<a href"
	expect_not_in "$T/dossier-$l.html" "<script"
done
expect_in "$T/dossier-kk.html" "Хронология"
expect_in "$T/dossier-kk.html" "5 ақпан 2024 ж."
expect_in "$T/dossier-ru.html" "Хронология"
expect_in "$T/dossier-ru.html" "5 февраля 2024 г."
expect_in "$T/dossier-en.html" "Timeline"
expect_in "$T/dossier-en.html" "5 February 2024"

# The checkpoint in the file verifies the ledger.
python3 - "$T/dossier-en.html" "$T/cp.txt" <<'PY'
import html, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"<pre>(.*?)</pre>", text, re.S)
open(sys.argv[2], "w", encoding="utf-8").write(html.unescape(m.group(1)))
PY
expect_status 0 tg ledger verify --checkpoint "$T/cp.txt"

# What the clearance allows, and nothing else.
expect_status 0 tg dossier "$id" --clearance confidential --out "$T/conf.html"
expect_in "$T/conf.html" "$CANARY"
expect_status 0 tg dossier "$id" --clearance public --out "$T/public.html"
expect_not_in "$T/public.html" "$CANARY"
# To standard output when no file is named.
expect_status 0 tg dossier "$id"
expect_in "$T/out" "<!DOCTYPE html>"

# Bad arguments are named; nothing is written.
expect_status 2 tg dossier
expect_status 2 tg dossier "$id" --clearance secret
expect_in "$T/err" "--clearance"
expect_status 2 tg dossier "$id" --frobnicate
expect_status 3 tg dossier 01900000-0000-7000-8000-000000000000 --out "$T/none.html"
[ ! -e "$T/none.html" ] || fail "a dossier of nobody was written"
checks=$((checks + 1))
expect_status 5 tg dossier "$id" --out "$T/no/such/dir/x.html"
expect_in "$T/err" "cannot write"

# A PDF through Chromium, when it is installed.
if [ -x /usr/bin/chromium ]; then
	expect_status 0 tg dossier "$id" --pdf "$T/isayev.pdf"
	expect_eq "$(head -c 5 "$T/isayev.pdf")" "%PDF-"
	[ ! -e "$T/isayev.pdf.html" ] || fail "the temporary HTML was left"
	checks=$((checks + 1))
else
	echo "note: no Chromium: the PDF is not checked"
	expect_status 5 env TERGEU_CHROMIUM=/nonexistent "$TERGEU" dossier "$id" --pdf "$T/x.pdf"
fi
expect_status 5 env TERGEU_CHROMIUM=/nonexistent "$TERGEU" dossier "$id" --pdf "$T/y.pdf"
expect_in "$T/err" "Chromium"

# The same file from the web, at the reader's clearance, its style
# allowed by its hash and nothing else.
printf 'Taldykorgan river stone lamp\n' >"$T/pw"
tg user add vera --role viewer --clearance public --password-fd 3 3<"$T/pw" >/dev/null
start_server
web_login "$T/jar" vera 'Taldykorgan river stone lamp'
expect_eq "$(status_of -b "$T/jar" "$BASE/record/$id")" 200
expect_in "$T/body" "/record/$id/dossier"
expect_eq "$(status_of -b "$T/jar" "$BASE/record/$id/dossier")" 200
expect_in "$T/body" "Nursultan Isayev"
expect_not_in "$T/body" "$CANARY"
expect_not_in "$T/body" "Ledger checkpoint"
want=$(python3 - "$T/body" <<'PY'
import base64, hashlib, re, sys
css = re.search(r"<style>(.*?)</style>", open(sys.argv[1], encoding="utf-8").read(), re.S).group(1)
print("sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode())
PY
)
expect_in "$T/headers" "style-src '$want'"
expect_eq "$(status_of "$BASE/record/$id/dossier")" 303
done_ok
