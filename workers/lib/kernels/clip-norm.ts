import { getKernel, registerKernel } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { hostKernel } from './host-arrays';

/**
 * Global-norm gradient clipping in one host kernel, on wasm and cpu, instead of a Square, a Sum and
 * a Multiply per variable plus the AddN/Sqrt/Maximum/RealDiv/Minimum chain (about 3n + 6 kernels).
 * Inputs `grad0`…`grad{n−1}`; outputs each gradient times min(1, maxNorm / max(‖g‖, 1e-12)), with
 * ‖g‖ = √(Σ over variables of Σ g²): each variable's Σ g² in float64 rounded to float32, the
 * variables' sums added and the rest in float32 as tfjs does op by op.
 */
export const CLIP_BY_GLOBAL_NORM = 'KilnClipByGlobalNorm';

export interface ClipAttrs {
	maxNorm: number;
	count: number;
}

const f = Math.fround;

export const clipByGlobalNorm: KernelFunc = ({ inputs, attrs, backend }) => {
	const { maxNorm, count } = attrs as unknown as ClipAttrs;
	const grads: TensorInfo[] = [];
	for (let i = 0; i < count; i++) grads.push((inputs as Record<string, TensorInfo>)[`grad${i}`]);
	const host = hostKernel(backend, grads, grads.map((g) => ({ shape: g.shape })));
	let total = 0;
	for (const g of host.inputs) {
		let sum = 0;
		for (let j = 0; j < g.length; j++) sum += g[j] * g[j];
		total = f(total + f(sum));
	}
	const norm = f(Math.sqrt(total));
	const scale = Math.min(1, f(f(maxNorm) / Math.max(norm, f(1e-12))));
	host.inputs.forEach((g, i) => {
		const out = host.outputs[i];
		if (scale === 1) out.set(g);
		else for (let j = 0; j < g.length; j++) out[j] = g[j] * scale;
	});
	return host.infos;
};

/** Register the kernel for the wasm and cpu backends; a no-op once done. */
export function registerClipKernel(): void {
	for (const backendName of ['wasm', 'cpu']) {
		if (!getKernel(CLIP_BY_GLOBAL_NORM, backendName)) registerKernel({ kernelName: CLIP_BY_GLOBAL_NORM, backendName, kernelFunc: clipByGlobalNorm });
	}
}
