import type { Reporter, TestCase, TestResult, TestStep } from '@playwright/test/reporter';

/**
 * Where a journey's time goes: with KILN_E2E_SLOW=seconds (playwright.config.ts), every action or
 * expect that took at least that long is printed at the end, slowest journeys first, by line. The
 * list reporter gives a journey's total only, and the suite has to stay well under its time aim.
 */
export default class SlowStepsReporter implements Reporter {
	readonly #threshold = Number(process.env.KILN_E2E_SLOW) * 1000 || 3000;
	readonly #slow = new Map<string, { total: number; steps: string[] }>();

	onStepEnd(test: TestCase, _result: TestResult, step: TestStep): void {
		if (step.duration < this.#threshold || (step.category !== 'expect' && step.category !== 'pw:api' && step.category !== 'test.step')) return;
		// Nested steps (an expect inside a test.step) would count twice; the innermost names the line.
		if (step.steps.some((s) => s.duration >= this.#threshold)) return;
		const entry = this.#slow.get(test.id) ?? { total: 0, steps: [] };
		const where = step.location ? `${step.location.file.split('/').pop()}:${step.location.line}` : '?';
		entry.steps.push(`${(step.duration / 1000).toFixed(1).padStart(6)} s  ${where}  ${step.title.slice(0, 90)}`);
		this.#slow.set(test.id, entry);
	}

	onTestEnd(test: TestCase, result: TestResult): void {
		const entry = this.#slow.get(test.id);
		if (entry) entry.total = result.duration;
		if (entry) entry.steps.unshift(`${(result.duration / 1000).toFixed(1)} s  ${test.location.file.split('/').pop()}:${test.location.line}  ${test.title.slice(0, 80)}`);
	}

	onEnd(): void {
		const entries = [...this.#slow.values()].sort((a, b) => b.total - a.total);
		console.log(`\nSteps of ${this.#threshold / 1000} s or more, slowest journeys first:`);
		for (const entry of entries) console.log(entry.steps.join('\n  ') + '\n');
	}
}
