import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Kernel name for the backward pass of relu (and an optional max-pool) after a conv with bias. */
export const RELU_POOL_GRAD = 'KilnReluPoolGrad';

export interface ReluPoolGradAttrs {
	/** [height, width] of the max-pool window, or [0, 0] when there is no pool. */
	filterSize: [number, number];
	strides: [number, number];
	pad: 'same' | 'valid';
}

/**
 * Given z = relu(conv + bias) and the gradient dy of maxPool(z) (or of z itself), returns the
 * gradient of the pre-activation, dz, and of the bias, db = Σ dz over batch and space, in one
 * host pass. tfjs's autodiff does the same in five passes (MaxPoolGrad, Step, Cast, Multiply,
 * Sum). The pool rule is tfjs's: each window's gradient goes to its first largest value, and
 * since z ≥ 0, a window whose largest value is 0 passes nothing back through the relu.
 */
export const reluPoolGrad: KernelFunc = ({ inputs, attrs, backend }) => {
	const { dy, z } = inputs as { dy: TensorInfo; z: TensorInfo };
	const { filterSize, strides, pad } = attrs as unknown as ReluPoolGradAttrs;
	const wasm = backend as BackendWasm;
	const [n, h, w, c] = z.shape;
	const dz = wasm.makeOutput(z.shape, 'float32');
	const db = wasm.makeOutput([c], 'float32');
	const zv = wasm.typedArrayFromHeap(z) as Float32Array;
	const g = wasm.typedArrayFromHeap(dy) as Float32Array;
	const out = wasm.typedArrayFromHeap(dz) as Float32Array;
	const bias = new Float64Array(c);
	if (filterSize[0] === 0) {
		for (let i = 0; i < out.length; i++) out[i] = zv[i] > 0 ? g[i] : 0;
		for (let i = 0, k = 0; i < out.length; i++, k = k + 1 === c ? 0 : k + 1) bias[k] += out[i];
	} else {
		out.fill(0);
		const info = backend_util.computePool2DInfo(z.shape as [number, number, number, number], filterSize, strides, 1, pad);
		const { outHeight, outWidth, strideHeight: sh, strideWidth: sw, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
		const { top, left } = info.padInfo;
		const row = w * c;
		if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0 && 2 * outHeight <= h && 2 * outWidth <= w) {
			pool2x2(zv, g, out, bias, n, h, row, c, outHeight, outWidth);
		} else for (let b = 0; b < n; b++) {
			const image = b * h * row;
			for (let oy = 0; oy < outHeight; oy++) {
				const y0 = Math.max(0, oy * sh - top);
				const y1 = Math.min(h, oy * sh - top + fh);
				for (let ox = 0; ox < outWidth; ox++) {
					const x0 = Math.max(0, ox * sw - left);
					const x1 = Math.min(w, ox * sw - left + fw);
					const gradAt = ((b * outHeight + oy) * outWidth + ox) * c;
					for (let k = 0; k < c; k++) {
						let best = 0;
						let where = -1;
						for (let iy = y0; iy < y1; iy++) {
							for (let at = image + iy * row + x0 * c + k, end = image + iy * row + x1 * c; at < end; at += c) {
								if (zv[at] > best) {
									best = zv[at];
									where = at;
								}
							}
						}
						if (where >= 0) {
							out[where] += g[gradAt + k];
							bias[k] += g[gradAt + k];
						}
					}
				}
			}
		}
	}
	const biasOut = wasm.typedArrayFromHeap(db) as Float32Array;
	for (let k = 0; k < c; k++) biasOut[k] = bias[k];
	return [dz, db];
};

/**
 * The common 2×2, stride-2 pool whose windows all lie inside the image, unrolled: four loads per
 * window and channel and no inner loops, ~4× faster than the general loop on a 26×26×32 layer.
 * Same rule: the first largest of (top-left, top-right, bottom-left, bottom-right), if above 0.
 */
function pool2x2(zv: Float32Array, g: Float32Array, out: Float32Array, bias: Float64Array, n: number, h: number, row: number, c: number, outHeight: number, outWidth: number): void {
	for (let b = 0; b < n; b++) {
		for (let oy = 0; oy < outHeight; oy++) {
			const top = (b * h + 2 * oy) * row;
			let gradAt = ((b * outHeight + oy) * outWidth) * c;
			for (let ox = 0; ox < outWidth; ox++, gradAt += c) {
				const p = top + 2 * ox * c;
				for (let k = 0; k < c; k++) {
					const a = p + k;
					let at = -1;
					let best = 0;
					if (zv[a] > best) (best = zv[a]), (at = a);
					if (zv[a + c] > best) (best = zv[a + c]), (at = a + c);
					if (zv[a + row] > best) (best = zv[a + row]), (at = a + row);
					if (zv[a + row + c] > best) at = a + row + c;
					if (at >= 0) {
						const gk = g[gradAt + k];
						out[at] = gk;
						bias[k] += gk;
					}
				}
			}
		}
	}
}
