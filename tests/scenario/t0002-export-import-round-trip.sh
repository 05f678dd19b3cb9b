#!/bin/sh
# export → import into a new database → export gives byte-identical output,
# for a hand-made database with deletions and user terms and for the demo.
. "$(dirname "$0")/lib.sh"

tg init >/dev/null
p=$(tg add person --name "Асель Нұрланқызы" --sex female)
e2=$(tg add event --title "Protests in Zhanaozen" --start 2022-01-02)
e1=$(tg add event --title "January 2022 events" --start 2022-01 --end 2022-01-19)
tg edit "$e2" --parent "$e1" --relation part_of
tg vocab add act_method waterboarding --en Waterboarding --ru "Пытка водой" --kk "Сумен азаптау"
a=$(tg add act --type torture --victim "$p" --event "$e2" --method waterboarding)
tg delete "$a" --reason "wrong victim" >/dev/null
tg export --out "$T/one.json"
expect_in "$T/one.json" '"format":"tergeu-export"'
expect_in "$T/one.json" 'waterboarding'

expect_status 0 tg --db "$T/two.sqlite" init
expect_status 0 tg --db "$T/two.sqlite" import "$T/one.json"
tg --db "$T/two.sqlite" export >"$T/two.json"
cmp "$T/one.json" "$T/two.json" || fail "round trip changed the export"
checks=$((checks + 1))
# Importing the same file again: the ids exist, nothing changes.
expect_status 4 tg --db "$T/two.sqlite" import "$T/one.json"
expect_in "$T/err" "already exists"
tg --db "$T/two.sqlite" export >"$T/three.json"
cmp "$T/one.json" "$T/three.json" || fail "a failed import changed the database"
checks=$((checks + 1))

expect_status 0 tg --db "$T/demo.sqlite" demo --size 150 --seed 7
tg --db "$T/demo.sqlite" export --out "$T/demo1.json"
tg --db "$T/demo2.sqlite" init >/dev/null
expect_status 0 tg --db "$T/demo2.sqlite" import "$T/demo1.json"
tg --db "$T/demo2.sqlite" export --out "$T/demo2.json"
cmp "$T/demo1.json" "$T/demo2.json" || fail "demo round trip changed the export"
checks=$((checks + 1))
done_ok
