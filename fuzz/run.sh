#!/bin/sh
# Runs every libFuzzer harness for SECONDS each (default 20) from a copy of
# its committed corpus, building build-fuzz with clang first if missing.
# Fails on the first crash, leak or sanitizer report; the reproducer is kept
# in the artifact directory printed.  A harness with fuzz/<name>.dict gets
# it as its dictionary.  FUZZ_BUILD names another build dir; further
# arguments name the harnesses to run (default: all).
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-20}
[ $# -gt 0 ] && shift
build=${FUZZ_BUILD:-build-fuzz}
all="csv json-import mapping pdate namekey search-query checkpoint http"
targets=${*:-$all}

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzz=true -Dtests=false \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
bins=
for t in $targets; do bins="$bins fuzz/fuzz-$t"; done
# fuzz-http serves pages in kk and ru from the build's catalogs.
case " $targets " in *" http "*) bins="$bins tergeu-gmo" ;; esac
# shellcheck disable=SC2086
ninja -C "$build" $bins >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/tergeu-fuzz.XXXXXX")
art="$work/artifacts"
mkdir -p "$art"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LANGUAGE=en TERGEU_TEST=1
# What a harness makes (fuzz-http's database) stays with the reproducers.
export TMPDIR="$work"
status=0
printf '%-14s %10s %8s %6s\n' harness execs exec/s secs
for t in $targets; do
	mkdir -p "$work/corpus/$t"
	cp fuzz/corpus/"$t"/* "$work/corpus/$t/" 2>/dev/null || true
	log="$work/$t.log"
	start=$(date +%s)
	dict=
	[ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
	# shellcheck disable=SC2086
	if "$build/fuzz/fuzz-$t" -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$art/$t-" $dict "$work/corpus/$t" >"$log" 2>&1; then
		rc=ok
	else
		rc=FAILED
		status=1
	fi
	secs=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	printf '%-14s %10s %8s %6s %s\n' "$t" "${execs:-?}" "${rate:-?}" "$secs" "$rc"
	if [ "$rc" = FAILED ]; then
		grep -E 'ERROR|SUMMARY|runtime error|Assertion|Test unit written' "$log" | head -20 >&2
		echo "fuzz: $t failed; log $log, reproducer in $art" >&2
	fi
done
[ "$status" -eq 0 ] && rm -rf "$work"
exit "$status"
