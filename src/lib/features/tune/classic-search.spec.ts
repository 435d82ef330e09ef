import { describe, expect, it } from 'vitest';
import { configProblems } from '$shared/train-config';
import { createSearch, DEFAULT_SPACES } from '$workers/lib/tune';
import { validateParams } from '$workers/lib/models';
import { runTrial } from '$workers/lib/trial';
import { trainClassic } from '$workers/lib/model-lab/train-classic';
import type { TuneFamily } from '$workers/protocol';
import { loadDataset } from '../../../../tests/unit-support';
import { baseConfig, defaultForm, planFromForm } from './search-plan';
import { runSearch } from './search-runner';
import { CLASSIC_TUNING, trialConfig } from './trial-config';

const iris = loadDataset('iris.csv');
const base = baseConfig(undefined, 'species', 'classification', iris.columns.map((c) => c.name).filter((n) => n !== 'species'));

/** A whole search as the Tune page runs it (two workers at once), with the worker's trial function. */
async function classicSearch(family: TuneFamily, seed: number, trials: number) {
	const { plan } = planFromForm({ ...defaultForm(family, 'classification', 2), trials: String(trials), seed: String(seed), metric: 'valMetric', direction: 'maximize' }, 2);
	const state = createSearch(plan!.search);
	const outcome = await runSearch(
		state,
		{
			slots: 2,
			runJob: (job) => runTrial(iris, { searchId: 's', trialId: job.trialId, rung: job.rung, budget: job.budget, resumeFrom: job.resumeFrom, datasetId: 'd', config: trialConfig(base, family, job.config, job.budget), metric: plan!.metric }, { checkpoint: null, saveCheckpoint: async () => {} }),
			save: async () => {}
		},
		new AbortController().signal
	);
	return { outcome, plan: plan!, trials: state.trials.map((t) => ({ config: t.config, results: t.results.map((r) => [r.rung, r.score, r.status]) })) };
}

describe('Tune over the classic families', () => {
	it('every classic default space gives valid classic configs at its bounds', () => {
		for (const [family, { family: classic }] of Object.entries(CLASSIC_TUNING)) {
			const space = DEFAULT_SPACES[family].space;
			const low = Object.fromEntries(Object.entries(space).map(([k, s]) => [k, s.type === 'categorical' ? s.choices[0] : s.low]));
			const high = Object.fromEntries(Object.entries(space).map(([k, s]) => [k, s.type === 'categorical' ? s.choices.at(-1)! : s.high]));
			for (const params of [low, high]) {
				const config = trialConfig(base, family as TuneFamily, params, 30);
				expect(config.classic!.family).toBe(classic);
				expect(configProblems(config)).toEqual({});
				expect(validateParams(classic, 'classification', config.classic!.params)).toEqual({});
			}
		}
		// Boosting's budget is its rounds.
		expect(trialConfig(base, 'boosting', { learningRate: 0.1 }, 30).classic).toMatchObject({ family: 'boosting', params: { maxIter: 30, learningRate: 0.1, maxLeafNodes: 31 } });
	});

	it('a seeded forest search is reproducible, scores real fits, and its best trial retrains to the same validation score', async () => {
		const [a, b] = [await classicSearch('forest', 9, 5), await classicSearch('forest', 9, 5)];
		expect(a.outcome).toBe('done');
		expect(a.plan.search.scheduler).toEqual({ kind: 'plain', budget: 1 });
		expect(a.trials).toEqual(b.trials);
		expect(a.trials).toHaveLength(5);
		const scores = a.trials.map((t) => t.results[0][1] as number);
		// Validation accuracy of real fits: the best well above chance (1/3); big leaves on 90 rows do worse, as they should.
		expect(scores.every((s) => s >= 1 / 3 && s <= 1)).toBe(true);
		expect(Math.max(...scores)).toBeGreaterThan(0.85);
		expect(Math.min(...scores)).toBeLessThan(Math.max(...scores));
		expect(new Set(a.trials.map((t) => JSON.stringify(t.config))).size).toBe(5);
		const other = await classicSearch('forest', 10, 5);
		expect(other.trials.map((t) => t.config)).not.toEqual(a.trials.map((t) => t.config));
		// "Train the final model with the best config": a normal run with the trial's config reproduces its score.
		const best = a.trials.reduce((x, y) => ((y.results[0][1] as number) > (x.results[0][1] as number) ? y : x));
		const final = await trainClassic(iris, trialConfig(base, 'forest', best.config, 1));
		expect(final.history.at(-1)!.valMetric).toBe(best.results[0][1]);
	});

	it('a boosting search with ASHA promotes trials to more rounds', async () => {
		const search = await classicSearch('boosting', 4, 4);
		expect(search.plan.search.scheduler).toMatchObject({ kind: 'asha', minBudget: 10, maxBudget: 90 });
		expect(search.trials.some((t) => t.results.length > 1)).toBe(true);
	});
});
