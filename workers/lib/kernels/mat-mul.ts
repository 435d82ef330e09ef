import * as tf from '@tensorflow/tfjs-core';
import type { BatchMatMulAttrs, KernelConfig, KernelFunc, Tensor } from '@tensorflow/tfjs-core';

/**
 * Multiply-adds below which tfjs-backend-wasm's own loop is cheaper than the extra kernels
 * (a Transpose, or a Slice per batch item) that take a product onto XNNPACK.
 */
export const MIN_TRANSPOSE_WORK = 1 << 15;
/*
 * Splitting a batch costs an unstack, a product and a stack per item. At 1 << 15 the text
 * transformer's attention products (B·heads items of 64×16·16×64, 65,536 multiply-adds each, and
 * their transposed gradients) were all split, and its training ran at about 200 tokens/s against
 * about 1,700 with the plain loop (bench/text/transformer-speed.run.ts shapes, tfjs-wasm in Node,
 * 2026-11-26, busy machine). Only items eight times larger are split now.
 */
export const MIN_BATCH_ITEM_WORK = 1 << 18;

function swapLastTwo(t: Tensor): Tensor {
	const perm = t.shape.map((_, i) => i);
	perm.push(...perm.splice(-2).reverse());
	return tf.transpose(t, perm);
}

/**
 * tfjs-backend-wasm's BatchMatMul reaches XNNPACK only for a single untransposed product; with
 * transposeA/transposeB or a batch it runs a scalar loop, ~10× slower (measured in
 * kernels.spec-support.ts' probe and docs/decisions.md). This wrapper transposes the operand
 * explicitly, folds a batch that multiplies one shared matrix into the rows, and splits any
 * other batch into 2-D products, so the work lands on XNNPACK. Small products keep the loop.
 */
export function fastBatchMatMul(original: KernelConfig): KernelConfig {
	const kernelFunc: KernelFunc = (args) => {
		const { a, b } = args.inputs as { a: Tensor; b: Tensor };
		const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
		if (a.dtype !== 'float32' || b.dtype !== 'float32') return original.kernelFunc(args);
		const ra = a.rank;
		const rb = b.rank;
		const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
		const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
		const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
		const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
		const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
		const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
		const batch = tf.util.sizeFromShape(outer);
		const work = m * n * k;
		const plain = !transposeA && !transposeB;
		const foldable = batchB === 1;
		const splittable = batchA === batchB && work >= MIN_BATCH_ITEM_WORK;
		if (batch === 1 ? plain || work * batch < MIN_TRANSPOSE_WORK : !(foldable || splittable) || work * batch < MIN_TRANSPOSE_WORK) {
			return original.kernelFunc(args);
		}
		return tf.tidy(() => {
			const a3 = tf.reshape(transposeA ? swapLastTwo(a) : a, [batchA, m, k]);
			const b2 = tf.reshape(transposeB ? swapLastTwo(b) : b, [batchB, k, n]);
			let product: Tensor;
			if (batchB === 1) {
				product = tf.matMul(tf.reshape(a3, [batchA * m, k]), tf.reshape(b2, [k, n]));
			} else {
				const as = tf.unstack(a3);
				const bs = tf.unstack(b2);
				product = tf.stack(as.map((item, i) => tf.matMul(item, bs[i])));
			}
			return tf.reshape(product, [...outer, m, n]);
		});
	};
	return { ...original, kernelFunc };
}
