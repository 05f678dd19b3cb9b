#!/bin/sh
# The interface speaks Kazakh, Russian and English.
. "$(dirname "$0")/lib.sh"

tg init >/dev/null
expect_status 0 tg --lang ru --help
expect_in "$T/out" "Команды"
expect_status 0 tg --lang kk --help
expect_in "$T/out" "Командалар"
expect_status 0 tg --lang en --help
expect_in "$T/out" "Commands"
expect_status 0 env TERGEU_LANG=ru "$TERGEU" vocab act_type
expect_in "$T/out" "Пытки"
expect_status 0 tg --lang kk vocab act_type
expect_in "$T/out" "Азаптау"
expect_status 4 tg --lang ru add person --birth-date 2022-02-30
expect_in "$T/err" "невозможная дата"
expect_status 2 tg --lang de --help
done_ok
