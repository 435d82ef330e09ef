import { engine, getGradient, getKernel, registerGradient, registerKernel } from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { hostKernel } from './host-arrays';

/**
 * Layer normalisation over the last axis as one host kernel each way, on wasm and cpu, in place of
 * tfjs's moments/sub/div/sqrt/mul/add chain (about 8 kernels forward and 20 backward, each saving
 * its inputs). Same maths as text/nn/layers.ts' layerNorm: y = (x − mean) / √(var + ε) · γ + β with
 * the population variance; each row's statistics in float64, outputs rounded once to float32.
 * Outputs y and, for the gradient, each row's mean and 1/√(var + ε).
 */
export const LAYER_NORM = 'KilnLayerNorm';
export const LAYER_NORM_GRAD = 'KilnLayerNormGrad';

export interface LayerNormAttrs {
	epsilon: number;
}

export const layerNorm: KernelFunc = ({ inputs, attrs, backend }) => {
	const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
	const { epsilon } = attrs as unknown as LayerNormAttrs;
	const d = x.shape[x.shape.length - 1];
	const rows = x.shape.reduce((a, b) => a * b, 1) / d;
	const host = hostKernel(backend, [x, gamma, beta], [{ shape: x.shape }, { shape: [rows] }, { shape: [rows] }]);
	const [xs, g, bt] = host.inputs;
	const [y, means, rstds] = host.outputs;
	for (let r = 0, at = 0; r < rows; r++, at += d) {
		let sum = 0;
		for (let j = 0; j < d; j++) sum += xs[at + j];
		const mean = sum / d;
		let sq = 0;
		for (let j = 0; j < d; j++) sq += (xs[at + j] - mean) ** 2;
		const rstd = 1 / Math.sqrt(sq / d + epsilon);
		for (let j = 0; j < d; j++) y[at + j] = (xs[at + j] - mean) * rstd * g[j] + bt[j];
		means[r] = mean;
		rstds[r] = rstd;
	}
	return host.infos;
};

/** Inputs dy, x, gamma, mean, rstd; outputs dx, dγ, dβ. */
export const layerNormGrad: KernelFunc = ({ inputs, backend }) => {
	const { dy, x, gamma, mean, rstd } = inputs as { dy: TensorInfo; x: TensorInfo; gamma: TensorInfo; mean: TensorInfo; rstd: TensorInfo };
	const d = x.shape[x.shape.length - 1];
	const rows = x.shape.reduce((a, b) => a * b, 1) / d;
	const host = hostKernel(backend, [dy, x, gamma, mean, rstd], [{ shape: x.shape }, { shape: [d] }, { shape: [d] }]);
	const [g, xs, gm, means, rstds] = host.inputs;
	const [dx, dGamma, dBeta] = host.outputs;
	const sumGamma = new Float64Array(d);
	const sumBeta = new Float64Array(d);
	const xhat = new Float64Array(d);
	for (let r = 0, at = 0; r < rows; r++, at += d) {
		const mu = means[r];
		const s = rstds[r];
		let meanDx = 0;
		let meanDxX = 0;
		for (let j = 0; j < d; j++) {
			const xh = (xhat[j] = (xs[at + j] - mu) * s);
			const dxh = g[at + j] * gm[j];
			meanDx += dxh;
			meanDxX += dxh * xh;
			sumGamma[j] += g[at + j] * xh;
			sumBeta[j] += g[at + j];
		}
		meanDx /= d;
		meanDxX /= d;
		for (let j = 0; j < d; j++) dx[at + j] = s * (g[at + j] * gm[j] - meanDx - xhat[j] * meanDxX);
	}
	dGamma.set(sumGamma);
	dBeta.set(sumBeta);
	return host.infos;
};

/** Register both kernels for wasm and cpu and the forward's gradient; a no-op once done. */
export function registerLayerNormKernels(): void {
	for (const backendName of ['wasm', 'cpu']) {
		if (!getKernel(LAYER_NORM, backendName)) registerKernel({ kernelName: LAYER_NORM, backendName, kernelFunc: layerNorm });
		if (!getKernel(LAYER_NORM_GRAD, backendName)) registerKernel({ kernelName: LAYER_NORM_GRAD, backendName, kernelFunc: layerNormGrad });
	}
	if (getGradient(LAYER_NORM)) return;
	registerGradient({
		kernelName: LAYER_NORM,
		inputsToSave: ['x', 'gamma'],
		outputsToSave: [false, true, true],
		// The statistics outputs are internal (nothing downstream reads them), so only dy of y counts.
		gradFunc: (dys, saved) => {
			const [dy] = dys as Tensor[];
			const [x, gamma, mean, rstd] = saved;
			const [dx, dGamma, dBeta] = engine().runKernel(LAYER_NORM_GRAD, { dy, x, gamma, mean, rstd }) as Tensor[];
			return { x: () => dx, gamma: () => dGamma, beta: () => dBeta };
		}
	});
}

/** x [..., d] normalised over d; differentiable in x, γ and β. */
export function layerNormKernel(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number): Tensor {
	registerLayerNormKernels();
	return (engine().runKernel(LAYER_NORM, { x, gamma, beta }, { epsilon } as unknown as NamedAttrMap) as Tensor[])[0];
}
