// Bench-only stand-in: tfjs-backend-wasm 4.22 has no UnsortedSegmentSum, which the embedding
// (gather) gradient needs. The kernels helper ships the production kernel in workers/lib/kernels/;
// until it lands, the benches register this plain-JS one (RECIPES.md §3) so embeddings train on wasm.
import * as tf from '@tensorflow/tfjs-core';

interface WasmBackend {
	readSync(dataId: object): ArrayLike<number>;
	makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
	typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

export function registerWasmSegmentSum(): void {
	if (tf.getKernel('UnsortedSegmentSum', 'wasm')) return;
	tf.registerKernel({
		kernelName: 'UnsortedSegmentSum',
		backendName: 'wasm',
		kernelFunc: ({ inputs, attrs, backend }) => {
			const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
			const numSegments = (attrs as { numSegments: number }).numSegments;
			const b = backend as unknown as WasmBackend;
			const values = b.readSync(x.dataId);
			const ids = b.readSync(segmentIds.dataId);
			const inner = x.shape.slice(segmentIds.shape.length).reduce((a, c) => a * c, 1);
			const out = new Float32Array(numSegments * inner);
			for (let i = 0; i < ids.length; i++) {
				const s = ids[i];
				if (s < 0 || s >= numSegments) continue;
				for (let j = 0; j < inner; j++) out[s * inner + j] += values[i * inner + j];
			}
			const info = b.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
			b.typedArrayFromHeap(info).set(out);
			return info;
		}
	});
}
