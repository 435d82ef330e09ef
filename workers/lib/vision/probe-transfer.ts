import * as tf from '@tensorflow/tfjs-core';
import type { ProbeRunner } from '$workers/lib/backend-probe';
import { shapeSignature } from '$workers/lib/backend-probe';
import { oneHotTensor, softmaxCrossEntropy } from '$workers/lib/losses';
import { FEATURE_LAYER, LAST_BLOCK } from './backbone';
import { buildCnn, summarizeCnn } from './cnn';
import { toFloatImages } from './evaluate';
import { makeCnnStep } from './train-step';
import { featureExtractor, transferSpec } from './transfer';

/** What the `auto` probe keys a transfer run by: the backbone with the person's classes, batch size and whether the last block is fine-tuned. */
export function transferSignature(classes: number, batchSize: number, fineTune: boolean): { signature: string; model: string } {
	const spec = transferSpec(classes);
	const { height, width, channels } = spec.input;
	return {
		signature: shapeSignature(fineTune ? 'transfer-fine-tune' : 'transfer-head', spec, batchSize),
		model: `transfer from the shipped backbone on ${height}×${width}×${channels} images (${summarizeCnn(spec).params.toLocaleString('en')} weights, ${classes} classes, batch ${batchSize}, ${fineTune ? 'head and last block fine-tuned' : 'head only'})`
	};
}

/**
 * One probe step does what a transfer run does per batch of images: the frozen backbone embeds
 * the batch (read back, as `embed` does), a softmax head takes an Adam step on those features
 * (as `trainHead` does), and, when the run fine-tunes, the last block and head take one step
 * (as `fitCnn` does with the earlier layers frozen). The weights are seeded, not the backbone's:
 * a step's speed does not depend on their values.
 */
export function transferProbeRunner(classes: number, batch: { pixels: Uint8Array; labels: ArrayLike<number> }, options: { lr: number; seed: number; fineTune: boolean }): ProbeRunner {
	const spec = transferSpec(classes);
	const model = buildCnn(spec, options.seed);
	const extractor = featureExtractor(model, model.layers[FEATURE_LAYER].name);
	const { height, width, channels } = spec.input;
	const n = batch.labels.length;
	const x = toFloatImages(batch.pixels);
	const features = extractor.outputs[0].shape[1] as number;
	const kernel = tf.tidy(() => tf.variable(tf.randomNormal([features, classes], 0, Math.sqrt(1 / features), 'float32', options.seed)));
	const bias = tf.tidy(() => tf.variable(tf.zeros([classes])));
	const headOptimizer = tf.train.adam(options.lr);
	const fineTuneOptimizer = tf.train.adam(options.lr / 10);
	const variables = model.layers.slice(LAST_BLOCK).flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
	const fineTuneStep = options.fineTune ? makeCnnStep(model, fineTuneOptimizer, classes, variables) : null;
	const readLoss = async (loss: tf.Scalar) => {
		try {
			await loss.data();
		} finally {
			loss.dispose();
		}
	};
	return {
		async step() {
			const embedded = tf.tidy(() => extractor.predict(tf.tensor4d(x, [n, height, width, channels])) as tf.Tensor);
			let values: Float32Array;
			try {
				values = (await embedded.data()) as Float32Array;
			} finally {
				embedded.dispose();
			}
			await readLoss(
				tf.tidy(() => {
					const xs = tf.tensor2d(values, [n, features]);
					const ys = oneHotTensor(batch.labels, classes);
					return headOptimizer.minimize(() => softmaxCrossEntropy(ys, tf.add(tf.matMul(xs, kernel), bias) as tf.Tensor2D), true, [kernel, bias])!;
				})
			);
			if (fineTuneStep) await readLoss(fineTuneStep(x, batch.labels));
		},
		dispose() {
			tf.dispose([kernel, bias]);
			headOptimizer.dispose();
			fineTuneOptimizer.dispose();
			model.dispose();
		}
	};
}
