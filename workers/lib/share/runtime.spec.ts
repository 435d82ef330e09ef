import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictTable } from '$workers/lib/predict';
import { MISSING_TOKENS } from '$workers/lib/csv';
import { serializeModel } from '$workers/lib/model';
import { isKind } from '$shared/errors';
import type { Preprocessing } from '$workers/protocol';
import { describeModel, parameterCount, quantizeInt8 } from './convert';
import { createPredictor, runtime } from './runtime';
import { trainBriefly, useCpu } from './share.spec-support';

beforeAll(useCpu);

describe('the compact runtime against tfjs on briefly trained Kiln models', () => {
	it.each([
		['iris.csv', 'species'],
		['breast-cancer.csv', 'diagnosis'],
		['penguins.csv', 'species']
	])('%s (%s): float weights match tfjs within 1e-5, int8 agrees on at least 99 percent of rows', async (file, target) => {
		const { table, result, rows, prep } = await trainBriefly(file, target);
		const reference = await predictTable(result.model, prep, table);
		const float = createPredictor(describeModel(result.model, 'float32'), prep);
		const int8 = createPredictor(describeModel(result.model, 'int8'), prep);
		let worst = 0;
		let agree = 0;
		rows.forEach((row, r) => {
			const p = float.predict(row);
			expect(p.label).toBe(reference.predictions[r]);
			p.probabilities!.forEach((v, c) => (worst = Math.max(worst, Math.abs(v - reference.probabilities![r][c]))));
			if (int8.predict(row).label === reference.predictions[r]) agree++;
		});
		expect(worst).toBeLessThan(1e-5);
		expect(agree / rows.length).toBeGreaterThanOrEqual(0.99);
		console.log(`${file}: ${rows.length} rows, max |Δp| ${worst.toExponential(2)}, int8 agreement ${((100 * agree) / rows.length).toFixed(2)}%`);
	});

	it('predicts regression values in original units (penguin body mass)', async () => {
		const { table, result, rows, prep } = await trainBriefly('penguins.csv', 'body_mass_g', { epochs: 10 });
		const reference = await predictTable(result.model, prep, table);
		const predictor = createPredictor(describeModel(result.model), prep);
		const std = (prep.target as { std: number }).std;
		rows.forEach((row, r) => {
			const p = predictor.predict(row);
			expect(Math.abs(p.value! - Number(reference.predictions[r])) / std).toBeLessThan(1e-5);
		});
	});
});

describe('layers beyond the default MLP', () => {
	it('runs elu, batch normalisation, leaky relu, dropout, tanh, sigmoid and softmax like tfjs', async () => {
		const model = tfl.sequential({
			layers: [
				tfl.layers.dense({ units: 6, inputShape: [5], activation: 'elu' }),
				tfl.layers.batchNormalization(),
				tfl.layers.leakyReLU({ alpha: 0.2 }),
				tfl.layers.dropout({ rate: 0.3 }),
				tfl.layers.activation({ activation: 'tanh' }),
				tfl.layers.dense({ units: 4, activation: 'sigmoid', useBias: false }),
				tfl.layers.elu(),
				tfl.layers.dense({ units: 3, activation: 'softmax' })
			]
		});
		// Non-trivial normalisation statistics, so a wrong formula cannot pass.
		const bn = model.layers[1];
		bn.setWeights([tf.tensor1d([1.5, 0.5, 2, 1, 0.8, 1.2]), tf.tensor1d([0.1, -0.2, 0.3, 0, 0.5, -0.5]), tf.tensor1d([0.2, -0.1, 0.4, 0.3, 0, 1]), tf.tensor1d([0.5, 2, 1, 0.25, 3, 1.5])]);
		const x = tf.randomNormal([20, 5], 0, 2, 'float32', 3);
		const expected = (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
		const description = describeModel(await serializeModel(model));
		expect(description.layers.map((l) => (l.type === 'dense' ? `dense:${l.activation}` : l.type === 'activation' ? l.activation : l.type))).toEqual([
			'dense:elu', 'batchnorm', 'leakyRelu', 'tanh', 'dense:sigmoid', 'elu', 'dense:softmax'
		]);
		const prep: Preprocessing = { features: [], inputSize: 5, target: { name: 'y', task: 'classification', classes: ['a', 'b', 'c'] } };
		const got = createPredictor(description, prep).outputs(x.dataSync() as Float32Array, 20);
		let worst = 0;
		got.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]))));
		expect(worst).toBeLessThan(1e-5);
		expect(parameterCount(description)).toBe(6 * 5 + 6 + 24 + 6 * 4 + 4 * 3 + 3);
	});

	it('refuses layers it cannot run with a ModelFormatError naming the layer', async () => {
		const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2] }), tfl.layers.repeatVector({ n: 2 })] });
		const artifacts = await serializeModel(model);
		expect(() => describeModel(artifacts)).toThrow(/RepeatVector/);
		try {
			describeModel(artifacts);
		} catch (e) {
			expect(isKind(e, 'ModelFormatError')).toBe(true);
		}
	});
});

describe('int8 quantisation', () => {
	it('keeps zeros exact and every weight within half a step of its channel scale', () => {
		const w = Float32Array.from({ length: 40 }, (_, i) => (i % 7 === 0 ? 0 : Math.sin(i) * (1 + (i % 4))));
		const { values, scales } = quantizeInt8(w, 4);
		w.forEach((v, i) => {
			if (v === 0) expect(values[i]).toBe(0);
			expect(Math.abs(values[i] * scales[i % 4] - v)).toBeLessThanOrEqual(scales[i % 4] / 2 + 1e-7);
		});
		expect(Math.max(...Array.from(values, Math.abs))).toBe(127);
	});
});

describe('encoding raw rows', () => {
	const prep: Preprocessing = {
		features: [
			{ name: 'size', kind: 'numeric', mean: 10, std: 2 },
			{ name: 'colour', kind: 'categorical', categories: ['red', 'blue'], fill: 0 }
		],
		inputSize: 3,
		target: { name: 'y', task: 'regression', mean: 0, std: 1 }
	};
	const predictor = createPredictor({ inputSize: 3, outputSize: 1, layers: [{ type: 'dense', inputs: 3, units: 1, activation: 'linear', kernel: { dtype: 'float32', values: new Float32Array([1, 10, 100]) } }] }, prep);

	it('standardises numbers and one-hot encodes categories', () => {
		expect(Array.from(predictor.encode({ size: ' 14 ', colour: 'blue' }).x)).toEqual([2, 0, 1]);
		expect(predictor.predict({ size: '12', colour: 'red' }).value).toBeCloseTo(11, 5);
	});

	it('fills missing cells and warns about them and about unknown categories', () => {
		const missing = predictor.encode({ size: 'NA', colour: '' });
		expect(Array.from(missing.x)).toEqual([0, 1, 0]);
		expect(missing.warnings).toHaveLength(2);
		const unknown = predictor.encode({ size: '10', colour: 'green' });
		expect(Array.from(unknown.x)).toEqual([0, 0, 0]);
		expect(unknown.warnings[0]).toMatch(/"colour" = "green" was not seen/);
	});

	it('treats exactly the missing words of the CSV reader as missing ("None" is a category there too)', () => {
		for (const token of MISSING_TOKENS) expect(predictor.encode({ size: token, colour: 'red' }).warnings).toHaveLength(1);
		const none = createPredictor({ inputSize: 2, outputSize: 1, layers: [{ type: 'dense', inputs: 2, units: 1, activation: 'linear', kernel: { dtype: 'float32', values: new Float32Array([1, 2]) } }] }, {
			features: [{ name: 'answer', kind: 'categorical', categories: ['None', 'Some'], fill: 1 }],
			inputSize: 2,
			target: { name: 'y', task: 'regression', mean: 0, std: 1 }
		});
		expect(none.predict({ answer: 'None' })).toMatchObject({ value: 1, warnings: [] });
	});

	it('rejects text in a numeric feature with a ValidationError', () => {
		expect(() => predictor.encode({ size: 'big', colour: 'red' })).toThrow(/"size" must be a finite number/);
		expect(() => predictor.encode({ size: '1e400', colour: 'red' })).toThrow(/"size" must be a finite number/);
		try {
			predictor.encode({ size: 'Infinity', colour: 'red' });
			expect.unreachable();
		} catch (e) {
			expect(isKind(e, 'ValidationError')).toBe(true);
		}
	});

	it('round-trips base64 in both alphabets', () => {
		for (let n = 0; n < 40; n++) {
			const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 13) & 255);
			expect(runtime.decodeBase64(runtime.encodeBase64(bytes, true))).toEqual(bytes);
			expect(runtime.decodeBase64(runtime.encodeBase64(bytes, false))).toEqual(bytes);
			expect(runtime.encodeBase64(bytes, false)).toBe(Buffer.from(bytes).toString('base64'));
			expect(runtime.encodeBase64(bytes, true)).toBe(Buffer.from(bytes).toString('base64url'));
		}
	});
});
