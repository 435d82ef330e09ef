import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Kernel names of batch-norm in training mode (+ an optional relu), for vision/fast-forward.ts. */
export const BATCH_NORM_TRAIN = 'KilnBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'KilnBatchNormTrainGrad';

export interface BatchNormTrainAttrs {
	epsilon: number;
	relu: boolean;
}

/**
 * y = γ·(x − mean)/√(var + ε) + β over the last axis, with the batch's mean and (biased)
 * variance, as tfjs-layers' BatchNormalization computes in training, then relu if asked.
 * Outputs [y, mean, variance]. Two host passes; tfjs's ops take about ten.
 */
export const batchNormTrain: KernelFunc = ({ inputs, attrs, backend }) => {
	const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
	const { epsilon, relu } = attrs as unknown as BatchNormTrainAttrs;
	const wasm = backend as BackendWasm;
	const c = x.shape[x.shape.length - 1];
	const y = wasm.makeOutput(x.shape, 'float32');
	const meanOut = wasm.makeOutput([c], 'float32');
	const varOut = wasm.makeOutput([c], 'float32');
	const xv = wasm.typedArrayFromHeap(x) as Float32Array;
	const g = wasm.typedArrayFromHeap(gamma) as Float32Array;
	const b = wasm.typedArrayFromHeap(beta) as Float32Array;
	const rows = xv.length / c;
	const mean = new Float64Array(c);
	const sq = new Float64Array(c);
	for (let at = 0; at < xv.length; at += c) for (let k = 0; k < c; k++) mean[k] += xv[at + k];
	for (let k = 0; k < c; k++) mean[k] /= rows;
	for (let at = 0; at < xv.length; at += c) {
		for (let k = 0; k < c; k++) {
			const d = xv[at + k] - mean[k];
			sq[k] += d * d;
		}
	}
	const scale = new Float32Array(c);
	const shift = new Float32Array(c);
	const meanV = wasm.typedArrayFromHeap(meanOut) as Float32Array;
	const varV = wasm.typedArrayFromHeap(varOut) as Float32Array;
	for (let k = 0; k < c; k++) {
		meanV[k] = mean[k];
		varV[k] = sq[k] / rows;
		scale[k] = g[k] / Math.sqrt(varV[k] + epsilon);
		shift[k] = b[k] - meanV[k] * scale[k];
	}
	const yv = wasm.typedArrayFromHeap(y) as Float32Array;
	for (let at = 0; at < xv.length; at += c) {
		for (let k = 0; k < c; k++) {
			const v = xv[at + k] * scale[k] + shift[k];
			yv[at + k] = relu && v < 0 ? 0 : v;
		}
	}
	return [y, meanOut, varOut];
};

/**
 * Gradients of batchNormTrain: with g = dy (masked by y > 0 after a relu) and x̂ the normalised
 * input, dβ = Σg, dγ = Σ g·x̂ and dx = γ/√(var + ε) · (g − dβ/N − x̂·dγ/N). Outputs [dx, dγ, dβ].
 */
export const batchNormTrainGrad: KernelFunc = ({ inputs, attrs, backend }) => {
	const { dy, x, y, gamma, mean, variance } = inputs as Record<string, TensorInfo>;
	const { epsilon, relu } = attrs as unknown as BatchNormTrainAttrs;
	const wasm = backend as BackendWasm;
	const c = x.shape[x.shape.length - 1];
	const dx = wasm.makeOutput(x.shape, 'float32');
	const dGamma = wasm.makeOutput([c], 'float32');
	const dBeta = wasm.makeOutput([c], 'float32');
	// One call each, not a destructured Array.prototype.map: see hostKernel (host-arrays.ts) on the arrays' kind.
	const view = (t: TensorInfo) => wasm.typedArrayFromHeap(t) as Float32Array;
	const gv = view(dy);
	const xv = view(x);
	const yv = view(y);
	const gam = view(gamma);
	const mv = view(mean);
	const vv = view(variance);
	const rows = xv.length / c;
	const inv = Float64Array.from(vv, (v) => 1 / Math.sqrt(v + epsilon));
	const sumG = new Float64Array(c);
	const sumGX = new Float64Array(c);
	for (let at = 0; at < xv.length; at += c) {
		for (let k = 0; k < c; k++) {
			const g = relu && yv[at + k] <= 0 ? 0 : gv[at + k];
			sumG[k] += g;
			sumGX[k] += g * (xv[at + k] - mv[k]) * inv[k];
		}
	}
	const dxv = wasm.typedArrayFromHeap(dx) as Float32Array;
	for (let at = 0; at < xv.length; at += c) {
		for (let k = 0; k < c; k++) {
			const g = relu && yv[at + k] <= 0 ? 0 : gv[at + k];
			const xhat = (xv[at + k] - mv[k]) * inv[k];
			dxv[at + k] = gam[k] * inv[k] * (g - sumG[k] / rows - (xhat * sumGX[k]) / rows);
		}
	}
	(wasm.typedArrayFromHeap(dGamma) as Float32Array).set(sumGX);
	(wasm.typedArrayFromHeap(dBeta) as Float32Array).set(sumG);
	return [dx, dGamma, dBeta];
};
