// Full-size quality figures for the shipped image sets (the specs train on slices to stay fast):
//   node scripts/models/run-ts.mjs scripts/models/train-image-sets.ts [digits|fashion|both] [epochs]
// Trains Kiln's CNN trainer on tfjs-backend-wasm in Node on each set's whole training split and
// reports accuracy on its whole test split. Bars (issue 10): Fashion-MNIST subset ≥ 0.88, digits ≥ 0.97.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { registerWasmKernels } from '$workers/lib/kernels/register';
import { readImageSet } from '$workers/lib/vision/image-set';
import { arraySource } from '$workers/lib/vision/source';
import { trainCnn } from '$workers/lib/vision/train-cnn';
import { confusedPairs } from '$workers/lib/vision/explain';
import type { CnnSpec, CnnTrainOptions } from '$workers/lib/vision/types';
import { useNodeWasm } from './node-wasm';

/** The small CNN of issue 10 with 'same' padding (7×7×64 before the dense layer) and dropout. */
export const FASHION_SPEC: CnnSpec = {
	input: { height: 28, width: 28, channels: 1 },
	classes: 10,
	layers: [
		{ type: 'conv2d', filters: 32, kernel: 3, activation: 'relu' },
		{ type: 'maxPool', size: 2 },
		{ type: 'conv2d', filters: 64, kernel: 3, activation: 'relu' },
		{ type: 'maxPool', size: 2 },
		{ type: 'flatten' },
		{ type: 'dropout', rate: 0.25 },
		{ type: 'dense', units: 128, activation: 'relu' },
		{ type: 'dropout', rate: 0.4 }
	]
};

/** The digits run: one more 64-filter conv than FASHION_SPEC. */
export const DIGITS_SPEC: CnnSpec = {
	input: { height: 28, width: 28, channels: 1 },
	classes: 10,
	layers: [
		{ type: 'conv2d', filters: 32, kernel: 3, activation: 'relu' },
		{ type: 'maxPool', size: 2 },
		{ type: 'conv2d', filters: 64, kernel: 3, activation: 'relu' },
		{ type: 'conv2d', filters: 64, kernel: 3, activation: 'relu' },
		{ type: 'maxPool', size: 2 },
		{ type: 'flatten' },
		{ type: 'dropout', rate: 0.25 },
		{ type: 'dense', units: 128, activation: 'relu' },
		{ type: 'dropout', rate: 0.4 }
	]
};

async function run(file: string, spec: CnnSpec, options: Omit<CnnTrainOptions, 'train' | 'validation'>): Promise<void> {
	const set = readImageSet(readFileSync(fileURLToPath(new URL(`../../static/datasets/images/${file}`, import.meta.url))), file);
	const source = arraySource(set.images, set.count, set.shape);
	const train = Int32Array.from({ length: set.trainCount }, (_, i) => i);
	const validation = Int32Array.from({ length: set.testCount }, (_, i) => set.trainCount + i);
	const started = performance.now();
	console.log(`${set.name}: ${train.length} train, ${validation.length} test; ${JSON.stringify(options)}`);
	const result = await trainCnn({ ...spec, classes: set.classes.length }, source, set.labels, {
		...options,
		train,
		validation,
		classNames: set.classes,
		progressInterval: 120_000,
		onEvent: (e) => e.type === 'metric' && console.log(`  epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}, test accuracy ${e.valMetric.toFixed(4)} (${((performance.now() - started) / 60000).toFixed(1)} min, load ${loadavg()[0].toFixed(1)})`)
	});
	const m = result.metrics!;
	console.log(`${set.name}: TEST ACCURACY ${m.accuracy.toFixed(4)} (macro F1 ${m.macroF1.toFixed(4)}) on ${m.support} images; ${Math.round(result.samplesPerSecond)} samples/s on ${result.backend}`);
	for (const p of confusedPairs(Array.from(validation, (r) => set.labels[r]), m.predictions, set.classes.length, { top: 3 })) {
		console.log(`  most confused: ${set.classes[p.actual]} → ${set.classes[p.predicted]} ${p.count}× (${(100 * p.rate).toFixed(1)} %)`);
	}
}

export default async function main(args: string[]): Promise<void> {
	const which = args[0] ?? 'both';
	await useNodeWasm();
	registerWasmKernels();
	if (which !== 'fashion') await run('digits-28.kimg.gz', DIGITS_SPEC, { epochs: Number(args[1] ?? 15), batchSize: 32, lr: 0.002, lrSchedule: 'cosine', seed: 1, augment: { shift: 0.08, rotate: 8 } });
	if (which !== 'digits') await run('fashion-mnist-22k.kimg.gz', FASHION_SPEC, { epochs: Number(args[1] ?? 12), batchSize: 64, lr: 0.002, lrSchedule: 'cosine', seed: 1, augment: { flip: 0.5, shift: 0.08 } });
}
