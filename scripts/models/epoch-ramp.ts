// Per-epoch rates of the fused MLP step in a fresh Node process, for one or more models in turn (is the
// browser's ramp here too? bench/README.md): `node scripts/models/run-ts.mjs scripts/models/epoch-ramp.ts [epochs] [width] [models]`.
import * as tf from '@tensorflow/tfjs-core';
import { buildModel } from '$workers/lib/model';
import { makeTrainStep } from '$workers/lib/train';
import { LOSS_READ_EVERY } from '$workers/lib/train-loop';
import v8 from 'node:v8';
import { useNodeWasm, randomRows } from './node-wasm';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

export default async function main(args: string[]): Promise<void> {
	const epochs = Number(args[0] ?? 8);
	const width = Number(args[1] ?? 784);
	await useNodeWasm();
	const rows = 8192;
	const { x, y } = randomRows(rows, width);
	const models = Number(args[2] ?? 1);
	for (let m = 0; m < models; m++) {
		const model = buildModel({ kind: 'mlp', inputSize: width, outputSize: 10, hiddenLayers: [128], seed: 1 });
		const step = makeTrainStep(model, tf.train.adam(0.001), 'classification', 10, 0);
		const rates: number[] = [];
		const cpus: number[] = [];
		for (let e = 0; e < epochs; e++) {
			const t0 = performance.now();
			const c0 = process.cpuUsage();
			let pending: tf.Scalar[] = [];
			// Losses read back in groups, as the studio's loop reads them (train-loop.ts).
			for (let b = 0; b < rows / 128; b++) {
				pending.push(step(x.subarray(b * 128 * width, (b + 1) * 128 * width), y.slice(b * 128, (b + 1) * 128)));
				if (pending.length >= LOSS_READ_EVERY) {
					await Promise.all(pending.map((t) => t.data()));
					tf.dispose(pending);
					pending = [];
				}
			}
			const c = process.cpuUsage(c0);
			rates.push(Math.round(rows / ((performance.now() - t0) / 1000)));
			cpus.push(Math.round((c.user + c.system) / 1000));
		}
		console.log(`model ${m}: rates ${rates.join(' ')}; cpu ms ${cpus.join(' ')}`);
		model.dispose();
	}
}
