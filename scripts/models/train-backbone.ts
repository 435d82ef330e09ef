// Trains the backbone shipped in static/models/fashion-backbone/ (see workers/lib/vision/backbone.ts):
//   node scripts/models/run-ts.mjs scripts/models/train-backbone.ts [perClass=4000] [epochs=5]
// Data: Fashion-MNIST (Zalando, MIT) training set from Debian's dataset-fashion-mnist
// (/usr/share/datasets/fashion-mnist), classes 0–4 only, `perClass` images each drawn with seed 1.
// Validation: the shipped test split (static/datasets/images/fashion-mnist-22k.kimg.gz), classes 0–4.
// Classes 5–9 are never seen: the transfer-learning spec uses them. Trains with Kiln's own
// fitCnn on tfjs-backend-wasm in Node, then writes model.json + weights.bin (float16) and
// checks that the written files reload to the same accuracy.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { registerWasmKernels } from '$workers/lib/kernels/register';
import { createRng, shuffleInPlace } from '$workers/lib/random';
import { serializeModel } from '$workers/lib/model';
import { BACKBONE_SPEC, FEATURE_LAYER, loadBackbone } from '$workers/lib/vision/backbone';
import { buildCnn, layerName } from '$workers/lib/vision/cnn';
import { evaluateSource } from '$workers/lib/vision/evaluate';
import { idxImages, readIdx } from '$workers/lib/vision/idx';
import { readImageSet } from '$workers/lib/vision/image-set';
import { arraySource } from '$workers/lib/vision/source';
import { fitCnn } from '$workers/lib/vision/train-cnn';
import { toFloat16 } from './float16';
import { useNodeWasm } from './node-wasm';

const DEBIAN = '/usr/share/datasets/fashion-mnist';
const OUT = fileURLToPath(new URL('../../static/models/fashion-backbone/', import.meta.url));
const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat'];

/**
 * LSUV-style start (Mishkin & Matas, 2016): scale each conv kernel so its relu output has std 0.5
 * on a sample batch. Without batch-norm, the depthwise layers otherwise halve the signal each
 * (neighbouring pixels are correlated), and the deep end starts near zero and learns slowly.
 * Biases start at zero, so relu(a·z) = a·relu(z) and one scaling per layer is exact.
 */
async function lsuv(model: tfl.LayersModel, sample: Uint8Array, count: number): Promise<void> {
	let h: tf.Tensor = tf.tensor4d(Float32Array.from(sample, (v) => v / 255), [count, 28, 28, 1]);
	for (const layer of model.layers) {
		let out = layer.apply(h) as tf.Tensor;
		if (layer.getClassName() === 'Conv2D' || layer.getClassName() === 'DepthwiseConv2D') {
			const std = Math.sqrt((await tf.moments(out).variance.data())[0]);
			// getWeights returns the live variables: they are not ours to dispose.
			const [kernel, bias] = layer.getWeights();
			const scaled = tf.mul(kernel, 0.5 / std);
			layer.setWeights([scaled, bias]);
			tf.dispose([out, scaled]);
			out = layer.apply(h) as tf.Tensor;
		}
		h.dispose();
		h = out;
	}
	h.dispose();
}

export default async function main(args: string[]): Promise<void> {
	const perClass = Number(args[0] ?? 4000);
	const epochs = Number(args[1] ?? 5);
	await useNodeWasm();
	registerWasmKernels();

	const { batch, labels } = idxImages(readIdx(readFileSync(`${DEBIAN}/train-images-idx3-ubyte.gz`)), readIdx(readFileSync(`${DEBIAN}/train-labels-idx1-ubyte.gz`)));
	const rng = createRng(1);
	const picked: number[] = [];
	for (let c = 0; c < 5; c++) picked.push(...shuffleInPlace(Array.from(labels!).flatMap((l, i) => (l === c ? [i] : [])), rng).slice(0, perClass));
	shuffleInPlace(picked, rng);
	const test = readImageSet(readFileSync(fileURLToPath(new URL('../../static/datasets/images/fashion-mnist-22k.kimg.gz', import.meta.url))));
	const testRows = Array.from({ length: test.testCount }, (_, i) => test.trainCount + i).filter((r) => test.labels[r] < 5);
	const rows = picked.length + testRows.length;
	const images = new Uint8Array(rows * 784);
	const y = new Int32Array(rows);
	picked.forEach((r, i) => {
		images.set(batch.data.subarray(r * 784, (r + 1) * 784), i * 784);
		y[i] = labels![r];
	});
	testRows.forEach((r, i) => {
		images.set(test.images.subarray(r * 784, (r + 1) * 784), (picked.length + i) * 784);
		y[picked.length + i] = test.labels[r];
	});
	const source = arraySource(images, rows, BACKBONE_SPEC.input);
	const train = Int32Array.from({ length: picked.length }, (_, i) => i);
	const validation = Int32Array.from({ length: testRows.length }, (_, i) => picked.length + i);
	console.log(`training on ${train.length} images of classes 0–4, validating on ${validation.length}`);

	const model = buildCnn(BACKBONE_SPEC, 1);
	await lsuv(model, images.subarray(0, 256 * 784), 256);
	const started = performance.now();
	const fit = await fitCnn(model, source, y, {
		epochs,
		batchSize: 64,
		lr: 0.003,
		lrSchedule: 'cosine',
		seed: 1,
		train,
		validation,
		augment: { flip: 0.5, shift: 0.08 },
		progressInterval: 60_000,
		onEvent: (e) => {
			if (e.type === 'metric') console.log(`epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}, test loss ${e.valLoss.toFixed(4)}, test accuracy ${e.valMetric.toFixed(4)} (${((performance.now() - started) / 60000).toFixed(1)} min)`);
			if (e.type === 'progress') console.log(`  epoch ${e.epoch} batch ${e.batch}/${e.batches}`);
		}
	});
	console.log(`${Math.round(fit.samplesPerSecond)} samples/s on wasm`);

	const artifacts = await serializeModel(model);
	const float32 = new Float32Array(artifacts.weightData);
	const half = toFloat16(float32);
	const trainedOn = `Fashion-MNIST classes 0–4, ${train.length} training images (${perClass} per class, seed 1) from Debian dataset-fashion-mnist; ${epochs} epochs, Adam 0.003 with cosine decay, batch 64, LSUV-scaled initial weights, flip and shift augmentation; test accuracy ${fit.history.at(-1)!.valMetric.toFixed(4)} on ${validation.length} shipped test images of those classes`;
	const modelJson = {
		format: 'layers-model',
		generatedBy: `TensorFlow.js tfjs-layers v${tf.version_core}`,
		convertedBy: 'Kiln scripts/models/train-backbone.ts',
		modelTopology: artifacts.modelTopology,
		weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs.map((s) => ({ ...s, quantization: { dtype: 'float16' } })) }],
		userDefinedMetadata: { classes: CLASSES, featureLayer: layerName(FEATURE_LAYER, 'globalAvgPool'), inputShape: [28, 28, 1], normalization: 'pixel / 255', trainedOn, license: 'MIT (weights trained on Fashion-MNIST, MIT, Zalando SE)' }
	};
	writeFileSync(`${OUT}model.json`, JSON.stringify(modelJson));
	writeFileSync(`${OUT}weights.bin`, new Uint8Array(half.buffer));
	console.log(`wrote ${OUT}: ${float32.length} weights, ${half.byteLength} bytes`);

	const reloaded = await loadBackbone(JSON.parse(readFileSync(`${OUT}model.json`, 'utf8')), readFileSync(`${OUT}weights.bin`).buffer as ArrayBuffer);
	const [before, after] = [await evaluateSource(model, source, y, validation), await evaluateSource(reloaded.model, source, y, validation)];
	console.log(`test accuracy float32 ${before.accuracy.toFixed(4)}, reloaded float16 ${after.accuracy.toFixed(4)}`);
}
