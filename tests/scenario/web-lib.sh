# Shared by the web scenario tests (after lib.sh): a server on a free
# loopback port, sign-in with curl, CSRF tokens, TOTP codes.
: "${T:?source lib.sh first}"

# A free TCP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

SERVER_PID=
stop_server() {
	if [ -n "$SERVER_PID" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null || :
		wait "$SERVER_PID" 2>/dev/null || :
		SERVER_PID=
	fi
}
trap 'stop_server; rm -rf "$T"' EXIT

# start_server [SERVE OPTIONS...]: serves $TERGEU_DB on a free port; sets
# PORT, HOSTPORT and BASE. The server's output is in $T/serve.out.
start_server() {
	PORT=$(free_port)
	HOSTPORT=127.0.0.1:$PORT
	BASE=http://$HOSTPORT
	"$TERGEU" serve --listen "$HOSTPORT" "$@" >"$T/serve.out" 2>&1 &
	SERVER_PID=$!
	i=0
	until grep -q "serving" "$T/serve.out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
			cat "$T/serve.out" >&2
			fail "the server did not start"
		fi
		sleep 0.05
	done
}

# csrf_of JAR PATH: the CSRF token of the form on PATH, fetched with JAR.
csrf_of() {
	curl -s -c "$1" -b "$1" "$BASE$2" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1
}

# web_login JAR NAME PASSWORD [CODE]: signs in; a TOTP code when the
# account has a second factor. Leaves the final response's headers in
# $T/login.h.
web_login() {
	tok=$(csrf_of "$1" /login)
	curl -s -D "$T/login.h" -o "$T/login.html" -c "$1" -b "$1" \
		--data-urlencode "csrf=$tok" --data-urlencode "name=$2" \
		--data-urlencode "password=$3" "$BASE/login"
	if [ -n "${4:-}" ]; then
		tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/login.html" | head -1)
		curl -s -D "$T/login.h" -o "$T/login.html" -c "$1" -b "$1" \
			--data-urlencode "csrf=$tok" --data-urlencode "code=$4" "$BASE/login"
	fi
}

# totp SECRET [OFFSET_STEPS]: the RFC 6238 code of a base32 secret now.
totp() {
	python3 - "$1" "${2:-0}" <<'PY'
import base64, hashlib, hmac, struct, sys, time
key = base64.b32decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 8))
step = int(time.time()) // 30 + int(sys.argv[2])
mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
off = mac[-1] & 15
print("%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7fffffff) % 1000000))
PY
}

# status_of CURL_ARGS...: the HTTP status of a request.
status_of() {
	curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' "$@"
}
