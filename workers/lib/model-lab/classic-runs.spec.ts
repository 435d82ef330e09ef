import { describe, expect, it } from 'vitest';
import type { ClassificationMetrics, Table, TrainConfig } from '$workers/protocol';
import { findColumn } from '$shared/table';
import { parseFittedPipeline, serialiseFittedPipeline, type Pipeline } from '$workers/lib/data/pipeline';
import { takeRows } from '$workers/lib/data/pipeline/table-ops';
import { defaultParams } from '$workers/lib/models';
import { predictTable } from '$workers/lib/predict';
import { modelEncoding } from '$workers/lib/predict-input';
import { createRng } from '$workers/lib/random';
import { splitFor } from '$workers/lib/train-data';
import { booleanTargetAsClasses } from '$workers/lib/train-table';
import { importDataset, loadDataset } from '../../../tests/unit-support';
import { classicConfig } from './config';
import { trainClassic } from './train-classic';

/** Impute age from the training rows, derive a child flag, then the model's own encodings. */
const titanicPipeline: Pipeline = {
	format: 'kiln-pipeline',
	version: 1,
	steps: [
		{ kind: 'impute', columns: ['age'], strategy: 'median', value: null, indicator: false },
		{ kind: 'derive', name: 'child', expression: 'age < 14' }
	],
	features: [
		{ kind: 'scale', column: 'age', method: 'robust' },
		{ kind: 'scale', column: 'child', method: 'standard' },
		{ kind: 'one-hot', column: 'sex', maxCategories: 5, other: false, missing: 'mode' },
		{ kind: 'ordinal', column: 'passenger_class', order: ['1st', '2nd', '3rd'] }
	]
};
const titanicBase = { target: 'survived', task: 'classification' as const, features: ['sex', 'age', 'passenger_class'], seed: 3, holdoutFraction: 0.25, validationFraction: 0.15 };
const recall = (m: ClassificationMetrics, c: number) => m.confusion[c][c] / m.confusion[c].reduce((a, b) => a + b, 0);

describe('classic runs through a Prepare pipeline', () => {
	it('fit the pipeline on the training rows, store it, and predictTable replays the holdout predictions after serialise / parse', async () => {
		// The studio reads a yes/no target as its two classes, as the training worker does.
		const table = booleanTargetAsClasses(await importDataset('titanic.csv'), 'survived', [{ name: 'survived', kind: 'numeric', semantic: 'boolean', booleanLabels: ['no', 'yes'] }]);
		expect(findColumn(table, 'survived').kind).toBe('categorical');
		const config = classicConfig(titanicBase, { family: 'forest', params: { ...defaultParams('forest', 'classification'), nTrees: 40, minSamplesLeaf: 3 } });
		const result = await trainClassic(table, config, { pipeline: titanicPipeline });
		expect(result.preprocessing).toBeUndefined();
		const fitted = result.pipeline!;
		expect(fitted.steps.map((s) => s.step.kind)).toEqual(['impute', 'derive']);
		// The imputed median is the training rows' median, not the whole file's.
		const { split } = splitFor(table, config);
		const age = findColumn(table, 'age') as { values: Float64Array };
		const ages = Array.from(split.train, (r) => age.values[r]).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
		expect((fitted.steps[0].params as { fills: number[] }).fills[0]).toBe((ages[(ages.length - 1) >> 1] + ages[ages.length >> 1]) / 2);
		// What the models store holds: topology as JSON text, the fitted pipeline serialised.
		const stored = { pipeline: parseFittedPipeline(serialiseFittedPipeline(fitted)), inputs: result.inputs };
		const artifacts = { ...result.model, modelTopology: JSON.parse(JSON.stringify(result.model.modelTopology)), weightData: result.model.weightData.slice(0) };
		const holdout = takeRows(table, split.holdout);
		const replayed = await predictTable(artifacts, modelEncoding(stored), holdout);
		const direct = await predictTable(result.model, fitted, holdout);
		expect(replayed.predictions).toEqual(direct.predictions);
		expect(replayed.probabilities).toEqual(direct.probabilities);
		const truth = findColumn(holdout, 'survived') as { categories: string[]; codes: Int32Array };
		const correct = replayed.predictions.filter((p, i) => p === truth.categories[truth.codes[i]]).length;
		const metrics = result.metrics as ClassificationMetrics;
		expect(metrics.support).toBe(split.holdout.length);
		expect(correct / holdout.rowCount).toBeCloseTo(metrics.accuracy, 10);
		expect(metrics.accuracy).toBeGreaterThan(0.72);
		// Importances are per pipeline column: the derived flag and the raw ones.
		expect(result.importances!.columns.map((c) => c.name).sort()).toEqual(['age', 'child', 'passenger_class', 'sex']);
	});
});

describe('classic runs with other splits', () => {
	const iris = loadDataset('iris.csv');
	const irisBase = { target: 'species', task: 'classification' as const, features: iris.columns.map((c) => c.name).filter((n) => n !== 'species'), seed: 5, holdoutFraction: 0.2, validationFraction: 0.2 };
	const spec = { family: 'forest' as const, params: { ...defaultParams('forest', 'classification'), nTrees: 20 } };

	it('k-fold: one model per fold, mean ± std of the folds, then the final model a holdout run fits', async () => {
		const cv = await trainClassic(iris, classicConfig({ ...irisBase, split: { kind: 'kfold', folds: 5, stratify: true } }, spec));
		const plain = await trainClassic(iris, classicConfig(irisBase, spec));
		const folds = cv.crossValidation!.folds;
		expect(folds).toHaveLength(5);
		const values = folds.map((f) => (f.metrics as ClassificationMetrics).accuracy);
		const mean = values.reduce((a, b) => a + b) / 5;
		const accuracy = cv.crossValidation!.summary.find((s) => s.name === 'accuracy')!;
		expect(accuracy.mean).toBeCloseTo(mean, 12);
		expect(accuracy.std).toBeCloseTo(Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 4), 12);
		expect(accuracy.mean).toBeGreaterThan(0.85);
		expect(folds.reduce((n, f) => n + f.validationRows, 0)).toBe(plain.trainRows + plain.validationRows);
		expect(cv.metrics).toEqual(plain.metrics);
		expect(new Uint8Array(cv.model.weightData)).toEqual(new Uint8Array(plain.model.weightData));
	});

	it('group k-fold keeps each group in one fold; a time split scores the latest rows', async () => {
		const table: Table = { ...iris, columns: [...iris.columns, { name: 'batch', kind: 'categorical', categories: Array.from({ length: 15 }, (_, g) => `b${g}`), codes: Int32Array.from({ length: iris.rowCount }, (_, i) => i % 15) }, { name: 'when', kind: 'numeric', values: Float64Array.from({ length: iris.rowCount }, (_, i) => (i * 7) % iris.rowCount) }] };
		const grouped = await trainClassic(table, classicConfig({ ...irisBase, split: { kind: 'group-kfold', folds: 3, column: 'batch' } }, spec));
		expect(grouped.crossValidation!.folds).toHaveLength(3);
		const timed = await trainClassic(table, classicConfig({ ...irisBase, split: { kind: 'time', column: 'when' } }, spec));
		expect(timed.crossValidation).toBeUndefined();
		expect(timed.holdoutRows).toBe(splitFor(table, classicConfig({ ...irisBase, split: { kind: 'time', column: 'when' } }, spec)).split.holdout.length);
	});
});

describe('class balancing for classic families', () => {
	/** Two overlapping Gaussian classes, 1 row in 12 of class "rare", seeded. */
	const imbalanced = (): Table => {
		const rng = createRng(11);
		const n = 1200;
		const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
		const label = Int32Array.from({ length: n }, (_, i) => (i % 12 === 0 ? 1 : 0));
		const feature = () => Float64Array.from(label, (l) => gauss() + (l ? 1.3 : 0));
		return { rowCount: n, columns: [{ name: 'x1', kind: 'numeric', values: feature() }, { name: 'x2', kind: 'numeric', values: feature() }, { name: 'y', kind: 'categorical', categories: ['common', 'rare'], codes: label }] };
	};
	const base = (balance: TrainConfig['balance']) => ({ target: 'y', task: 'classification' as const, features: ['x1', 'x2'], seed: 1, holdoutFraction: 0.3, validationFraction: 0.1, balance });

	it.each([
		['forest', { family: 'forest' as const, params: { ...defaultParams('forest', 'classification'), nTrees: 30, minSamplesLeaf: 10 } }, 'class-weights'],
		['boosting', { family: 'boosting' as const, params: { ...defaultParams('boosting', 'classification'), maxIter: 30, minSamplesLeaf: 30 } }, 'class-weights'],
		['logistic regression', { family: 'linear' as const, params: defaultParams('linear', 'classification') }, 'class-weights'],
		['kNN', { family: 'knn' as const, params: { ...defaultParams('knn', 'classification'), k: 15 } }, 'undersample'],
		['kNN, class weights as oversampling', { family: 'knn' as const, params: { ...defaultParams('knn', 'classification'), k: 15 } }, 'class-weights']
	] as const)('%s: balancing raises the rare class\'s holdout recall, on the same holdout rows', async (_, spec, method) => {
		const table = imbalanced();
		const plain = await trainClassic(table, classicConfig(base('none'), spec));
		const balanced = await trainClassic(table, classicConfig(base(method), spec));
		const [p, b] = [plain.metrics as ClassificationMetrics, balanced.metrics as ClassificationMetrics];
		expect(b.support).toBe(p.support);
		expect(recall(b, 1)).toBeGreaterThan(recall(p, 1) + 0.15);
		expect(balanced.balance!.before).toEqual(plain.balance?.before ?? balanced.balance!.before);
		if (spec.family === 'knn' && method === 'class-weights') {
			// kNN takes no row weights: class weights become oversampling, and the run says so.
			expect(balanced.balance!.method).toBe('oversample');
			expect(balanced.notes!.join(' ')).toMatch(/oversampled to the largest class/);
			return;
		}
		if (method === 'class-weights') {
			// Forest, boosting and the linear solver weigh rows: no resampling, no note about it.
			expect(balanced.balance!.method).toBe('class-weights');
			expect(balanced.balance!.weights).toHaveLength(2);
			expect(balanced.trainRows).toBe(plain.trainRows);
			expect(balanced.notes?.join(' ') ?? '').not.toMatch(/oversampled/);
		}
	});
});
