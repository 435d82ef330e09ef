import { slice_util, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, SliceAttrs, StridedSliceAttrs, TensorInfo, TileAttrs } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Values = Float32Array | Int32Array | Uint8Array;

/**
 * Tile as block copies on the host, one axis at a time from the innermost: each pass repeats
 * contiguous blocks with TypedArray.set. tfjs-backend-wasm's Tile computes a multi-index per
 * element; batch norm's gradient tiles a per-channel vector over every pixel, and that one call
 * took longer than the whole convolution around it.
 */
export function fastTile(original: KernelConfig): KernelConfig {
	const kernelFunc: KernelFunc = (args) => {
		const { x } = args.inputs as { x: TensorInfo };
		const { reps } = args.attrs as unknown as TileAttrs;
		if (x.dtype === 'string' || x.dtype === 'complex64') return original.kernelFunc(args);
		const wasm = args.backend as BackendWasm;
		const outShape = x.shape.map((d, i) => d * reps[i]);
		const out = wasm.makeOutput(outShape, x.dtype);
		let shape = [...x.shape];
		let data: Values = (wasm.typedArrayFromHeap(x) as Values).slice();
		for (let axis = shape.length - 1; axis >= 0; axis--) {
			const times = reps[axis];
			if (times === 1) continue;
			const block = util.sizeFromShape(shape.slice(axis));
			const outer = util.sizeFromShape(shape.slice(0, axis));
			const next = new (data.constructor as { new (n: number): Values })(data.length * times);
			for (let o = 0; o < outer; o++) {
				const src = data.subarray(o * block, (o + 1) * block);
				for (let k = 0; k < times; k++) next.set(src, (o * times + k) * block);
			}
			data = next;
			shape = shape.map((d, i) => (i === axis ? d * times : d));
		}
		(wasm.typedArrayFromHeap(out) as Values).set(data);
		return out;
	};
	return { ...original, kernelFunc };
}

/**
 * Strided slices with steps other than 1 (im2col taps of a strided conv) as a host loop over
 * the output, innermost axis in a tight loop; tfjs-backend-wasm's took ~1 µs per element. Every
 * other case (identity, contiguous) keeps the original kernel.
 */
export function fastStridedSlice(original: KernelConfig): KernelConfig {
	const kernelFunc: KernelFunc = (args) => {
		const { x } = args.inputs as { x: TensorInfo };
		const a = args.attrs as unknown as StridedSliceAttrs;
		const info = slice_util.sliceInfo(x.shape, a.begin, a.end, a.strides, a.beginMask, a.endMask, a.ellipsisMask, a.newAxisMask, a.shrinkAxisMask);
		const rank = x.shape.length;
		if (info.isIdentity || info.sliceDim0 || info.isSimpleSlice || x.dtype === 'string' || x.dtype === 'complex64' || info.finalShapeSparse.length !== rank) return original.kernelFunc(args);
		const wasm = args.backend as BackendWasm;
		const out = wasm.makeOutput(info.finalShape, x.dtype);
		const src = wasm.typedArrayFromHeap(x) as Values;
		const dst = wasm.typedArrayFromHeap(out) as Values;
		const shape = info.finalShapeSparse;
		const inStrides = [...util.computeStrides(x.shape), 1];
		const last = rank - 1;
		const innerStep = info.strides[last] * inStrides[last];
		const index = new Array<number>(rank).fill(0);
		const rows = util.sizeFromShape(shape.slice(0, last));
		const width = shape[last];
		for (let r = 0, at = 0; r < rows; r++) {
			let from = info.begin[last] * inStrides[last];
			for (let d = 0; d < last; d++) from += (info.begin[d] + index[d] * info.strides[d]) * inStrides[d];
			for (let i = 0; i < width; i++, at++, from += innerStep) dst[at] = src[from];
			for (let d = last - 1; d >= 0; d--) {
				if (++index[d] < shape[d]) break;
				index[d] = 0;
			}
		}
		return out;
	};
	return { ...original, kernelFunc };
}

/**
 * Contiguous slices (a range of rows: every batch tfjs-layers' predict cuts from its input) as one
 * copy out of a view of the heap. tfjs-backend-wasm's Slice first reads the whole input out of the
 * heap (readSync copies it), so predicting 256 rows of 4,759 TF-IDF terms in batches of 32 spent
 * 8 ms a batch copying the input it had. Other slices keep the original kernel.
 */
export function fastSlice(original: KernelConfig): KernelConfig {
	const kernelFunc: KernelFunc = (args) => {
		const { x } = args.inputs as { x: TensorInfo };
		const { begin, size } = args.attrs as unknown as SliceAttrs;
		if (x.dtype === 'string' || x.dtype === 'complex64') return original.kernelFunc(args);
		const [start, extent] = slice_util.parseSliceParams(x, begin, size);
		if (!slice_util.isSliceContinous(x.shape, start, extent)) return original.kernelFunc(args);
		const wasm = args.backend as BackendWasm;
		// The output first: making it can grow the heap, which detaches views taken before.
		const out = wasm.makeOutput(extent, x.dtype);
		const offset = slice_util.computeFlatOffset(start, util.computeStrides(x.shape));
		const src = wasm.typedArrayFromHeap(x) as Values;
		(wasm.typedArrayFromHeap(out) as Values).set(src.subarray(offset, offset + util.sizeFromShape(extent)));
		return out;
	};
	return { ...original, kernelFunc };
}
