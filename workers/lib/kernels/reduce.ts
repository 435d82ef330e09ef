import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Elements below which the original kernel's transpose is cheap enough to keep. */
export const MIN_LEADING_REDUCE = 1 << 14;

/** The number of leading axes `axis` reduces, or 0 when it is not exactly a run of leading axes. */
function leadingAxes(axis: number | number[], rank: number): number {
	const axes = [...new Set(tf.util.parseAxisParam(axis, [...Array(rank)].map(() => 1)))].sort((a, b) => a - b);
	return axes.length < rank && axes.every((a, i) => a === i) ? axes.length : 0;
}

/**
 * Sum and Mean over leading axes (a conv bias gradient sums over batch, height and width; batch
 * norm's moments average over them): tfjs-backend-wasm transposes the whole tensor to put those
 * axes last first, ~20× the cost of the reduction itself, and a ones-vector matMul is no better
 * (XNNPACK repacks the whole matrix as weights). One host pass over the rows, accumulating in
 * float64, does it in place. Other reductions keep the original kernel.
 */
export function leadingReduce(original: KernelConfig, mean: boolean): KernelConfig {
	const kernelFunc: KernelFunc = (args) => {
		const { x } = args.inputs as { x: TensorInfo };
		const { axis, keepDims } = args.attrs as unknown as SumAttrs;
		const lead = x.dtype === 'float32' ? leadingAxes(axis, x.shape.length) : 0;
		const size = tf.util.sizeFromShape(x.shape);
		if (lead === 0 || size < MIN_LEADING_REDUCE) return original.kernelFunc(args);
		const wasm = args.backend as BackendWasm;
		const rest = x.shape.slice(lead);
		const width = tf.util.sizeFromShape(rest);
		const rows = size / width;
		const out = wasm.makeOutput(keepDims ? [...x.shape.slice(0, lead).map(() => 1), ...rest] : rest, 'float32');
		// Views after the allocation: growing the heap would detach earlier ones.
		const values = wasm.typedArrayFromHeap(x) as Float32Array;
		const acc = new Float64Array(width);
		for (let r = 0, at = 0; r < rows; r++) for (let c = 0; c < width; c++, at++) acc[c] += values[at];
		const target = wasm.typedArrayFromHeap(out) as Float32Array;
		for (let c = 0; c < width; c++) target[c] = mean ? acc[c] / rows : acc[c];
		return out;
	};
	return { ...original, kernelFunc };
}
