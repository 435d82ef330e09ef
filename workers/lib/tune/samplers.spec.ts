import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '$workers/lib/random';
import { parameterImportance } from './analysis';
import { DEFAULT_SPACES, familyDefaults } from './default-spaces';
import { erfc } from './parzen';
import { buildGrid, proposeConfig } from './samplers';
import { createSearch, nextJob, report } from './scheduler';
import { fromInternal, gridValues, internalBounds, sampleUniform, validateSpace } from './space';
import { goodCount, observationWeights } from './tpe';
import type { Config, ParamSpec, SamplerSettings, SearchSettings, SearchSpace } from './types';

describe('search spaces', () => {
	it('samples inside the bounds, on the step, as whole numbers for int', () => {
		const specs: ParamSpec[] = [
			{ type: 'float', low: -2, high: 3 },
			{ type: 'float', low: 1e-5, high: 1, log: true },
			{ type: 'float', low: 0.1, high: 0.9, step: 0.1 },
			{ type: 'int', low: 1, high: 7 },
			{ type: 'int', low: 8, high: 256, log: true },
			{ type: 'int', low: 0, high: 100, step: 10 }
		];
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
				const rng = createRng(seed);
				return specs.every((spec) => {
					const v = sampleUniform(spec, rng) as number;
					if (spec.type === 'categorical' || v < spec.low || v > spec.high) return false;
					if (spec.type === 'int' && !Number.isInteger(v)) return false;
					if (spec.step !== undefined) return Math.abs(Math.round((v - spec.low) / spec.step) * spec.step + spec.low - v) < 1e-9;
					return true;
				});
			})
		);
	});

	it('gives each integer an equal share and spreads log ranges evenly in ln', () => {
		const rng = createRng(3);
		const counts = new Array<number>(8).fill(0);
		let below = 0;
		for (let i = 0; i < 8000; i++) {
			counts[sampleUniform({ type: 'int', low: 0, high: 7 }, rng) as number]++;
			if ((sampleUniform({ type: 'float', low: 1e-4, high: 1, log: true }, rng) as number) < 1e-2) below++;
		}
		counts.forEach((c) => expect(Math.abs(c - 1000)).toBeLessThan(120));
		expect(Math.abs(below - 4000)).toBeLessThan(200); // half of ln-range lies below 1e-2
		expect(internalBounds({ type: 'int', low: 1, high: 3 })).toEqual([0.5, 3.5]);
		expect(fromInternal({ type: 'float', low: 0, high: 1, step: 0.1 }, 0.3049)).toBe(0.3);
	});

	it('refuses bad ranges with a SearchError naming the parameter', () => {
		expect(() => validateSpace({ lr: { type: 'float', low: 0, high: 1, log: true } })).toThrow(/"lr" is searched on a log scale/);
		expect(() => validateSpace({ n: { type: 'int', low: 1.5, high: 3 } })).toThrow(/Integer parameter "n"/);
		expect(() => validateSpace({ c: { type: 'categorical', choices: [] } })).toThrow(/"c" has no choices/);
		expect(() => validateSpace({})).toThrow(/empty/);
		try {
			validateSpace({ x: { type: 'float', low: 2, high: 1 } });
		} catch (e) {
			expect((e as Error).name).toBe('SearchError');
		}
	});

	it('has a valid default space for every family the lead named', () => {
		for (const family of ['linear', 'mlp', 'tree', 'forest', 'boosting', 'knn', 'naive-bayes']) {
			expect(() => validateSpace(DEFAULT_SPACES[family].space)).not.toThrow();
		}
		const copy = familyDefaults('mlp');
		copy.space.learningRate = { type: 'float', low: 0.1, high: 0.2 };
		expect(DEFAULT_SPACES.mlp.space.learningRate).toMatchObject({ low: 1e-4 });
		expect(() => familyDefaults('svm')).toThrow(/no default search space for the model family "svm"/);
	});
});

describe('grid', () => {
	const space: SearchSpace = {
		act: { type: 'categorical', choices: ['relu', 'tanh', 'gelu'] },
		layers: { type: 'int', low: 1, high: 2 },
		lr: { type: 'float', low: 1e-3, high: 1e-1, log: true }
	};

	it('enumerates exactly the product of the axes, each combination once', async () => {
		expect(gridValues(space.lr, 3)).toEqual([0.001, 0.01, 0.1]);
		const settings: SearchSettings = { space, sampler: { kind: 'grid', pointsPerParam: 3 }, scheduler: { kind: 'plain', budget: 1 }, direction: 'minimize', maxTrials: 1000, seed: 0 };
		const state = createSearch(settings);
		const seen: string[] = [];
		for (let job = nextJob(state); job; job = nextJob(state)) {
			seen.push(JSON.stringify(job.config));
			report(state, job.trialId, 0, 1, 'done');
		}
		const product = ['relu', 'tanh', 'gelu'].flatMap((act) => [1, 2].flatMap((layers) => [0.001, 0.01, 0.1].map((lr) => JSON.stringify({ act, layers, lr }))));
		expect(seen).toEqual(product);
		// shuffled: the same set in another order
		const shuffled = createSearch({ ...settings, sampler: { kind: 'grid', pointsPerParam: 3, shuffle: true } });
		const order: string[] = [];
		for (let job = nextJob(shuffled); job; job = nextJob(shuffled)) order.push(JSON.stringify(job.config));
		expect(order).not.toEqual(product);
		expect([...order].sort()).toEqual([...product].sort());
	});

	it('refuses a grid above the cap with the sizes that make it up', () => {
		expect(() => buildGrid({ a: { type: 'float', low: 0, high: 1 }, b: { type: 'float', low: 0, high: 1 } }, { pointsPerParam: 40, maxGridSize: 1000 })).toThrow(
			'The grid has 1,600 combinations (a 40 × b 40); the limit is 1,000.'
		);
	});
});

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

describe('parameter importance', () => {
	it('puts the parameter the score depends on first and the inert one last', () => {
		const space: SearchSpace = {
			lr: { type: 'float', low: 1e-4, high: 1, log: true },
			inert: { type: 'float', low: 0, high: 1 },
			act: { type: 'categorical', choices: ['a', 'b'] }
		};
		const state = createSearch({ space, sampler: { kind: 'random' }, scheduler: { kind: 'plain', budget: 1 }, direction: 'maximize', maxTrials: 60, seed: 2 });
		for (let job = nextJob(state); job; job = nextJob(state)) {
			const lr = Math.log10(job.config.lr as number);
			report(state, job.trialId, 0, -((lr + 2) ** 2) - (job.config.act === 'b' ? 0.8 : 0), 'done');
		}
		const imp = parameterImportance(state);
		const by = Object.fromEntries(imp.map((p) => [p.name, p]));
		expect(by.lr.importance!).toBeGreaterThan(by.act.importance!);
		expect(by.act.importance!).toBeGreaterThan(by.inert.importance!);
		expect(imp.reduce((s, p) => s + p.importance!, 0)).toBeCloseTo(1, 12);
		expect(by.act.spearman).toBeNull();
	});
});
