import { beforeAll, describe, expect, it } from 'vitest';
import type { ClassificationMetrics, JobEvent, RegressionMetrics, Table, TrainConfig } from '../protocol';
import { parseCsv } from './csv';
import { predictTable } from './predict';
import { bytes, loadDataset, useCpu } from '../../tests/unit-support';
import { trainModel } from './train';
import { splitFor } from './train-data';
import { encodeFeatures, encodeTarget } from './preprocess';
import { deserializeModel, forward } from './model';
import { lossAndMetric } from './scores';
import { DEFAULT_CONFIG } from '$shared/train-config';
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
	// Holdouts are small (30 and 114 rows), so one seed could pass by luck: the bar is a mean
	// over ten seeds (each with its own split), with a floor no single seed may fall under.
	it.each([
		['iris.csv', 'species', 0.9, 0.8],
		['breast-cancer.csv', 'diagnosis', 0.95, 0.9]
	])('reaches the accuracy bar on %s (%s: mean ≥ %f, every seed ≥ %f)', async (file, target, bar, floor) => {
		const table = loadDataset(file);
		const accuracies: number[] = [];
		for (let seed = 1; seed <= 10; seed++) {
			const result = await trainModel(table, { ...defaults(table, target), seed });
			const metrics = result.metrics as ClassificationMetrics;
			expect(metrics.confusion.flat().reduce((a, b) => a + b, 0)).toBe(result.holdoutRows);
			// the loss must actually fall, not just end somewhere good
			expect(result.history.at(-1)!.trainLoss).toBeLessThan(result.history[0].trainLoss / 2);
			expect(metrics.accuracy).toBeGreaterThanOrEqual(floor);
			accuracies.push(metrics.accuracy);
		}
		expect(accuracies.reduce((a, b) => a + b, 0) / accuracies.length).toBeGreaterThanOrEqual(bar);
	});

	it('handles missing values and categorical features (penguins)', async () => {
		const table = loadDataset('penguins.csv');
		const config = defaults(table, 'species');
		const events: JobEvent[] = [];
		const result = await trainModel(table, { ...config, epochs: 30, patience: 0 }, { onEvent: (e) => events.push(e) });
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

	it('refuses nonsense settings with a ValidationError', async () => {
		const table = loadDataset('iris.csv');
		await expect(trainModel(table, { ...defaults(table, 'species'), epochs: 0 })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/epochs/) });
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

describe('honest evaluation', () => {
	it('fits preprocessing on the training rows only', async () => {
		const table = loadDataset('breast-cancer.csv');
		const config = { ...defaults(table, 'diagnosis'), epochs: 1 };
		const result = await trainModel(table, config);
		const { split } = splitFor(table, config);
		const column = table.columns.find((c) => c.name === 'mean_area')!;
		if (column.kind !== 'numeric') throw new Error('mean_area should be numeric');
		const mean = (rows: ArrayLike<number>) => Array.from(rows, (r) => column.values[r]).reduce((a, b) => a + b, 0) / rows.length;
		const fitted = result.preprocessing.features.find((f) => f.name === 'mean_area')!;
		if (fitted.kind !== 'numeric') throw new Error('mean_area should be fitted as numeric');
		expect(fitted.mean).toBeCloseTo(mean(split.train), 6);
		// The check has teeth: the mean over all rows (holdout included) is measurably different.
		expect(Math.abs(fitted.mean - mean(Array.from({ length: table.rowCount }, (_, i) => i)))).toBeGreaterThan(0.1);
		expect(split.train.length + split.validation.length + split.holdout.length).toBe(table.rowCount);
		expect(result.trainRows).toBe(split.train.length);
		expect(result.validationRows).toBe(split.validation.length);
	});

	it('early stopping keeps the weights of the best validation epoch', async () => {
		const table = loadDataset('diabetes.csv');
		const config = defaults(table, 'progression');
		expect(config.task).toBe('regression');
		const result = await trainModel(table, config);
		const losses = result.history.map((h) => h.valLoss);
		const best = losses.indexOf(Math.min(...losses)) + 1;
		expect(result.bestEpoch).toBe(best);
		expect(result.stoppedEarly).toBe(true);
		expect(result.history).toHaveLength(best + config.patience);
		// The stored model really is the best epoch's: its validation loss is the best one.
		const { split } = splitFor(table, config);
		const model = await deserializeModel(result.model);
		const out = await forward(model, encodeFeatures(table, result.preprocessing, split.validation).x, split.validation.length, result.preprocessing.inputSize);
		model.dispose();
		expect(lossAndMetric(out, encodeTarget(table, result.preprocessing, split.validation), result.preprocessing).loss).toBeCloseTo(losses[best - 1], 5);
	});

	it('the default MLP on diabetes ends near linear regression, not far worse', async () => {
		const table = loadDataset('diabetes.csv');
		const mlp = await trainModel(table, defaults(table, 'progression'));
		const linear = await trainModel(table, { ...defaults(table, 'progression'), model: 'linear', epochs: 200, learningRate: 0.05 });
		const rmse = (r: typeof mlp) => (r.metrics as RegressionMetrics).rmse;
		console.info(`diabetes holdout RMSE: MLP ${rmse(mlp).toFixed(2)} (best epoch ${mlp.bestEpoch}), linear ${rmse(linear).toFixed(2)}`);
		expect(rmse(mlp)).toBeLessThan(rmse(linear) + 4);
	});

	it('marks a run whose loss explodes as diverged and says what to change', async () => {
		const table = loadDataset('iris.csv');
		await expect(trainModel(table, { ...defaults(table, 'species'), learningRate: 10, patience: 0 })).rejects.toMatchObject({
			name: 'DivergedError',
			message: expect.stringMatching(/diverged.*Lower the learning rate \(now 10; try 1\)/)
		});
	});

	it('reports training loss without the L2 penalty, comparable with validation loss', async () => {
		const table = loadDataset('iris.csv');
		const base = { ...defaults(table, 'species'), epochs: 1, patience: 0 };
		const small = await trainModel(table, { ...base, l2: 0 });
		const heavy = await trainModel(table, { ...base, l2: 1 });
		// A heavy penalty would add ~sum(w²) ≫ 1 to the reported loss if it were included.
		expect(Math.abs(heavy.history[0].trainLoss - small.history[0].trainLoss)).toBeLessThan(1);
	});
});
