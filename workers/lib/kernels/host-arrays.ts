import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** A host view of a kernel's tensor: float32 or int32. */
export type Values = Float32Array | Int32Array;

interface CpuLike {
	data: { get(dataId: object): { values: unknown } };
	makeTensorInfo(shape: number[], dtype: DataType, values: Values): TensorInfo;
}

function isWasm(backend: unknown): boolean {
	return typeof (backend as Partial<BackendWasm>).typedArrayFromHeap === 'function';
}

/**
 * Host views of a kernel's inputs and freshly made outputs, on the wasm backend (views of its
 * heap, no copies) or on the cpu backend (its own typed arrays). Outputs are made first: making
 * one can grow the wasm heap, which detaches every view taken before.
 */
export function hostKernel(backend: unknown, inputs: TensorInfo[], outputs: { shape: number[]; dtype?: 'float32' | 'int32' }[]): { inputs: Values[]; outputs: Values[]; infos: TensorInfo[] } {
	if (isWasm(backend)) {
		// Loops that push, not Array.prototype.map: map's builtin makes holey arrays, but TurboFan's
		// inlined copy of it packed ones, so code compiled from the builtin's feedback met an array
		// of the other kind the first time it ran ("wrong map": Adam's kernel was thrown away after
		// each of its TurboFan compiles, in every worker of a tune search).
		const wasm = backend as BackendWasm;
		const infos: TensorInfo[] = [];
		const outViews: Values[] = [];
		const inViews: Values[] = [];
		for (const o of outputs) infos.push(wasm.makeOutput(o.shape, o.dtype ?? 'float32'));
		for (const t of infos) outViews.push(wasm.typedArrayFromHeap(t) as Values);
		for (const t of inputs) inViews.push(wasm.typedArrayFromHeap(t) as Values);
		return { infos, outputs: outViews, inputs: inViews };
	}
	const cpu = backend as unknown as CpuLike;
	const arrays = outputs.map((o) => {
		const size = o.shape.reduce((a, b) => a * b, 1);
		return o.dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
	});
	return {
		infos: arrays.map((values, i) => cpu.makeTensorInfo(outputs[i].shape, outputs[i].dtype ?? 'float32', values)),
		outputs: arrays,
		inputs: inputs.map((t) => cpu.data.get(t.dataId).values as Values)
	};
}
