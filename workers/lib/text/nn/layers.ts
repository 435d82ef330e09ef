import * as tf from '@tensorflow/tfjs-core';
import { ATTENTION, registerAttentionKernels } from '$workers/lib/kernels/attention';
import { layerNormKernel } from '$workers/lib/kernels/layer-norm';

/** Functional building blocks on tfjs-core tensors; the weights live in a ParamStore. */

/*
 * tfjs-backend-wasm sends a matMul with a transposed operand, and every batched (3-D) matMul, to a
 * plain scalar loop; only an untransposed 2-D matMul reaches XNNPACK (see workers/lib/dense.ts and
 * bench/README.md). Measured here for the transformer bench's shapes: xᵀ·dy of 2048×64 by 2048×256
 * took 526 ms against 20 ms for the forward product. So on wasm (and cpu, where it costs nothing
 * and keeps the specs on the same path) the backward transposes its operands explicitly.
 */
const EXPLICIT_TRANSPOSES = ['wasm', 'cpu'];
const explicit = () => EXPLICIT_TRANSPOSES.includes(tf.getBackend());

let kernelsOn = true;
/** Kiln's fused text kernels (attention, layer norm) on wasm and cpu: on by default; off gives tfjs's ops, for specs and before/after benches. */
export function setFusedTextKernels(on: boolean): void {
	kernelsOn = on;
}
const fusedKernels = () => kernelsOn && explicit();
/** Whether the fused kernels (and the fused training step, train-step.ts) are switched on. */
export const fusedTextKernelsOn = (): boolean => kernelsOn;

const matMul2d = tf.customGrad(((a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
	save([a, b]);
	return {
		value: tf.matMul(a, b),
		gradFunc: (dy: tf.Tensor2D, [sa, sb]: tf.Tensor[]) => [tf.matMul(dy, tf.transpose(sb as tf.Tensor2D)), tf.matMul(tf.transpose(sa as tf.Tensor2D), dy)]
	};
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;

/**
 * a [n, p, q] · b [n, q, r] (or bᵀ): batched products are a scalar loop on wasm either way, so
 * this is the plain op; as broadcast multiply-and-sum it would materialise n·p·r·q floats.
 */
function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D, transposeB = false): tf.Tensor3D {
	return tf.matMul(a, b, false, transposeB);
}

/** x [..., in] · w [in, out] + b. */
export function dense(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
	const shape = x.shape;
	const flat = tf.reshape(x, [-1, shape[shape.length - 1]]);
	let y = explicit() ? matMul2d(flat, w) : tf.matMul(flat as tf.Tensor2D, w as tf.Tensor2D);
	if (b) y = tf.add(y, b);
	return tf.reshape(y, [...shape.slice(0, -1), w.shape[1]!]);
}

/** Over the last axis, population variance; on wasm and cpu Kiln's fused kernel pair (kernels/layer-norm.ts). */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon = 1e-5): tf.Tensor {
	if (fusedKernels()) return layerNormKernel(x, gamma, beta, epsilon);
	const { mean, variance } = tf.moments(x, -1, true);
	return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), gamma), beta);
}

export function dropout(x: tf.Tensor, rate: number, seed: number | null): tf.Tensor {
	return rate > 0 && seed !== null ? tf.dropout(x, rate, undefined, seed) : x;
}

/** [B, T] mask (1 = token, 0 = padding) → masked mean over T of x [B, T, d]; an empty text gives zeros. */
export function maskedMean(x: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
	const m = tf.expandDims(mask, 2);
	const sum = tf.sum(tf.mul(x, m), 1);
	return tf.div(sum, tf.maximum(tf.sum(m, 1), 1)) as tf.Tensor2D;
}

/** Max over the real tokens of non-negative features x [B, T, f]; an empty text gives zeros. */
export function maskedMaxNonNegative(x: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
	return tf.relu(tf.max(tf.add(x, tf.expandDims(tf.mul(tf.sub(mask, 1), 1e9), 2)), 1)) as tf.Tensor2D;
}

export interface AttentionWeights {
	wq: tf.Tensor; bq: tf.Tensor;
	wk: tf.Tensor; bk: tf.Tensor;
	wv: tf.Tensor; bv: tf.Tensor;
	wo: tf.Tensor; bo: tf.Tensor;
}

/**
 * Multi-head self-attention. `keyBias` [B, 1, 1, T] is 0 for tokens and −1e9 for padding, so a
 * padded key's softmax weight underflows to exactly 0: padding is never attended, whatever its id.
 * On wasm and cpu the core (scores, mask, softmax, mixing, per head) is Kiln's fused kernel pair
 * (kernels/attention.ts, the same maths); elsewhere it is built from tfjs ops.
 */
export function selfAttention(x: tf.Tensor3D, w: AttentionWeights, heads: number, keyBias: tf.Tensor4D, mask: tf.Tensor2D): { out: tf.Tensor3D; weights: tf.Tensor4D } {
	const q = dense(x, w.wq, w.bq) as tf.Tensor3D;
	const k = dense(x, w.wk, w.bk) as tf.Tensor3D;
	const v = dense(x, w.wv, w.bv) as tf.Tensor3D;
	const { mixed, weights } = fusedKernels() ? fusedAttention(q, k, v, mask, heads) : opsAttention(q, k, v, keyBias, heads);
	return { out: dense(mixed, w.wo, w.bo) as tf.Tensor3D, weights };
}

/** tfjs ops only (any backend); the reference the fused kernels are checked against. */
export function opsAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, keyBias: tf.Tensor4D, heads: number): { mixed: tf.Tensor3D; weights: tf.Tensor4D } {
	const [b, t, d] = q.shape;
	const dh = d / heads;
	// [B, T, d] → [B·heads, T, dh]
	const split = (y: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(y, [b, t, heads, dh]), [0, 2, 1, 3]), [b * heads, t, dh]) as tf.Tensor3D;
	const raw = tf.reshape(batchMatMul(split(q), split(k), true), [b, heads, t, t]);
	const scores = tf.add(tf.mul(raw, 1 / Math.sqrt(dh)), keyBias);
	const weights = tf.softmax(scores) as tf.Tensor4D;
	const mixed = tf.reshape(tf.transpose(tf.reshape(batchMatMul(tf.reshape(weights, [b * heads, t, t]) as tf.Tensor3D, split(v)), [b, heads, t, dh]), [0, 2, 1, 3]), [b, t, d]) as tf.Tensor3D;
	return { mixed, weights };
}

/** The fused core (its gradient is registered with the kernels). */
export function fusedAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor2D, heads: number): { mixed: tf.Tensor3D; weights: tf.Tensor4D } {
	registerAttentionKernels();
	const [mixed, weights] = tf.engine().runKernel(ATTENTION, { q, k, v, mask: tf.cast(mask, 'float32') }, { heads } as unknown as tf.NamedAttrMap) as tf.Tensor[];
	return { mixed: mixed as tf.Tensor3D, weights: weights as tf.Tensor4D };
}

/** One LSTM step; xw = x_t·W + b precomputed for all steps. Gates in Keras order i, f, c, o. */
export function lstmStep(xw: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D, u: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
	const z = tf.add(xw, tf.matMul(h, u));
	const [i, f, g, o] = tf.split(z, 4, 1);
	const cNext = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g))) as tf.Tensor2D;
	const hNext = tf.mul(tf.sigmoid(o), tf.tanh(cNext)) as tf.Tensor2D;
	return [hNext, cNext];
}

/** One GRU step (reset gate after the recurrent matmul, as cuDNN / PyTorch); gates z, r, n. */
export function gruStep(xw: tf.Tensor2D, h: tf.Tensor2D, u: tf.Tensor2D, bu: tf.Tensor): tf.Tensor2D {
	const hu = tf.add(tf.matMul(h, u), bu);
	const [xz, xr, xn] = tf.split(xw, 3, 1);
	const [hz, hr, hn] = tf.split(hu, 3, 1);
	const z = tf.sigmoid(tf.add(xz, hz));
	const r = tf.sigmoid(tf.add(xr, hr));
	const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
	return tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) as tf.Tensor2D;
}

/** Mean cross-entropy of logits [N, C] against class indices; rows labelled −1 are left out. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, classes: number): tf.Scalar {
	const target = tf.cast(tf.oneHot(labels, classes), 'float32');
	const perRow = tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1));
	const count = tf.maximum(tf.sum(target), 1);
	return tf.div(tf.sum(perRow), count) as tf.Scalar;
}
