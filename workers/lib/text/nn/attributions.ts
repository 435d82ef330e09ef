import * as tf from '@tensorflow/tfjs-core';
import { KilnError } from '$shared/errors';
import type { TextModel } from './text-model';

/**
 * Per-token explanations of one prediction. Gradient × input (Shrikumar et al., 2016; Denil et
 * al., 2014): d logit / d embedding, dotted with the embedding, summed over its dimensions — how
 * much the class score would change, to first order, if the token's vector were removed.
 * Positive pushes towards the class. Works for every family.
 */
export async function gradientTimesInput(model: TextModel, ids: Int32Array, classIndex: number, position?: number): Promise<Float32Array> {
	const t = model.config.maxLength;
	if (ids.length !== t) throw new KilnError('ValidationError', `Expected ${t} token ids (one padded text), got ${ids.length}.`);
	if (!(classIndex >= 0 && classIndex < model.config.classes)) throw new KilnError('ValidationError', `There is no class ${classIndex}.`);
	const tagging = model.config.task === 'token';
	if (tagging && (position === undefined || position < 0 || position >= t)) throw new KilnError('ValidationError', 'For a tagger, say which token position to explain.');
	const scores = tf.tidy(() => {
		const x = tf.tensor2d(ids, [1, t], 'int32');
		const mask = tf.cast(tf.greater(x, 0), 'float32') as tf.Tensor2D;
		const embedded = model.embed(x);
		const score = (e: tf.Tensor) => {
			const logits = model.fromEmbeddings(e as tf.Tensor3D, mask, { training: false }).logits;
			return tf.sum(tagging ? tf.slice(logits, [0, position!, classIndex], [1, 1, 1]) : tf.slice(logits, [0, classIndex], [1, 1]));
		};
		const grad = tf.grad(score)(embedded);
		return tf.reshape(tf.mul(tf.sum(tf.mul(grad, embedded), -1), mask), [t]);
	});
	const out = (await scores.data()) as Float32Array;
	scores.dispose();
	return out;
}

/**
 * Integrated gradients (Sundararajan et al., 2017) from an all-zero embedding baseline, `steps`
 * points on the straight path (midpoint rule), in one batch. Unlike gradient × input it stays
 * meaningful for models that normalise their input (layer norm makes gradient × input of the
 * transformer close to zero or of the wrong sign); the attributions add up to
 * score(text) − score(baseline) up to the integration error.
 */
export async function integratedGradients(model: TextModel, ids: Int32Array, classIndex: number, steps = 32, position?: number): Promise<{ attributions: Float32Array; score: number; baseline: number }> {
	const t = model.config.maxLength;
	if (ids.length !== t) throw new KilnError('ValidationError', `Expected ${t} token ids (one padded text), got ${ids.length}.`);
	if (!(classIndex >= 0 && classIndex < model.config.classes)) throw new KilnError('ValidationError', `There is no class ${classIndex}.`);
	const tagging = model.config.task === 'token';
	if (tagging && (position === undefined || position < 0 || position >= t)) throw new KilnError('ValidationError', 'For a tagger, say which token position to explain.');
	const pick = (logits: tf.Tensor, n: number) => (tagging ? tf.reshape(tf.slice(logits, [0, position!, classIndex], [n, 1, 1]), [n]) : tf.reshape(tf.slice(logits, [0, classIndex], [n, 1]), [n]));
	const [attributions, ends] = tf.tidy(() => {
		const x = tf.tensor2d(ids, [1, t], 'int32');
		const mask = tf.cast(tf.greater(x, 0), 'float32') as tf.Tensor2D;
		const embedded = model.embed(x);
		const alphas = tf.tensor1d(Array.from({ length: steps }, (_, i) => (i + 0.5) / steps));
		const path = tf.mul(tf.reshape(alphas, [steps, 1, 1]), embedded) as tf.Tensor3D;
		const masks = tf.tile(mask, [steps, 1]) as tf.Tensor2D;
		const grad = tf.grad((e: tf.Tensor) => tf.sum(pick(model.fromEmbeddings(e as tf.Tensor3D, masks, { training: false }).logits, steps)))(path);
		const meanGrad = tf.mean(grad, 0, true);
		const attr = tf.reshape(tf.mul(tf.sum(tf.mul(meanGrad, embedded), -1), mask), [t]);
		const both = tf.concat([embedded, tf.zerosLike(embedded)], 0) as tf.Tensor3D;
		return [attr, pick(model.fromEmbeddings(both, tf.tile(mask, [2, 1]) as tf.Tensor2D, { training: false }).logits, 2)];
	});
	const [a, e] = await Promise.all([attributions.data(), ends.data()]);
	tf.dispose([attributions, ends]);
	return { attributions: a as Float32Array, score: e[0], baseline: e[1] };
}

export interface AttentionMaps {
	/** Per layer, [heads × length × length] row-major: weights[l][h·L·L + q·L + k] is query q's attention to key k. */
	weights: Float32Array[];
	heads: number;
	/** Real tokens in the text (the maps cover only them). */
	length: number;
	/** Mean attention each token receives in the last layer, over heads and real queries; sums to 1. */
	importance: Float32Array;
}

/** The attention weights a transformer gives one padded text (padding rows and columns dropped). */
export async function attentionMaps(model: TextModel, ids: Int32Array): Promise<AttentionMaps> {
	const c = model.config;
	if (c.family !== 'transformer') throw new KilnError('ValidationError', 'Attention weights exist only for the transformer family; use gradient × input for the others.');
	const t = c.maxLength;
	let length = 0;
	ids.forEach((id, i) => (length = id !== 0 ? i + 1 : length));
	const layers = tf.tidy(() => {
		const x = tf.tensor2d(ids, [1, t], 'int32');
		return model.forward(x, { training: false, attention: true }).attention.map((a) => tf.reshape(tf.slice(a, [0, 0, 0, 0], [1, c.heads, length, length]), [c.heads, length, length]));
	});
	const weights = (await Promise.all(layers.map((l) => l.data()))) as Float32Array[];
	tf.dispose(layers);
	const importance = new Float32Array(length);
	const last = weights[weights.length - 1];
	for (let h = 0; h < c.heads; h++) for (let q = 0; q < length; q++) for (let k = 0; k < length; k++) importance[k] += last[h * length * length + q * length + k] / (c.heads * length);
	return { weights, heads: c.heads, length, importance };
}
