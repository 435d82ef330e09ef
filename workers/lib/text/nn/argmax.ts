import * as tf from '@tensorflow/tfjs-core';
import type { TextModel } from './text-model';

/** Most probable class of each row of a padded id matrix (sequence models). */
export async function argmaxRows(model: TextModel, ids: Int32Array, rows: Int32Array, t: number, batchSize = 256): Promise<Int32Array> {
	const out = new Int32Array(rows.length);
	for (let start = 0; start < rows.length; start += batchSize) {
		const idx = rows.subarray(start, Math.min(start + batchSize, rows.length));
		const batch = new Int32Array(idx.length * t);
		idx.forEach((r, i) => batch.set(ids.subarray(r * t, (r + 1) * t), i * t));
		const best = tf.tidy(() => tf.argMax(model.forward(tf.tensor2d(batch, [idx.length, t], 'int32'), { training: false }).logits, -1));
		out.set((await best.data()) as Int32Array, start);
		best.dispose();
	}
	return out;
}

/** Tag truth and prediction of every labelled token in `rows` (taggers), flattened. */
export async function argmaxTokens(model: TextModel, ids: Int32Array, labels: Int32Array, rows: Int32Array, t: number, batchSize = 128): Promise<{ truth: Int32Array; predicted: Int32Array }> {
	const truth: number[] = [];
	const predicted: number[] = [];
	for (let start = 0; start < rows.length; start += batchSize) {
		const idx = rows.subarray(start, Math.min(start + batchSize, rows.length));
		const batch = new Int32Array(idx.length * t);
		idx.forEach((r, i) => batch.set(ids.subarray(r * t, (r + 1) * t), i * t));
		const best = tf.tidy(() => tf.argMax(model.forward(tf.tensor2d(batch, [idx.length, t], 'int32'), { training: false }).logits, -1));
		const p = (await best.data()) as Int32Array;
		best.dispose();
		idx.forEach((r, i) => {
			for (let j = 0; j < t; j++) {
				const l = labels[r * t + j];
				if (l < 0) continue;
				truth.push(l);
				predicted.push(p[i * t + j]);
			}
		});
	}
	return { truth: Int32Array.from(truth), predicted: Int32Array.from(predicted) };
}
