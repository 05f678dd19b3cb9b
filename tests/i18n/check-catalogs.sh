#!/bin/sh
# Fails when the message catalogs fall behind the code: a source file that
# po/POTFILES.in does not list, a message a catalog lacks, a fuzzy or
# untranslated entry, or a Kazakh or Russian "translation" that is the
# English text itself.  Prints what is missing, one item a line.
#
# Usage: check-catalogs.sh SOURCE_ROOT
set -u
root=${1:?usage: check-catalogs.sh SOURCE_ROOT}
cd "$root" || exit 2
allow=tests/i18n/same-as-english.txt
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tergeu-i18n.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM
status=0

fail() {
	printf '%s\n' "$*"
	status=1
}

# One line per entry of a PO or POT file, fields separated by tabs (PO
# strings escape their own tabs):
#   key  msgid  refs  translated  fuzzy  same-as-msgid
# key is msgctxt\004msgid; obsolete (#~) entries and the header are left out.
po_entries() {
	awk '
	function text(line) {
		sub(/^[^"]*"/, "", line)
		sub(/"[ \t\r]*$/, "", line)
		return line
	}
	function reset() {
		ctxt = ""; id = ""; plural = ""; flags = ""; refs = ""
		ns = 0; split("", s); cur = ""; open = 0
	}
	function emit(   i, done, same, key) {
		if (id != "") {
			done = ns > 0
			same = 0
			for (i = 0; i < ns; i++) {
				if (s[i] == "")
					done = 0
				if (s[i] == (i == 0 || plural == "" ? id : plural))
					same = 1
			}
			key = ctxt == "" ? id : ctxt "\004" id
			printf "%s\t%s\t%s\t%d\t%d\t%d\n", key, id, refs, done, flags ~ /fuzzy/, same
		}
		reset()
	}
	BEGIN { reset() }
	/^#/ { if (ns) emit() }
	/^#~/ { next }
	/^#,/ { flags = flags $0; next }
	/^#:/ { refs = refs (refs == "" ? "" : " ") substr($0, 4); next }
	/^#/ { next }
	/^msgctxt[ \t]/ { if (ns) emit(); ctxt = text($0); cur = "ctxt"; next }
	/^msgid[ \t]/ { if (ns) emit(); id = text($0); cur = "id"; next }
	/^msgid_plural[ \t]/ { plural = text($0); cur = "plural"; next }
	/^msgstr[ \t]/ { s[0] = text($0); ns = 1; cur = 0; next }
	/^msgstr\[/ {
		i = substr($0, 8) + 0
		s[i] = text($0)
		if (i + 1 > ns)
			ns = i + 1
		cur = i
		next
	}
	/^"/ {
		if (cur == "ctxt") ctxt = ctxt text($0)
		else if (cur == "id") id = id text($0)
		else if (cur == "plural") plural = plural text($0)
		else if (cur != "") s[cur] = s[cur] text($0)
		next
	}
	/^[ \t\r]*$/ { if (ns) emit() }
	END { if (ns) emit() }
	' "$1"
}

# 1. Every C file under lib/, cli/ and web/, and every header there that holds a
#    translatable string, is listed in po/POTFILES.in.
grep -v '^[[:space:]]*\(#\|$\)' po/POTFILES.in | LC_ALL=C sort -u >"$tmp/listed"
{
	find lib cli web -name '*.c'
	find lib cli web -name '*.h' | while read -r h; do
		n=$(xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 -o - "$h" 2>/dev/null |
			grep -c '^msgid ')
		[ "${n:-0}" -gt 1 ] && printf '%s\n' "$h"
	done
} | LC_ALL=C sort -u >"$tmp/sources"
LC_ALL=C comm -23 "$tmp/sources" "$tmp/listed" | while read -r f; do
	printf 'po/POTFILES.in does not list %s\n' "$f"
done >"$tmp/unlisted"
LC_ALL=C comm -13 "$tmp/sources" "$tmp/listed" | while read -r f; do
	[ -f "$f" ] || printf 'po/POTFILES.in lists %s, which does not exist\n' "$f"
done >>"$tmp/unlisted"
[ -s "$tmp/unlisted" ] && fail "$(cat "$tmp/unlisted")"

# 2. A fresh template from the listed files that exist.
while read -r f; do
	[ -f "$f" ] && printf '%s\n' "$f"
done <"$tmp/listed" >"$tmp/existing"
if ! xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 -f "$tmp/existing" \
	-o "$tmp/fresh.pot" 2>"$tmp/xgettext.err"; then
	fail "xgettext failed: $(cat "$tmp/xgettext.err")"
	exit 1
fi
po_entries "$tmp/fresh.pot" >"$tmp/pot.tsv"

# 3. Each catalog has every message, translated and not fuzzy.
langs=$(grep -v '^[[:space:]]*\(#\|$\)' po/LINGUAS)
for want in kk ru en; do
	case " $(echo $langs) " in
	*" $want "*) ;;
	*) fail "po/LINGUAS does not list $want" ;;
	esac
done
for lang in $langs; do
	po=po/$lang.po
	if [ ! -f "$po" ]; then
		fail "$po does not exist"
		continue
	fi
	po_entries "$po" >"$tmp/$lang.tsv"
	if ! msgcmp "$po" "$tmp/fresh.pot" >"$tmp/msgcmp.out" 2>&1; then
		awk -F '\t' -v po="$po" '
			NR == FNR { if ($4 && !$5) have[$1] = 1; next }
			!($1 in have) { printf "%s lacks \"%s\" (%s)\n", po, $2, $3; n++ }
			END { exit n == 0 }
		' "$tmp/$lang.tsv" "$tmp/pot.tsv" >"$tmp/lacks" || cat "$tmp/msgcmp.out" >>"$tmp/lacks"
		fail "$(cat "$tmp/lacks")"
	fi
	if ! msgfmt --check --statistics -o /dev/null "$po" >"$tmp/msgfmt.out" 2>&1; then
		fail "msgfmt --check $po: $(cat "$tmp/msgfmt.out")"
	elif grep -q 'fuzzy\|untranslated' "$tmp/msgfmt.out"; then
		fail "$po: $(cat "$tmp/msgfmt.out")"
		awk -F '\t' -v po="$po" '
			$5 { printf "%s: fuzzy \"%s\"\n", po, $2 }
			!$4 { printf "%s: untranslated \"%s\"\n", po, $2 }
		' "$tmp/$lang.tsv"
	fi
done

# 4. A Kazakh or Russian msgstr is not the English msgid, unless the msgid
#    has no letters outside escapes and printf directives, or the allow-list
#    names it (written as in the PO file).
grep -v '^\(#\|$\)' "$allow" >"$tmp/allow" 2>/dev/null || : >"$tmp/allow"
for lang in kk ru; do
	[ -f "$tmp/$lang.tsv" ] || continue
	awk -F '\t' -v po="po/$lang.po" '
		NR == FNR { allowed[$0] = 1; next }
		$6 {
			letters = $2
			gsub(/\\./, "", letters)
			gsub(/%[-+ #0-9.*hljztqL]*[a-zA-Z%]/, "", letters)
			if (letters ~ /[A-Za-z]/ && !($2 in allowed))
				printf "%s: msgstr is the English msgid \"%s\" (%s)\n", po, $2, $3
		}
	' "$tmp/allow" "$tmp/$lang.tsv" >"$tmp/same"
	[ -s "$tmp/same" ] && fail "$(cat "$tmp/same")"
done

[ "$status" -eq 0 ] && echo "catalogs: $(wc -l <"$tmp/pot.tsv") messages, all translated in: $(echo $langs)"
exit "$status"
