// One-off: where a DP-SGD step's time goes (784-128-10, batch 128) on tfjs-wasm in Node.
// Run: npx vitest run -c scripts/trust/vitest.config.ts dp-profile
import { it } from 'vitest';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { buildModel } from '$workers/lib/model';
import { createRng } from '$workers/lib/random';
import { makeTrainStep } from '$workers/lib/train';
import { clippedGradients, dpDenseLayers } from '$workers/lib/trust/dp-gradients';
import { createRandomSource } from '$workers/lib/trust/noise';

const require = createRequire(import.meta.url);

async function time(label: string, runs: number, fn: () => Promise<void> | void) {
	await fn();
	const t = performance.now();
	for (let i = 0; i < runs; i++) await fn();
	console.log(`${label}: ${((performance.now() - t) / runs).toFixed(2)} ms`);
}

it('profile', async () => {
	tf.env().set('PROD', true);
	setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
	await tf.setBackend('wasm');
	const rng = createRng(1);
	const n = 128;
	const x = Float32Array.from({ length: n * 784 }, () => rng() * 2 - 1);
	const y = Array.from({ length: n }, () => Math.floor(rng() * 10));
	const model = buildModel({ kind: 'mlp', inputSize: 784, outputSize: 10, hiddenLayers: [128], seed: 1 });
	const layers = dpDenseLayers(model);
	const variables = layers.flatMap((l) => [l.kernel, l.bias]);
	const noise = variables.map((v) => new Float32Array(v.size));
	const seeded = createRandomSource({ secure: false, seed: 1 });
	const secure = createRandomSource({ secure: true });
	const optimizer = tf.train.adam(0.001);
	const plain = makeTrainStep(model, tf.train.adam(0.001), 'classification', 10, 0);
	for (let round = 0; round < 2; round++) {
		await time('non-private step (makeTrainStep + loss read)', 20, async () => {
			const l = plain(x, y);
			await l.data();
			l.dispose();
		});
		await time('noise, seeded (101,770 values)', 20, () => noise.forEach((b) => seeded.gaussian(b, 1)));
		await time('noise, secure (4 draws each)', 20, () => noise.forEach((b) => secure.gaussian(b, 1)));
		await time('Poisson sampling draws (8192 rows, secure)', 20, () => {
			for (let i = 0; i < 8192; i++) secure.uniform();
		});
		await time('clipped gradients + norms read', 20, async () => {
			const r = tf.tidy(() => {
				const b = clippedGradients(layers, tf.tensor2d(x, [n, 784]), y, 'classification', 10, 1);
				return [b.lossSum, ...b.grads];
			});
			await r[0].data();
			tf.dispose(r);
		});
		await time('clipped gradients + noise upload + Adam + read', 20, async () => {
			const r = tf.tidy(() => {
				const b = clippedGradients(layers, tf.tensor2d(x, [n, 784]), y, 'classification', 10, 1);
				optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: tf.div(tf.add(b.grads[i], tf.tensor(noise[i], v.shape)), n) })));
				return b.lossSum;
			});
			await r.data();
			r.dispose();
		});
	}
});
