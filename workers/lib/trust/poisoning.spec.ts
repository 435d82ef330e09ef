import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../tests/unit-support';
import { encodeFeatures, encodeTarget, fitPreprocessing, labelledRows } from '$workers/lib/preprocess';
import { createRng } from '$workers/lib/random';
import { findSuspectLabels, logisticFitPredict, stratifiedFolds } from './poisoning';
import type { FitPredict } from './types';

function encoded(file: string, target: string) {
	const table = loadDataset(file);
	const rows = labelledRows(table, target);
	const features = table.columns.map((c) => c.name).filter((n) => n !== target);
	const prep = fitPreprocessing(table, features, target, 'classification', rows);
	const classes = prep.target.task === 'classification' ? prep.target.classes.length : 0;
	return { x: encodeFeatures(table, prep, rows).x, y: encodeTarget(table, prep, rows) as Int32Array, width: prep.inputSize, classes };
}

/** Flip `count` distinct seeded rows to another class. */
function plant(y: Int32Array, classes: number, count: number, seed: number): number[] {
	const rng = createRng(seed);
	const rows = new Set<number>();
	while (rows.size < count) rows.add(Math.floor(rng() * y.length));
	for (const r of rows) y[r] = (y[r] + 1 + Math.floor(rng() * (classes - 1))) % classes;
	return [...rows];
}

describe('flipped-label check', () => {
	it.each([
		['breast-cancer.csv', 'diagnosis', 8, 1],
		['breast-cancer.csv', 'diagnosis', 8, 2],
		['iris.csv', 'species', 5, 1]
	])('finds planted flips in %s (target %s, %i flipped, seed %i) among the top 2× flagged', async (file, target, count, seed) => {
		const { x, y, width, classes } = encoded(file, target);
		const planted = plant(y, classes, count, seed);
		const report = await findSuspectLabels(x, y, width, classes, { seed });
		const top = new Set(report.suspects.slice(0, 2 * count).map((s) => s.row));
		const found = planted.filter((r) => top.has(r)).length;
		expect(found / count).toBeGreaterThanOrEqual(0.8);
		const first = report.suspects[0];
		expect(first.reasons.length).toBeGreaterThan(0);
		expect(first.loss).toBeCloseTo(-Math.log(first.probabilityOfLabel), 5);
		expect(report.outOfFold).toHaveLength(y.length * classes);
	});

	it('flags little on clean data', async () => {
		const { x, y, width, classes } = encoded('breast-cancer.csv', 'diagnosis');
		const report = await findSuspectLabels(x, y, width, classes);
		// The out-of-fold logistic model is ~97-98 % accurate here, so a handful of hard rows remain.
		expect(report.suspects.length).toBeLessThan(0.06 * y.length);
	});

	it('uses any model through the fit/predict callback', async () => {
		const { x, y, width, classes } = encoded('iris.csv', 'species');
		const planted = plant(y, classes, 5, 3);
		let calls = 0;
		// Nearest class centroid with a softmax over negative distances.
		const centroid: FitPredict = (xTrain, yTrain, xTest, w, k) => {
			calls++;
			const sums = new Float64Array(k * w);
			const counts = new Float64Array(k);
			yTrain.forEach((c, i) => {
				counts[c]++;
				for (let f = 0; f < w; f++) sums[c * w + f] += xTrain[i * w + f];
			});
			const out = new Float32Array((xTest.length / w) * k);
			for (let i = 0; i < xTest.length / w; i++) {
				const d = Array.from({ length: k }, (_, c) => -Array.from({ length: w }, (_, f) => (xTest[i * w + f] - sums[c * w + f] / counts[c]) ** 2).reduce((a, b) => a + b, 0));
				const e = d.map((v) => Math.exp(v - Math.max(...d)));
				e.forEach((v, c) => (out[i * k + c] = v / e.reduce((a, b) => a + b, 0)));
			}
			return out;
		};
		const report = await findSuspectLabels(x, y, width, classes, { fitPredict: centroid, folds: 3 });
		expect(calls).toBe(3);
		const top = new Set(report.suspects.slice(0, 10).map((s) => s.row));
		expect(planted.filter((r) => top.has(r)).length).toBeGreaterThanOrEqual(4);
	});

	it('the default logistic model and the folds behave', () => {
		const folds = stratifiedFolds([0, 0, 0, 0, 1, 1, 1, 1, 1, 1], 2, 1);
		expect([0, 1].map((f) => Array.from(folds).filter((v) => v === f).length)).toEqual([5, 5]);
		const x = Float32Array.from([-2, -1, 1, 2]);
		const p = logisticFitPredict(x, Int32Array.from([0, 0, 1, 1]), Float32Array.from([-3, 3]), 1, 2) as Float32Array;
		expect(p[0]).toBeGreaterThan(0.9);
		expect(p[3]).toBeGreaterThan(0.9);
	});

	it('rejects bad input', async () => {
		await expect(findSuspectLabels(new Float32Array(4), [0, 1], 2, 2, { folds: 5 })).rejects.toThrow(/Folds must be/);
		await expect(findSuspectLabels(new Float32Array(4), [0, 3], 2, 2, { folds: 2 })).rejects.toThrow(/Row 1 has class index 3/);
	});
});
