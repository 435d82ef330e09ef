import { describe, expect, it } from 'vitest';
import { createSearch, isFinished, nextJob, report, restoreSearch } from './scheduler';
import type { Config, SearchSettings, SearchState } from './types';

const SPACE = {
	lr: { type: 'float', low: 1e-4, high: 1, log: true },
	width: { type: 'int', low: 4, high: 256, log: true },
	act: { type: 'categorical', choices: ['relu', 'tanh'] }
} as const satisfies SearchSettings['space'];

const plain = (overrides: Partial<SearchSettings> = {}): SearchSettings => ({ space: SPACE, sampler: { kind: 'random' }, scheduler: { kind: 'plain', budget: 10 }, direction: 'minimize', maxTrials: 12, seed: 7, ...overrides });
const cost = (c: Config) => (c.width as number) * (c.act === 'tanh' ? 2 : 1);
const key = (c: Config) => JSON.stringify(c);

/** Start every job the search gives (as a pool with `slots` workers would), finishing the oldest first. */
function drain(state: SearchState, options: { cost?: (c: Config) => number } = {}, slots = 1, limit = Infinity): Config[] {
	const started: Config[] = [];
	const running: { trialId: number; rung: number }[] = [];
	for (;;) {
		while (running.length < slots && started.length < limit) {
			const job = nextJob(state, options);
			if (!job) break;
			started.push(job.config);
			running.push({ trialId: job.trialId, rung: job.rung });
		}
		if (running.length === 0 || started.length >= limit) return started;
		const { trialId, rung } = running.shift()!;
		report(state, trialId, rung, cost(state.trials[trialId].config) / (rung + 1), 'done');
	}
}

describe('largest first (a cost estimate given)', () => {
	it('tries the very configs the plain search tries, costliest first', () => {
		const unordered = drain(createSearch(plain()));
		const ordered = drain(createSearch(plain()), { cost }, 2);
		expect(ordered.map(key).sort()).toEqual(unordered.map(key).sort());
		const costs = ordered.map(cost);
		expect(costs).toEqual([...costs].sort((a, b) => b - a));
		expect(costs[0]).toBeGreaterThan(costs.at(-1)!);
	});

	it('orders a grid too, and a search restored mid-way goes on with exactly the configs it had left', () => {
		const settings = plain({ sampler: { kind: 'grid', pointsPerParam: 3 }, maxTrials: 100 });
		const whole = drain(createSearch(settings), { cost });
		expect(whole.length).toBe(18);
		const state = createSearch(settings);
		drain(state, { cost }, 2, 7); // 7 started, the last 2 still running when the page went away
		const resumed = restoreSearch(settings, structuredClone(state.trials));
		const rest = drain(resumed, { cost }, 2);
		expect(isFinished(resumed)).toBe(true);
		expect(resumed.trials.map((t) => key(t.config)).sort()).toEqual(whole.map(key).sort());
		// The two interrupted jobs run again before new configs; no config twice.
		expect(rest.length).toBe(18 - 5);
		expect(new Set(resumed.trials.map((t) => key(t.config))).size).toBe(18);
	});

	it('tries equal proposals as often as the plain search does (a small categorical space)', () => {
		const settings = plain({ space: { act: { type: 'categorical', choices: ['relu', 'tanh'] } }, maxTrials: 9 });
		const unordered = drain(createSearch(settings));
		const ordered = drain(createSearch(settings), { cost: (c) => (c.act === 'tanh' ? 2 : 1) });
		expect(ordered.length).toBe(9);
		expect(ordered.map(key).sort()).toEqual(unordered.map(key).sort());
		expect(ordered.map((c) => c.act)).toEqual([...ordered.map((c) => c.act)].sort((a, b) => (a === 'tanh' ? -1 : 0) - (b === 'tanh' ? -1 : 0)));
	});

	it('leaves TPE and ASHA searches in their own order', () => {
		for (const settings of [plain({ sampler: { kind: 'tpe', startupTrials: 3 } }), plain({ scheduler: { kind: 'asha', eta: 3, minBudget: 1, maxBudget: 9 } })]) {
			const a = drain(createSearch(settings), {}, 1, 10);
			const b = drain(createSearch(settings), { cost }, 1, 10);
			expect(b).toEqual(a);
		}
	});
});
