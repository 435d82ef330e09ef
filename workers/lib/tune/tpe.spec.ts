import { describe, expect, it } from 'vitest';
import { erfc } from './parzen';
import { proposeConfig } from './samplers';
import { createSearch, nextJob, report } from './scheduler';
import { goodCount, observationWeights } from './tpe';
import type { Config, SamplerSettings, SearchSettings, SearchSpace } from './types';

/**
 * A seeded synthetic objective with the shape of a real tuning problem: a log-scale learning
 * rate, a linear parameter, an integer width and a categorical, minimum 0.
 */
const BENCH_SPACE: SearchSpace = {
	lr: { type: 'float', low: 1e-5, high: 1, log: true },
	dropout: { type: 'float', low: 0, high: 1 },
	width: { type: 'int', low: 1, high: 128 },
	act: { type: 'categorical', choices: ['relu', 'tanh', 'sigmoid', 'elu'] }
};
function benchObjective(c: Config): number {
	const lr = Math.log10(c.lr as number) + 2.5;
	const act = { relu: 0, elu: 0.05, tanh: 0.3, sigmoid: 0.6 }[c.act as string]!;
	return lr * lr + 4 * ((c.dropout as number) - 0.3) ** 2 + (((c.width as number) - 37) / 40) ** 2 + act;
}

function bestAfter(sampler: SamplerSettings, seed: number, trials: number): number {
	const state = createSearch({ space: BENCH_SPACE, sampler, scheduler: { kind: 'plain', budget: 1 }, direction: 'minimize', maxTrials: trials, seed });
	let best = Infinity;
	for (let job = nextJob(state); job; job = nextJob(state)) {
		const score = benchObjective(job.config);
		best = Math.min(best, score);
		report(state, job.trialId, 0, score, 'done');
	}
	return best;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

describe('TPE', () => {
	it('follows Optuna’s gamma and weights', () => {
		expect([1, 10, 11, 100, 300].map((n) => goodCount(n, 'optuna'))).toEqual([1, 1, 2, 10, 25]);
		expect(observationWeights(3)).toEqual([1, 1, 1]);
		const w = observationWeights(30);
		expect(w).toHaveLength(30);
		expect(w[0]).toBeCloseTo(1 / 30, 12);
		expect(w[4]).toBeCloseTo(1, 12);
		expect(w.slice(5)).toEqual(new Array(25).fill(1));
		expect(erfc(0)).toBeCloseTo(1, 6);
		expect(erfc(1)).toBeCloseTo(0.157299207, 6);
		expect(erfc(-2)).toBeCloseTo(1.995322265, 6);
	});

	it('beats random search: median best over 15 seeds after 50 trials', () => {
		const seeds = Array.from({ length: 15 }, (_, i) => i);
		const tpe = seeds.map((s) => bestAfter({ kind: 'tpe' }, s, 50));
		const random = seeds.map((s) => bestAfter({ kind: 'random' }, s, 50));
		expect(median(tpe)).toBeLessThan(median(random) / 2);
		// and per seed more often than not
		expect(seeds.filter((_, i) => tpe[i] < random[i]).length).toBeGreaterThanOrEqual(10);
	});

	it('is deterministic given the seed, the trial number and the history', () => {
		const settings: SearchSettings = { space: BENCH_SPACE, sampler: { kind: 'tpe', startupTrials: 3 }, scheduler: { kind: 'plain', budget: 1 }, direction: 'minimize', maxTrials: 20, seed: 8 };
		const history = [0, 1, 2, 3, 4].map((trialId) => {
			const config = proposeConfig(settings, trialId, [])!;
			return { trialId, config, rung: 0, loss: benchObjective(config) };
		});
		const a = proposeConfig(settings, 5, history);
		const b = proposeConfig(settings, 5, [...history].reverse());
		expect(a).toEqual(b);
		expect(proposeConfig(settings, 6, history)).not.toEqual(a);
		expect(proposeConfig({ ...settings, seed: 9 }, 5, history)).not.toEqual(a);
	});
});
