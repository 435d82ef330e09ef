import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageSource } from './types';

/** uint8 pixels to floats in [0, 1], the input scale every Kiln vision model uses. */
export function toFloatImages(bytes: Uint8Array, out = new Float32Array(bytes.length)): Float32Array {
	for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 255;
	return out;
}

/** Row-wise softmax of logits in place (stable). */
export function softmaxInPlace(values: Float32Array, width: number): Float32Array {
	for (let r = 0; r < values.length; r += width) {
		let max = -Infinity;
		for (let k = 0; k < width; k++) max = Math.max(max, values[r + k]);
		let sum = 0;
		for (let k = 0; k < width; k++) sum += values[r + k] = Math.exp(values[r + k] - max);
		for (let k = 0; k < width; k++) values[r + k] /= sum;
	}
	return values;
}

/** Outputs of `model` for images in memory, in batches: [count, outputs] row-major. */
export async function predictImages(model: tfl.LayersModel, images: Uint8Array, count: number, batchSize = 256): Promise<Float32Array> {
	const [, h, w, c] = model.inputs[0].shape as number[];
	const size = h * w * c;
	const width = model.outputs[0].shape[model.outputs[0].shape.length - 1] as number;
	const out = new Float32Array(count * width);
	for (let start = 0; start < count; start += batchSize) {
		const n = Math.min(batchSize, count - start);
		const y = tf.tidy(() => model.predict(tf.tensor4d(toFloatImages(images.subarray(start * size, (start + n) * size)), [n, h, w, c])) as tf.Tensor);
		out.set(await y.data<'float32'>(), start * width);
		y.dispose();
	}
	return out;
}

/** Class probabilities (softmax of the logits) for images in memory. */
export async function predictProbabilities(model: tfl.LayersModel, images: Uint8Array, count: number, batchSize = 256): Promise<Float32Array> {
	const logits = await predictImages(model, images, count, batchSize);
	return softmaxInPlace(logits, logits.length / Math.max(1, count));
}

export interface Evaluation {
	loss: number;
	accuracy: number;
	/** Predicted class per row, in the order of `rows`. */
	predictions: Int32Array;
	/** Class probabilities per row, [rows, classes]. */
	probabilities: Float32Array;
}

/** Cross-entropy and accuracy of `model` on `rows` of a source, reading one batch at a time. */
export async function evaluateSource(model: tfl.LayersModel, source: ImageSource, labels: ArrayLike<number>, rows: Int32Array, batchSize = 256): Promise<Evaluation> {
	const classes = model.outputs[0].shape[model.outputs[0].shape.length - 1] as number;
	const probabilities = new Float32Array(rows.length * classes);
	const predictions = new Int32Array(rows.length);
	let loss = 0;
	let correct = 0;
	for (let start = 0; start < rows.length; start += batchSize) {
		const part = rows.subarray(start, Math.min(rows.length, start + batchSize));
		const probs = await predictProbabilities(model, await source.getBatch(part), part.length, batchSize);
		probabilities.set(probs, start * classes);
		for (let i = 0; i < part.length; i++) {
			const p = probs.subarray(i * classes, (i + 1) * classes);
			let best = 0;
			for (let k = 1; k < classes; k++) if (p[k] > p[best]) best = k;
			predictions[start + i] = best;
			const label = labels[part[i]];
			loss -= Math.log(Math.max(p[label] ?? 0, 1e-12));
			if (best === label) correct++;
		}
	}
	return { loss: rows.length ? loss / rows.length : NaN, accuracy: rows.length ? correct / rows.length : NaN, predictions, probabilities };
}

/** The k most probable classes of one image's probabilities, most probable first. */
export function topK(probabilities: ArrayLike<number>, classNames: string[], k = 3): { index: number; name: string; probability: number }[] {
	return Array.from({ length: probabilities.length }, (_, i) => i)
		.sort((a, b) => probabilities[b] - probabilities[a] || a - b)
		.slice(0, k)
		.map((i) => ({ index: i, name: classNames[i] ?? String(i), probability: probabilities[i] }));
}
