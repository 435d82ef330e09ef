import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * The max-pool gradient as one host pass: each dy value goes to the first largest input of its
 * window (the cpu backend's rule, so ties such as relu zeros match it exactly). tfjs-backend-wasm's
 * own MaxPoolGrad loops over every input pixel and re-scans every window that covers it, which
 * took ~7× as long as this on a small CNN's 26×26×32 activations.
 */
export const maxPoolGrad: KernelFunc = ({ inputs, attrs, backend }) => {
	const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
	const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
	const wasm = backend as BackendWasm;
	const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
	const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
	const { top, left } = info.padInfo;
	// Output first: allocating can grow the wasm heap, which would detach views taken before.
	const out = wasm.makeOutput(input.shape, 'float32');
	const x = wasm.typedArrayFromHeap(input) as Float32Array;
	const g = wasm.typedArrayFromHeap(dy) as Float32Array;
	const dx = wasm.typedArrayFromHeap(out) as Float32Array;
	dx.fill(0);
	const rowStride = inWidth * channels;
	for (let b = 0; b < batchSize; b++) {
		const image = b * inHeight * rowStride;
		for (let oy = 0; oy < outHeight; oy++) {
			const y0 = oy * strideHeight - top;
			const yFrom = Math.max(0, y0);
			const yTo = Math.min(inHeight, y0 + fh);
			for (let ox = 0; ox < outWidth; ox++) {
				const x0 = ox * strideWidth - left;
				const xFrom = Math.max(0, x0);
				const xTo = Math.min(inWidth, x0 + fw);
				const gradAt = ((b * outHeight + oy) * outWidth + ox) * channels;
				for (let c = 0; c < channels; c++) {
					let best = -Infinity;
					let where = -1;
					for (let iy = yFrom; iy < yTo; iy++) {
						for (let at = image + iy * rowStride + xFrom * channels + c, end = image + iy * rowStride + xTo * channels; at < end; at += channels) {
							if (x[at] > best) {
								best = x[at];
								where = at;
							}
						}
					}
					if (where >= 0) dx[where] += g[gradAt + c];
				}
			}
		}
	}
	return out;
};
