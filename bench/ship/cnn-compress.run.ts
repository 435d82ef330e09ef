// Issue 7's compression target on the demo CNN, measured (not estimated):
//   EPOCHS=15 FINE_TUNE=5 npx vitest run --config bench/ship/vitest.config.ts
// Trains the digits CNN of train-image-sets.ts (the shipped digits-28 set, its whole training
// split, seed 1) on tfjs-wasm in Node, then builds the Ship trade-off table's variants with the
// studio's own code (workers/lib/ship-run/image-variants.ts): int8, quantisation-aware int8, and
// half the filters/units removed + int8, fine-tuned on the training images. Sizes are the ONNX
// files' bytes; accuracy is on the whole test split in ONNX Runtime Web (wasm) and tfjs.
import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as ortWeb from 'onnxruntime-web';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Preprocessing, TrainConfig } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { registerWasmKernels } from '$workers/lib/kernels/register';
import { readImageSet } from '$workers/lib/vision/image-set';
import { arraySource } from '$workers/lib/vision/source';
import { trainCnn } from '$workers/lib/vision/train-cnn';
import type { OrtRuntime } from '$workers/lib/ship';
import { compressImageRun, imagePart, imageRunModel } from '$workers/lib/ship-run/image-variants';
import { DIGITS_SPEC } from '../../scripts/models/train-image-sets';

it('the demo CNN\'s int8, quantisation-aware int8 and half-pruned + int8 variants', async () => {
	const epochs = Number(process.env.EPOCHS ?? 15);
	const fineTuneEpochs = Number(process.env.FINE_TUNE ?? 5);
	tf.env().set('PROD', true);
	setWasmPaths(fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
	await tf.setBackend('wasm');
	registerWasmKernels();
	ortWeb.env.wasm.numThreads = 1;
	ortWeb.env.logLevel = 'error';
	const file = 'digits-28.kimg.gz';
	const set = readImageSet(readFileSync(fileURLToPath(new URL(`../../static/datasets/images/${file}`, import.meta.url))), file);
	const source = arraySource(set.images, set.count, set.shape);
	const train = Int32Array.from({ length: set.trainCount }, (_, i) => i);
	const test = Int32Array.from({ length: set.testCount }, (_, i) => set.trainCount + i);
	const started = performance.now();
	const minutes = () => ((performance.now() - started) / 60000).toFixed(1);
	const trained = await trainCnn({ ...DIGITS_SPEC, classes: set.classes.length }, source, set.labels, { epochs, batchSize: 32, lr: 0.002, lrSchedule: 'cosine', seed: 1, augment: { shift: 0.08, rotate: 8 }, train, validation: test, classNames: set.classes, progressInterval: 120_000 });
	console.log(`digits CNN: ${train.length} train / ${test.length} test images, ${epochs} epochs: test accuracy ${trained.metrics!.accuracy.toFixed(4)} (${minutes()} min, load ${loadavg()[0].toFixed(1)})`);
	const preprocessing: Preprocessing = { features: [], target: { name: 'label', task: 'classification', classes: set.classes }, inputSize: 784, image: set.shape };
	const part = async (rows: Int32Array) => imagePart(rows, await source.getBatch(rows), Int32Array.from(rows, (r) => set.labels[r]), set.shape);
	const split = { train: await part(train), holdout: await part(test) };
	const config: TrainConfig = { ...DEFAULT_CONFIG, target: 'label', task: 'classification', features: [], batchSize: 32, learningRate: 0.001, seed: 1 };
	const rows = await compressImageRun(imageRunModel(trained.model, preprocessing), config, split, { runId: 'bench', sparsities: [], fineTuneEpochs, repeats: 3, structured: [0.5], qat: true }, { ort: ortWeb as unknown as OrtRuntime, ortBackend: 'wasm', onProgress: (_, label) => label.includes('epoch') || console.log(`  ${label} (${minutes()} min)`) });
	const base = rows.find((r) => r.id === 'float32')!;
	console.log('\nvariant | params | ONNX bytes | smaller | accuracy ONNX | Δ points | accuracy tfjs');
	for (const r of rows) {
		const onnx = r.onnx;
		const ratio = onnx ? (base.onnx!.fileBytes / onnx.fileBytes).toFixed(2) + '×' : '—';
		const delta = onnx ? (100 * (onnx.metric - base.onnx!.metric)).toFixed(2) : '—';
		console.log(`${r.label} | ${r.params} | ${onnx?.fileBytes ?? '—'} | ${ratio} | ${onnx ? onnx.metric.toFixed(4) : '—'} | ${delta} | ${r.tfjs ? r.tfjs.metric.toFixed(4) : '—'}`);
	}
	console.log(`(${minutes()} min in all, fine-tuning ${fineTuneEpochs} epochs, load ${loadavg()[0].toFixed(1)})`);
});
