import { beforeAll, describe, expect, it } from 'vitest';
import type { ClassificationMetrics, RegressionMetrics, TrainConfig } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { defaultParams } from '$workers/lib/models';
import { classicConfig } from '$workers/lib/model-lab/config';
import { trainClassic } from '$workers/lib/model-lab/train-classic';
import { loadDataset, useCpu } from '../../tests/unit-support';
import { trainModel } from './train';
import { foldScore } from './trial';

beforeAll(useCpu);

const iris = loadDataset('iris.csv');
const features = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const base: TrainConfig = { ...DEFAULT_CONFIG, target: 'species', task: 'classification', features, hiddenLayers: [8], epochs: 4, learningRate: 0.03, patience: 0, seed: 3, split: { kind: 'kfold', folds: 3, stratify: true } };
const sampleStd = (v: number[]) => {
	const m = v.reduce((a, b) => a + b, 0) / v.length;
	return Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1));
};

describe('k-fold figures', () => {
	it('score every evaluation figure on each fold of an MLP run and store their mean ± sample std', async () => {
		const run = await trainModel(iris, base);
		const cv = run.crossValidation!;
		expect(cv.folds).toHaveLength(3);
		for (const f of cv.folds) {
			// The evaluation suite and the run's own metrics agree on each fold's held-out rows.
			expect(f.figures!.accuracy).toBeCloseTo((f.metrics as ClassificationMetrics).accuracy, 12);
			expect(f.figures!.rows).toBe(f.validationRows);
			expect(f.figures!.logLoss).toBeCloseTo(f.valLoss!, 4);
			expect(f.valMetric).toBeCloseTo(f.figures!.accuracy!, 12);
		}
		const auc = cv.folds.map((f) => f.figures!.auc!);
		expect(cv.figures!.auc.mean).toBeCloseTo(auc.reduce((a, b) => a + b) / 3, 12);
		expect(cv.figures!.auc.std).toBeCloseTo(sampleStd(auc), 12);
		// The headline summary and the figures give the same mean ± std for accuracy.
		const summary = cv.summary.find((s) => s.name === 'accuracy')!;
		expect(cv.figures!.accuracy.mean).toBeCloseTo(summary.mean, 12);
		expect(cv.figures!.accuracy.std).toBeCloseTo(summary.std, 12);
		expect(Object.keys(cv.figures!)).toEqual(expect.arrayContaining(['balancedAccuracy', 'macro.f1', 'brier', 'perClass.setosa.recall', 'calibration.ece']));
		// A trial over this config is scored by the folds' mean, its spread their std.
		const score = foldScore(cv.folds, 'valLoss')!;
		expect(score.score).toBeCloseTo(cv.folds.reduce((a, f) => a + f.valLoss!, 0) / 3, 12);
		expect(score.spread).toEqual({ std: sampleStd(cv.folds.map((f) => f.valLoss!)), folds: 3 });
	});

	it('score a classic regression run per fold in the target units', async () => {
		const config = classicConfig({ ...base, target: 'petal_width', task: 'regression', features: features.filter((f) => f !== 'petal_width'), split: { kind: 'kfold', folds: 4, stratify: false } }, { family: 'tree', params: { ...defaultParams('tree', 'regression'), maxDepth: 3 } });
		const run = await trainClassic(iris, config);
		const cv = run.crossValidation!;
		expect(cv.folds).toHaveLength(4);
		for (const f of cv.folds) expect(f.figures!.rmse).toBeCloseTo((f.metrics as RegressionMetrics).rmse, 6);
		const r2 = cv.folds.map((f) => f.figures!.r2!);
		expect(cv.figures!.r2.std).toBeCloseTo(sampleStd(r2), 12);
		expect(cv.figures!.r2.mean).toBeGreaterThan(0.8);
		expect(cv.figures!.mape.folds).toBe(4);
	});
});
