import { util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * out[s, …] = Σ over the positions p with segmentIds[p] = s of x[p, …], where segmentIds covers
 * the leading axes of x (any rank) and ids outside [0, numSegments) are dropped, as on the cpu
 * backend. A host loop over the wasm heap: one pass over x, whatever the number of segments
 * (the cpu kernel makes one full-size mask per segment, which for a 20k-word vocabulary would
 * be 20k passes).
 */
export const unsortedSegmentSum: KernelFunc = ({ inputs, attrs, backend }) => {
	const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
	const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
	const wasm = backend as BackendWasm;
	const idRank = segmentIds.shape.length;
	if (segmentIds.shape.some((d, i) => d !== x.shape[i])) {
		throw new Error(`UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must match the leading axes of x [${x.shape}].`);
	}
	const innerShape = x.shape.slice(idRank);
	const inner = util.sizeFromShape(innerShape);
	const ids = wasm.readSync(segmentIds.dataId) as ArrayLike<number>;
	const values = wasm.readSync(x.dataId) as Float32Array | Int32Array;
	const out = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
	for (let p = 0; p < ids.length; p++) {
		const s = ids[p];
		if (!(s >= 0 && s < numSegments)) continue;
		const to = s * inner;
		const from = p * inner;
		for (let k = 0; k < inner; k++) out[to + k] += values[from + k];
	}
	return wasm.makeOutput([numSegments, ...innerShape], x.dtype === 'int32' ? 'int32' : 'float32', undefined, out);
};
