import { beforeAll, describe, expect, it } from 'vitest';
import type { ClassificationMetrics, JobEvent, RegressionMetrics, Table, TrainConfig } from '../protocol';
import { parseCsv } from './csv';
import { predictTable } from './predict';
import { bytes, loadDataset, useCpu } from '../../tests/unit-support';
import { DEFAULT_CONFIG, trainModel } from './train';
import { guessTarget, inferTask } from '$shared/table';

beforeAll(useCpu);

function defaults(table: Table, target = guessTarget(table)): TrainConfig {
	const column = table.columns.find((c) => c.name === target)!;
	return {
		...DEFAULT_CONFIG,
		target,
		task: inferTask(column),
		features: table.columns.map((c) => c.name).filter((n) => n !== target)
	};
}

describe('trainModel with the default MLP', () => {
	// Holdouts are small (30 and 113 rows), so one seed could pass by luck: the bar must hold for
	// the default seed and on average over five more seeds.
	it.each([
		['iris.csv', 'species', 0.9, 30],
		['breast-cancer.csv', 'diagnosis', 0.95, 113]
	])('reaches the accuracy bar on %s (%s ≥ %f)', async (file, target, bar, holdout) => {
		const table = loadDataset(file);
		const result = await trainModel(table, defaults(table, target));
		const metrics = result.metrics as ClassificationMetrics;
		expect(metrics.support).toBe(holdout);
		expect(metrics.accuracy).toBeGreaterThanOrEqual(bar);
		expect(metrics.macroF1).toBeGreaterThanOrEqual(bar - 0.05);
		expect(metrics.confusion.flat().reduce((a, b) => a + b, 0)).toBe(holdout);
		// the loss must actually fall, not just end somewhere good
		expect(result.history.at(-1)!.trainLoss).toBeLessThan(result.history[0].trainLoss / 3);
		const accuracies: number[] = [];
		for (const seed of [1, 2, 3, 4, 5]) {
			const run = await trainModel(table, { ...defaults(table, target), seed });
			accuracies.push((run.metrics as ClassificationMetrics).accuracy);
		}
		expect(accuracies.reduce((a, b) => a + b, 0) / accuracies.length).toBeGreaterThanOrEqual(bar);
	});

	it('handles missing values and categorical features (penguins)', async () => {
		const table = loadDataset('penguins.csv');
		const config = defaults(table, 'species');
		const events: JobEvent[] = [];
		const result = await trainModel(table, { ...config, epochs: 30 }, { onEvent: (e) => events.push(e) });
		expect((result.metrics as ClassificationMetrics).accuracy).toBeGreaterThanOrEqual(0.9);
		const island = result.preprocessing.features.find((f) => f.name === 'island');
		expect(island).toMatchObject({ kind: 'categorical', categories: ['Biscoe', 'Dream', 'Torgersen'] });
		expect(events.filter((e) => e.type === 'metric')).toHaveLength(30);
		expect(events.at(-1)).toEqual({ type: 'done' });
		expect(events.some((e) => e.type === 'progress' && e.fraction === 1)).toBe(true);
	});

	it('learns a regression target (penguin body mass) with R² above 0.7', async () => {
		const table = loadDataset('penguins.csv');
		const config = { ...defaults(table, 'body_mass_g'), epochs: 80 };
		expect(config.task).toBe('regression');
		const result = await trainModel(table, config);
		expect(result.droppedRows).toBe(2);
		const metrics = result.metrics as RegressionMetrics;
		expect(metrics.r2).toBeGreaterThan(0.7);
		expect(metrics.rmse).toBeLessThan(500); // grams; the target's std is ~800 g
		expect(metrics.mae).toBeLessThanOrEqual(metrics.rmse);
	});

	it('fits an exact linear relation with the linear model', async () => {
		const lines = ['x1,x2,y'];
		for (let i = 0; i < 200; i++) {
			const a = (i % 17) / 3;
			const b = ((i * 7) % 13) / 2;
			lines.push(`${a},${b},${3 * a - 2 * b + 5}`);
		}
		const { table } = parseCsv(bytes(lines.join('\n')), 'linear.csv');
		const result = await trainModel(table, { ...defaults(table, 'y'), model: 'linear', epochs: 150, learningRate: 0.05 });
		expect((result.metrics as RegressionMetrics).r2).toBeGreaterThan(0.999);
	});
});

describe('reproducibility', () => {
	it('gives identical weights and metrics for the same seed, different ones for another seed', async () => {
		const table = loadDataset('iris.csv');
		const config = { ...defaults(table, 'species'), epochs: 5 };
		const a = await trainModel(table, config);
		const b = await trainModel(table, config);
		const c = await trainModel(table, { ...config, seed: 7 });
		expect(new Float32Array(a.model.weightData)).toEqual(new Float32Array(b.model.weightData));
		expect(a.history).toEqual(b.history);
		expect(a.metrics).toEqual(b.metrics);
		expect(new Float32Array(a.model.weightData)).not.toEqual(new Float32Array(c.model.weightData));
	});
});

describe('prediction uses the training preprocessing', () => {
	it('predicts new rows from a file with reordered columns, missing cells and unseen categories', async () => {
		const table = loadDataset('penguins.csv');
		const result = await trainModel(table, { ...defaults(table, 'species'), epochs: 30 });
		const expected = result.preprocessing.features.map((f) => ({ name: f.name, kind: f.kind }));
		const csv = [
			'sex,body_mass_g,flipper_length_mm,bill_depth_mm,bill_length_mm,island',
			'male,5700,230,16.5,50.0,Biscoe',
			'female,3400,190,18.0,38.5,Torgersen',
			',3500,,18.5,39.0,Atlantis'
		].join('\n');
		const rows = parseCsv(bytes(csv), 'new.csv', { expected }).table;
		const prediction = await predictTable(result.model, result.preprocessing, rows);
		expect(prediction.predictions.slice(0, 2)).toEqual(['Gentoo', 'Adelie']);
		expect(prediction.probabilities![0].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
		expect(prediction.warnings.join(' ')).toMatch(/1 cell held a category the model has no input for/);
	});
});

describe('bad training input', () => {
	it('refuses a target with a single class', async () => {
		const { table } = parseCsv(bytes('x,y\n1,a\n2,a\n3,a\n4,a\n5,a\n'), 'one.csv');
		await expect(trainModel(table, defaults(table, 'y'))).rejects.toThrow(/only one class \("a"\)/);
	});

	it('refuses nonsense settings with a TrainingError', async () => {
		const table = loadDataset('iris.csv');
		await expect(trainModel(table, { ...defaults(table, 'species'), epochs: 0 })).rejects.toMatchObject({ name: 'TrainingError' });
		await expect(trainModel(table, { ...defaults(table, 'species'), features: [] })).rejects.toThrow(/at least one feature/);
	});

	it('stops within one batch when cancelled', async () => {
		const table = loadDataset('iris.csv');
		const controller = new AbortController();
		let batchesAfterAbort = 0;
		const run = trainModel(table, { ...defaults(table, 'species'), epochs: 50, batchSize: 8 }, {
			signal: controller.signal,
			progressInterval: 0,
			onEvent: (e) => {
				if (e.type !== 'progress') return;
				if (controller.signal.aborted) batchesAfterAbort++;
				if (e.epoch === 2 && e.batch === 3) controller.abort();
			}
		});
		await expect(run).rejects.toMatchObject({ name: 'AbortError' });
		expect(batchesAfterAbort).toBe(0);
	});
});
