/**
 * Transfer learning from the shipped backbone: embed images with the frozen backbone, train a
 * softmax head on the features, then optionally fine-tune the last block with the head. The
 * result is one ordinary CNN (the backbone spec with the person's classes), so prediction,
 * saliency, Grad-CAM and export treat it like any other.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { EpochRecord } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { serializeModel } from '$workers/lib/model';
import { createRng, shuffleInPlace } from '$workers/lib/random';
import { oneHotTensor, softmaxCrossEntropy } from '$workers/lib/losses';
import { BACKBONE_SPEC, FEATURE_LAYER, LAST_BLOCK } from './backbone';
import { buildCnn } from './cnn';
import { evaluateSource, toFloatImages } from './evaluate';
import { fitCnn, scoredMetrics } from './train-cnn';
import type { CnnSpec, CnnTrainOptions, CnnTrainResult, ImageSource } from './types';

/** A model that maps images to the backbone's feature vector (shares the backbone's weights). */
export function featureExtractor(backbone: tfl.LayersModel, featureLayer: string): tfl.LayersModel {
	return tfl.model({ inputs: backbone.inputs, outputs: backbone.getLayer(featureLayer).output as tfl.SymbolicTensor });
}

/** Feature vectors [rows, features] of some rows of a source, one batch at a time. */
export async function embed(extractor: tfl.LayersModel, source: ImageSource, rows: Int32Array, batchSize = 256): Promise<Float32Array> {
	const [, h, w, c] = extractor.inputs[0].shape as number[];
	if (source.shape.height !== h || source.shape.width !== w || source.shape.channels !== c) {
		throw new KilnError('TrainingError', `The backbone takes ${h}×${w}×${c} images, but these are ${source.shape.height}×${source.shape.width}×${source.shape.channels}; use a ${h} px ${c === 1 ? 'grayscale' : 'RGB'} project.`);
	}
	const width = extractor.outputs[0].shape[1] as number;
	const out = new Float32Array(rows.length * width);
	for (let start = 0; start < rows.length; start += batchSize) {
		const part = rows.subarray(start, Math.min(rows.length, start + batchSize));
		const bytes = await source.getBatch(part);
		const y = tf.tidy(() => extractor.predict(tf.tensor4d(toFloatImages(bytes), [part.length, h, w, c])) as tf.Tensor);
		out.set(await y.data<'float32'>(), start * width);
		y.dispose();
	}
	return out;
}

/**
 * A softmax (logistic-regression) head on fixed features, trained with Adam on full-batch-ish
 * seeded minibatches; returns its kernel [features, classes] and bias [classes].
 */
export async function trainHead(features: Float32Array, labels: ArrayLike<number>, classes: number, options: { epochs: number; lr: number; seed: number; batchSize?: number; l2?: number }): Promise<{ kernel: Float32Array; bias: Float32Array; losses: number[] }> {
	const n = labels.length;
	const width = features.length / n;
	const rng = createRng(options.seed);
	// In tidy, so the initial values (which tf.variable keeps as tensors of their own) are freed.
	const kernel = tf.tidy(() => tf.variable(tf.randomNormal([width, classes], 0, Math.sqrt(1 / width), 'float32', options.seed)));
	const bias = tf.tidy(() => tf.variable(tf.zeros([classes])));
	const optimizer = tf.train.adam(options.lr);
	const batchSize = options.batchSize ?? 64;
	const order = Int32Array.from({ length: n }, (_, i) => i);
	const losses: number[] = [];
	const x = new Float32Array(batchSize * width);
	const y = new Int32Array(batchSize);
	try {
		for (let epoch = 0; epoch < options.epochs; epoch++) {
			shuffleInPlace(order, rng);
			let total = 0;
			for (let start = 0; start < n; start += batchSize) {
				const rows = order.subarray(start, Math.min(n, start + batchSize));
				rows.forEach((r, i) => {
					x.set(features.subarray(r * width, (r + 1) * width), i * width);
					y[i] = labels[r];
				});
				const loss = tf.tidy(() => {
					const xs = tf.tensor2d(x.subarray(0, rows.length * width), [rows.length, width]);
					const ys = oneHotTensor(y.subarray(0, rows.length), classes);
					return optimizer.minimize(() => {
						const data = softmaxCrossEntropy(ys, tf.add(tf.matMul(xs, kernel), bias) as tf.Tensor2D);
						return options.l2 ? (tf.add(data, tf.mul(tf.sum(tf.square(kernel)), options.l2)) as tf.Scalar) : data;
					}, true, [kernel, bias])!;
				});
				total += (await loss.data())[0] * rows.length;
				loss.dispose();
			}
			losses.push(total / n);
		}
		return { kernel: (await kernel.data()) as Float32Array, bias: (await bias.data()) as Float32Array, losses };
	} finally {
		tf.dispose([kernel, bias]);
		optimizer.dispose();
	}
}

export interface TransferOptions extends CnnTrainOptions {
	/** Epochs for the head on frozen features (default 100; cheap: the features are computed once). */
	headEpochs?: number;
	/** Epochs fine-tuning the last block and the head together on images (default 0 = off). */
	fineTuneEpochs?: number;
	/** Learning rate of fine-tuning (default lr / 10). */
	fineTuneLr?: number;
}

/** The backbone's spec with the person's classes: the architecture the transfer model has. */
export function transferSpec(classes: number): CnnSpec {
	return { ...BACKBONE_SPEC, classes };
}

/**
 * Train a classifier for `classes` classes on top of `backbone`. Steps: copy the backbone's
 * weights into a fresh model of the backbone spec, embed the training rows once, train the head
 * on the features, put it in as the classifier, then (fineTuneEpochs > 0) train the last block
 * and the head on the images, with the earlier layers frozen. `epochs` is ignored in favour of
 * the two phases' own counts.
 */
export async function trainTransfer(backbone: tfl.LayersModel, source: ImageSource, labels: ArrayLike<number>, classes: number, options: TransferOptions): Promise<CnnTrainResult> {
	const started = performance.now();
	const spec = transferSpec(classes);
	const model = buildCnn(spec, options.seed);
	const validation = options.validation ?? new Int32Array(0);
	const held = new Set(validation);
	const train = options.train ?? Int32Array.from({ length: source.count }, (_, i) => i).filter((i) => !held.has(i));
	const emit = options.onEvent ?? (() => {});
	try {
		// Everything but the classifier comes from the backbone, matched by layer name.
		for (const layer of model.layers) {
			if (layer.name === 'classifier' || layer.weights.length === 0) continue;
			layer.setWeights(backbone.getLayer(layer.name).getWeights());
		}
		const extractor = featureExtractor(model, model.layers[FEATURE_LAYER].name);
		emit({ type: 'log', message: `Embedding ${train.length} images with the frozen backbone.` });
		const features = await embed(extractor, source, train);
		const headLabels = Array.from(train, (r) => labels[r]);
		for (const l of headLabels) if (!(l >= 0 && l < classes)) throw new KilnError('TrainingError', `A label ${l} is outside the classes 0–${classes - 1}.`);
		const head = await trainHead(features, headLabels, classes, { epochs: options.headEpochs ?? 100, lr: options.lr, seed: options.seed, batchSize: options.batchSize });
		const headWeights = [tf.tensor2d(head.kernel, [features.length / train.length, classes]), tf.tensor1d(head.bias)];
		// setWeights copies into the layer's variables; the source tensors are ours to free.
		model.getLayer('classifier').setWeights(headWeights);
		tf.dispose(headWeights);
		const history: EpochRecord[] = [];
		const scores = validation.length ? await evaluateSource(model, source, labels, validation) : { loss: NaN, accuracy: NaN };
		history.push({ epoch: 1, trainLoss: head.losses.at(-1) ?? NaN, valLoss: scores.loss, valMetric: scores.accuracy });
		emit({ type: 'metric', metricName: 'accuracy', ...history[0] });
		let samplesPerSecond = (train.length * (options.headEpochs ?? 100)) / Math.max((performance.now() - started) / 1000, 1e-9);
		if ((options.fineTuneEpochs ?? 0) > 0) {
			// Fine-tune from the last depthwise-separable block up; earlier layers stay frozen.
			const variables = model.layers.slice(LAST_BLOCK).flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
			const fit = await fitCnn(model, source, labels, { ...options, train, epochs: options.fineTuneEpochs!, lr: options.fineTuneLr ?? options.lr / 10, variables, onEvent: (e) => emit(e.type === 'metric' ? { ...e, epoch: e.epoch + 1 } : e) });
			history.push(...fit.history.map((h) => ({ ...h, epoch: h.epoch + 1 })));
			samplesPerSecond = fit.samplesPerSecond;
		}
		const metrics = await scoredMetrics(model, source, labels, classes, options);
		const result: CnnTrainResult = { model: await serializeModel(model), spec, history, backend: tf.getBackend(), trainRows: train.length, validationRows: validation.length, samplesPerSecond, durationMs: performance.now() - started, metrics };
		emit({ type: 'done' });
		return result;
	} finally {
		model.dispose();
	}
}
