#!/bin/sh
# Public data (T12): canaries planted in restricted and confidential records
# and in fields that are not public never reach any file of a public
# export; public facts do; pseudonyms are stable in one database and
# unlinkable across two; the manifest's hashes match; the ledger has the
# export; a public JPEG comes out without its Exif GPS and its original
# stays as it was; a golden CSV; bad options write nothing.
. "$(dirname "$0")/lib.sh"

tg init >/dev/null
: >"$T/canaries"
# canary WHAT: a random string, remembered for the greps.
canary() {
	c="Canary$1$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	echo "$c" >>"$T/canaries"
	printf '%s' "$c"
}
add() { # add ENTITY JSON: the new record's id
	printf '%s' "$2" | tg add "$1" --file -
}

kz=$(add place '{"code":"kz","name":"Kazakhstan","type":"country","confidentiality":"public"}')
ala=$(add place "{\"code\":\"kz-ala\",\"name\":\"Almaty\",\"type\":\"city\",\"parent\":\"$kz\",\"confidentiality\":\"public\"}")
street=$(add place "{\"name\":\"Abay street 12\",\"type\":\"district\",\"parent\":\"$ala\",\"confidentiality\":\"public\"}")
cell=$(add place "{\"name\":\"$(canary PlaceName)\",\"type\":\"facility\",\"parent\":\"$ala\",\"confidentiality\":\"restricted\"}")
src=$(add source "{\"type\":\"testimony\",\"title\":\"Testimony on January\",\"author\":\"$(canary Author)\",\"organisation\":\"KIBHR\",\"note\":\"$(canary SourceNote)\",\"confidentiality\":\"public\"}")
add source "{\"type\":\"testimony\",\"title\":\"$(canary RestrictedSource)\",\"confidentiality\":\"restricted\"}" >/dev/null
victim=$(add person "{\"names\":[{\"text\":\"$(canary VictimName)\",\"role\":\"full\"}],\"sex\":\"male\",\"birth_date\":\"1987-03-29\",\"residence\":\"$street\",\"occupation\":\"$(canary Occupation)\",\"note\":\"$(canary PersonNote)\",\"confidentiality\":\"public\"}")
hidden=$(add person "{\"names\":[{\"text\":\"$(canary ConfidentialName)\"}],\"note\":\"$(canary ConfidentialNote)\",\"confidentiality\":\"confidential\"}")
witness=$(add person "{\"names\":[{\"text\":\"$(canary WitnessName)\"}],\"confidentiality\":\"restricted\"}")
unit=$(add person '{"type":"unit","names":[{"text":"Almaty police department","role":"full"}],"unit_type":"police","confidentiality":"public"}')
ev=$(add event "{\"title\":\"January events\",\"start\":\"2022-01-04\",\"place\":\"$ala\",\"description\":\"$(canary EventDescription)\",\"confidentiality\":\"public\"}")
act=$(add act "{\"type\":\"torture\",\"victim\":\"$victim\",\"event\":\"$ev\",\"start\":\"2022-01-06\",\"place\":\"$cell\",\"methods\":[\"beating\"],\"physical_consequences\":\"$(canary Physical)\",\"psychological_consequences\":\"$(canary Psychological)\",\"description\":\"$(canary ActDescription)\",\"confidentiality\":\"public\"}")
act2=$(add act "{\"type\":\"arbitrary_detention\",\"victim\":\"$hidden\",\"start\":\"2022-01-07\",\"place\":\"$ala\",\"confidentiality\":\"public\"}")
add act "{\"type\":\"killing\",\"victim\":\"$victim\",\"start\":\"2022-01-08\",\"description\":\"$(canary RestrictedAct)\",\"confidentiality\":\"restricted\"}" >/dev/null
add relation "{\"type\":\"member_of\",\"from\":\"$victim\",\"to\":\"$unit\",\"note\":\"$(canary RelationNote)\",\"confidentiality\":\"public\"}" >/dev/null
add relation "{\"type\":\"family\",\"from\":\"$victim\",\"to\":\"$witness\",\"confidentiality\":\"public\"}" >/dev/null
add involvement "{\"act\":\"$act\",\"perpetrator\":\"$unit\",\"degree\":\"direct\",\"note\":\"$(canary InvolvementNote)\",\"confidentiality\":\"public\"}" >/dev/null
add involvement "{\"act\":\"$act2\",\"perpetrator\":\"$witness\",\"confidentiality\":\"public\"}" >/dev/null
add proceeding "{\"type\":\"complaint\",\"title\":\"$(canary ProceedingTitle)\",\"case_number\":\"$(canary CaseNumber)\",\"authority\":\"Almaty prosecutor\",\"parties\":[{\"person\":\"$victim\",\"role\":\"complainant\"},{\"person\":\"$witness\",\"role\":\"witness\"}],\"stages\":[{\"stage\":\"refused_to_open\",\"date\":\"2022-03-01\",\"reason\":\"no_crime\",\"note\":\"$(canary StageNote)\"}],\"acts\":[\"$act\"],\"sentence\":\"$(canary Sentence)\",\"note\":\"$(canary ProceedingNote)\",\"confidentiality\":\"public\"}" >/dev/null
add information "{\"source\":\"$src\",\"subject\":\"$act\",\"facts\":\"$(canary Facts)\",\"locator\":\"p. 3\",\"confidentiality\":\"public\"}" >/dev/null
add intervention "{\"type\":\"un_communication\",\"subject\":\"$act\",\"by\":\"$(canary InterventionBy)\",\"date\":\"2022-04-01\",\"response\":\"$(canary Response)\",\"note\":\"$(canary InterventionNote)\",\"confidentiality\":\"public\"}" >/dev/null

# A photo with an Exif APP1 holding a GPS IFD (43°14'20"N 76°53'45"E), an
# Exif artist and a comment, both canaries; then the image segments.
jpeg() { # jpeg OUT ARTIST COMMENT
	python3 - "$@" <<'EOF'
import struct, sys
out, artist, comment = sys.argv[1], sys.argv[2].encode() + b"\0", sys.argv[3].encode()
seg = lambda m, body: b"\xff" + bytes([m]) + struct.pack(">H", len(body) + 2) + body
gps_at = 8 + 2 + 2 * 12 + 4
data_at = gps_at + 2 + 4 * 12 + 4
ifd0 = struct.pack("<H", 2)
ifd0 += struct.pack("<HHII", 0x013B, 2, len(artist), data_at + 48)
ifd0 += struct.pack("<HHII", 0x8825, 4, 1, gps_at) + struct.pack("<I", 0)
gps = struct.pack("<H", 4)
gps += struct.pack("<HHI4s", 1, 2, 2, b"N\0\0\0") + struct.pack("<HHII", 2, 5, 3, data_at)
gps += struct.pack("<HHI4s", 3, 2, 2, b"E\0\0\0") + struct.pack("<HHII", 4, 5, 3, data_at + 24)
gps += struct.pack("<I", 0)
values = struct.pack("<6I", 43, 1, 14, 1, 20, 1) + struct.pack("<6I", 76, 1, 53, 1, 45, 1)
tiff = b"II*\0" + struct.pack("<I", 8) + ifd0 + gps + values + artist
jfif = seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")
image = (seg(0xDB, b"\0" + bytes(range(1, 65)))
         + seg(0xC0, b"\x08\0\x08\0\x08\x01\x01\x11\0")
         + seg(0xC4, b"\0" + bytes([0, 1] + [0] * 14) + b"\0")
         + seg(0xDA, b"\x01\x01\0\0\x3f\0") + b"\x12\x34\xff\x00\x56\xff\xd0\x78")
with open(out, "wb") as f:
    f.write(b"\xff\xd8" + jfif + seg(0xE1, b"Exif\0\0" + tiff) + seg(0xFE, comment)
            + image + b"\xff\xd9")
EOF
}
photo_name=$(canary FileName)
jpeg "$T/$photo_name.jpg" "$(canary ExifArtist)" "$(canary JpegComment)"
photo_sha=$(sha256sum "$T/$photo_name.jpg" | cut -c1-64)
photo=$(tg evidence add "$T/$photo_name.jpg" --source "$src" --subject "$act" \
	--captured-by "$(canary CapturedBy)" --captured-at "$(canary CapturedAt)" --url "https://x.example/$(canary EvidenceUrl)" \
	--note "$(canary EvidenceNote)" --confidentiality public | cut -c1-36)
tg evidence custody "$photo" --add transferred --by "$(canary CustodyBy)" \
	--note "$(canary CustodyNote)" >/dev/null
jpeg "$T/private.jpg" "$(canary PrivateArtist)" "private"
tg evidence add "$T/private.jpg" --source "$src" --note "$(canary PrivateNote)" >/dev/null
expect_status 0 tg evidence verify --all
expect_in "$T/out" "2 evidence file(s) checked, 0 mismatched"

# Bad options name themselves and write nothing (no directory, no entry).
changes=$(tg --json summary | python3 -c 'import json,sys; print(sum(json.load(sys.stdin)["changes"].values()))')
expect_status 2 tg export --public --format xml --out "$T/bad"
expect_in "$T/err" "--format"
expect_status 2 tg export --public --min-cell 1 --out "$T/bad"
expect_in "$T/err" "--min-cell"
expect_status 2 tg export --public --min-cell five --out "$T/bad"
expect_in "$T/err" "--min-cell"
expect_status 2 tg export --public --format csv
expect_in "$T/err" "--out"
expect_status 2 tg export --public --out "$T/bad" --color red
expect_in "$T/err" "--color"
mkdir "$T/full" && touch "$T/full/keep"
expect_status 4 tg export --public --out "$T/full"
expect_in "$T/err" "--out"
[ ! -e "$T/bad" ] && [ "$(ls "$T" | grep -c 'tmp-')" -eq 0 ] || fail "a refused export wrote files"
after=$(tg --json summary | python3 -c 'import json,sys; print(sum(json.load(sys.stdin)["changes"].values()))')
expect_eq "$after" "$changes"

expect_status 0 tg export --public --format csv --out "$T/csv"
expect_in "$T/out" "images without metadata"
expect_status 0 tg export --public --format json --out "$T/json"
export_id=$(sed -n 's/.*ledger entry \([0-9a-f-]*\).*/\1/p' "$T/out")

# Not one canary in any file, the manifest included.
for f in $(find "$T/csv" "$T/json" -type f); do
	while read -r c; do
		if grep -qaF "$c" "$f"; then fail "$c is in $f"; fi
	done <"$T/canaries"
	for leak in 1987-03 03-29 "$victim" "$act" "$src" "$photo"; do
		if grep -qaF -- "$leak" "$f"; then fail "'$leak' is in $f"; fi
	done
	checks=$((checks + 1))
done

# The public facts come out: the act's type and month, the unit's name,
# the year of birth, the residence raised to the city.
expect_in "$T/csv/act.csv" "torture"
expect_in "$T/csv/act.csv" "2022-01"
expect_in "$T/csv/person_names.csv" "Almaty police department"
expect_in "$T/csv/person.csv" "1987"
expect_in "$T/csv/victims_by_type_region_month.csv" "torture,Almaty,2022-01,<5"
expect_in "$T/csv/victims_by_place_type.csv" ",torture,<5"
city=$(grep -F '"Almaty"' "$T/json/records.json" | sed 's/.*"id":"\([^"]*\)".*/\1/')
expect_in "$T/csv/person.csv" "$city"
street_id=$(grep -F '"Abay street 12"' "$T/json/records.json" | sed 's/.*"id":"\([^"]*\)".*/\1/')
expect_not_in "$T/csv/person.csv" "$street_id"
expect_in "$T/json/records.json" '"type":"torture"'
expect_in "$T/json/tables.json" '"<5"'
# The restricted party, perpetrator and victim leave no trace of
# themselves: no involvement naming nobody, no party without a person.
expect_eq "$(grep -c . "$T/csv/involvement.csv")" 2
expect_eq "$(grep -c . "$T/csv/proceeding_parties.csv")" 2
expect_eq "$(grep -c . "$T/csv/relation.csv")" 2
grep -q "^a-.*arbitrary_detention,," "$T/csv/act.csv" || fail "the act of a confidential victim names someone"
checks=$((checks + 1))

# Pseudonyms: the same in both exports and a third; none in another
# database made from the same records.
cut -d, -f1 "$T/csv/person.csv" | tail -n +2 | sort >"$T/ids1"
expect_eq "$(grep -c '^p-[a-z2-7]\{16\}$' "$T/ids1")" 2
for id in $(cat "$T/ids1"); do expect_in "$T/json/records.json" "\"id\":\"$id\""; done
expect_status 0 tg export --public --format csv --out "$T/csv2"
cmp -s "$T/csv/person.csv" "$T/csv2/person.csv" && cmp -s "$T/csv/act.csv" "$T/csv2/act.csv" \
	|| fail "a second export gave other pseudonyms"
checks=$((checks + 1))
tg export --out "$T/all.json"
tg --db "$T/other.sqlite" init >/dev/null
tg --db "$T/other.sqlite" import "$T/all.json" >/dev/null
expect_status 0 tg --db "$T/other.sqlite" export --public --format csv --out "$T/other"
cut -d, -f1 "$T/other/person.csv" | tail -n +2 | sort >"$T/ids2"
expect_eq "$(comm -12 "$T/ids1" "$T/ids2" | wc -l)" 0

# The manifest lists every file with its hash and size, and the export's
# ledger entry holds the manifest's hash.
python3 - "$T/json" <<'EOF' || fail "the manifest does not match the files"
import hashlib, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
listed = {f["file"] for f in m["files"]}
found = {os.path.relpath(os.path.join(r, n), d) for r, _, ns in os.walk(d) for n in ns}
assert found - {"manifest.json"} == listed, (found, listed)
for f in m["files"]:
    data = open(os.path.join(d, f["file"]), "rb").read()
    assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["bytes"], f
assert m["checkpoint"] and m["made_at"] and m["min_cell"] == 5
EOF
checks=$((checks + 1))
manifest_sha=$(sha256sum "$T/json/manifest.json" | cut -c1-64)
expect_status 0 tg history "$export_id"
expect_in "$T/out" "\"manifest_sha256\":\"$manifest_sha\""
expect_status 0 tg ledger verify

# The photo: one public copy, without APP1 (so no GPS IFD), the rest of
# its bytes as they were; a custody entry on the original names both
# hashes; the original is unchanged.
copy=$(ls "$T/json/evidence/"*.jpg)
expect_eq "$(ls "$T/json/evidence" | wc -l)" 1
python3 - "$T/$photo_name.jpg" "$copy" <<'EOF' || fail "the public photo keeps its metadata"
import sys
def segments(b):
    assert b[:2] == b"\xff\xd8"
    p, out = 2, []
    while True:
        m = b[p + 1]
        if m == 0xD9:
            return out
        n = int.from_bytes(b[p + 2:p + 4], "big")
        end = p + 2 + n
        if m == 0xDA:
            while not (b[end] == 0xFF and b[end + 1] not in (0, *range(0xD0, 0xD8))):
                end += 1
        out.append((m, b[p:end]))
        p = end
orig, copy = (open(f, "rb").read() for f in sys.argv[1:])
markers = [m for m, _ in segments(copy)]
assert 0xE1 not in markers and 0xFE not in markers, markers
assert b"Exif" not in copy and b"\x25\x88" not in copy
kept = [s for m, s in segments(orig) if m not in (0xE1, 0xFE)]
assert copy == b"\xff\xd8" + b"".join(kept) + b"\xff\xd9"
EOF
checks=$((checks + 1))
copy_sha=$(sha256sum "$copy" | cut -c1-64)
expect_in "$T/json/manifest.json" "\"derived_from\": \"$photo_sha\""
expect_in "$T/json/records.json" "\"sha256\":\"$photo_sha\""
expect_status 0 tg --json evidence show "$photo"
expect_in "$T/out" '"redacted_derivative"'
expect_in "$T/out" "sha256 $copy_sha, derived from sha256 $photo_sha"
expect_status 0 tg evidence verify --all
expect_in "$T/out" "2 evidence file(s) checked, 0 mismatched"
tg evidence export "$photo" --out "$T/back.jpg"
expect_eq "$(sha256sum "$T/back.jpg" | cut -c1-64)" "$photo_sha"

# Golden: a small database with fixed ids and clock; pseudonyms numbered
# in order of appearance, as they differ with every database's key.
G="$T/golden.sqlite"
tg --db "$G" init >/dev/null
u() { printf '01890a5d-ac96-774b-bcce-%012d' "$1"; }
{
	echo '{"format":"tergeu-export","version":1,"terms":[],"records":['
	echo "{\"entity\":\"place\",\"id\":\"$(u 1)\",\"code\":\"kz\",\"name\":\"Kazakhstan\",\"type\":\"country\",\"confidentiality\":\"public\"},"
	echo "{\"entity\":\"place\",\"id\":\"$(u 2)\",\"code\":\"kz-ala\",\"name\":\"Almaty\",\"type\":\"city\",\"parent\":\"$(u 1)\",\"lat\":43.25,\"lon\":76.95,\"confidentiality\":\"public\"},"
	echo "{\"entity\":\"place\",\"id\":\"$(u 3)\",\"code\":\"kz-shy\",\"name\":\"Shymkent\",\"type\":\"city\",\"parent\":\"$(u 1)\",\"confidentiality\":\"public\"},"
	for i in 1 2 3 4 5; do
		echo "{\"entity\":\"person\",\"id\":\"$(u $((10 + i)))\",\"names\":[{\"text\":\"Victim $i\"}],\"sex\":\"female\",\"birth_date\":\"199$i-0$i-1$i\",\"residence\":\"$(u 2)\",\"confidentiality\":\"public\"},"
	done
	echo "{\"entity\":\"person\",\"id\":\"$(u 16)\",\"type\":\"unit\",\"names\":[{\"text\":\"Almaty police, \\\"OVD\\\"\",\"role\":\"full\"}],\"unit_type\":\"police\",\"confidentiality\":\"public\"},"
	n=20
	for a in "torture 11 2022-01-05 2" "torture 12 2022-01-06 2" "torture 13 2022-01-07 2" \
		"torture 14 2022-02-01 2" "arbitrary_detention 15 2022-01-09 3" "arbitrary_detention 11 2022-01-10 3"; do
		set -- $a
		n=$((n + 1))
		echo "{\"entity\":\"act\",\"id\":\"$(u $n)\",\"type\":\"$1\",\"victim\":\"$(u "$2")\",\"start\":\"$3\",\"place\":\"$(u "$4")\",\"methods\":[\"beating\",\"hooding\"],\"confidentiality\":\"public\"},"
	done
	echo "{\"entity\":\"involvement\",\"id\":\"$(u 30)\",\"act\":\"$(u 21)\",\"perpetrator\":\"$(u 16)\",\"degree\":\"direct\",\"confidentiality\":\"public\"}"
	echo ']}'
} >"$T/golden.json"
tg --db "$G" import "$T/golden.json" >/dev/null
TERGEU_NOW=2024-05-01T12:00:00.000Z tg --db "$G" export --public --format csv --min-cell 2 \
	--out "$T/g" >/dev/null
for f in place person person_names act act_methods involvement victims_by_type_region_month \
	victims_by_place_type; do
	echo "== $f"
	cat "$T/g/$f.csv"
done | awk 'BEGIN { re = "(pl|p|a|i)-"; for (k = 0; k < 16; k++) re = re "[a-z2-7]" }
{
	out = ""
	while (match($0, re)) {
		id = substr($0, RSTART, RLENGTH)
		if (!(id in seen)) seen[id] = substr(id, 1, index(id, "-")) (++count)
		out = out substr($0, 1, RSTART - 1) seen[id]
		$0 = substr($0, RSTART + RLENGTH)
	}
	print out $0
}' >"$T/golden.out"
cat >"$T/golden.want" <<'EOF'
== place
id,code,name,name_kk,name_ru,name_en,type,parent,lat,lon
pl-1,kz,Kazakhstan,,,,country,,,
pl-2,kz-ala,Almaty,,,,city,pl-1,43.25,76.95
pl-3,kz-shy,Shymkent,,,,city,pl-1,,
== person
id,type,sex,birth_date,birth_place,residence,unit_type
p-4,,female,1991,,pl-2,
p-5,,female,1992,,pl-2,
p-6,,female,1993,,pl-2,
p-7,,female,1994,,pl-2,
p-8,,female,1995,,pl-2,
p-9,unit,,,,,police
== person_names
person,text,role,script,lang,source
p-9,"Almaty police, ""OVD""",full,Latn,,
== act
id,type,victim,event,start,end,place,status
a-10,torture,p-4,,2022-01,,pl-2,
a-11,torture,p-5,,2022-01,,pl-2,
a-12,torture,p-6,,2022-01,,pl-2,
a-13,arbitrary_detention,p-8,,2022-01,,pl-3,
a-14,arbitrary_detention,p-4,,2022-01,,pl-3,
a-15,torture,p-7,,2022-02,,pl-2,
== act_methods
act,method
a-10,beating
a-10,hooding
a-11,beating
a-11,hooding
a-12,beating
a-12,hooding
a-13,beating
a-13,hooding
a-14,beating
a-14,hooding
a-15,beating
a-15,hooding
== involvement
id,act,perpetrator,degree
i-16,a-10,p-9,direct
== victims_by_type_region_month
act_type,region,month,victims
arbitrary_detention,Shymkent,2022-01,2
arbitrary_detention,Shymkent,total,2
torture,Almaty,2022-01,<2
torture,Almaty,2022-02,<2
torture,Almaty,total,4
== victims_by_place_type
place,act_type,victims
Almaty,torture,4
Almaty,total,4
Shymkent,arbitrary_detention,2
Shymkent,total,2
EOF
diff "$T/golden.want" "$T/golden.out" || fail "the public CSV differs from the golden one"
checks=$((checks + 1))

# An original whose intake hash the record no longer has (the record was
# altered) stops the export with an integrity error, once, and cleanly.
if command -v sqlite3 >/dev/null 2>&1; then
	export TERGEU_DB="$T/plain.db"
	tg init --no-encrypt >/dev/null
	s2=$(add source '{"type":"testimony","title":"Plain","confidentiality":"public"}')
	jpeg "$T/plain.jpg" "artist" "comment"
	tg evidence add "$T/plain.jpg" --source "$s2" --confidentiality public >/dev/null
	sqlite3 "$TERGEU_DB" "UPDATE evidence SET sha256 = '$(printf '0%.0s' $(seq 64))'"
	expect_status 5 tg export --public --out "$T/altered"
	expect_in "$T/err" "no longer has its intake hash"
	[ ! -e "$T/altered" ] || fail "a failed public export left files"
fi
done_ok
