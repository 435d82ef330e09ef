import { beforeAll, describe, expect, it } from 'vitest';
import type { ClassificationMetrics, ClassificationReport, Table, TrainConfig } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import type { Pipeline } from '$workers/lib/data/pipeline';
import { classicConfig } from '$workers/lib/model-lab/config';
import { classicToArtifacts } from '$workers/lib/model-lab/artifacts';
import { classicRawOutputs } from '$workers/lib/model-lab/outputs';
import { trainClassic } from '$workers/lib/model-lab/train-classic';
import { defaultParams, fitClassic } from '$workers/lib/models';
import { readFormRows } from '$workers/lib/predict-input';
import { evaluateRun } from '$workers/lib/run-evaluation';
import { explainRow } from '$workers/lib/run-evaluation/explain-row';
import { finalMetrics } from '$workers/lib/scores';
import { trainModel } from '$workers/lib/train';
import { prepareTraining } from '$workers/lib/train-data';
import { auditRunFairness } from '$workers/lib/trust-run/fairness-run';
import { robustnessOfRun } from '$workers/lib/trust-run/robustness-run';
import { importDataset, useCpu } from '../../../tests/unit-support';
import { openRunModel, type StoredRun } from './run-model';

beforeAll(useCpu);

const features = ['sex', 'age', 'passenger_class'];
const base: TrainConfig = { ...DEFAULT_CONFIG, target: 'survived', task: 'classification', features, epochs: 25, learningRate: 0.03, seed: 11 };

/** Impute, then a filter that drops some rows from every part (so the replay must drop the same ones), then non-default encodings. */
const pipeline: Pipeline = {
	format: 'kiln-pipeline',
	version: 1,
	steps: [
		{ kind: 'impute', columns: ['age'], strategy: 'median', value: null, indicator: false },
		{ kind: 'filter', expression: 'age >= 2' }
	],
	features: [
		{ kind: 'scale', column: 'age', method: 'min-max' },
		{ kind: 'one-hot', column: 'sex', maxCategories: 5, other: true, missing: 'mode' },
		{ kind: 'ordinal', column: 'passenger_class', order: ['1st', '2nd', '3rd'] }
	]
};

const audit = { sensitive: ['sex'], positiveClass: '1', objective: 'equalized_odds' as const, minGroupSize: 10 };

async function holdoutAccuracy(table: Table, config: TrainConfig, stored: StoredRun): Promise<{ accuracy: number; rows: number; columns: string[] }> {
	const evaluation = await evaluateRun(table, config, stored, 'run', { repeats: 2, dependenceColumns: 2 });
	return { accuracy: (evaluation.report as ClassificationReport).accuracy, rows: evaluation.rows, columns: evaluation.worstColumns };
}

describe('a pipeline run as a scorer (titanic, MLP)', () => {
	let table: Table;
	let trained: Awaited<ReturnType<typeof trainModel>>;
	let stored: StoredRun;
	beforeAll(async () => {
		table = await importDataset('titanic.csv');
		trained = await trainModel(table, base, { pipeline });
		stored = { artifacts: trained.model, pipeline: trained.pipeline, ...(trained.preprocessing ? { preprocessing: trained.preprocessing } : {}) };
	});

	it('replays the split and the filter: the evaluation scores exactly the run\'s holdout, with its accuracy', async () => {
		expect(trained.preprocessing).toBeUndefined();
		expect(trained.notes?.some((n) => /row steps removed \d+ of the \d+ holdout rows/.test(n))).toBe(true);
		const run = await openRunModel(table, base, stored);
		try {
			expect(run.parts.holdout.rows.length).toBe(trained.holdoutRows);
			expect(run.parts.train.rows.length).toBe(trained.trainRows);
			// the filter removed babies from every part
			const age = table.columns.find((c) => c.name === 'age')!;
			if (age.kind !== 'numeric') throw new Error('age should be numeric');
			expect([...run.parts.holdout.rows].every((r) => Number.isNaN(age.values[r]) || age.values[r] >= 2)).toBe(true);
			expect(run.groups.map((g) => [g.name, g.kind, g.indices.length])).toEqual([['age', 'numeric', 1], ['sex', 'categorical', 3], ['passenger_class', 'numeric', 1]]);
			expect(run.columns.sort()).toEqual(['age', 'passenger_class', 'sex']);
		} finally {
			run.dispose();
		}
		const { accuracy, rows, columns } = await holdoutAccuracy(table, base, stored);
		expect(rows).toBe(trained.holdoutRows);
		expect(accuracy).toBeCloseTo((trained.metrics as ClassificationMetrics).accuracy, 10);
		expect(accuracy).toBeGreaterThan(0.7);
		expect(columns).toContain('sex');
	});

	it('runs the whole suite: permutation importance ranks sex first, partial dependence in years', async () => {
		const evaluation = await evaluateRun(table, base, stored, 'run', { repeats: 3, dependenceColumns: 3 });
		expect(evaluation.importance!.columns[0].name).toBe('sex');
		const age = evaluation.dependence.find((d) => d.name === 'age')!;
		// min-max scaling undone: the grid is in years, not in 0–1
		expect(Math.max(...(age.grid as number[]))).toBeGreaterThan(20);
		expect(evaluation.slices.map((s) => s.column).sort()).toEqual(['age', 'passenger_class', 'sex']);
		expect(evaluation.baselines.length).toBeGreaterThan(0);
	});

	it('explains one typed row with integrated gradients through the pipeline', async () => {
		const row = await readFormRows(trained.pipeline!.inputs, [{ sex: 'female', age: '30', passenger_class: '1st' }]);
		const explanation = await explainRow(stored, row);
		expect(explanation.method).toBe('integrated-gradients');
		expect(explanation.columns.map((c) => c.name)).toEqual(['age', 'sex', 'passenger_class']);
		expect(explanation.columns.find((c) => c.name === 'sex')!.value).toBe('female');
		const sum = explanation.columns.reduce((a, c) => a + c.contribution, 0);
		expect(Math.abs(explanation.output - explanation.reference - sum)).toBeLessThan(0.02);
	});

	it('audits fairness by sex and attacks the network in its encoded space', async () => {
		const fairness = await auditRunFairness(table, base, stored, audit);
		expect(fairness.holdoutRows).toBe(trained.holdoutRows);
		expect(fairness.baseline.accuracy).toBeCloseTo((trained.metrics as ClassificationMetrics).accuracy, 10);
		expect(fairness.audit.perColumn[0].groups.map((g) => g.group).sort()).toEqual(['female', 'male']);
		const robustness = await robustnessOfRun(table, base, stored, { attack: 'fgsm', norm: 'linf', epsilons: [0.1, 0.3] });
		expect(robustness.clean).toBeCloseTo((trained.metrics as ClassificationMetrics).accuracy, 10);
		expect(robustness.points.at(-1)!.accuracy).toBeLessThanOrEqual(robustness.clean);
		expect(robustness.examples[0].features.map((f) => f.name)).toEqual(['age', 'sex', 'passenger_class']);
	});
});

describe('a classic run as a scorer (titanic)', () => {
	let table: Table;
	beforeAll(async () => {
		table = await importDataset('titanic.csv');
	});

	it('evaluates a forest run on its holdout with its stored accuracy, audits it for fairness, and refuses gradient attacks by name', async () => {
		const config = classicConfig(base, { family: 'forest', params: { ...defaultParams('forest', 'classification'), nTrees: 15 } });
		const result = await trainClassic(table, config);
		const stored: StoredRun = { artifacts: result.model, preprocessing: result.preprocessing };
		const { accuracy, rows } = await holdoutAccuracy(table, config, stored);
		expect(rows).toBe(result.holdoutRows);
		expect(accuracy).toBeCloseTo((result.metrics as ClassificationMetrics).accuracy, 10);
		const fairness = await auditRunFairness(table, config, stored, audit);
		expect(fairness.baseline.accuracy).toBeCloseTo(accuracy, 10);
		expect(fairness.thresholds).not.toBeNull();
		await expect(robustnessOfRun(table, config, stored, { attack: 'fgsm', norm: 'linf', epsilons: [0.1] })).rejects.toThrow(/gradients.*forest model/);
		const row = await readFormRows(result.preprocessing!.features.map((f) => ({ name: f.name, kind: f.kind })), [{ sex: 'male', age: '40', passenger_class: '3rd' }]);
		const explanation = await explainRow(stored, row);
		expect(explanation.method).toBe('exact-additive');
		expect(explanation.reference + explanation.columns.reduce((a, c) => a + c.contribution, 0)).toBeCloseTo(explanation.output, 6);
	});

	it('scores a classic model fitted through a pipeline on the replayed holdout', async () => {
		const config = classicConfig(base, { family: 'tree', params: { ...defaultParams('tree', 'classification'), maxDepth: 4 } });
		const data = prepareTraining(table, config, undefined, pipeline);
		const model = fitClassic(config.classic!, data.train.x, data.train.rows.length, data.width, data.train.y, 'classification', data.classes, { seed: config.seed });
		const stored: StoredRun = { artifacts: classicToArtifacts(model), pipeline: data.fitted };
		const stores = finalMetrics(classicRawOutputs(model, data.holdout.x, data.holdout.rows.length), data.holdout.y, data) as ClassificationMetrics;
		const { accuracy, rows } = await holdoutAccuracy(table, config, stored);
		expect(rows).toBe(data.holdout.rows.length);
		expect(accuracy).toBeCloseTo(stores.accuracy, 10);
		const row = await readFormRows(data.fitted.inputs, [{ sex: 'female', age: '8', passenger_class: '2nd' }]);
		const explanation = await explainRow(stored, row);
		expect(explanation.columns.map((c) => c.name)).toEqual(['age', 'sex', 'passenger_class']);
		expect(explanation.reference + explanation.columns.reduce((a, c) => a + c.contribution, 0)).toBeCloseTo(explanation.output, 6);
	});
});
