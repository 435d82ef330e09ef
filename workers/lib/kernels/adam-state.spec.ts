import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AdamState } from './adam-state';
import { registerDenseTrainKernels } from './dense-train';
import { randomValues, useBackend } from './wasm.spec-support';

type Powers = { accBeta1: tf.Variable; accBeta2: tf.Variable };

/** Three fused Adam updates of one variable; the β powers' data ids before and after, and their values. */
async function threeUpdates(backend: 'cpu' | 'wasm', share = false) {
	await useBackend(backend);
	registerDenseTrainKernels();
	const w = tf.variable(tf.tensor1d(randomValues(8, 1)));
	const optimizer = tf.train.adam(0.01);
	const state = new AdamState(optimizer, [w]);
	const adam = optimizer as unknown as Powers;
	// Another tensor on the same data: writing it in place would change that tensor too.
	const alias = share ? adam.accBeta1.clone() : null;
	const before = adam.accBeta1.dataId;
	for (let s = 0; s < 3; s++) tf.tidy(() => state.update([tf.tensor1d(randomValues(8, 10 + s))], { l2: new Float64Array(1), transposed: [false] }));
	const result = { inPlace: adam.accBeta1.dataId === before, powers: [adam.accBeta1.dataSync()[0], adam.accBeta2.dataSync()[0]], alias: alias?.dataSync()[0], weights: Array.from(w.dataSync()) };
	alias?.dispose();
	optimizer.dispose();
	w.dispose();
	return result;
}

describe('AdamState β powers', () => {
	it('on wasm are written in place, as the float32 running products tfjs keeps on cpu', async () => {
		const wasm = await threeUpdates('wasm');
		const cpu = await threeUpdates('cpu');
		expect(wasm.inPlace).toBe(true);
		expect(cpu.inPlace).toBe(false);
		expect(wasm.powers).toEqual(cpu.powers);
		const f = Math.fround;
		expect(wasm.powers[0]).toBe(f(f(f(f(0.9) * f(0.9)) * f(0.9)) * f(0.9)));
		for (const [i, v] of wasm.weights.entries()) expect(v).toBeCloseTo(cpu.weights[i], 6);
	});

	it('are assigned, not written in place, while another tensor shares their data', async () => {
		const shared = await threeUpdates('wasm', true);
		expect(shared.inPlace).toBe(false);
		expect(shared.alias).toBe(Math.fround(0.9));
	});
});
