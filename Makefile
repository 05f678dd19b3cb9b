# The two commands of the README: `make demo` and `make check`.
BUILD ?= build
ASAN_BUILD ?= build-asan
DEMO_DB ?= demo/tergeu-demo.db

.PHONY: all demo check test asan bench fuzz deps clean

all: $(BUILD)/cli/tergeu

deps:
	@scripts/install-deps

$(BUILD)/build.ninja: | deps
	@meson setup $(BUILD) --buildtype=debugoptimized -Dwerror=true

$(BUILD)/cli/tergeu: deps $(BUILD)/build.ninja FORCE
	@ninja -C $(BUILD)

# Builds, creates the demo database, prints its summary and a first
# administrator's sign-in, then serves the web interface until ^C.
DEMO_LISTEN ?= 127.0.0.1:8080
demo: $(BUILD)/cli/tergeu
	@mkdir -p $(dir $(DEMO_DB))
	@$(BUILD)/cli/tergeu --db $(DEMO_DB) demo --force
	@exec $(BUILD)/cli/tergeu --db $(DEMO_DB) serve --listen $(DEMO_LISTEN)

# Every test: unit, scenario, then the whole suite again under
# AddressSanitizer and UndefinedBehaviorSanitizer.
check: test asan
	@scripts/test-summary $(BUILD) $(ASAN_BUILD)

test: $(BUILD)/cli/tergeu
	@meson test -C $(BUILD) --print-errorlogs --num-processes 2

$(ASAN_BUILD)/build.ninja: | deps
	@meson setup $(ASAN_BUILD) --buildtype=debug -Db_sanitize=address,undefined \
		-Db_lundef=false -Dwerror=true

asan: deps $(ASAN_BUILD)/build.ninja
	@ninja -C $(ASAN_BUILD)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C $(ASAN_BUILD) --print-errorlogs --num-processes 2 --suite unit --suite scenario

bench: $(BUILD)/cli/tergeu
	@ninja -C $(BUILD) bench/bench-insert
	@$(BUILD)/bench/bench-insert

# Every libFuzzer harness for FUZZ_SECONDS each, in its own clang build.
FUZZ_SECONDS ?= 60
fuzz: | deps
	@fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

FORCE:
