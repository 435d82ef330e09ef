import { describe, expect, it } from 'vitest';
import { parameterImportance } from './analysis';
import { createSearch, nextJob, report } from './scheduler';
import type { SearchSpace } from './types';

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
