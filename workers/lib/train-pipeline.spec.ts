import { beforeAll, describe, expect, it } from 'vitest';
import type { ClassificationMetrics, RegressionMetrics, Table, TrainCheckpoint, TrainConfig } from '../protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { findColumn } from '$shared/table';
import { importDataset, useCpu } from '../../tests/unit-support';
import { defaultPipeline, type Pipeline } from './data/pipeline';
import { takeRows } from './data/pipeline/table-ops';
import { predictTable } from './predict';
import { trainModel } from './train';
import { splitFor } from './train-data';

beforeAll(useCpu);

const penguinFeatures = ['species', 'island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'sex'];
const massConfig: TrainConfig = { ...DEFAULT_CONFIG, epochs: 15, target: 'body_mass_g', task: 'regression', features: penguinFeatures };

/** Impute, a derived ratio, a filter, then robust scaling, one-hot with "other" and ordinal encodings. */
const massPipeline: Pipeline = {
	format: 'kiln-pipeline',
	version: 1,
	steps: [
		{ kind: 'impute', columns: ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm'], strategy: 'median', value: null, indicator: false },
		{ kind: 'derive', name: 'bill_ratio', expression: 'bill_length_mm / bill_depth_mm' },
		{ kind: 'filter', expression: 'flipper_length_mm > 175' }
	],
	features: [
		{ kind: 'scale', column: 'flipper_length_mm', method: 'robust' },
		{ kind: 'scale', column: 'bill_ratio', method: 'standard' },
		{ kind: 'one-hot', column: 'species', maxCategories: 2, other: true, missing: 'mode' },
		{ kind: 'ordinal', column: 'sex', order: null }
	]
};

const r2 = (truth: number[], predicted: number[]) => {
	const mean = truth.reduce((a, b) => a + b, 0) / truth.length;
	return 1 - truth.reduce((a, t, i) => a + (t - predicted[i]) ** 2, 0) / truth.reduce((a, t) => a + (t - mean) ** 2, 0);
};

describe('training through a pipeline', () => {
	it('the default pipeline trains exactly as a run without one (weights and scores), and both keep the preprocessing', async () => {
		const table = await importDataset('penguins.csv');
		const plain = await trainModel(table, massConfig);
		const piped = await trainModel(table, massConfig, { pipeline: defaultPipeline(penguinFeatures, table) });
		expect(new Uint8Array(piped.model.weightData)).toEqual(new Uint8Array(plain.model.weightData));
		expect(piped.metrics).toEqual(plain.metrics);
		expect(piped.preprocessing).toEqual(plain.preprocessing);
		expect(plain.pipeline.steps).toEqual([]);
	});

	it('a recorded pipeline is fitted on the training rows, stored with the model, and replayed exactly at prediction', async () => {
		const table = await importDataset('penguins.csv');
		const result = await trainModel(table, massConfig, { pipeline: massPipeline });
		expect(result.preprocessing).toBeUndefined();
		expect(result.pipeline!.steps.map((s) => s.step.kind)).toEqual(['impute', 'derive', 'filter']);
		expect(result.pipeline!.inputs.map((c) => c.name).sort()).toEqual(['bill_depth_mm', 'bill_length_mm', 'flipper_length_mm', 'sex', 'species']);
		// The imputed median comes from the training rows only.
		const { split } = splitFor(table, massConfig);
		const flipper = findColumn(table, 'flipper_length_mm');
		const trainValues = Array.from(split.train, (r) => (flipper.kind === 'numeric' ? flipper.values[r] : NaN)).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
		const median = (trainValues[(trainValues.length - 1) >> 1] + trainValues[trainValues.length >> 1]) / 2;
		expect((result.pipeline!.steps[0].params as { fills: number[] }).fills[2]).toBe(median);
		// Predicting the raw holdout rows (prediction mode: no filter) scores as training did on the rows the filter kept.
		const holdout = takeRows(table, split.holdout);
		const predicted = (await predictTable(result.model, result.pipeline!, holdout)).predictions.map(Number);
		const mass = findColumn(holdout, 'body_mass_g');
		const flippers = findColumn(holdout, 'flipper_length_mm');
		const kept = predicted.map((_, i) => i).filter((i) => mass.kind === 'numeric' && flippers.kind === 'numeric' && flippers.values[i] > 175);
		const truth = kept.map((i) => (mass as { values: Float64Array }).values[i]);
		expect(r2(truth, kept.map((i) => predicted[i]))).toBeCloseTo((result.metrics as RegressionMetrics).r2, 4);
		expect((result.metrics as RegressionMetrics).r2).toBeGreaterThan(0.6);
		expect(result.metrics.support).toBe(kept.length);
	});

	it('a run cut off mid-way resumes with the pipeline it was fitted with', async () => {
		const table = await importDataset('penguins.csv');
		const checkpoints: TrainCheckpoint[] = [];
		const full = await trainModel(table, { ...massConfig, epochs: 8, patience: 0 }, { pipeline: massPipeline, checkpointInterval: 0, onCheckpoint: (c) => void checkpoints.push(c) });
		expect(checkpoints[3].pipeline).toEqual(full.pipeline);
		expect(checkpoints[3].preprocessing).toBeUndefined();
		const resumed = await trainModel(table, { ...massConfig, epochs: 8, patience: 0 }, { pipeline: massPipeline, resume: structuredClone(checkpoints[3]) });
		expect(resumed.history.slice(0, 4)).toEqual(full.history.slice(0, 4));
		expect((resumed.metrics as RegressionMetrics).rmse).toBeCloseTo((full.metrics as RegressionMetrics).rmse, 3);
	});
});

function irisConfig(table: Table, extra: Partial<TrainConfig> = {}): TrainConfig {
	return { ...DEFAULT_CONFIG, epochs: 20, target: 'species', task: 'classification', features: table.columns.map((c) => c.name).filter((n) => n !== 'species'), ...extra };
}

describe('splits', () => {
	it('5-fold cross-validation: disjoint folds covering the non-holdout rows, mean ± std, and the final model of a holdout run', async () => {
		const table = await importDataset('iris.csv');
		const config = irisConfig(table, { split: { kind: 'kfold', folds: 5, stratify: true } });
		const { split } = splitFor(table, config);
		const pool = [...split.train, ...split.validation].sort((a, b) => a - b);
		const tested = split.folds.flatMap((f) => [...f.validation]).sort((a, b) => a - b);
		expect(tested).toEqual(pool);
		for (const f of split.folds) expect([...f.train].some((r) => f.validation.includes(r))).toBe(false);
		expect(split.folds.every((f) => f.validation.length === 24)).toBe(true);
		const cv = await trainModel(table, config);
		const holdoutRun = await trainModel(table, irisConfig(table));
		expect(cv.crossValidation!.folds).toHaveLength(5);
		const accuracy = cv.crossValidation!.summary.find((s) => s.name === 'accuracy')!;
		const values = cv.crossValidation!.folds.map((f) => (f.metrics as ClassificationMetrics).accuracy);
		expect(accuracy.mean).toBeCloseTo(values.reduce((a, b) => a + b) / 5, 10);
		expect(accuracy.std).toBeGreaterThanOrEqual(0);
		expect(accuracy.mean).toBeGreaterThan(0.8);
		expect(cv.metrics).toEqual(holdoutRun.metrics);
		expect(new Uint8Array(cv.model.weightData)).toEqual(new Uint8Array(holdoutRun.model.weightData));
	});

	const grouped = (): Table => {
		const n = 240;
		const group = Int32Array.from({ length: n }, (_, i) => i % 24);
		const x = Float64Array.from({ length: n }, (_, i) => (i * 37) % 101);
		return {
			rowCount: n,
			columns: [
				{ name: 'patient', kind: 'categorical', categories: Array.from({ length: 24 }, (_, g) => `p${g}`), codes: group },
				{ name: 'day', kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => i) },
				{ name: 'x', kind: 'numeric', values: x },
				{ name: 'y', kind: 'numeric', values: Float64Array.from(x, (v, i) => 2 * v + (i % 3)) }
			]
		};
	};
	const groupConfig = (extra: Partial<TrainConfig>): TrainConfig => ({ ...DEFAULT_CONFIG, epochs: 3, model: 'linear', target: 'y', task: 'regression', features: ['x'], ...extra });

	it('group k-fold never puts one group in two parts or two folds', () => {
		const table = grouped();
		const { split } = splitFor(table, groupConfig({ split: { kind: 'group-kfold', folds: 4, column: 'patient' } }));
		const groupOf = (r: number) => r % 24;
		const groups = (rows: ArrayLike<number>) => new Set(Array.from(rows, groupOf));
		const [train, validation, holdout] = [groups(split.train), groups(split.validation), groups(split.holdout)];
		for (const g of holdout) expect(train.has(g) || validation.has(g)).toBe(false);
		for (const g of validation) expect(train.has(g)).toBe(false);
		expect(split.folds).toHaveLength(4);
		const foldOf = new Map<number, number>();
		split.folds.forEach((f, i) => f.validation.forEach((r) => {
			expect(foldOf.get(groupOf(r)) ?? i).toBe(i);
			foldOf.set(groupOf(r), i);
		}));
	});

	it('a time split tests on the latest rows', () => {
		const table = grouped();
		const { split } = splitFor(table, groupConfig({ split: { kind: 'time', column: 'day' } }));
		expect(Math.min(...split.holdout)).toBeGreaterThan(Math.max(...split.train, ...split.validation));
		expect(Math.min(...split.validation)).toBeGreaterThan(Math.max(...split.train));
	});
});

describe('class balance and leakage', () => {
	/** 200 rows, 180 of class a and 20 of class b, separable on x; every 10th row repeated. */
	const imbalanced = (): Table => {
		const n = 200;
		const label = Int32Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 1 : 0));
		return {
			rowCount: n + 20,
			columns: [
				{ name: 'x', kind: 'numeric', values: Float64Array.from({ length: n + 20 }, (_, i) => (i < n ? (label[i] ? 5 : 0) + (i % 7) / 7 : (i - n) * 10 % 7 / 7)) },
				{ name: 'kind', kind: 'categorical', categories: ['u', 'v'], codes: Int32Array.from({ length: n + 20 }, (_, i) => i % 2) },
				{ name: 'label', kind: 'categorical', categories: ['a', 'b'], codes: Int32Array.from({ length: n + 20 }, (_, i) => (i < n ? label[i] : 0)) }
			]
		};
	};
	const config = (balance: TrainConfig['balance']): TrainConfig => ({ ...DEFAULT_CONFIG, epochs: 3, target: 'label', task: 'classification', features: ['x', 'kind'], balance });

	it.each([
		['oversample', (before: number[]) => [before[0], before[0]]],
		['undersample', (before: number[]) => [before[1], before[1]]],
		['smote', (before: number[]) => [before[0], before[0]]],
		['class-weights', (before: number[]) => before]
	] as const)('%s changes the training rows only, and reports class counts before and after', async (method, expected) => {
		const table = imbalanced();
		const plain = await trainModel(table, config('none'));
		const result = await trainModel(table, config(method));
		const balance = result.balance!;
		expect(balance.classes).toEqual(['a', 'b']);
		expect(balance.before[0]).toBeGreaterThan(balance.before[1] * 5);
		expect(balance.after).toEqual(expected(balance.before));
		expect(result.trainRows).toBe(balance.after[0] + balance.after[1]);
		expect(result.holdoutRows).toBe(plain.holdoutRows);
		expect(result.metrics.support).toBe(plain.metrics.support);
		if (method === 'class-weights') {
			const n = balance.before[0] + balance.before[1];
			expect(balance.weights!.map((w) => Number(w.toFixed(6)))).toEqual(balance.before.map((c) => Number((n / (2 * c)).toFixed(6))));
		}
	});

	it('refuses balancing for a regression target', async () => {
		const table = imbalanced();
		await expect(trainModel(table, { ...config('smote'), target: 'x', task: 'regression', features: ['kind'] })).rejects.toMatchObject({ name: 'ValidationError' });
	});

	it('reports holdout rows that repeat a training row', async () => {
		const table = await importDataset('diamonds.csv').then((t) => takeRows(t, Int32Array.from({ length: 3000 }, (_, i) => i % 2500)));
		const result = await trainModel(table, { ...DEFAULT_CONFIG, epochs: 1, model: 'linear', target: 'price', task: 'regression', features: ['carat', 'cut', 'color', 'clarity'] });
		expect(result.leakage!.holdoutRows).toBeGreaterThan(0);
		const example = result.leakage!.examples[0];
		expect(example.holdoutRow % 2500).toBe(example.trainRow % 2500);
	});
});
