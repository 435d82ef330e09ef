import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * tfjs-backend-wasm's Identity copies its input into a new buffer. The engine clones every tensor
 * a gradient needs (saveTensorsForBackwardMode), so each differentiable kernel of a training step
 * on wasm paid a copy of its inputs or outputs (220 copies a step for the text transformer). Tensors are
 * immutable and a variable's assign swaps its data id, so the cpu backend simply shares the data
 * and counts a reference; this does the same on wasm, as its own Reshape already does.
 */
export function sharedIdentity(original: KernelConfig): KernelConfig {
	const kernelFunc: KernelFunc = (args) => {
		const x = args.inputs.x as TensorInfo;
		if (x.dtype === 'string') return original.kernelFunc(args);
		(args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
		return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
	};
	return { ...original, kernelFunc };
}
