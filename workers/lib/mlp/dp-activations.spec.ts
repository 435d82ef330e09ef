import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../../../tests/unit-support';
import { buildModel } from '$workers/lib/model';
import { createRng } from '$workers/lib/random';
import { clippedGradients, dpDenseLayers } from '$workers/lib/trust/dp-gradients';
import { oneHotTensor } from '$workers/lib/losses';

beforeAll(useCpu);

describe('DP-SGD on MLPs with the new activations', () => {
	it.each(['tanh', 'sigmoid', 'elu', 'gelu'] as const)('%s: the written-out per-example backward (no clipping) equals tfjs autodiff of the summed loss', (activation) => {
		const model = buildModel({ kind: 'mlp', inputSize: 5, outputSize: 3, hiddenLayers: [7, 4], seed: 2, mlp: { activation } });
		const layers = dpDenseLayers(model);
		const rng = createRng(4);
		const n = 12;
		const x = tf.tensor2d(Float32Array.from({ length: n * 5 }, () => rng() * 4 - 2), [n, 5]);
		const y = Array.from({ length: n }, (_, i) => i % 3);
		const { grads, factors } = clippedGradients(layers, x, y, 'classification', 3, 1e9);
		expect(Array.from(factors.dataSync())).toEqual(Array(n).fill(1));
		const variables = layers.flatMap((l) => [l.kernel, l.bias]);
		const expected = tf.variableGrads(() => {
			const out = model.apply(x) as tf.Tensor2D;
			return tf.neg(tf.sum(tf.mul(oneHotTensor(y, 3), tf.sub(out, tf.logSumExp(out, 1, true))))) as tf.Scalar;
		}, variables);
		variables.forEach((v, i) => {
			const a = grads[i].dataSync();
			const b = expected.grads[v.name].dataSync();
			a.forEach((value, j) => expect(value).toBeCloseTo(b[j], 4));
		});
		tf.dispose([x, ...grads, factors, expected.value, ...Object.values(expected.grads)]);
		model.dispose();
	});
});
