import { describe, expect, it } from 'vitest';
import type { Table } from '$workers/protocol';
import { encodeFeatures, encodeTarget, fitPreprocessing, labelledRows } from '$workers/lib/preprocess';
import { holdoutSplit } from '$workers/lib/split';
import { loadDataset } from '../../../../tests/unit-support';
import { applyPipeline, defaultPipeline, encodeRows, encodeTargetRows, fitPipeline, fromLegacyPreprocessing, isLegacyPreprocessing, parseFittedPipeline, serialiseFittedPipeline } from './index';
import legacyFixture from './fixtures/legacy-penguins.json';

const DATASETS: [string, string][] = [
	['iris.csv', 'species'],
	['penguins.csv', 'species'],
	['breast-cancer.csv', 'diagnosis']
];

function split(table: Table, target: string, seed: number) {
	const labelled = labelledRows(table, target);
	return holdoutSplit(labelled, 0.2, seed);
}

describe('default pipeline = today\'s preprocessing', () => {
	for (const [file, target] of DATASETS) {
		it(`encodes ${file} exactly as encodeFeatures(fitPreprocessing(…)) for train and holdout rows`, () => {
			const table = loadDataset(file);
			const features = table.columns.map((c) => c.name).filter((n) => n !== target);
			for (const seed of [1, 2, 3]) {
				const { train, holdout } = split(table, target, seed);
				const prep = fitPreprocessing(table, features, target, 'classification', train);
				const { fitted, table: out, trainRows } = fitPipeline(defaultPipeline(features, table), table, train, { target: { name: target, task: 'classification' } });
				expect(out).toBe(table);
				expect(Array.from(trainRows)).toEqual(Array.from(train));
				expect(fitted.inputSize).toBe(prep.inputSize);
				for (const rows of [train, holdout]) {
					const legacy = encodeFeatures(table, prep, rows);
					const mine = encodeRows(fitted, table, rows);
					// Bit-for-bit, not approximately: Object.is on every float32.
					expect(mine.x).toEqual(legacy.x);
					expect(mine.unknownCategories).toBe(legacy.unknownCategories);
					expect(Array.from(encodeTargetRows(fitted.target!, table, rows))).toEqual(Array.from(encodeTarget(table, prep, rows)));
				}
				expect(fitted.target).toEqual(prep.target);
			}
		});
	}

	it('keeps a regression target\'s scaling (within float rounding; Welford vs sumSq)', () => {
		const table = loadDataset('penguins.csv');
		const { train } = split(table, 'body_mass_g', 4);
		const features = ['species', 'island', 'bill_length_mm', 'sex'];
		const prep = fitPreprocessing(table, features, 'body_mass_g', 'regression', train);
		const { fitted } = fitPipeline(defaultPipeline(features, table), table, train, { target: { name: 'body_mass_g', task: 'regression' } });
		const t = fitted.target as { mean: number; std: number };
		const p = prep.target as { mean: number; std: number };
		expect(t.mean).toBeCloseTo(p.mean, 9);
		expect(t.std).toBeCloseTo(p.std, 9);
		expect(encodeRows(fitted, table, train).x).toEqual(encodeFeatures(table, prep, train).x);
	});
});

describe('models trained before pipelines', () => {
	it('predict identically through fromLegacyPreprocessing (stored fixture from the released format)', () => {
		expect(isLegacyPreprocessing(legacyFixture.preprocessing)).toBe(true);
		const table = loadDataset('penguins.csv');
		const fitted = fromLegacyPreprocessing(legacyFixture.preprocessing as never);
		const { x, width, unknownCategories } = applyPipeline(fitted, table);
		expect(width).toBe(legacyFixture.preprocessing.inputSize);
		expect(x).toEqual(encodeFeatures(table, legacyFixture.preprocessing as never, Int32Array.from({ length: table.rowCount }, (_, i) => i)).x);
		legacyFixture.expected.forEach(({ row, x: expected }) => expect(Array.from(x.subarray(row * width, (row + 1) * width))).toEqual(expected.map(Math.fround)));
		expect(unknownCategories).toBe(0);
		// And survives storage as a fitted pipeline.
		expect(parseFittedPipeline(serialiseFittedPipeline(fitted))).toEqual(fitted);
	});

	it('refuse a damaged record', () => {
		const bad = { ...legacyFixture.preprocessing, inputSize: 3 };
		expect(() => fromLegacyPreprocessing(bad as never)).toThrow(/damaged/);
	});
});
