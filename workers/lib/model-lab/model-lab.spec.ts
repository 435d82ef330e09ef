import { describe, expect, it } from 'vitest';
import type { JobEvent, TrainConfig } from '$workers/protocol';
import { defaultParams, predictClassic } from '$workers/lib/models';
import { predictTable } from '$workers/lib/predict';
import { modelOutputs } from '$workers/lib/model-input';
import { evaluateRun } from '$workers/lib/run-evaluation';
import { explainRow } from '$workers/lib/run-evaluation/explain-row';
import { rowsTable } from '$workers/lib/rows-table';
import { encodeFeatures } from '$workers/lib/preprocess';
import { splitFor } from '$workers/lib/train-data';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { classicFromArtifacts, classicToArtifacts, isClassicArtifacts } from './artifacts';
import { classicConfig } from './config';
import { trainClassic } from './train-classic';

const iris = loadDataset('iris.csv');
const base = { target: 'species', task: 'classification' as const, features: iris.columns.map((c) => c.name).filter((n) => n !== 'species'), seed: 7, holdoutFraction: 0.2, validationFraction: 0.2 };

describe('trainClassic', () => {
	it('fits a forest on the MLP split, scores the holdout, draws a curve over trees and ranks columns', async () => {
		const events: JobEvent[] = [];
		const config = classicConfig(base, { family: 'forest', params: { ...defaultParams('forest', 'classification'), nTrees: 30 } });
		const result = await trainClassic(iris, config, { onEvent: (e) => events.push(e) });
		const split = splitFor(iris, config).split;
		expect([result.trainRows, result.validationRows, result.holdoutRows]).toEqual([split.train.length, split.validation.length, split.holdout.length]);
		expect(result.metrics.task === 'classification' && result.metrics.accuracy).toBeGreaterThanOrEqual(0.86);
		expect(result.history.at(-1)!.epoch).toBe(30);
		expect(result.history.length).toBeGreaterThan(5);
		expect(result.importances!.method).toBe('impurity');
		expect(result.importances!.columns.reduce((s, c) => s + c.value, 0)).toBeCloseTo(1, 6);
		// Petal sizes separate iris species; sepal width barely does.
		expect(result.importances!.columns.at(-1)!.name).toBe('sepal_width');
		expect(events.some((e) => e.type === 'stage')).toBe(true);
		expect(result.classicInfo!.modelBytes).toBeGreaterThan(0);
	});

	it('refuses naive Bayes on a numeric target before fitting', async () => {
		const penguins = loadDataset('penguins.csv');
		const config = classicConfig({ ...base, target: 'body_mass_g', task: 'regression', features: ['bill_length_mm', 'flipper_length_mm'] }, { family: 'gaussian-nb', params: { varSmoothing: 1e-9 } });
		await expect(trainClassic(penguins, config)).rejects.toThrow(/Naive Bayes only predicts classes/);
	});

	it('is reproducible: same seed, same metrics and the same model bytes', async () => {
		const config = classicConfig(base, { family: 'boosting', params: { ...defaultParams('boosting', 'classification'), maxIter: 20 } });
		const [a, b] = [await trainClassic(iris, config), await trainClassic(iris, config)];
		expect(a.metrics).toEqual(b.metrics);
		expect(new Uint8Array(a.model.weightData)).toEqual(new Uint8Array(b.model.weightData));
	});
});

describe('stored classic models', () => {
	it('round-trip through artifacts bit for bit, as bundles carry them (int32 words)', async () => {
		const config = classicConfig(base, { family: 'tree', params: defaultParams('tree', 'classification') });
		const { model: artifacts, preprocessing } = await trainClassic(iris, config);
		expect(isClassicArtifacts(artifacts)).toBe(true);
		const spec = artifacts.weightSpecs[0];
		expect(spec.dtype).toBe('int32');
		expect(spec.shape[0] * 4).toBe(artifacts.weightData.byteLength);
		// A bundle writes the topology as JSON text.
		const model = classicFromArtifacts({ ...artifacts, modelTopology: JSON.parse(JSON.stringify(artifacts.modelTopology)) });
		const again = classicToArtifacts(model);
		expect(new Uint8Array(again.weightData)).toEqual(new Uint8Array(artifacts.weightData));
		const rows = Int32Array.from({ length: iris.rowCount }, (_, i) => i);
		const { x } = encodeFeatures(iris, preprocessing, rows);
		expect(predictClassic(model, x, iris.rowCount)).toEqual(predictClassic(classicFromArtifacts(again), x, iris.rowCount));
	});

	it('predict, model outputs, the evaluation suite and explanations work through the usual seams', async () => {
		await useCpu();
		const config: TrainConfig = classicConfig(base, { family: 'forest', params: { ...defaultParams('forest', 'classification'), nTrees: 20 } });
		const result = await trainClassic(iris, config);
		const stored = { artifacts: result.model, preprocessing: result.preprocessing };
		const row = { sepal_length: '6.7', sepal_width: '3.0', petal_length: '5.2', petal_width: '2.3' };
		const predicted = await predictTable(stored.artifacts, stored.preprocessing, rowsTable(stored.preprocessing.features, [row]));
		expect(predicted.predictions).toEqual(['virginica']);
		expect(predicted.probabilities![0].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
		const x = encodeFeatures(rowsTable(stored.preprocessing.features, [row]), stored.preprocessing, [0]).x;
		expect((await modelOutputs(stored.artifacts, x, 1, stored.preprocessing.inputSize)).length).toBe(3);
		const evaluation = await evaluateRun(iris, config, stored, 'run-1', { repeats: 2, dependenceColumns: 1 });
		expect(evaluation.report.task).toBe('classification');
		expect(evaluation.importance!.columns.length).toBe(4);
		const explanation = await explainRow(stored, rowsTable(stored.preprocessing.features, [row]));
		expect(explanation.method).toBe('exact-additive');
		expect(explanation.explained).toBe('virginica');
		const sum = explanation.columns.reduce((s, c) => s + c.contribution, 0);
		expect(explanation.reference + sum).toBeCloseTo(predicted.probabilities![0][2], 5);
	});

	it('says why a kNN classifier has no per-row explanation', async () => {
		const config = classicConfig(base, { family: 'knn', params: defaultParams('knn', 'classification') });
		const result = await trainClassic(iris, config);
		expect(result.importances).toBeUndefined();
		await expect(explainRow({ artifacts: result.model, preprocessing: result.preprocessing }, rowsTable(result.preprocessing.features, [{ sepal_length: '5', sepal_width: '3', petal_length: '1.5', petal_width: '0.2' }]))).rejects.toThrow(/no exact per-column explanation/);
	});
});

describe('project bundles', () => {
	it('carry a classic run and its model: same config, same predictions after import', async () => {
		const { writeBundle, readBundle } = await import('$workers/lib/share/bundle');
		const { bundleOf } = await import('$workers/lib/share/bundle.spec-support');
		const config = classicConfig(base, { family: 'boosting', params: { ...defaultParams('boosting', 'classification'), maxIter: 15 } });
		const result = await trainClassic(iris, config);
		const back = readBundle(writeBundle(bundleOf({ table: iris, config, result } as Parameters<typeof bundleOf>[0]), { kilnVersion: '0.1.0' }));
		expect(back.runs[0].config.classic).toEqual(config.classic);
		const row = rowsTable(result.preprocessing.features, [{ sepal_length: '5.9', sepal_width: '3.0', petal_length: '4.2', petal_width: '1.5' }]);
		const before = await predictTable(result.model, result.preprocessing, row);
		const after = await predictTable(back.models[0].artifacts, back.models[0].preprocessing, row);
		expect(after.probabilities).toEqual(before.probabilities);
	});
});

describe('model cards', () => {
	it('describe a classic run by its family and settings', async () => {
		const { modelCard } = await import('$workers/lib/share/model-card');
		const config = classicConfig(base, { family: 'forest', params: { ...defaultParams('forest', 'classification'), nTrees: 10 } });
		const result = await trainClassic(iris, config);
		const card = modelCard({ dataset: { name: 'Iris', fileName: 'iris.csv', rows: 150, columns: 5 }, run: { id: 'r', config, createdAt: 0, backend: result.backend, history: result.history, metrics: result.metrics, trainRows: result.trainRows, holdoutRows: result.holdoutRows }, preprocessing: result.preprocessing, date: '2026-11-26' });
		expect(card.markdown).toContain('Random forest (10 trees');
		expect(card.markdown).toContain('Model card: Random forest predicting species');
		expect(card.markdown).not.toContain('trained with Adam');
	});
});
