#!/bin/sh
# Search finds people across scripts and spellings, narrative text by its
# stems, keeps its index current through every write, and never shows
# records above the caller's clearance.
. "$(dirname "$0")/lib.sh"

expect_status 0 tg demo --size 300 --seed 5
first() { head -n 1 "$T/out"; }

for q in "Nursultan Isayev" "Нурсултан Исаев" "Nūrsūltan Isaev" "NURSULTAN ISAIEV" "Noursoultan Issaev"; do
	expect_status 0 tg search --type person "$q"
	case "$(first)" in *"Нұрсұлтан Исаев"*) checks=$((checks + 1)) ;;
	*) cat "$T/out" >&2; fail "'$q' does not find Нұрсұлтан Исаев first" ;; esac
done
expect_status 0 tg --translit press search --type person Нұрсұлтан Исаев
expect_in "$T/out" "Нұрсұлтан Исаев (Nursultan Isayev)"
expect_status 2 tg --translit klingon search x
# A misspelt name is found through a near spelling, after exact matches.
expect_status 0 tg search --type person "Nusrultan Isayev"
expect_in "$T/out" "near spellings"
expect_in "$T/out" "Нұрсұлтан Исаев"
# Narrative text by stem, in any of the three languages of the labels.
expect_status 0 tg search --type act пытки
expect_in "$T/out" "Torture"
expect_status 0 tg search --type act азаптау
expect_in "$T/out" "Torture"
expect_status 0 tg search --type act "broken ribs" --place kz-aktobe-region --from 2022 --to 2022
expect_in "$T/out" "Нұрсұлтан Исаев"
expect_status 0 tg search --type source "longing justice"
expect_in "$T/out" "Longing for Justice in Kazakhstan"
expect_status 0 tg --json search --limit 3 Isayev
expect_in "$T/out" '"score"'

# Clearance: a confidential witness is invisible below it.
w=$(tg add person --name "Сәуле Жұмабаева" --confidentiality confidential)
expect_status 0 tg search Saule Zhumabayeva
expect_not_in "$T/out" "$w"
expect_status 0 tg search --clearance confidential Saule Zhumabayeva
expect_in "$T/out" "$w"
r=$(tg add person --name "Гүлнар Омарова")
expect_status 0 tg search --clearance public Gulnar Omarova
expect_not_in "$T/out" "$r"
expect_status 0 tg search Gulnar Omarova
expect_in "$T/out" "$r"

# The index follows edits and deletions in the same transaction.
expect_status 0 tg edit "$r" --name "Гүлнар Серікқызы"
expect_status 0 tg search Omarova
expect_not_in "$T/out" "$r"
expect_status 0 tg search "Gulnar Serikkyzy"
expect_in "$T/out" "$r"
tg delete "$r" --reason "test" >/dev/null
expect_status 0 tg search "Gulnar Serikkyzy"
expect_not_in "$T/out" "$r"
# A rebuilt index finds the same.
expect_status 0 tg reindex
expect_status 0 tg search --type person "Isayev Nursultan"
expect_in "$T/out" "Нұрсұлтан Исаев"

expect_status 4 tg search "  ,, "
expect_status 2 tg search --clearance secret x
expect_status 4 tg search --from 2022-02-30 x
expect_in "$T/err" "--from"
expect_status 3 tg search --place atlantis x
expect_status 2 tg search
done_ok
