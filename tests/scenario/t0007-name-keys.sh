#!/bin/sh
# name-key gives every spelling of a name one key; translit writes names
# in the schemes people use and back into Cyrillic. Neither needs a database.
. "$(dirname "$0")/lib.sh"

expect_status 0 tg name-key Исаев Isayev Isaev Isaiev ISSAEV
n=$(sort -u "$T/out" | wc -l)
expect_eq "$n" 1
expect_status 0 tg name-key "Нұрсұлтан Исаев" "Нурсултан Исаев" "Nursultan Isayev" "Nūrsūltan Isaev" "Noursoultan Isayev"
n=$(sort -u "$T/out" | wc -l)
expect_eq "$n" 1
expect_eq "$(wc -l <"$T/out")" 5
# ASCII-stripped data reaches the key through an alternative.
expect_status 0 tg name-key Шевчук
key=$(cat "$T/out")
expect_status 0 tg name-key --all Sevcuk
expect_in "$T/out" "$key"
expect_status 0 tg --json name-key Isayev
expect_in "$T/out" '"keys"'

expect_status 0 tg translit --to icao "Юлия Шевчук"
expect_in "$T/out" "Iuliia Shevchuk"
expect_status 0 tg translit --to mvd310 "Юлия"
expect_in "$T/out" "Yuliya"
expect_status 0 tg translit --to kz2021 "Нұрсұлтан Исаев"
expect_in "$T/out" "Nūrsūltan"
expect_status 0 tg translit --to press "Исаев"
expect_in "$T/out" "Isayev"
expect_status 0 tg translit --to kk-cyrillic "Nūrsūltan"
expect_in "$T/out" "Нұрсұлтан"
expect_status 0 tg translit --to cyrillic "Nursultan Isayev"
expect_in "$T/out" "Нурсултан Исаев"

expect_status 2 tg translit --to klingon x
expect_in "$T/err" "--to"
expect_status 2 tg name-key
bad=$(printf 'Is\377aev')
expect_status 4 tg name-key "$bad"
done_ok
