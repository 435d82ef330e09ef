// One-off: DP-SGD samples/s vs Kiln's non-private training step on the same model, tfjs-wasm in Node.
// Run: npx vitest run -c scripts/trust/vitest.config.ts dp-speed
import { it } from 'vitest';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { buildModel } from '$workers/lib/model';
import { createRng, shuffleInPlace } from '$workers/lib/random';
import { makeTrainStep } from '$workers/lib/train';
import { clippedGradients, dpDenseLayers } from '$workers/lib/trust/dp-gradients';
import { trainDpSgd } from '$workers/lib/trust/dp-sgd';

const require = createRequire(import.meta.url);

interface Workload {
	name: string;
	width: number;
	hidden: number[];
	classes: number;
	rows: number;
	batch: number;
}

const WORKLOADS: Workload[] = [
	{ name: 'breast-cancer-sized MLP 30-32-16-2 (Kiln default), batch 32', width: 30, hidden: [32, 16], classes: 2, rows: 4096, batch: 32 },
	{ name: 'MLP 784-128-10 (bench workload), batch 128', width: 784, hidden: [128], classes: 10, rows: 8192, batch: 128 }
];

function data(w: Workload) {
	const rng = createRng(1);
	const x = Float32Array.from({ length: w.rows * w.width }, () => rng() * 2 - 1);
	const y = Array.from({ length: w.rows }, () => Math.floor(rng() * w.classes));
	return { x, y };
}

/** Rows per second of wall time and of this process's CPU time (the machine is shared, so CPU time is steadier). */
interface Rate {
	wall: number;
	cpu: number;
}

/** trainModel's loop: shuffle, gather, step, read the loss back after every batch. */
async function plainEpoch(w: Workload, x: Float32Array, y: number[]): Promise<Rate> {
	const model = buildModel({ kind: 'mlp', inputSize: w.width, outputSize: w.classes, hiddenLayers: w.hidden, seed: 1 });
	const optimizer = tf.train.adam(0.001);
	const step = makeTrainStep(model, optimizer, 'classification', w.classes, 0);
	const order = Int32Array.from({ length: w.rows }, (_, i) => i);
	shuffleInPlace(order, createRng(2));
	const xb = new Float32Array(w.batch * w.width);
	const run = async (limit: number) => {
		for (let b = 0; b * w.batch < limit; b++) {
			const idx = order.subarray(b * w.batch, Math.min((b + 1) * w.batch, w.rows));
			idx.forEach((r, i) => xb.set(x.subarray(r * w.width, (r + 1) * w.width), i * w.width));
			const loss = step(xb.subarray(0, idx.length * w.width), Array.from(idx, (i) => y[i]));
			await loss.data();
			loss.dispose();
		}
	};
	await run(w.batch); // warm-up
	const start = performance.now();
	const cpu = process.cpuUsage();
	await run(w.rows);
	const used = process.cpuUsage(cpu);
	const seconds = (performance.now() - start) / 1000;
	model.dispose();
	optimizer.dispose();
	return { wall: w.rows / seconds, cpu: w.rows / ((used.user + used.system) / 1e6) };
}

async function dpEpoch(w: Workload, x: Float32Array, y: number[], secureNoise: boolean): Promise<Rate> {
	const model = buildModel({ kind: 'mlp', inputSize: w.width, outputSize: w.classes, hiddenLayers: w.hidden, seed: 1 });
	await trainDpSgd(model, x.subarray(0, 4 * w.batch * w.width), y.slice(0, 4 * w.batch), 'classification', w.classes, { clipNorm: 1, noiseMultiplier: 1, batchSize: w.batch, epochs: 1, delta: 1e-5, seed: 1, secureNoise }); // warm-up
	const cpu = process.cpuUsage();
	const result = await trainDpSgd(model, x, y, 'classification', w.classes, { clipNorm: 1, noiseMultiplier: 1, batchSize: w.batch, epochs: 1, delta: 1e-5, seed: 3, secureNoise });
	const used = process.cpuUsage(cpu);
	model.dispose();
	// One epoch of Poisson sampling takes about N rows (±√N).
	return { wall: result.samplesPerSecond, cpu: w.rows / ((used.user + used.system) / 1e6) };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

it('DP-SGD speed vs non-private on tfjs-wasm', async () => {
	tf.env().set('PROD', true);
	setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
	await tf.setBackend('wasm');
	await tf.ready();
	console.log('backend', tf.getBackend());

	// Ghost norms on wasm against option (a) on the bigger model, as a numeric check on this backend.
	{
		const w = WORKLOADS[1];
		const { x, y } = data(w);
		const n = 16;
		const model = buildModel({ kind: 'mlp', inputSize: w.width, outputSize: w.classes, hiddenLayers: w.hidden, seed: 1 });
		const variables = model.trainableWeights.map((v) => v.read() as tf.Variable);
		const norms = tf.tidy(() => clippedGradients(dpDenseLayers(model), tf.tensor2d(x.subarray(0, n * w.width), [n, w.width]), y.slice(0, n), 'classification', w.classes, 1).norms.dataSync());
		let worst = 0;
		for (let i = 0; i < n; i++) {
			const ref = tf.tidy(() => {
				const xi = tf.tensor2d(x.subarray(i * w.width, (i + 1) * w.width), [1, w.width]);
				const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.oneHot([y[i]], w.classes), model.apply(xi) as tf.Tensor2D, undefined, undefined, tf.Reduction.SUM) as tf.Scalar, variables);
				return Math.sqrt(variables.reduce((s, v) => s + (tf.sum(tf.square(grads[v.name])).dataSync()[0] as number), 0));
			});
			worst = Math.max(worst, Math.abs(norms[i] - ref) / ref);
		}
		console.log(`wasm ghost-norm vs per-example autodiff, 784-128-10, 16 rows: max relative error ${worst.toExponential(2)}`);
		model.dispose();
	}

	for (const w of WORKLOADS) {
		const { x, y } = data(w);
		const plain: Rate[] = [];
		const dpSeeded: Rate[] = [];
		const dpSecure: Rate[] = [];
		for (let round = 0; round < 5; round++) {
			plain.push(await plainEpoch(w, x, y));
			dpSeeded.push(await dpEpoch(w, x, y, false));
			dpSecure.push(await dpEpoch(w, x, y, true));
		}
		for (const kind of ['wall', 'cpu'] as const) {
			const p = median(plain.map((r) => r[kind]));
			const s = median(dpSeeded.map((r) => r[kind]));
			const c = median(dpSecure.map((r) => r[kind]));
			console.log(
				`${w.name} [${kind} time]: non-private ${p.toFixed(0)} samples/s; DP-SGD seeded noise ${s.toFixed(0)} (${(s / p).toFixed(2)}×); DP-SGD secure noise ${c.toFixed(0)} (${(c / p).toFixed(2)}×)` +
					` [medians of 5; runs: plain ${plain.map((v) => v[kind].toFixed(0)).join('/')}, seeded ${dpSeeded.map((v) => v[kind].toFixed(0)).join('/')}, secure ${dpSecure.map((v) => v[kind].toFixed(0)).join('/')}]`
			);
		}
	}
});
