import { describe, expect, it } from 'vitest';
import { buildGrid, proposeConfig } from './samplers';
import { createSearch, nextJob, report } from './scheduler';
import { gridValues } from './space';
import type { SearchSettings, SearchSpace } from './types';

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

