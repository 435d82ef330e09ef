import type { GatherV2Attrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { hostKernel } from './host-arrays';

/**
 * tfjs-backend-wasm's GatherV2 works out a multi-index per element; an embedding lookup (axis 0,
 * no batch dims) is whole rows, so this copies rows (19 ms → well under 1 ms a step for the text
 * transformer's 2,048 rows of 64 in one profile). Anything else, or an index out of range (which
 * the original reports), goes to the original kernel.
 */
export function gatherRows(original: KernelConfig): KernelConfig {
	const kernelFunc: KernelFunc = (args) => {
		const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
		const { axis, batchDims } = args.attrs as unknown as GatherV2Attrs;
		const rows = x.shape[0];
		if ((axis !== 0 && axis !== -x.shape.length) || (batchDims ?? 0) !== 0 || (x.dtype !== 'float32' && x.dtype !== 'int32') || indices.dtype !== 'int32' || rows === undefined) return original.kernelFunc(args);
		const width = x.shape.slice(1).reduce((a, b) => a * b, 1);
		const ids = (args.backend as unknown as { typedArrayFromHeap(t: TensorInfo): Int32Array }).typedArrayFromHeap(indices);
		for (let i = 0; i < ids.length; i++) if (!(ids[i] >= 0 && ids[i] < rows)) return original.kernelFunc(args);
		const host = hostKernel(args.backend, [x, indices], [{ shape: [...indices.shape, ...x.shape.slice(1)], dtype: x.dtype as 'float32' | 'int32' }]);
		const [values, at] = host.inputs;
		const out = host.outputs[0];
		for (let i = 0; i < at.length; i++) out.set(values.subarray(at[i] * width, (at[i] + 1) * width), i * width);
		return host.infos[0];
	};
	return { ...original, kernelFunc };
}
