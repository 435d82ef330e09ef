import * as tf from '@tensorflow/tfjs-core';
import type { DepthwiseConv2dNativeBackpropFilterAttrs, DepthwiseConv2dNativeBackpropInputAttrs, KernelFunc, Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { dilate, fullCorrelationPadding } from './conv-grads';

function requireUnitDilation(dilations: [number, number] | number, kernel: string): void {
	const [dh, dw] = typeof dilations === 'number' ? [dilations, dilations] : dilations;
	if (dh !== 1 || dw !== 1) throw new Error(`${kernel} on the wasm backend supports only dilation 1 (got ${dh}×${dw}).`);
}

/**
 * dW[i, j, c, m] = Σ over (n, y, x) of x[n, y·s+i, x·s+j, c] · dy[n, y, x, c·M+m]: for each tap an
 * elementwise product with dy, summed over its rows (a leading-axes Sum, see reduce.ts).
 */
export const depthwiseBackpropFilter: KernelFunc = ({ inputs, attrs }) => {
	const { x, dy } = inputs as { x: Tensor4D; dy: Tensor4D };
	const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
	requireUnitDilation(dilations, 'DepthwiseConv2dNativeBackpropFilter');
	const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, true, 'channelsLast');
	const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
	const { top, bottom, left, right } = info.padInfo;
	const [n, , , ci] = x.shape;
	const multiplier = filterShape[3];
	const rows = n * oh * ow;
	return tf.tidy(() => {
		const xp = top || bottom || left || right ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
		const grad = tf.reshape(dy, [rows, ci, multiplier]);
		const taps: Tensor[] = [];
		for (let i = 0; i < kh; i++) {
			for (let j = 0; j < kw; j++) {
				const tap = tf.stridedSlice(xp, [0, i, j, 0], [n, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1, ci], [1, sh, sw, 1]);
				const product = tf.mul(tf.reshape(tap, [rows, ci, 1]), grad);
				taps.push(tf.sum(tf.reshape(product, [rows, ci * multiplier]), 0));
			}
		}
		return tf.reshape(tf.stack(taps), filterShape);
	});
};

/**
 * dx as one stride-1 depthwise convolution (XNNPACK) of the zero-dilated dy with the filter
 * turned 180°, each of the ci·M gradient channels on its own, then the M channels that came from
 * the same input channel summed.
 */
export const depthwiseBackpropInput: KernelFunc = ({ inputs, attrs }) => {
	const { dy, filter } = inputs as { dy: Tensor4D; filter: Tensor4D };
	const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
	requireUnitDilation(dilations, 'DepthwiseConv2dNativeBackpropInput');
	const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, strides, 1, pad, dimRoundingMode, true, 'channelsLast');
	const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight, inWidth } = info;
	const [n, , , ci] = inputShape;
	const multiplier = filter.shape[3];
	return tf.tidy(() => {
		const { g, pad } = fullCorrelationPadding(dilate(dy, sh, sw), kh - 1 - info.padInfo.top, kw - 1 - info.padInfo.left, inHeight, inWidth, kh, kw);
		const turned = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, ci * multiplier, 1]) as Tensor4D;
		const perChannel = tf.depthwiseConv2d(g, turned, 1, pad);
		return multiplier === 1 ? perChannel : tf.sum(tf.reshape(perChannel, [n, inHeight, inWidth, ci, multiplier]), 4);
	});
};
