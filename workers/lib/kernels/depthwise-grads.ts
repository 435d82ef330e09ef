import * as tf from '@tensorflow/tfjs-core';
import type { DepthwiseConv2dNativeBackpropInputAttrs, KernelFunc, Tensor4D } from '@tensorflow/tfjs-core';
import { dilate, fullCorrelationPadding } from './conv-grads';

export { depthwiseBackpropFilter } from './depthwise-filter-grad';

function requireUnitDilation(dilations: [number, number] | number, kernel: string): void {
	const [dh, dw] = typeof dilations === 'number' ? [dilations, dilations] : dilations;
	if (dh !== 1 || dw !== 1) throw new Error(`${kernel} on the wasm backend supports only dilation 1 (got ${dh}×${dw}).`);
}

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
