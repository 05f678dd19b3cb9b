# Shared by the scenario tests: each runs the real tergeu binary ($TERGEU)
# in a scratch directory and stops at the first failed expectation.
set -eu
: "${TERGEU:?TERGEU must point to the tergeu binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/tergeu-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export TERGEU_DB="$T/db.sqlite" LANGUAGE=en TERGEU_LANG=en
# Databases are encrypted as in use, with the test suite's cheaper
# Argon2id floor (honoured only with both variables set).
export TERGEU_TEST=1 TERGEU_TEST_WEAK_KDF=1 TERGEU_PASSPHRASE_FILE="$T/passphrase"
printf 'Taldykorgan river stone lamp\n' >"$TERGEU_PASSPHRASE_FILE"
unset XDG_DATA_HOME
checks=0

tg() { "$TERGEU" "$@"; }

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_status N CMD...: runs CMD, which must exit with N; its stdout and
# stderr are left in $T/out and $T/err.
expect_status() {
	want=$1
	shift
	set +e
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	[ "$got" -eq "$want" ] || {
		cat "$T/err" >&2
		fail "'$*' exited $got, expected $want"
	}
	checks=$((checks + 1))
}

# expect_in FILE TEXT: FILE contains TEXT.
expect_in() {
	grep -qF -- "$2" "$1" || {
		cat "$1" >&2
		fail "$1 does not contain '$2'"
	}
	checks=$((checks + 1))
}

expect_not_in() {
	if grep -qF -- "$2" "$1"; then
		cat "$1" >&2
		fail "$1 contains '$2'"
	fi
	checks=$((checks + 1))
}

expect_eq() {
	[ "$1" = "$2" ] || fail "expected '$2', got '$1'"
	checks=$((checks + 1))
}

# expect_html FILE: FILE is well-formed HTML (every element closed, in
# order; void elements aside).
expect_html() {
	python3 - "$1" <<'PY' || fail "$1 is not well-formed HTML"
import sys
from html.parser import HTMLParser
VOID = {"meta", "br", "img", "input", "link", "hr", "col", "source", "wbr", "area", "base"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []
    def handle_starttag(self, tag, attrs):
        if tag not in VOID: self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        pass
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            sys.exit("unbalanced </%s> at %s, open: %s" % (tag, self.getpos(), self.stack[-3:]))
        self.stack.pop()
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.close()
if p.stack: sys.exit("unclosed: %s" % p.stack)
PY
	checks=$((checks + 1))
}

done_ok() {
	echo "ok: $checks checks"
}
