import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Task } from '$workers/protocol';
import { denseLayers, handWrittenBackward, type DenseLayer } from '$workers/lib/dense';
import { createRng } from '$workers/lib/random';
import { KilnError } from '$shared/errors';
import { GEMM, gemmServes, registerGemmKernel, type GemmAttrs } from '$workers/lib/kernels/gemm-kernel';
import { AdamState, type AdamFields, type FusedUpdater } from '$workers/lib/kernels/adam-state';
import { MomentumState } from '$workers/lib/kernels/momentum-state';
import { batchNormBackward, batchNormForward, batchNormStack, type BatchNormSaved, type FusedLayer } from './fused-batchnorm';
import { updateRunningStats, type BatchStats } from './forward';
import { COLUMN_SUMS, DENSE_LOSS, RELU_BACKWARD, SMOOTH_BACKWARD, registerDenseTrainKernels, type DenseLossAttrs, type SmoothBackwardAttrs } from '$workers/lib/kernels/dense-train';

/**
 * One step on a batch (row-major features, class indices or targets, optional per-row weights);
 * returns the data loss for the caller to read and dispose. A model with dropout needs the
 * step's mask seed (mlp/forward.ts' maskSeedFor).
 */
export type FusedStep = (x: Float32Array, y: ArrayLike<number>, weights?: ArrayLike<number> | null, maskSeed?: number) => tf.Scalar;

export interface FusedOptions {
	/**
	 * Also take a relu Dense stack with Dropout after hidden layers: masks drawn as trainingForward
	 * draws them (one seeded stream per step, layer by layer, `rng() >= rate ? 1/(1-rate) : 0`), so
	 * the masks are the autodiff path's. Only callers that pass mask seeds ask for it.
	 */
	dropout?: boolean;
	/**
	 * Also take tanh, elu, sigmoid and gelu hidden layers: forward as tfjs's Tanh / Elu / Sigmoid kernel
	 * after the product with bias, backward as one host kernel (tfjs's gradient of each). Under
	 * tfjs's tape these trials cost several times a relu trial's step, and V8 kept recompiling the
	 * tape's closures on the renderer's background threads (tune bench).
	 */
	smooth?: boolean;
}

/**
 * Each smooth activation's forward, as tfjs-layers runs it, and what its backward kernel reads. A
 * switch, not a lookup table: a keyed read with a name the step had not seen before threw V8's
 * compiled step away ("unexpected name in keyed access").
 */
function smoothForward(kind: NonNullable<DenseLayer['smooth']>, z: tf.Tensor2D): { h: tf.Tensor2D; saved: { y: tf.Tensor2D; cdf?: tf.Tensor2D } } {
	switch (kind) {
		case 'tanh':
			return output(tf.tanh(z));
		case 'elu':
			return output(tf.elu(z));
		case 'sigmoid':
			return output(tf.sigmoid(z));
		case 'gelu': {
			// tfjs-layers' Gelu op for op: x · (0.5 · (1 + erf(x / √2))).
			const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.div(z, Math.SQRT2)))) as tf.Tensor2D;
			return { h: tf.mul(z, cdf), saved: { y: z, cdf } };
		}
	}
}

function output(h: tf.Tensor2D) {
	return { h, saved: { y: h } };
}

const FUSED_OPTIMISERS = ['Adam', 'Momentum'];

/*
 * The step calls only module functions and class methods, never a closure made per model: V8
 * compiles the step once, and a closure that differs from one model to the next deoptimised that
 * code at every new run or trial ("wrong call target"), which then ran hundreds of steps slowly
 * before V8 compiled it again (bench/epoch-profile.mjs, docs/decisions.md).
 */

/** On wasm the products go to Kiln's SIMD GEMM (kernels/gemm-kernel.ts) where it serves them. */
function gemm(a: tf.Tensor, b: tf.Tensor, attrs: GemmAttrs, bias?: tf.Tensor, mask?: tf.Tensor): tf.Tensor2D {
	return tf.engine().runKernel(GEMM, { a, b, ...(bias ? { bias } : {}), ...(mask ? { mask } : {}) }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

/**
 * On wasm tf.tensor1d/2d copy their values into the backend's heap, so one array per layer (and
 * one for the labels) serves every step; fresh ones per step (dropout masks of up to 128 KB a
 * layer) kept V8's array-buffer sweeper busy on the renderer's background threads (tune bench
 * trace). The cpu backend keeps the array it is given, so it gets fresh ones.
 */
class StepArrays {
	private readonly scratch: Float32Array[] = [];
	private labels = new Int32Array(0);

	constructor(private readonly copies: boolean) {}

	values(i: number, size: number): Float32Array {
		if (!this.copies) return new Float32Array(size);
		if (!(this.scratch[i]?.length >= size)) this.scratch[i] = new Float32Array(size);
		return this.scratch[i].subarray(0, size);
	}

	labelsFor(y: ArrayLike<number>): Int32Array {
		if (!this.copies) return Int32Array.from(y);
		if (this.labels.length < y.length) this.labels = new Int32Array(y.length);
		const out = this.labels.subarray(0, y.length);
		for (let i = 0; i < y.length; i++) out[i] = y[i];
		return out;
	}
}

/** The Dense layers and the dropout rate after each (0: none), or null when the fused step does not apply. */
function denseStack(model: tfl.LayersModel, dropout: boolean, smooth: boolean): { layers: FusedLayer[]; rates: number[] } | null {
	if (model.layers.some((l) => l.getClassName() === 'BatchNormalization')) return dropout && handWrittenBackward() ? batchNormStack(model, smooth) : null;
	const plain = denseLayers(model, model.layers, smooth);
	if (plain) return { layers: plain, rates: plain.map(() => 0) };
	if (!dropout || !model.layers.some((l) => l.getClassName() === 'Dropout')) return null;
	// denseLayers' own checks (backend, input, relu/linear Dense with bias) hold for the stack without its Dropout layers.
	const stack = denseLayers(model, model.layers.filter((l) => l.getClassName() !== 'Dropout'), smooth);
	if (!stack) return null;
	const rates = stack.map(() => 0);
	let dense = -1;
	for (const layer of model.layers) {
		if (layer.getClassName() === 'Dense') dense++;
		else if (layer.getClassName() === 'Dropout') {
			// After a hidden Dense layer only, once.
			if (dense < 0 || dense >= stack.length - 1 || rates[dense] > 0) return null;
			rates[dense] = Number(layer.getConfig().rate);
		}
	}
	return { layers: stack, rates };
}

/**
 * The 2-D transpose's permutation, one array for every call. Without it tfjs builds it with
 * Array.prototype.map, whose builtin makes a holey array where TurboFan's inlined copy makes a
 * packed one: the wasm Transpose kernel compiled from one kind met the other and was thrown away
 * ("wrong map", V8's log of the tune bench), in each worker's search.
 */
const SWAP = [1, 0];

/**
 * One Adam step of a relu/linear (or, asked for, tanh/elu/sigmoid) Dense stack with softmax cross-entropy (classification) or mean
 * squared error (regression), optionally weighted per row, with an optional L2 penalty on the kernels, in about twenty kernels
 * where tfjs's autodiff and optimiser take about a hundred: the forward as one fused matMul (bias
 * and relu inside) per layer; the loss, its gradient and the output bias's gradient in one host
 * kernel; per hidden layer one host kernel for the relu mask and bias gradient; each weight
 * gradient as an untransposed matMul (XNNPACK's fast path on wasm) after an explicit transpose; and
 * one Adam kernel over every variable (on wasm a WebAssembly SIMD pass over tfjs's heap,
 * kernels/adam-simd.ts). The optimiser's own state (moments, β powers, step count) is read and written
 * in place, so checkpoints, resume and a later fall back to tfjs's path see the same optimiser.
 * On wasm the products (forward with bias and relu, weight gradients with Aᵀ read in place, dz·Wᵀ)
 * run on Kiln's own SIMD GEMM (kernels/gemm-kernel.ts; FMA where relaxed SIMD validates), so
 * there the step is within float tolerance of tfjs rather than bit for bit; on cpu it is tfjs's bits.
 *
 * Null where this does not apply (the caller keeps its own step): a GPU backend, a model that is
 * not a plain Dense stack (denseLayers), an optimiser other than tfjs's Adam or Momentum (SGD with
 * momentum or Nesterov, updated with MomentumOptimizer's own ops).
 */
export function makeFusedDenseStep(model: tfl.LayersModel, optimizer: tf.Optimizer, task: Task, classes: number, l2: number, fusedOptions: FusedOptions = {}): FusedStep | null {
	const stack = denseStack(model, !!fusedOptions.dropout, !!fusedOptions.smooth);
	if (!stack || !FUSED_OPTIMISERS.includes(optimizer.getClassName())) return null;
	const { layers, rates } = stack;
	const masked = rates.some((r) => r > 0);
	if (task === 'classification' ? layers[layers.length - 1].kernel.shape[1] !== classes : layers[layers.length - 1].kernel.shape[1] !== 1) return null;
	registerDenseTrainKernels();
	registerGemmKernel();
	// tfjs-layers' order (kernel, bias, then γ, β of a batch-norm layer): the optimiser's slots are per index.
	const variables = layers.flatMap((l) => (l.bn ? [l.kernel, l.bias, l.bn.gamma, l.bn.beta] : [l.kernel, l.bias]));
	const slots = layers.map((_, i) => layers.slice(0, i).reduce((at, l) => at + (l.bn ? 4 : 2), 0));
	const stats: BatchStats[] = [];
	const updater: FusedUpdater = optimizer.getClassName() === 'Adam' ? new AdamState(optimizer, variables) : new MomentumState(optimizer, variables);
	// Protected in tfjs's types; Adam and Momentum count their steps the same way.
	const counted = optimizer as unknown as Pick<AdamFields, 'incrementIterations'>;
	const width = layers[0].kernel.shape[0];
	// On wasm the update is a SIMD pass that reads gradients in order; elsewhere transposing the small dz beats transposing the batch.
	const transposed = tf.getBackend() !== 'wasm';
	const lossAttrs: DenseLossAttrs = { loss: task === 'classification' ? 'softmax-ce' : 'mse' };
	const arrays = new StepArrays(tf.getBackend() === 'wasm');
	// The same every step: made once (AdamUpdateAttrs says why the L2 factors are a Float64Array).
	const perVariable = { l2: Float64Array.from(variables, (v) => (v.rank === 2 ? l2 : 0)), transposed: variables.map((v) => transposed && v.rank === 2) };
	return (x, y, weights, maskSeed) => {
		const n = y.length;
		if (masked && maskSeed === undefined) throw new KilnError('TrainingError', 'A step of a network with dropout needs its mask seed.');
		const rng = masked ? createRng(maskSeed!) : null;
		const backend = tf.backend();
		const loss = tf.tidy(() => {
			const xs = tf.tensor2d(x, [n, width]);
			const target = task === 'classification' ? tf.tensor1d(arrays.labelsFor(y), 'int32') : tf.tensor2d(Float32Array.from(y), [n, 1]);
			const inputs: tf.Tensor2D[] = [];
			const masks: (tf.Tensor2D | null)[] = [];
			// What each smooth layer's backward reads (its output before the dropout mask; GELU: z and Φ(z)).
			const activated: ({ y: tf.Tensor2D; cdf?: tf.Tensor2D } | null)[] = [];
			const normalised: (BatchNormSaved | null)[] = [];
			let h = xs;
			for (const [i, layer] of layers.entries()) {
				inputs.push(h);
				const [k, cols] = layer.kernel.shape;
				// With batch-norm the product is linear and the activation follows the normalisation.
				const relu = layer.relu && !layer.bn;
				h = gemmServes(backend, n, cols, k)
					? gemm(h, layer.kernel, { transposeA: false, relu }, layer.bias)
					: (tf.fused.matMul({ a: h, b: layer.kernel, bias: layer.bias, activation: relu ? 'relu' : 'linear' }) as tf.Tensor2D);
				normalised.push(null);
				if (layer.bn) {
					const forward = batchNormForward(h, layer.bn, stats);
					normalised[i] = forward.saved;
					h = layer.relu ? tf.relu(forward.out) : forward.out;
				}
				if (layer.smooth) {
					const forward = smoothForward(layer.smooth, h);
					h = forward.h;
					activated.push(forward.saved);
				} else activated.push(null);
				masks.push(null);
				if (rates[i] > 0) {
					const keep = 1 / (1 - rates[i]);
					const values = arrays.values(i, n * cols);
					for (let j = 0; j < values.length; j++) values[j] = rng!() >= rates[i] ? keep : 0;
					masks[i] = tf.tensor2d(values, [n, cols]);
					h = tf.mul(h, masks[i]!);
				}
			}
			const lossInputs: tf.NamedTensorMap = weights ? { out: h, target, weights: tf.tensor1d(Float32Array.from(weights)) } : { out: h, target };
			const [value, dOut, dBias] = tf.engine().runKernel(DENSE_LOSS, lossInputs, lossAttrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
			const grads: tf.Tensor[] = [];
			let dz = dOut as tf.Tensor2D;
			let db = dBias;
			for (let i = layers.length - 1; i >= 0; i--) {
				const [rows, cols] = layers[i].kernel.shape;
				const at = slots[i];
				if (transposed) grads[at] = tf.matMul(tf.transpose(dz, SWAP), inputs[i]);
				else grads[at] = gemmServes(backend, rows, cols, n) ? gemm(inputs[i], dz, { transposeA: true, relu: false }) : tf.matMul(tf.transpose(inputs[i], SWAP), dz);
				grads[at + 1] = db;
				if (i === 0) break;
				const wT = tf.transpose(layers[i].kernel, SWAP);
				const mask = masks[i - 1];
				const served = gemmServes(backend, n, rows, cols);
				if (served && !mask && layers[i - 1].relu && !layers[i - 1].bn) {
					// The relu's gradient inside the product (KilnGemm's mask: +0 where its output is not > 0), as KilnReluBackward gives it.
					dz = gemm(dz, wT, { transposeA: false, relu: false }, undefined, inputs[i]);
					db = tf.engine().runKernel(COLUMN_SUMS, { x: dz }) as tf.Tensor;
					continue;
				}
				const product = served ? gemm(dz, wT, { transposeA: false, relu: false }) : tf.matMul(dz, wT);
				// Through the dropout: the mask's own factor. inputs[i] (relu output × mask) is > 0 exactly where both pass.
				const dh = mask ? tf.mul(product, mask) : product;
				const below = layers[i - 1];
				if (below.relu) [dz, db] = tf.engine().runKernel(RELU_BACKWARD, { dy: dh, y: inputs[i] }) as tf.Tensor2D[];
				else if (below.smooth) {
					const attrs: SmoothBackwardAttrs = { activation: below.smooth };
					[dz, db] = tf.engine().runKernel(SMOOTH_BACKWARD, { dy: dh, ...activated[i - 1]! }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D[];
				} else [dz, db] = [dh as tf.Tensor2D, tf.sum(dh, 0)];
				if (below.bn) {
					// db above is Σ dy at the normalisation's output: β's gradient. The bias before a
					// batch-norm moves nothing (the batch mean takes it away): its gradient is exactly 0,
					// where autodiff leaves rounding noise that Adam would scale up to full steps.
					grads[slots[i - 1] + 3] = db;
					const back = batchNormBackward(dz, normalised[i - 1]!, below.bn.gamma);
					grads[slots[i - 1] + 2] = back.dGamma;
					dz = back.dz;
					db = tf.zerosLike(db);
				}
			}
			updater.update(grads, perVariable);
			return value as tf.Scalar;
		});
		counted.incrementIterations();
		updateRunningStats(stats);
		return loss;
	};
}
