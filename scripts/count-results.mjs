// Adds up the unit and end-to-end results into the one line CI reads: "N passed, N failed".
import { existsSync, readFileSync } from 'node:fs';

const read = (path) => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null);
let passed = 0;
let failed = 0;

// The type check (svelte-check, TypeScript strict) is one test: pass or fail.
const check = existsSync('test-output/check.status') ? readFileSync('test-output/check.status', 'utf8').trim() : null;
if (check === '0') passed += 1;
else failed += 1;

const unit = read('test-output/unit.json');
if (unit) {
	passed += unit.numPassedTests;
	failed += unit.numFailedTests;
	// A file that fails to load has no tests to count; count it as one failure.
	failed += unit.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
} else failed += 1;

const e2e = read('test-output/e2e.json');
if (e2e) {
	passed += e2e.stats.expected + e2e.stats.flaky;
	failed += e2e.stats.unexpected;
	failed += e2e.errors?.length ?? 0;
} else failed += 1;

console.log(`${passed} passed, ${failed} failed`);
