import { backend_util } from '@tensorflow/tfjs-core';
import type { DepthwiseConv2dNativeBackpropFilterAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * dW[i, j, c, m] = Σ over (n, y, x) of x[n, y·s+i−top, x·s+j−left, c] · dy[n, y, x, c·M+m], as one
 * host pass over dy per filter tap. Its work is only kh·kw multiply-adds per dy value; done
 * with tensor ops it needed a strided slice, a product and a reduction per tap, each a full
 * pass over memory.
 */
export const depthwiseBackpropFilter: KernelFunc = ({ inputs, attrs, backend }) => {
	const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
	const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
	const [dh, dw] = typeof dilations === 'number' ? [dilations, dilations] : dilations;
	if (dh !== 1 || dw !== 1) throw new Error(`DepthwiseConv2dNativeBackpropFilter on the wasm backend supports only dilation 1 (got ${dh}×${dw}).`);
	const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, true, 'channelsLast');
	const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
	const { top, left } = info.padInfo;
	const m = filterShape[3];
	const co = ci * m;
	const wasm = backend as BackendWasm;
	const out = wasm.makeOutput(filterShape, 'float32');
	const xv = wasm.typedArrayFromHeap(x) as Float32Array;
	const g = wasm.typedArrayFromHeap(dy) as Float32Array;
	const acc = new Float64Array(kh * kw * co);
	for (let b = 0; b < n; b++) {
		for (let y = 0; y < oh; y++) {
			for (let xo = 0; xo < ow; xo++) {
				const gAt = ((b * oh + y) * ow + xo) * co;
				for (let i = 0; i < kh; i++) {
					const iy = y * sh + i - top;
					if (iy < 0 || iy >= h) continue;
					for (let j = 0; j < kw; j++) {
						const ix = xo * sw + j - left;
						if (ix < 0 || ix >= w) continue;
						const xAt = ((b * h + iy) * w + ix) * ci;
						const tap = (i * kw + j) * co;
						if (m === 1) {
							for (let c = 0; c < ci; c++) acc[tap + c] += xv[xAt + c] * g[gAt + c];
						} else {
							for (let c = 0; c < ci; c++) {
								const v = xv[xAt + c];
								for (let k = 0; k < m; k++) acc[tap + c * m + k] += v * g[gAt + c * m + k];
							}
						}
					}
				}
			}
		}
	}
	(wasm.typedArrayFromHeap(out) as Float32Array).set(acc);
	return out;
};
