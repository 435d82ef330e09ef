import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { KilnError } from '$shared/errors';

/** A tfjs model, or any differentiable function from a [n, width] batch to [n, outputs]. */
export type DifferentiableModel = tfl.LayersModel | ((x: tf.Tensor2D) => tf.Tensor);

export interface AttributionOptions {
	x: Float32Array;
	rows: number;
	width: number;
	/** Output unit to explain: one for all rows, or one per row (e.g. each row's predicted class). */
	target: number | Int32Array;
	/** Kiln's models emit logits; 'softmax' explains the class probability instead. */
	transform?: 'none' | 'softmax';
	/** Reference input (width numbers); zeros = the training mean once features are standardised. */
	baseline?: Float32Array;
	method?: 'integrated-gradients' | 'gradient-x-input';
	/** Integration steps (trapezoid rule over steps + 1 points; default 64). */
	steps?: number;
	/**
	 * Integrated gradients only: double the steps until every row's completeness gap is within
	 * this absolute tolerance (default 1e-3; Infinity turns it off), up to maxSteps (default
	 * 1024). ReLU nets make the integrand piecewise constant, so the trapezoid error falls only
	 * as 1/steps: a 16-8 MLP's softmax needed 256 steps for 1e-3.
	 */
	tolerance?: number;
	maxSteps?: number;
}

export interface Attributions {
	method: 'integrated-gradients' | 'gradient-x-input';
	/** n × width, per encoded input; sum one-hot blocks with aggregateAttributions. */
	attributions: Float32Array;
	/** f(x) and f(baseline) of the explained output per row. */
	outputAtInput: Float32Array;
	outputAtBaseline: Float32Array;
	/** Per row: Σ attributions − (f(x) − f(baseline)); 0 for exact integrated gradients. */
	completenessGap: Float32Array;
	steps: number;
}

/**
 * Integrated gradients (Sundararajan et al. 2017) or gradient × (input − baseline), computed in
 * tfjs with tf.grad. Rows are processed in chunks so the interpolated batch stays near a
 * million numbers.
 */
export async function attributions(model: DifferentiableModel, options: AttributionOptions): Promise<Attributions> {
	const { x, rows, width } = options;
	const method = options.method ?? 'integrated-gradients';
	if (x.length !== rows * width) throw new KilnError('ValidationError', `Expected ${rows} rows × ${width} inputs (${rows * width} numbers) but got ${x.length}.`);
	const baseline = options.baseline ?? new Float32Array(width);
	if (baseline.length !== width) throw new KilnError('ValidationError', `The baseline needs ${width} numbers, one per input; got ${baseline.length}.`);
	const targets = typeof options.target === 'number' ? new Int32Array(rows).fill(options.target) : options.target;
	if (targets.length !== rows) throw new KilnError('ValidationError', `Expected one target output per row (${rows}) but got ${targets.length}.`);
	const f = (batch: tf.Tensor2D): tf.Tensor2D => {
		const out = (typeof model === 'function' ? model(batch) : (model.apply(batch) as tf.Tensor)) as tf.Tensor2D;
		return options.transform === 'softmax' ? tf.softmax(out) : out;
	};
	const outputs = tf.tidy(() => f(tf.tensor2d(baseline, [1, width])).shape[1]);
	const atInput = await selectedOutputs(f, x, rows, width, targets);
	const atBaseline = await selectedOutputs(f, tileRows(baseline, rows), rows, width, targets);
	let steps = method === 'gradient-x-input' ? 1 : (options.steps ?? 64);
	const maxSteps = options.maxSteps ?? 1024;
	if (!Number.isInteger(steps) || steps < 1 || steps > maxSteps) throw new KilnError('ValidationError', `Steps must be a whole number from 1 to ${maxSteps}; got ${steps}.`);
	for (;;) {
		const attr = method === 'gradient-x-input' ? await gradientTimesInput(f, x, rows, width, targets, outputs, baseline) : await integrated(f, x, rows, width, targets, outputs, baseline, steps);
		const gap = new Float32Array(rows);
		let worst = 0;
		for (let r = 0; r < rows; r++) {
			let sum = 0;
			for (let j = 0; j < width; j++) sum += attr[r * width + j];
			gap[r] = sum - (atInput[r] - atBaseline[r]);
			worst = Math.max(worst, Math.abs(gap[r]));
		}
		const refine = method === 'integrated-gradients' && worst > (options.tolerance ?? 1e-3) && steps * 2 <= maxSteps;
		if (!refine) return { method, attributions: attr, outputAtInput: atInput, outputAtBaseline: atBaseline, completenessGap: gap, steps };
		steps *= 2;
	}
}

type Forward = (batch: tf.Tensor2D) => tf.Tensor2D;

function tileRows(row: Float32Array, rows: number): Float32Array {
	const out = new Float32Array(rows * row.length);
	for (let r = 0; r < rows; r++) out.set(row, r * row.length);
	return out;
}

/** Σ over rows of each row's target output: its gradient w.r.t. the batch is each row's own gradient. */
function targetSum(f: Forward, batch: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
	return tf.sum(tf.mul(f(batch), mask));
}

function targetMask(targets: Int32Array, repeat: number, outputs: number): tf.Tensor2D {
	const mask = new Float32Array(targets.length * repeat * outputs);
	for (let r = 0; r < targets.length; r++) for (let s = 0; s < repeat; s++) mask[(r * repeat + s) * outputs + targets[r]] = 1;
	return tf.tensor2d(mask, [targets.length * repeat, outputs]);
}

async function selectedOutputs(f: Forward, x: Float32Array, rows: number, width: number, targets: Int32Array): Promise<Float32Array> {
	const out = tf.tidy(() => f(tf.tensor2d(x, [rows, width])));
	const values = await out.data<'float32'>();
	const outputs = out.shape[1];
	out.dispose();
	return Float32Array.from(targets, (t, r) => {
		if (t < 0 || t >= outputs) throw new KilnError('ValidationError', `Row ${r} asks to explain output ${t}, but the model has outputs 0 to ${outputs - 1}.`);
		return values[r * outputs + t];
	});
}

async function gradientTimesInput(f: Forward, x: Float32Array, rows: number, width: number, targets: Int32Array, outputs: number, baseline: Float32Array): Promise<Float32Array> {
	const grads = tf.tidy(() => {
		const input = tf.tensor2d(x, [rows, width]);
		const mask = targetMask(targets, 1, outputs);
		return tf.grad((b: tf.Tensor) => targetSum(f, b as tf.Tensor2D, mask))(input);
	});
	const g = await grads.data<'float32'>();
	grads.dispose();
	return Float32Array.from(g, (v, i) => v * (x[i] - baseline[i % width]));
}

async function integrated(f: Forward, x: Float32Array, rows: number, width: number, targets: Int32Array, outputs: number, baseline: Float32Array, steps: number): Promise<Float32Array> {
	const points = steps + 1;
	const chunk = Math.max(1, Math.floor(2 ** 20 / (points * width)));
	const result = new Float32Array(rows * width);
	// trapezoid weights over α = 0, 1/steps, ..., 1
	const alphas = Float32Array.from({ length: points }, (_, s) => s / steps);
	const trapezoid = Float32Array.from({ length: points }, (_, s) => (s === 0 || s === steps ? 0.5 : 1) / steps);
	for (let start = 0; start < rows; start += chunk) {
		const n = Math.min(chunk, rows - start);
		const averaged = tf.tidy(() => {
			const input = tf.tensor3d(x.subarray(start * width, (start + n) * width), [n, 1, width]);
			const base = tf.tensor3d(baseline, [1, 1, width]);
			const alpha = tf.tensor3d(alphas, [1, points, 1]);
			const path = tf.reshape(tf.add(base, tf.mul(alpha, tf.sub(input, base))), [n * points, width]) as tf.Tensor2D;
			const mask = targetMask(targets.subarray(start, start + n), points, outputs);
			const grads = tf.reshape(tf.grad((b: tf.Tensor) => targetSum(f, b as tf.Tensor2D, mask))(path), [n, points, width]);
			return tf.sum(tf.mul(grads, tf.tensor3d(trapezoid, [1, points, 1])), 1);
		});
		const g = await averaged.data<'float32'>();
		averaged.dispose();
		for (let i = 0; i < n * width; i++) result[start * width + i] = g[i] * (x[start * width + i] - baseline[i % width]);
	}
	return result;
}
