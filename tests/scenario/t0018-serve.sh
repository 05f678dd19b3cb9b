#!/bin/sh
# tergeu serve: its options (bad ones named, nothing served), TLS, the
# demo's first administrator, tokens and second factors from the CLI, a
# graceful stop on SIGTERM, and the language of pages.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

tg init >/dev/null 2>&1
printf 'Taldykorgan river stone lamp\n' >"$T/pw"
tg user add ed --role editor --password-fd 3 3<"$T/pw" >/dev/null

# Bad options name themselves and serve nothing.
expect_status 4 tg serve --listen 10.1.2.3:8080
expect_in "$T/err" "--tls-cert"
expect_status 4 tg serve --listen nowhere:80
expect_in "$T/err" "--listen"
expect_status 4 tg serve --listen 127.0.0.1
expect_in "$T/err" "ADDRESS:PORT"
expect_status 4 tg serve --listen 127.0.0.1:0 --tls-cert "$T/none.pem"
expect_in "$T/err" "--tls-key"
expect_status 2 tg serve --threads 0
expect_in "$T/err" "--threads"
expect_status 2 tg serve --idle-lock
expect_status 2 tg serve --frobnicate 1
expect_status 3 tg --db "$T/missing.db" serve

# Tokens and second factors from the CLI; no token is ever printed twice.
expect_status 0 tg user token ed --label scripts
token=$(sed -n 2p "$T/out")
expect_eq "$(printf %s "$token" | cut -c1-4)" "tgk_"
expect_status 0 tg user tokens ed
expect_not_in "$T/out" "$token"
expect_in "$T/out" "scripts"
tid=$(awk '{ print $1; exit }' "$T/out")
expect_status 2 tg user token ed
expect_status 3 tg user token nobody --label x
expect_status 0 tg user totp ed
expect_in "$T/out" "otpauth://totp/tergeu:ed?secret="
expect_status 0 tg user totp ed --off
expect_status 0 tg history "$(tg --json user list | python3 -c 'import json, sys
print([u["id"] for u in map(json.loads, sys.stdin) if u["name"] == "ed"][0])')"
expect_not_in "$T/out" "$token"

# Plain HTTP on loopback; the language of pages.
start_server
expect_eq "$(status_of "$BASE/login")" 200
expect_in "$T/headers" "Content-Language: en"
expect_eq "$(status_of -H 'Accept-Language: ru-RU,ru;q=0.9,en;q=0.5' "$BASE/login")" 200
expect_in "$T/body" '<html lang="ru">'
expect_in "$T/body" "Вход"
expect_eq "$(status_of -H 'Accept-Language: ru' "$BASE/login?lang=kk")" 200
expect_in "$T/body" '<html lang="kk">'
expect_in "$T/body" "Кіру"
# The choice is remembered in the session.
curl -s -o /dev/null -c "$T/jar" -b "$T/jar" "$BASE/login?lang=kk"
curl -s -c "$T/jar" -b "$T/jar" "$BASE/login" >"$T/body"
expect_in "$T/body" '<html lang="kk">'
# An API token works; a revoked one does not.
expect_eq "$(status_of -H "Authorization: Bearer $token" "$BASE/api/v1/me")" 200
expect_status 0 tg user revoke ed "$tid"
expect_eq "$(status_of -H "Authorization: Bearer $token" "$BASE/api/v1/me")" 401
# SIGTERM stops it cleanly.
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" && rc=0 || rc=$?
SERVER_PID=
expect_eq "$rc" 0
expect_in "$T/serve.out" "stopped"

# Evidence uploaded from the browser: into the vault as it arrives, its
# SHA-256 shown; a bad token or a bad field leaves no blob behind.
start_server
web_login "$T/ejar" ed 'Taldykorgan river stone lamp'
src=$(tg add source --type testimony --title "Video from Almaty" | awk '{ print $1 }')
expect_eq "$(status_of -b "$T/ejar" "$BASE/evidence/new")" 200
etok=$(sed -n 's/.*action="\/evidence\/new?csrf=\([^"]*\)".*/\1/p' "$T/body" | head -1)
head -c 3000000 /dev/urandom >"$T/video.bin"
want=$(sha256sum "$T/video.bin" | cut -c1-64)
expect_eq "$(status_of -b "$T/ejar" -F "file=@$T/video.bin" -F "source=$src" \
	-F "captured_by=Aigerim" "$BASE/evidence/new?csrf=$etok")" 303
eid=$(sed -n 's/^Location: \/record\/\([0-9a-f-]*\).*/\1/p' "$T/headers")
expect_eq "$(status_of -b "$T/ejar" "$BASE/record/$eid")" 200
expect_in "$T/body" "$want"
expect_status 0 tg evidence verify --all
expect_in "$T/out" "1 evidence file(s) checked, 0 mismatched"
expect_status 0 tg evidence show "$eid"
expect_in "$T/out" "Intake"
expect_eq "$(status_of -b "$T/ejar" -F "file=@$T/video.bin" -F "source=$src" \
	"$BASE/evidence/new?csrf=wrong")" 403
expect_eq "$(status_of -b "$T/ejar" -F "file=@$T/video.bin" -F "source=nosuch" \
	"$BASE/evidence/new?csrf=$etok")" 422
expect_eq "$(status_of -b "$T/ejar" -F "source=$src" "$BASE/evidence/new?csrf=$etok")" 422
# A part without a name is no field (fuzz/fuzz-http found it ending the
# server): no file, 422.
printf -- '--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--\r\n' >"$T/noname"
expect_eq "$(status_of -b "$T/ejar" -H "Content-Type: multipart/form-data; boundary=XyZ" \
	--data-binary "@$T/noname" "$BASE/evidence/new?csrf=$etok")" 422
expect_eq "$(status_of -F "file=@$T/video.bin" -F "source=$src" "$BASE/evidence/new?csrf=$etok")" 401
expect_eq "$(ls "$TERGEU_DB-vault" | wc -l)" 1
stop_server

# TLS with a self-signed certificate, on a non-loopback name too.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=tergeu.test -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
start_server --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" --hosts tergeu.test
expect_in "$T/serve.out" "https://"
code=$(curl -sk -o "$T/body" -D "$T/headers" -w '%{http_code}' "https://$HOSTPORT/login")
expect_eq "$code" 200
expect_in "$T/headers" "Strict-Transport-Security"
code=$(curl -sk -o /dev/null -w '%{http_code}' --resolve "tergeu.test:$PORT:127.0.0.1" \
	"https://tergeu.test:$PORT/login")
expect_eq "$code" 200
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://$HOSTPORT/login" || :)" 000
stop_server

# The demo makes a first administrator and prints the password once.
export TERGEU_DB="$T/demo.db"
expect_status 0 tg demo --size 300
expect_in "$T/out" "Web sign-in: user admin, password "
pass=$(sed -n 's/.*password \([a-z0-9-]*\) (shown only now.*/\1/p' "$T/out")
[ ${#pass} -eq 24 ] || fail "demo password '$pass'"
start_server
web_login "$T/ajar" admin "$pass"
expect_in "$T/login.h" "Location: /"
# An administrator without a second factor is sent to add one.
expect_eq "$(status_of -b "$T/ajar" "$BASE/people")" 303
expect_in "$T/headers" "Location: /sessions"
expect_eq "$(status_of -b "$T/ajar" "$BASE/sessions")" 200
expect_in "$T/body" "otpauth://totp/tergeu:admin"
secret=$(sed -n 's/.*<code class="secret">\([A-Z2-7]*\)<.*/\1/p' "$T/body")
tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -1)
curl -s -D "$T/headers" -o /dev/null -c "$T/ajar" -b "$T/ajar" --data-urlencode "csrf=$tok" \
	--data-urlencode "secret=$secret" --data-urlencode "code=$(totp "$secret")" "$BASE/sessions"
expect_in "$T/headers" "Location: /"
expect_eq "$(status_of -b "$T/ajar" "$BASE/people")" 200
# From now on the code is asked at sign-in.
web_login "$T/ajar2" admin "$pass"
expect_in "$T/login.html" 'name="code"'
web_login "$T/ajar3" admin "$pass" "$(totp "$secret" 1)"
expect_eq "$(status_of -b "$T/ajar3" "$BASE/users")" 200
# Every page is well-formed HTML, in every language.
fid=$(tg --json search "Nursultan Isayev" --type person |
	python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["record"]["id"])')
for l in en kk ru; do
	for page in / /people "/people?q=Isayev" /people/new /records /records/act /records/act/new \
		/lists /review "/stats?by=region&estimate=1" /ledger "/ledger?verify=1" /users /sessions \
		/agenda /accountability /evidence/new /export "/record/$fid" "/record/$fid/edit"; do
		case $page in *\?*) url="$BASE$page&lang=$l" ;; *) url="$BASE$page?lang=$l" ;; esac
		expect_eq "$(status_of -b "$T/ajar3" "$url")" 200
		expect_html "$T/body" || { echo "on $url" >&2; exit 1; }
	done
done
done_ok
