import * as tf from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, Conv2DBackpropInputAttrs, KernelFunc, Tensor, Tensor4D } from '@tensorflow/tfjs-core';

/**
 * Floats one im2col chunk may hold (16 MB). A batch of 128 28×28 images under a 3×3×32 filter
 * would need ~100 MB at once; chunking over the batch bounds that at the cost of a few more
 * (still large) matMuls.
 */
export const IM2COL_BUDGET = 1 << 22;

type Padding = Conv2DBackpropFilterAttrs['pad'];

export function requireNhwc(dataFormat: string | undefined, kernel: string): void {
	if (dataFormat === 'NCHW') throw new Error(`${kernel} on the wasm backend supports only channels-last (NHWC) data.`);
}

/**
 * Insert stride−1 zeros after every row and column of dy, so that the gradient of a strided
 * convolution becomes a stride-1 convolution. Two 4-D pads keep it on kernels wasm has.
 */
export function dilate(dy: Tensor4D, sh: number, sw: number): Tensor4D {
	if (sh === 1 && sw === 1) return dy;
	const [n, oh, ow, c] = dy.shape;
	let g: Tensor = dy;
	if (sw > 1) g = tf.pad(tf.reshape(g, [n * oh, ow, 1, c]), [[0, 0], [0, 0], [0, sw - 1], [0, 0]]);
	if (sh > 1) g = tf.pad(tf.reshape(g, [n, oh, 1, ow * sw * c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0]]);
	return tf.reshape(g, [n, oh * sh, ow * sw, c]);
}

/**
 * Crop g where an amount is negative, and return the (non-negative) padding that makes a
 * stride-1 'valid' correlation with a kh×kw filter yield exactly outH×outW. The padding goes
 * to the convolution itself, which XNNPACK applies without copying g.
 */
export function fullCorrelationPadding(g: Tensor4D, top: number, left: number, outH: number, outW: number, kh: number, kw: number): { g: Tensor4D; pad: [[0, 0], [number, number], [number, number], [0, 0]] } {
	const bottom = outH + kh - 1 - top - g.shape[1];
	const right = outW + kw - 1 - left - g.shape[2];
	const crop = [Math.max(0, -top), Math.max(0, -left), Math.max(0, -bottom), Math.max(0, -right)];
	const cropped = crop.some((c) => c > 0) ? tf.slice(g, [0, crop[0], crop[1], 0], [g.shape[0], g.shape[1] - crop[0] - crop[2], g.shape[2] - crop[1] - crop[3], g.shape[3]]) : g;
	return { g: cropped, pad: [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]] };
}

/**
 * The input gradient of a 2-D convolution as one stride-1 convolution (XNNPACK) of the
 * zero-dilated dy with the filter turned 180° and its in/out channels swapped. tfjs-backend-wasm's
 * own Conv2DBackpropInput is a scalar C++ loop, ~10× slower on a small CNN's second layer.
 */
export const conv2dBackpropInput: KernelFunc = ({ inputs, attrs }) => {
	const { dy, filter } = inputs as { dy: Tensor4D; filter: Tensor4D };
	const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
	requireNhwc(dataFormat, 'Conv2DBackpropInput');
	const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
	const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight, inWidth } = info;
	return tf.tidy(() => {
		const { g, pad } = fullCorrelationPadding(dilate(dy, sh, sw), kh - 1 - info.padInfo.top, kw - 1 - info.padInfo.left, inHeight, inWidth, kh, kw);
		const turned = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as Tensor4D;
		return tf.conv2d(g, turned, 1, pad);
	});
};

/**
 * Columns of the padded input for every filter tap, built already transposed: row
 * (i·kw + j)·ci + c, column (n, y, x). Transposing x (small) instead of the columns (kh·kw times
 * larger) keeps the following matMul untransposed, which is what reaches XNNPACK on wasm.
 */
function im2colTransposed(xT: Tensor4D, kh: number, kw: number, sh: number, sw: number, oh: number, ow: number): tf.Tensor2D {
	const [ci, n] = xT.shape;
	const taps: Tensor[] = [];
	for (let i = 0; i < kh; i++) {
		for (let j = 0; j < kw; j++) {
			const tap = sh === 1 && sw === 1 ? tf.slice(xT, [0, 0, i, j], [ci, n, oh, ow]) : tf.stridedSlice(xT, [0, 0, i, j], [ci, n, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1], [1, 1, sh, sw]);
			taps.push(tf.reshape(tap, [ci, n * oh * ow]));
		}
	}
	return (taps.length === 1 ? taps[0] : tf.concat(taps, 0)) as tf.Tensor2D;
}

/**
 * Input channels from which the filter gradient is computed as a convolution rather than by
 * im2col. With few channels (a first layer on grayscale or RGB images) the im2col matrix is
 * small and its matMul fast; with more, building it costs more than XNNPACK's own im2col
 * (measured ~2× on a 32-channel layer, the opposite on a 1-channel one). A 1×1 filter's
 * im2col is x itself, so pointwise convs always take the im2col path.
 */
export const CONV_FILTER_GRAD_MIN_CHANNELS = 8;

/** The filter gradient of a 2-D convolution, on XNNPACK either way. */
export const conv2dBackpropFilter: KernelFunc = ({ inputs, attrs }) => {
	const { x, dy } = inputs as { x: Tensor4D; dy: Tensor4D };
	const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
	requireNhwc(dataFormat, 'Conv2DBackpropFilter');
	// A 1×1 filter's im2col is x itself (transposed): nothing to gain from the convolution.
	if (filterShape[2] >= CONV_FILTER_GRAD_MIN_CHANNELS && filterShape[0] * filterShape[1] > 1) return filterGradientByConv(x, dy, filterShape, strides, pad, dimRoundingMode);
	return filterGradient(x, dy, filterShape, strides, pad, dimRoundingMode);
};

/**
 * dW[i, j, c, o] = Σ over (n, y, x) of x[n, y·s+i, x·s+j, c] · dy[n, y, x, o] is itself a
 * convolution: of x seen as ci images with the batch as channels ([ci, H, W, n]) by dy seen as
 * an oh×ow filter from n to co channels, dilated by the stride. Its output [ci, kh, kw, co] is
 * transposed into place.
 */
export function filterGradientByConv(x: Tensor4D, dy: Tensor4D, filterShape: [number, number, number, number], strides: [number, number] | number, pad: Padding, dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined): Tensor {
	const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
	const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inChannels: ci, outChannels: co } = info;
	const { top, bottom, left, right } = info.padInfo;
	return tf.tidy(() => {
		const images = tf.transpose(x, [3, 1, 2, 0]) as Tensor4D;
		const filter = tf.transpose(dy, [1, 2, 0, 3]) as Tensor4D;
		let out = tf.conv2d(images, filter, 1, [[0, 0], [top, bottom], [left, right], [0, 0]], 'NHWC', [sh, sw]);
		// 'same' padding can leave rows or columns past the filter: they belong to no tap.
		if (out.shape[1] !== kh || out.shape[2] !== kw) out = tf.slice(out, [0, 0, 0, 0], [ci, kh, kw, co]);
		return tf.transpose(out, [1, 2, 0, 3]);
	});
}

export function filterGradient(x: Tensor4D, dy: Tensor4D, filterShape: [number, number, number, number], strides: [number, number] | number, pad: Padding, dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined, budget = IM2COL_BUDGET): Tensor {
	const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
	const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, inChannels: ci, outChannels: co } = info;
	const { top, bottom, left, right } = info.padInfo;
	const n = x.shape[0];
	const chunk = Math.max(1, Math.floor(budget / (kh * kw * ci * oh * ow)));
	return tf.tidy(() => {
		let xT = tf.transpose(x, [3, 0, 1, 2]) as Tensor4D;
		if (top || bottom || left || right) xT = tf.pad(xT, [[0, 0], [0, 0], [top, bottom], [left, right]]);
		let sum: Tensor | null = null;
		for (let start = 0; start < n; start += chunk) {
			const size = Math.min(chunk, n - start);
			const part = size === n ? xT : tf.slice(xT, [0, start, 0, 0], [ci, size, -1, -1]);
			const dyPart = size === n ? dy : tf.slice(dy, [start, 0, 0, 0], [size, -1, -1, -1]);
			const cols = im2colTransposed(part, kh, kw, sh, sw, oh, ow);
			const product = tf.matMul(cols, tf.reshape(dyPart, [size * oh * ow, co]));
			sum = sum ? tf.add(sum, product) : product;
		}
		return tf.reshape(sum!, filterShape);
	});
}
