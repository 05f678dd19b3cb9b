#!/bin/sh
# The JSON API under /api/v1/: records of every entity through create,
# read, merge patch, history and soft delete; search across scripts;
# errors naming the field or parameter; pagination; who may do what, and
# records above a caller's clearance answered as if they did not exist;
# counts, estimates, review, agenda, ledger; and an OpenAPI document that
# lists exactly the routes served.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

tg init >/dev/null
printf 'Taldykorgan river stone lamp\n' >"$T/pw"
tg user add aigerim --role admin --password-fd 3 3<"$T/pw" >/dev/null
tg user add erlan --role editor --password-fd 3 3<"$T/pw" >/dev/null
tg user add vera --role viewer --password-fd 3 3<"$T/pw" >/dev/null
ADMIN=$(tg user token aigerim --label tests | sed -n 2p)
EDITOR=$(tg user token erlan --label tests | sed -n 2p)
VIEWER=$(tg user token vera --label tests | sed -n 2p)
# Overlapping lists, linked, for counts, estimates and review.
tg generate --out "$T/lists" --size 300 --seed 9 >/dev/null
for l in government:ru ngo-a:kk ngo-b:en media:en; do
	name=${l%%:*}
	tg import "$T/lists/list-$name.csv" --list "$name" --map "$T/lists/map-$name.json" \
		--lang "${l##*:}" >/dev/null
done
tg link >/dev/null
start_server

# api TOKEN METHOD PATH [BODY [CONTENT-TYPE]]: the status of a call under
# /api/v1 (no token: no Authorization); the body is left in $T/body.
api() {
	ct=${5:-application/json}
	if [ $# -ge 4 ]; then
		curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$2" \
			-H "Authorization:${1:+ Bearer $1}" -H "Content-Type: $ct" \
			--data-binary "$4" "$BASE/api/v1$3"
	else
		curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$2" \
			-H "Authorization:${1:+ Bearer $1}" "$BASE/api/v1$3"
	fi
}

# expect_api STATUS TOKEN METHOD PATH [BODY [CONTENT-TYPE]]
expect_api() {
	want=$1
	shift
	got=$(api "$@")
	[ "$got" = "$want" ] || {
		cat "$T/body" >&2
		fail "$2 $3 answered $got, expected $want"
	}
	checks=$((checks + 1))
}

# expect_json EXPR: the Python expression EXPR is true of the last body d
# (env: the environment).
expect_json() {
	python3 - "$T/body" "$1" <<'PY' || { cat "$T/body" >&2; fail "not true of the body: $1"; }
import json, os, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2], {"d": d, "env": os.environ}) else 1)
PY
	checks=$((checks + 1))
}

# json EXPR: the Python expression EXPR of the last body d.
json() {
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$T/body" "$1"
}

# expect_error STATUS FIELD TOKEN METHOD PATH [BODY]: an error naming FIELD.
expect_error() {
	status=$1 field=$2
	shift 2
	expect_api "$status" "$@"
	export FIELD="$field"
	expect_json 'd["error"]["field"] == env["FIELD"] and d["error"]["message"] and d["error"]["code"]'
}

# ---- who asks ----
expect_api 401 "" GET /person
expect_json 'd["error"]["code"] == "unauthorized"'
expect_in "$T/headers" "WWW-Authenticate: Bearer"
expect_api 401 tgk_not_a_token_at_all GET /me
expect_api 200 "$ADMIN" GET /me
expect_json 'd["name"] == "aigerim" and d["role"] == "admin" and d["clearance"] == "confidential" and d["via"] == "token" and "users" in d["may"]'
expect_api 200 "$VIEWER" GET /me
expect_json 'd["role"] == "viewer" and d["clearance"] == "public" and "create" not in d["may"]'

# ---- a person's round trip, in Kazakh Cyrillic ----
expect_api 201 "$EDITOR" POST /person \
	'{"names": [{"text": "Нұрсұлтан Жұмабекұлы Исаев", "role": "full"}], "sex": "male",
	  "birth_date": "1984-03", "confidentiality": "public"}'
ID=$(json 'd["id"]')
export ID
expect_json 'd["entity"] == "person" and d["names"][0]["script"] == "Cyrl" and d["birth_date"] == "1984-03"'
expect_in "$T/headers" "Location: /api/v1/person/$ID"
expect_api 200 "$VIEWER" GET "/person/$ID"
expect_json 'd["id"] == env["ID"] and d["names"][0]["text"] == "Нұрсұлтан Жұмабекұлы Исаев"'
expect_api 200 "$EDITOR" PATCH "/person/$ID" '{"birth_date": "1984-03-12", "occupation": "мұғалім"}' \
	application/merge-patch+json
expect_json 'd["birth_date"] == "1984-03-12" and d["occupation"] == "мұғалім" and d["sex"] == "male"'
expect_api 200 "$EDITOR" GET "/person/$ID/history"
expect_json '[v["op"] for v in d["versions"]] == ["create", "update"] and d["versions"][1]["actor"] == "erlan" and d["versions"][0]["doc"]["birth_date"] == "1984-03"'
# A Latin spelling finds the Cyrillic name, for every caller who may see it.
expect_api 200 "$VIEWER" GET "/search?q=Nursultan%20Isayev"
expect_json 'env["ID"] in [h["id"] for h in d["items"]]'
expect_api 200 "$EDITOR" GET "/search?q=Isaev&type=person&limit=5"
expect_json 'env["ID"] in [h["id"] for h in d["items"]] and d["items"][0]["entity"] == "person"'
expect_error 400 q "$EDITOR" GET "/search?q="
expect_error 400 type "$EDITOR" GET "/search?q=Isaev&type=persons"
# Deleting takes a reason, and the record stays, marked.
expect_error 422 reason "$EDITOR" DELETE "/person/$ID"
expect_error 422 reason "$EDITOR" DELETE "/person/$ID" '{"reason": ""}'
expect_api 200 "$EDITOR" DELETE "/person/$ID" '{"reason": "entered twice"}'
expect_json '"deleted" in d and d["deleted_reason"] == "entered twice"'
expect_api 200 "$VIEWER" GET "/person/$ID"
expect_json 'd["deleted_reason"] == "entered twice"'
expect_api 200 "$EDITOR" GET "/person/$ID/history"
expect_json '[v["op"] for v in d["versions"]] == ["create", "update", "delete"] and d["versions"][2]["reason"] == "entered twice"'
expect_api 409 "$EDITOR" PATCH "/person/$ID" '{"sex": "female"}'
expect_api 200 "$EDITOR" GET "/person?limit=500"
expect_json 'env["ID"] not in [p["id"] for p in d["items"]]'

# ---- bad input, named ----
expect_error 422 birth_date "$EDITOR" POST /person \
	'{"names": [{"text": "Айгүл Серікова"}], "birth_date": "1990-02-30"}'
expect_error 422 'names[0].text' "$EDITOR" POST /person '{"names": [{"role": "full"}]}'
expect_error 422 nickname "$EDITOR" POST /person '{"names": [{"text": "Ә Б"}], "nickname": "x"}'
expect_error 422 confidentiality "$EDITOR" POST /person '{"confidentiality": "secret"}'
expect_api 400 "$EDITOR" POST /person '{"names": [{"text": "Айгүл"}'
expect_json 'd["error"]["code"] == "malformed_json" and d["error"]["line"] == 1 and d["error"]["column"] > 0'
expect_in "$T/body" "line 1, column"
expect_api 400 "$EDITOR" POST /person '["not", "an", "object"]'
expect_api 415 "$EDITOR" POST /person 'names=x' application/x-www-form-urlencoded
expect_api 200 "$EDITOR" GET /person
expect_api 404 "$EDITOR" GET "/person/$ID-nope"
expect_api 404 "$EDITOR" GET /person/not-an-id
# A record is found only under its own entity.
expect_api 404 "$EDITOR" GET "/place/$ID"

# ---- pagination over what the caller may see ----
for n in 'Айдос Бекұлы' 'Гүлмира Сағатқызы' 'Дәурен Нұрланұлы' 'Жанар Омарова' 'Ерболат Тасбол'; do
	expect_api 201 "$EDITOR" POST /person "{\"names\": [{\"text\": \"$n\"}], \"confidentiality\": \"public\"}"
done
expect_api 200 "$VIEWER" GET "/person?limit=500"
json '[p["id"] for p in d["items"]]' >"$T/all"
expect_json 'len(d["items"]) == 5 and d["next_offset"] is None and d["limit"] == 500'
offset=0
: >"$T/pages"
while [ "$offset" != None ]; do
	expect_api 200 "$VIEWER" GET "/person?limit=2&offset=$offset"
	json '[p["id"] for p in d["items"]]' >>"$T/pages"
	offset=$(json 'd["next_offset"]')
done
python3 - "$T/all" "$T/pages" <<'PY'
import ast, sys
every = ast.literal_eval(open(sys.argv[1]).read())
pages = [ast.literal_eval(l) for l in open(sys.argv[2])]
assert [len(p) for p in pages] == [2, 2, 1], pages
assert sum(pages, []) == every, (pages, every)
PY
checks=$((checks + 1))
expect_api 200 "$VIEWER" GET "/person?limit=2&offset=4"
expect_json 'len(d["items"]) == 1 and d["next_offset"] is None and d["offset"] == 4'
expect_api 200 "$VIEWER" GET "/person?limit=2&offset=2"
expect_json 'd["next_offset"] == 4'
expect_api 200 "$VIEWER" GET "/person?text=%D0%B6%D0%B0%D0%BD%D0%B0%D1%80"
expect_json '[p["names"][0]["text"] for p in d["items"]] == ["Жанар Омарова"]'
expect_error 400 limit "$VIEWER" GET "/person?limit=0"
expect_error 400 limit "$VIEWER" GET "/person?limit=501"
expect_error 400 limit "$VIEWER" GET "/person?limit=ten"
expect_error 400 offset "$VIEWER" GET "/person?offset=-1"
expect_error 400 from "$VIEWER" GET "/person?from=2022-13"
expect_error 400 place "$VIEWER" GET "/person?place=nowhere-at-all"

# ---- roles and clearances ----
expect_api 403 "$VIEWER" POST /person '{"names": [{"text": "Бейбіт Ахметов"}]}'
expect_json 'd["error"]["code"] == "forbidden"'
expect_api 403 "$VIEWER" DELETE "/person/$ID" '{"reason": "x"}'
expect_api 403 "$VIEWER" GET /review
expect_api 403 "$VIEWER" GET /ledger
# An editor's clearance is restricted: no confidential records, before
# or after a change.
expect_error 403 confidentiality "$EDITOR" POST /person \
	'{"names": [{"text": "Бейбіт Ахметов"}], "confidentiality": "confidential"}'
expect_api 201 "$ADMIN" POST /person \
	'{"names": [{"text": "Гүлнар Сапарқызы Құдайбергенова"}], "confidentiality": "confidential"}'
SECRET=$(json 'd["id"]')
export SECRET
expect_api 201 "$EDITOR" POST /person '{"names": [{"text": "Бейбіт Ахметов"}]}'
RESTRICTED=$(json 'd["id"]')
expect_error 403 confidentiality "$EDITOR" PATCH "/person/$RESTRICTED" '{"confidentiality": "confidential"}'
# Above the clearance is the same as absent: read, list, search, history,
# related, change, delete, and a reference from a new record.
for who in "$VIEWER" "$EDITOR"; do
	expect_api 404 "$who" GET "/person/$SECRET"
	cp "$T/body" "$T/hidden"
	expect_api 404 "$who" GET /person/01900000-0000-7000-8000-000000000000
	cmp -s "$T/body" "$T/hidden" || fail "a hidden record is answered unlike a missing one"
	expect_api 404 "$who" GET "/person/$SECRET/history"
	expect_api 404 "$who" GET "/records/$SECRET/related"
	expect_api 200 "$who" GET "/person?limit=500"
	expect_json 'env["SECRET"] not in [p["id"] for p in d["items"]]'
	expect_api 200 "$who" GET "/search?q=Gulnar%20Kudaibergenova"
	expect_json 'env["SECRET"] not in [h["id"] for h in d["items"]]'
done
expect_api 404 "$VIEWER" GET "/person/$RESTRICTED"
# Pages count only what the caller may see.
expect_api 200 "$VIEWER" GET "/person?limit=2&offset=4"
expect_json 'len(d["items"]) == 1 and d["next_offset"] is None'
expect_api 200 "$EDITOR" GET "/person?limit=2&offset=4"
expect_json 'len(d["items"]) == 2 and d["next_offset"] is None'
expect_api 404 "$EDITOR" PATCH "/person/$SECRET" '{"sex": "female"}'
expect_api 404 "$EDITOR" DELETE "/person/$SECRET" '{"reason": "x"}'
expect_error 422 victim "$EDITOR" POST /act "{\"type\": \"torture\", \"victim\": \"$SECRET\"}"
expect_in "$T/body" "no record"
expect_api 200 "$ADMIN" GET "/person/$SECRET"
expect_api 200 "$ADMIN" GET "/search?q=Gulnar%20Kudaibergenova"
expect_json 'env["SECRET"] in [h["id"] for h in d["items"]]'

# ---- a session: CSRF on every change, re-authentication to delete ----
JAR="$T/jar"
web_login "$JAR" erlan 'Taldykorgan river stone lamp'
expect_eq "$(curl -s -o "$T/body" -w '%{http_code}' -b "$JAR" "$BASE/api/v1/me")" 200
expect_json 'd["name"] == "erlan" and d["via"] == "session"'
got=$(curl -s -o "$T/body" -w '%{http_code}' -b "$JAR" -H 'Content-Type: application/json' \
	--data-binary '{"names": [{"text": "Сессия Жоқ"}]}' "$BASE/api/v1/person")
expect_eq "$got" 403
CSRF=$(csrf_of "$JAR" /people/new)
[ -n "$CSRF" ] || fail "no CSRF token for the session"
got=$(curl -s -o "$T/body" -w '%{http_code}' -b "$JAR" -H "X-CSRF-Token: $CSRF" \
	-H 'Content-Type: application/json' --data-binary '{"names": [{"text": "Сессия Бар"}]}' \
	"$BASE/api/v1/person")
expect_eq "$got" 201
SESSION_ID=$(json 'd["id"]')
# Signing in proved the password: deleting needs no other proof for 5 minutes.
got=$(curl -s -o "$T/body" -w '%{http_code}' -b "$JAR" -H "X-CSRF-Token: $CSRF" -X DELETE \
	-H 'Content-Type: application/json' --data-binary '{"reason": "a test"}' \
	"$BASE/api/v1/person/$SESSION_ID")
expect_eq "$got" 200
expect_json 'd["deleted_reason"] == "a test"'
expect_api 200 "$EDITOR" GET "/person/$SESSION_ID/history"
expect_json '[v["actor"] for v in d["versions"]] == ["erlan", "erlan"]'

# ---- counts, estimates, review ----
expect_api 200 "$ADMIN" GET "/stats?by=fate,sex"
expect_json 'd["unit"] == "persons" and d["by"] == ["fate", "sex"] and d["total"] == sum(r["victims"] for r in d["rows"]) > 0 and all("fate" in r and "sex" in r and r["lists"] for r in d["rows"])'
expect_api 200 "$ADMIN" GET /stats
expect_json 'd["by"] == ["fate"]'
expect_error 400 by "$ADMIN" GET "/stats?by=colour"
# The lists' sources are restricted: counts over them are not for a
# public-clearance viewer.
expect_api 403 "$VIEWER" GET /stats
expect_api 200 "$ADMIN" GET /estimate
expect_json 'd["strata"][0]["stratum"] is None and d["strata"][0]["method"] == "loglinear" and d["strata"][0]["lower"] <= d["strata"][0]["estimate"] <= d["strata"][0]["upper"] and d["strata"][0]["estimate"] >= d["strata"][0]["observed"] and len(d["strata"][0]["lists"]) == 4'
expect_api 200 "$ADMIN" GET "/estimate?method=lcmcr&seed=5"
cp "$T/body" "$T/lcmcr1"
expect_json 'd["strata"][0]["method"] == "lcmcr" and "diagnostics" in d["strata"][0]'
expect_api 200 "$ADMIN" GET "/estimate?method=lcmcr&seed=5"
python3 - "$T/body" "$T/lcmcr1" <<'PY'
import json, sys
a, b = (json.load(open(f))["strata"][0] for f in sys.argv[1:])
for k in ("estimate", "lower", "upper"):
    assert a[k] == b[k], ("the same seed gave another chain", k, a[k], b[k])
PY
checks=$((checks + 1))
expect_api 200 "$ADMIN" GET "/estimate?by=fate&method=chapman"
expect_json 'd["by"] == "fate" and len(d["strata"]) >= 2 and all("estimate" in s or "error" in s for s in d["strata"])'
expect_error 400 method "$ADMIN" GET "/estimate?method=guess"
expect_error 400 by "$ADMIN" GET "/estimate?by=age"
expect_error 400 seed "$ADMIN" GET "/estimate?seed=-1"
expect_api 200 "$ADMIN" GET "/review?limit=10"
expect_json 'isinstance(d["items"], list) and d["limit"] == 10 and d["offset"] == 0 and "next_offset" in d'
expect_api 201 "$ADMIN" POST /review '{"a": 1, "b": 2, "decision": "not-link", "note": "different fathers"}'
expect_json 'd["decision"] == "not-link" and d["a"] == 1 and len(d["id"]) == 36'
expect_api 409 "$ADMIN" POST /review '{"a": 1, "b": 2, "decision": "link"}'
expect_error 422 decision "$ADMIN" POST /review '{"a": 1, "b": 3, "decision": "maybe"}'
expect_error 422 a "$ADMIN" POST /review '{"b": 3, "decision": "link"}'
expect_api 404 "$ADMIN" POST /review '{"a": 1, "b": 999999, "decision": "link"}'

# ---- agenda and ledger ----
expect_api 201 "$EDITOR" POST /proceeding \
	'{"type": "criminal_case", "title": "Іс № 7", "next_hearing": "2099-05-14", "confidentiality": "public"}'
PROC=$(json 'd["id"]')
export PROC
expect_api 200 "$VIEWER" GET "/agenda?from=2099-01-01"
expect_json '[p["id"] for p in d["items"]] == [env["PROC"]] and d["from"] == "2099-01-01"'
expect_api 200 "$VIEWER" GET "/agenda?from=2099-01&to=2099-04-30"
expect_json 'd["items"] == []'
expect_api 200 "$VIEWER" GET /agenda
expect_json 'env["PROC"] in [p["id"] for p in d["items"]] and len(d["from"]) == 10'
expect_error 400 to "$VIEWER" GET "/agenda?to=soon"
expect_api 200 "$ADMIN" GET /ledger
expect_json 'd["ok"] is True and d["size"] > 10 and len(d["root"]) == 64 and d["vkey"]'

# ---- paths and methods ----
for p in /nothing /person/ "/person/$ID/nope" /users /openapi.yaml "/records/$ID"; do
	expect_api 404 "$ADMIN" GET "$p"
done
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ADMIN" \
	"$BASE/api/v2/me")" 404
expect_api 405 "$ADMIN" DELETE /person
expect_in "$T/headers" "Allow: GET, HEAD, POST"
expect_json 'd["error"]["code"] == "method_not_allowed"'
expect_api 405 "$ADMIN" PUT "/person/$ID" '{}'
expect_in "$T/headers" "Allow: GET, HEAD, PATCH, DELETE"

# ---- the OpenAPI document lists exactly what is served ----
expect_api 200 "" GET /openapi.json
python3 - "$T/body" "$BASE" "$ADMIN" <<'PY'
import json, sys, urllib.error, urllib.request
doc = json.load(open(sys.argv[1]))
base, token = sys.argv[2], sys.argv[3]
assert doc["openapi"].startswith("3."), doc["openapi"]
assert doc["info"]["title"] and doc["info"]["version"]

def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)

# A record of every entity in the document, made through the API: the
# minimal fields of each, referring to the ones made before.
ids = {}
samples = {
    "place": lambda: {"name": "Қонаев", "type": "city"},
    "source": lambda: {"type": "testimony", "title": "Айғақ"},
    "person": lambda: {"names": [{"text": "Әлия Мұратқызы"}]},
    "relation": lambda: {"type": "sibling", "from": ids["person"], "to": ids["person2"]},
    "event": lambda: {"title": "Қаңтар", "start": "2022-01"},
    "act": lambda: {"type": "torture", "victim": ids["person"], "event": ids["event"]},
    "involvement": lambda: {"act": ids["act"], "perpetrator": ids["person2"]},
    "proceeding": lambda: {"type": "complaint", "acts": [ids["act"]],
                           "parties": [{"person": ids["person"], "role": "complainant"}]},
    "information": lambda: {"source": ids["source"], "subject": ids["act"]},
    "intervention": lambda: {"type": "ngo_appeal", "subject": ids["person"]},
    "evidence": lambda: {"source": ids["source"], "blob": "b" * 64, "sha256": "a" * 64},
    "custody": lambda: {"evidence": ids["evidence"], "action": "intake"},
}
schemas = doc["components"]["schemas"]
def reply(op):
    return op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
# An entity's list route answers with its List schema.
entities = [p.split("/")[3] for p, item in doc["paths"].items()
            if "get" in item and reply(item["get"]).endswith("/" + p.split("/")[3] + "List")]
assert set(entities) == set(samples), ("entities documented vs sampled", entities)
for e in entities:
    if e == "relation":
        st, d = call("POST", "/api/v1/person", {"names": [{"text": "Бауыр"}]})
        ids["person2"] = d["id"]
    st, d = call("POST", "/api/v1/" + e, samples[e]())
    assert st == 201, (e, st, d)
    ids[e] = d["id"]
    required = schemas[e].get("required", [])
    assert all(k in d for k in required), (e, required, d)

ops = 0
for path, item in doc["paths"].items():
    for method, op in item.items():
        assert op["responses"] and op["summary"], (method, path)
        entity = path.split("/")[3]
        url = path.replace("{id}", ids.get(entity, ids["person"]))
        params = [p for p in op.get("parameters", []) if p["in"] == "query" and p["required"]]
        if params:
            url += "?" + "&".join(p["name"] + "=Aliya" for p in params)
        body = None
        if "requestBody" in op:
            ref = list(op["requestBody"]["content"].values())[0]["schema"]["$ref"].split("/")[-1]
            body = {"DeleteBody": {"reason": "checked"},
                    "DecisionBody": {"a": 3, "b": 4, "decision": "link"}}.get(
                        ref, {} if ref.endswith("Patch") else samples.get(ref, dict)())
        st, d = call(method.upper(), url, body)
        assert st not in (404, 405), (method, url, st, d)
        assert str(st) in op["responses"], (method, url, st, "undocumented status")
        ops += 1
assert ops >= 9 + 5 * len(entities), ops
# What is not documented is not served.
for path in ("/api/v1/users", "/api/v1/export", "/api/v1/person/%s/versions" % ids["person"],
             "/api/v1/records/" + ids["person"], "/api/v1/openapi", "/api/v0/me",
             "/api/v1/PERSON", "/api/v1/person/%s/history/1" % ids["person"]):
    assert path not in doc["paths"], path
    st, d = call("GET", path)
    assert st == 404, (path, st)
PY
checks=$((checks + 1))

stop_server
# Under the sanitizers, the server's own reports: memory errors, undefined
# behaviour, and leaks (at exit) of memory our code allocated.
expect_not_in "$T/serve.out" "ERROR: AddressSanitizer"
expect_not_in "$T/serve.out" "runtime error"
if sed -n '/LeakSanitizer/,$p' "$T/serve.out" | grep -E '#[0-9]+ .* \.\./(web|lib|cli)/' >&2; then
	fail "the server leaked memory"
fi
checks=$((checks + 1))
expect_status 0 tg ledger verify
done_ok
