import * as tf from '@tensorflow/tfjs-core';

/**
 * The RECIPES.md §3 Conv2DBackpropFilter (im2col, then a transposed matMul): the least plain
 * tfjs-backend-wasm 4.22 needs to train a conv layer at all. The bench's "plain tfjs-wasm" CNN
 * row registers only this, so the gain from Kiln's kernels (workers/lib/kernels) is measured in
 * the same run. scripts/models/bench-cnn.ts registers it too.
 */
export function registerRecipeKernel(): void {
	if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
	tf.registerKernel({
		kernelName: 'Conv2DBackpropFilter',
		backendName: 'wasm',
		kernelFunc: ({ inputs, attrs }) =>
			tf.tidy(() => {
				const { x, dy } = inputs as { x: tf.Tensor4D; dy: tf.Tensor4D };
				const { strides, pad, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
				const c = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
				const { top, bottom, left, right } = c.padInfo;
				const n = x.shape[0];
				const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, inChannels: ci, outChannels: co } = c;
				const xp = tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
				const cols: tf.Tensor[] = [];
				for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) cols.push(tf.stridedSlice(xp, [0, i, j, 0], [n, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1, ci], [1, sh, sw, 1]));
				const im2col = tf.reshape(tf.concat(cols, 3), [n * oh * ow, kh * kw * ci]);
				return tf.reshape(tf.matMul(im2col, tf.reshape(dy, [n * oh * ow, co]), true, false), [kh, kw, ci, co]);
			})
	});
}
