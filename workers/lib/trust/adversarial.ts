/**
 * Evasion attacks on a classifier's inputs: FGSM (Goodfellow et al. 2015; its L2 form is "FGM")
 * and PGD (Madry et al. 2018) in L∞ and L2, as in IBM ART's FastGradientMethod and
 * ProjectedGradientDescent: a random start inside the ball, steps along the sign (L∞) or the unit
 * direction (L2) of the input gradient of the loss, projection back onto the ε-ball around the
 * original, then clipping to the valid input box. Everything works in model space (after Kiln's
 * standardising and one-hot encoding), batch by batch, from a seed.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { KilnError } from '$shared/errors';
import { createRng } from '$workers/lib/random';
import type { AttackOptions, RobustnessCurve } from './types';

function inputSize(model: tfl.LayersModel): { shape: number[]; size: number } {
	const shape = model.inputs[0].shape.slice(1) as number[];
	if (model.inputs.length !== 1 || shape.some((d) => !(d > 0))) throw new KilnError('ValidationError', 'Attacks need a model with one input of fixed shape.');
	return { shape, size: shape.reduce((a, b) => a * b, 1) };
}

/** Per-feature [min, max] over the rows of a row-major matrix: the box attacks stay inside. */
export function boxFromData(x: Float32Array, width: number): { min: Float32Array; max: Float32Array } {
	const min = new Float32Array(width).fill(Infinity);
	const max = new Float32Array(width).fill(-Infinity);
	for (let i = 0; i < x.length; i++) {
		const f = i % width;
		if (x[i] < min[f]) min[f] = x[i];
		if (x[i] > max[f]) max[f] = x[i];
	}
	return { min, max };
}

function checkOptions(o: AttackOptions, size: number): void {
	const bad = (message: string): never => {
		throw new KilnError('ValidationError', message);
	};
	if (!(o.epsilon >= 0) || !Number.isFinite(o.epsilon)) bad(`The attack budget ε must be a number of at least 0 (it was ${o.epsilon}).`);
	if (o.norm !== 'linf' && o.norm !== 'l2') bad(`The norm must be "linf" or "l2" (it was ${String(o.norm)}).`);
	if (o.steps !== undefined && (!Number.isInteger(o.steps) || o.steps < 0)) bad('PGD steps must be a whole number (0 for FGSM).');
	for (const side of ['min', 'max'] as const) {
		const v = o.box?.[side];
		if (v instanceof Float32Array && v.length !== size) bad(`The input box's ${side} has ${v.length} values; the model takes ${size} inputs.`);
	}
}

/** Loss summed over the batch, so each row's input gradient is its own loss's gradient. */
function lossFn(model: tfl.LayersModel, labels: tf.Tensor2D, outputs: 'logits' | 'probabilities') {
	return (xs: tf.Tensor) => {
		const out = model.apply(xs) as tf.Tensor2D;
		const logP = outputs === 'logits' ? tf.sub(out, tf.logSumExp(out, 1, true)) : tf.log(tf.add(out, 1e-12));
		return tf.neg(tf.sum(tf.mul(logP, labels))) as tf.Scalar;
	};
}

/** Rows' L2 norms broadcast back over each row, for a tensor of shape [n, ...]. */
function rowNorms(t: tf.Tensor): tf.Tensor {
	const axes = t.shape.slice(1).map((_, i) => i + 1);
	return tf.sqrt(tf.sum(tf.square(t), axes, true));
}

function project(delta: tf.Tensor, epsilon: number, norm: 'linf' | 'l2'): tf.Tensor {
	if (norm === 'linf') return tf.clipByValue(delta, -epsilon, epsilon);
	return tf.mul(delta, tf.minimum(1, tf.div(epsilon, tf.add(rowNorms(delta), 1e-12))));
}

function stepDirection(grad: tf.Tensor, norm: 'linf' | 'l2'): tf.Tensor {
	return norm === 'linf' ? tf.sign(grad) : tf.div(grad, tf.add(rowNorms(grad), 1e-12));
}

/** A random point of the ε-ball per row: uniform in the cube (L∞) or uniform in the ball (L2). */
function randomStart(rows: number, size: number, epsilon: number, norm: 'linf' | 'l2', rng: () => number): Float32Array {
	const out = new Float32Array(rows * size);
	if (norm === 'linf') {
		for (let i = 0; i < out.length; i++) out[i] = epsilon * (2 * rng() - 1);
		return out;
	}
	for (let r = 0; r < rows; r++) {
		let sq = 0;
		for (let k = 0; k < size; k++) {
			const g = Math.sqrt(-2 * Math.log(rng() || 1e-12)) * Math.cos(2 * Math.PI * rng());
			out[r * size + k] = g;
			sq += g * g;
		}
		const radius = (epsilon * rng() ** (1 / size)) / Math.sqrt(sq || 1);
		for (let k = 0; k < size; k++) out[r * size + k] *= radius;
	}
	return out;
}

function oneHot(y: ArrayLike<number>, classes: number, from: number, to: number): tf.Tensor2D {
	const values = new Float32Array((to - from) * classes);
	for (let i = from; i < to; i++) {
		if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] >= classes) throw new KilnError('ValidationError', `Row ${i} has class index ${y[i]}; expected 0 to ${classes - 1}.`);
		values[(i - from) * classes + y[i]] = 1;
	}
	return tf.tensor2d(values, [to - from, classes]);
}

/**
 * Adversarial versions of the rows of x (row-major, one row per label). `steps` 0 is FGSM / FGM:
 * one step of size ε from the original, no random start. Otherwise PGD.
 */
export async function attack(model: tfl.LayersModel, x: Float32Array, y: ArrayLike<number>, options: AttackOptions): Promise<Float32Array> {
	const { shape, size } = inputSize(model);
	checkOptions(options, size);
	const rows = y.length;
	if (x.length !== rows * size) throw new KilnError('ValidationError', `The inputs hold ${x.length} values, which is not ${rows} rows × ${size}.`);
	const classes = model.outputs[0].shape[1] as number;
	const { epsilon, norm } = options;
	const fgsm = options.steps === 0;
	const steps = fgsm ? 1 : (options.steps ?? 10);
	const stepSize = fgsm ? epsilon : (options.stepSize ?? (2.5 * epsilon) / steps);
	const random = !fgsm && (options.randomStart ?? true);
	const rng = createRng(options.seed ?? 0);
	const batchSize = options.batchSize ?? 256;
	const asTensor = (v: number | Float32Array | undefined, fallback: number) => (v instanceof Float32Array ? tf.tensor(v, shape) : tf.scalar(v ?? fallback));
	const out = new Float32Array(x.length);
	for (let start = 0; start < rows; start += batchSize) {
		if (options.signal?.aborted) throw new KilnError('AbortError', 'The attack was cancelled.');
		const end = Math.min(rows, start + batchSize);
		const n = end - start;
		const result = tf.tidy(() => {
			const lo = asTensor(options.box?.min, -Infinity);
			const hi = asTensor(options.box?.max, Infinity);
			const original = tf.tensor(x.subarray(start * size, end * size), [n, ...shape]);
			const grad = tf.grad(lossFn(model, oneHot(y, classes, start, end), options.outputs ?? 'logits'));
			let adv = random ? tf.add(original, tf.tensor(randomStart(n, size, epsilon, norm, rng), [n, ...shape])) : original;
			adv = tf.minimum(tf.maximum(adv, lo), hi);
			for (let t = 0; t < steps; t++) {
				const moved = tf.add(adv, tf.mul(stepDirection(grad(adv), norm), stepSize));
				adv = tf.minimum(tf.maximum(tf.add(original, project(tf.sub(moved, original), epsilon, norm)), lo), hi);
			}
			return adv;
		});
		out.set(await result.data<'float32'>(), start * size);
		result.dispose();
		await new Promise((resolve) => setTimeout(resolve, 0)); // let a cancel message in between batches
	}
	return out;
}

/** FGSM (L∞) or FGM (L2): a single step of size ε along the input gradient. */
export function fgsm(model: tfl.LayersModel, x: Float32Array, y: ArrayLike<number>, options: Omit<AttackOptions, 'steps' | 'stepSize' | 'randomStart'>): Promise<Float32Array> {
	return attack(model, x, y, { ...options, steps: 0 });
}

export function pgd(model: tfl.LayersModel, x: Float32Array, y: ArrayLike<number>, options: AttackOptions): Promise<Float32Array> {
	return attack(model, x, y, { ...options, steps: options.steps ?? 10 });
}

/** Share of rows the model classifies correctly. */
export async function accuracyOn(model: tfl.LayersModel, x: Float32Array, y: ArrayLike<number>): Promise<number> {
	const { shape, size } = inputSize(model);
	let correct = 0;
	for (let start = 0; start < y.length; start += 1024) {
		const end = Math.min(y.length, start + 1024);
		const predicted = tf.tidy(() => tf.argMax(model.apply(tf.tensor(x.subarray(start * size, end * size), [end - start, ...shape])) as tf.Tensor, 1));
		const labels = await predicted.data();
		predicted.dispose();
		for (let i = start; i < end; i++) if (labels[i - start] === y[i]) correct++;
	}
	return y.length > 0 ? correct / y.length : NaN;
}

/** Accuracy under attack for each ε (ascending), with the clean accuracy at ε = 0. */
export async function robustnessCurve(model: tfl.LayersModel, x: Float32Array, y: ArrayLike<number>, epsilons: number[], options: Omit<AttackOptions, 'epsilon'> & { attack?: 'fgsm' | 'pgd' }): Promise<RobustnessCurve> {
	const sorted = [...new Set(epsilons)].sort((a, b) => a - b);
	const points = [];
	for (const epsilon of sorted) {
		const adversarial = epsilon === 0 ? x : await attack(model, x, y, { ...options, epsilon, steps: options.attack === 'fgsm' ? 0 : (options.steps ?? 10) });
		points.push({ epsilon, accuracy: await accuracyOn(model, adversarial, y) });
	}
	return { norm: options.norm, attack: options.attack ?? 'pgd', clean: await accuracyOn(model, x, y), points };
}
