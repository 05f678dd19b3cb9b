#!/bin/sh
# The browser tests: Debian's Chromium (/usr/bin/chromium) driven by
# playwright-core, which never downloads a browser.  Installs the pinned
# package (package-lock.json) into tests/browser/node_modules when missing,
# then runs the tests with node's own test runner.  Screenshots go to
# $TERGEU_ARTIFACTS.  Skipped (77) when node, npm or Chromium is missing.
set -eu
: "${TERGEU:?TERGEU must point to the tergeu binary}"
here=$(cd "$(dirname "$0")" && pwd)
chromium=${TERGEU_CHROMIUM:-/usr/bin/chromium}
for tool in node npm "$chromium"; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "SKIP: $tool is missing (scripts/install-deps installs chromium nodejs npm)"
		exit 77
	}
done
if [ ! -d "$here/node_modules/playwright-core" ]; then
	(cd "$here" && npm ci --no-audit --no-fund)
fi
cd "$here"
exec node --test-reporter=spec web.test.mjs
