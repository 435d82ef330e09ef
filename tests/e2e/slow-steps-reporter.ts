import type { Reporter, TestCase, TestResult, TestStep } from '@playwright/test/reporter';

interface Line {
	where: string;
	title: string;
	count: number;
	ms: number;
}

/**
 * Where a journey's time goes: with KILN_E2E_SLOW=N (playwright.config.ts), each journey's N
 * costliest lines are printed at the end, slowest journeys first: every action or expect (the
 * innermost step, so nothing counts twice) summed by file and line, with how often it ran. The list
 * reporter gives a journey's total only, and the suite has to stay well under its time aim.
 */
export default class SlowStepsReporter implements Reporter {
	readonly #top = Number(process.env.KILN_E2E_SLOW) || 8;
	readonly #lines = new Map<string, Map<string, Line>>();
	readonly #totals: { id: string; name: string; ms: number }[] = [];

	onStepEnd(test: TestCase, _result: TestResult, step: TestStep): void {
		if (step.steps.length > 0 || (step.category !== 'expect' && step.category !== 'pw:api')) return;
		const where = step.location ? `${step.location.file.split('/').pop()}:${step.location.line}` : '?';
		const lines = this.#lines.get(test.id) ?? new Map<string, Line>();
		const key = `${where} ${step.title}`;
		const line = lines.get(key) ?? { where, title: step.title.slice(0, 70), count: 0, ms: 0 };
		line.count++;
		line.ms += step.duration;
		lines.set(key, line);
		this.#lines.set(test.id, lines);
	}

	onTestEnd(test: TestCase, result: TestResult): void {
		this.#totals.push({ id: test.id, name: `${test.location.file.split('/').pop()}:${test.location.line}  ${test.title.slice(0, 80)}`, ms: result.duration });
	}

	onEnd(): void {
		const s = (ms: number) => `${(ms / 1000).toFixed(1).padStart(6)} s`;
		console.log(`\nThe ${this.#top} costliest lines of each journey, slowest journeys first:`);
		for (const total of this.#totals.sort((a, b) => b.ms - a.ms)) {
			const lines = [...(this.#lines.get(total.id)?.values() ?? [])].sort((a, b) => b.ms - a.ms).slice(0, this.#top);
			console.log(`${s(total.ms)}  ${total.name}`);
			for (const line of lines) console.log(`  ${s(line.ms)}  ×${String(line.count).padEnd(3)} ${line.where}  ${line.title}`);
		}
	}
}
