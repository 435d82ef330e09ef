import { describe, expect, it } from 'vitest';
import { CLASSIC_FAMILIES, contributions, modelBytes, defaultParams, deserialiseClassic, fitClassic, importances, predictClassic, serialiseClassic, unsuitableReason, validateParams, type ClassicSpec } from './index';
import { datasetHoldout } from './models.spec-support';

/** Small, fast settings for every family so the round-trip checks stay quick. */
function quickSpec(family: (typeof CLASSIC_FAMILIES)[number], task: 'classification' | 'regression'): ClassicSpec {
	const spec = { family, params: defaultParams(family, task) } as ClassicSpec;
	if (spec.family === 'forest') spec.params.nTrees = 8;
	if (spec.family === 'boosting') spec.params.maxIter = 15;
	return spec;
}

describe('settings validation', () => {
	it('accepts every default and names each bad field with a message for the form', () => {
		for (const task of ['classification', 'regression'] as const) for (const family of CLASSIC_FAMILIES) expect(validateParams(family, task, defaultParams(family, task))).toEqual({});
		expect(validateParams('tree', 'classification', { ...defaultParams('tree', 'classification'), maxDepth: 0, minSamplesLeaf: 1.5, maxFeatures: 2 })).toEqual({
			maxDepth: 'must be empty (no limit) or a whole number ≥ 1',
			minSamplesLeaf: 'must be a whole number ≥ 1',
			maxFeatures: 'must be all, sqrt, log2 or a fraction > 0 and ≤ 1'
		});
		expect(validateParams('tree', 'regression', defaultParams('tree', 'classification'))).toEqual({ criterion: 'must be squared_error for regression' });
		expect(validateParams('boosting', 'classification', { ...defaultParams('boosting', 'classification'), learningRate: 0, validationFraction: 1, maxBins: 300 })).toEqual({
			learningRate: 'must be a number > 0 and ≤ 10',
			validationFraction: 'must be a number > 0 and < 1',
			maxBins: 'must be a whole number from 2 to 255'
		});
		expect(validateParams('forest', 'classification', { ...defaultParams('forest', 'classification'), bootstrap: false, oobScore: true })).toEqual({ oobScore: 'needs bootstrap on: without it no row is left out' });
		const { k: _k, ...noK } = defaultParams('knn', 'classification');
		expect(validateParams('knn', 'classification', { ...noK, depth: 3 })).toEqual({ k: 'is required', depth: 'is not a setting of this model' });
		expect(validateParams('linear', 'classification', { ...defaultParams('linear', 'classification'), penalty: 'l3' })).toEqual({ penalty: 'must be one of none, l1, l2, elasticnet' });
	});

	it('refuses bad settings, unsuitable families and malformed data with messages a person can act on', () => {
		const x = Float32Array.of(1, 2, 3, 4);
		const y = Int32Array.of(0, 1, 0, 1);
		const tree = defaultParams('tree', 'classification');
		expect(() => fitClassic({ family: 'tree', params: { ...tree, maxDepth: -1 } }, x, 4, 1, y, 'classification', 2, { seed: 1 })).toThrow(/Invalid tree settings: maxDepth must be empty/);
		expect(() => fitClassic({ family: 'gaussian-nb', params: { varSmoothing: 1e-9 } }, x, 4, 1, Float64Array.of(1, 2, 3, 4), 'regression', 0, { seed: 1 })).toThrow(
			expect.objectContaining({ name: 'TrainingError', message: expect.stringMatching(/only predicts classes/) })
		);
		expect(() => fitClassic({ family: 'tree', params: tree }, x, 3, 1, y, 'classification', 2, { seed: 1 })).toThrow(/holds 4 numbers, but 3 rows × 1 columns need 3/);
		expect(() => fitClassic({ family: 'tree', params: tree }, x, 4, 1, Int32Array.of(0, 1, 2, 1), 'classification', 2, { seed: 1 })).toThrow(/Training row 3 has class index 2/);
		expect(() => fitClassic({ family: 'linear', params: defaultParams('linear', 'regression') }, x, 4, 1, Float64Array.of(1, NaN, 3, 4), 'regression', 0, { seed: 1 })).toThrow(/Training row 2 has no usable target/);
		expect(() => fitClassic({ family: 'knn', params: defaultParams('knn', 'classification') }, Float32Array.of(1, Infinity, 3, 4), 4, 1, y, 'classification', 2, { seed: 1 })).toThrow(/Row 2, input 1 is infinite/);
		const model = fitClassic({ family: 'tree', params: tree }, x, 4, 1, y, 'classification', 2, { seed: 1 });
		expect(() => predictClassic(model, Float32Array.of(1, 2), 1)).toThrow(expect.objectContaining({ name: 'SchemaMismatchError' }));
		expect(unsuitableReason('boosting', { rows: 100, inputSize: 3, task: 'classification', classes: 500, hasMissing: false })).toMatch(/500 classes/);
		expect(unsuitableReason('forest', { rows: 100, inputSize: 3, task: 'regression', classes: 0, hasMissing: true })).toBeNull();
	});
});

describe('every family', () => {
	const cases = [
		{ file: 'penguins.csv', target: 'species', task: 'classification' as const },
		{ file: 'penguins.csv', target: 'body_mass_g', task: 'regression' as const }
	];
	for (const { file, target, task } of cases) {
		const h = datasetHoldout(file, target, task, 3);
		// Punch holes so the missing-value paths are serialised too.
		const xTrain = h.xTrain.map((v, i) => (i % 17 === 3 ? NaN : v));
		const xTest = h.xTest.map((v, i) => (i % 13 === 1 ? NaN : v));
		for (const family of CLASSIC_FAMILIES) {
			if (task === 'regression' && family.endsWith('-nb')) continue;
			it(`${family} (${task}): same seed ⇒ same model; structuredClone and text round trips predict identically`, () => {
				const spec = quickSpec(family, task);
				const model = fitClassic(spec, xTrain, h.nTrain, h.d, h.yTrain, task, h.classes, { seed: 11 });
				expect(fitClassic(spec, xTrain, h.nTrain, h.d, h.yTrain, task, h.classes, { seed: 11 })).toEqual(model);
				const expected = Array.from(predictClassic(model, xTest, h.nTest));
				expect(expected.every(Number.isFinite)).toBe(true);
				expect(Array.from(predictClassic(structuredClone(model), xTest, h.nTest))).toEqual(expected);
				const text = serialiseClassic(model);
				const back = deserialiseClassic(JSON.parse(JSON.stringify(text)));
				expect(back).toEqual(model);
				expect(Array.from(predictClassic(back, xTest, h.nTest))).toEqual(expected);
				expect(modelBytes(model)).toBeGreaterThan(0);
				const imp = importances(model);
				const explained = contributions(model, xTest.slice(0, h.d));
				if (family === 'knn' || family.endsWith('-nb')) {
					expect(imp).toBeNull();
					expect(explained).toBeNull();
				} else {
					expect(imp!.length).toBe(h.d);
					expect(explained!.values.length).toBe(h.d * explained!.outputs);
				}
			});
		}
	}

	it('rejects a file that is not a Kiln classic model', () => {
		expect(() => deserialiseClassic('{"format":"something-else"}')).toThrow(expect.objectContaining({ name: 'ModelFormatError' }));
		expect(() => deserialiseClassic('not json')).toThrow(expect.objectContaining({ name: 'ModelFormatError' }));
		expect(() => deserialiseClassic('{"format":"kiln-classic-model","version":1,"model":{"family":"svm","inputSize":1,"outputs":1}}')).toThrow(/unknown family "svm"/);
	});
});
