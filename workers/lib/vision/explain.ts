/**
 * Why a CNN decided what it did: gradient saliency and Grad-CAM heat maps per image, and the
 * class pairs it confuses most with example rows.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { KilnError } from '$shared/errors';
import { toFloatImages } from './evaluate';

export interface HeatMaps {
	/** count maps of height·width values in [0, 1], row-major, one after another. */
	maps: Float32Array;
	count: number;
	height: number;
	width: number;
	/** The class each map explains. */
	classes: Int32Array;
}

/** Which class to explain per image: given, or (default) the model's prediction. */
type Target = ArrayLike<number> | 'predicted';

const CONV_LAYERS = ['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D'];

function inputDims(model: tfl.LayersModel): [number, number, number] {
	const [, h, w, c] = model.inputs[0].shape as number[];
	return [h, w, c];
}

function targetClasses(logits: tf.Tensor2D, target: Target, count: number): Int32Array {
	if (target === 'predicted') return Int32Array.from(tf.tidy(() => tf.argMax(logits, 1)).dataSync());
	if (target.length !== count) throw new KilnError('ValidationError', `Give one class per image to explain (${count}), not ${target.length}.`);
	return Int32Array.from(target);
}

/** Scale each map to [0, 1] by its largest value (all zeros stays zeros). */
function normalize(maps: Float32Array, size: number): Float32Array {
	for (let start = 0; start < maps.length; start += size) {
		let max = 0;
		for (let i = start; i < start + size; i++) max = Math.max(max, maps[i]);
		if (max > 0) for (let i = start; i < start + size; i++) maps[i] /= max;
	}
	return maps;
}

/**
 * |∂ logit / ∂ pixel|, the largest over colour channels, for each image's target class
 * (Simonyan et al., 2014). Images are uint8 NHWC as stored.
 */
export function saliency(model: tfl.LayersModel, images: Uint8Array, count: number, target: Target = 'predicted'): HeatMaps {
	const [h, w, c] = inputDims(model);
	return tf.tidy(() => {
		const x = tf.tensor4d(toFloatImages(images.subarray(0, count * h * w * c)), [count, h, w, c]);
		const classes = targetClasses(model.predict(x) as tf.Tensor2D, target, count);
		const mask = tf.oneHot(tf.tensor1d(classes, 'int32'), model.outputs[0].shape[1] as number);
		const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(model.apply(input, { training: false }) as tf.Tensor, mask)))(x);
		const maps = tf.max(tf.abs(grad), 3).dataSync() as Float32Array;
		return { maps: normalize(Float32Array.from(maps), h * w), count, height: h, width: w, classes };
	});
}

/** Index of the layer Grad-CAM reads by default: the last conv, plus a batch-norm/activation right after it. */
export function lastConvLayer(model: tfl.LayersModel): number {
	let index = -1;
	model.layers.forEach((l, i) => CONV_LAYERS.includes(l.getClassName()) && (index = i));
	if (index < 0) throw new KilnError('ValidationError', 'Grad-CAM needs a convolutional layer, and this model has none; use saliency instead.');
	while (['BatchNormalization', 'Activation'].includes(model.layers[index + 1]?.getClassName() ?? '')) index++;
	return index;
}

/**
 * Grad-CAM (Selvaraju et al., 2017) at a conv layer (default the last): the layer's feature maps
 * weighted by the spatial mean of the target logit's gradient, summed, relu'd, resized to the
 * input bilinearly and scaled to [0, 1] per image.
 */
export function gradCam(model: tfl.LayersModel, images: Uint8Array, count: number, target: Target = 'predicted', layer?: string): HeatMaps {
	const [h, w, c] = inputDims(model);
	const index = layer ? model.layers.findIndex((l) => l.name === layer) : lastConvLayer(model);
	if (index < 0) throw new KilnError('ValidationError', `The model has no layer "${layer}".`);
	if ((model.layers[index].outputShape as number[]).length !== 4) throw new KilnError('ValidationError', `Layer "${model.layers[index].name}" outputs a vector, not feature maps; pick a convolutional layer.`);
	const bottom = tfl.model({ inputs: model.inputs, outputs: model.layers[index].output as tfl.SymbolicTensor });
	const top = model.layers.slice(index + 1);
	return tf.tidy(() => {
		const x = tf.tensor4d(toFloatImages(images.subarray(0, count * h * w * c)), [count, h, w, c]);
		const features = bottom.predict(x) as tf.Tensor4D;
		const head = (a: tf.Tensor) => top.reduce((t, l) => l.apply(t, { training: false }) as tf.Tensor, a);
		const classes = targetClasses(head(features) as tf.Tensor2D, target, count);
		const mask = tf.oneHot(tf.tensor1d(classes, 'int32'), model.outputs[0].shape[1] as number);
		const grads = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(head(a), mask)))(features);
		const weights = tf.mean(grads, [1, 2], true);
		const cam = tf.relu(tf.sum(tf.mul(features, weights), 3, true)) as tf.Tensor4D;
		const resized = tf.image.resizeBilinear(cam, [h, w], true);
		const maps = Float32Array.from(resized.dataSync());
		return { maps: normalize(maps, h * w), count, height: h, width: w, classes };
	});
}

export interface ConfusedPair {
	/** True class. */
	actual: number;
	/** Class predicted instead. */
	predicted: number;
	count: number;
	/** Share of the actual class's rows predicted as `predicted`. */
	rate: number;
	/** Up to `examples` row indices (from `rows`) of such mistakes. */
	examples: number[];
}

/**
 * The most frequent mistakes (actual → predicted, most first, ties by class order), each with
 * example rows. `truth` and `predicted` are per row of `rows` (default 0, 1, 2, …).
 */
export function confusedPairs(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number, options: { top?: number; examples?: number; rows?: ArrayLike<number> } = {}): ConfusedPair[] {
	if (truth.length !== predicted.length) throw new KilnError('ValidationError', `${truth.length} true labels but ${predicted.length} predictions.`);
	const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
	const support = new Array<number>(classes).fill(0);
	const examples = new Map<number, number[]>();
	const limit = options.examples ?? 6;
	for (let i = 0; i < truth.length; i++) {
		const [a, p] = [truth[i], predicted[i]];
		if (!(a >= 0 && a < classes && p >= 0 && p < classes)) continue;
		support[a]++;
		if (a === p) continue;
		counts[a][p]++;
		const list = examples.get(a * classes + p) ?? examples.set(a * classes + p, []).get(a * classes + p)!;
		if (list.length < limit) list.push(options.rows ? options.rows[i] : i);
	}
	const pairs: ConfusedPair[] = [];
	counts.forEach((row, a) => row.forEach((count, p) => count > 0 && pairs.push({ actual: a, predicted: p, count, rate: count / support[a], examples: examples.get(a * classes + p)! })));
	return pairs.sort((x, y) => y.count - x.count || x.actual - y.actual || x.predicted - y.predicted).slice(0, options.top ?? 5);
}
