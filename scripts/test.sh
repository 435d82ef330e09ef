#!/usr/bin/env bash
# Every test: type check, unit (vitest), then end-to-end (Playwright on the built site).
# All stages run even when one fails, so the closing count covers everything.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-output
rm -f test-output/unit.json test-output/e2e.json test-output/check.status
status=0

bash scripts/ensure-chromium.sh || exit 1

echo "== type check"
# svelte-check counts as one test in the closing line: passed only with 0 errors and 0 warnings.
if npm run --silent check; then echo 0 > test-output/check.status; else echo 1 > test-output/check.status; status=1; fi

echo "== unit tests"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-output/unit.json || status=1

echo "== build"
npx vite build --logLevel warn || { echo "build failed"; status=1; }

echo "== end-to-end tests"
PLAYWRIGHT_JSON_OUTPUT_NAME=test-output/e2e.json npx playwright test --reporter=list,json || status=1

# .ci/run prints the count itself as its very last line.
[ -n "${KILN_COUNT_LATER:-}" ] || node scripts/count-results.mjs
exit $status
