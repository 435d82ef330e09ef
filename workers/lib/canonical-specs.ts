import type { DataType } from '@tensorflow/tfjs-core';

/** tfjs's dtypes as literals of this code: V8 keeps a literal string internalised. */
const DTYPES: Record<DataType, DataType> = { float32: 'float32', int32: 'int32', bool: 'bool', complex64: 'complex64', string: 'string' };

/**
 * Weight specs as tfjs builds its own: shapes packed arrays of small integers, dtypes internalised
 * strings. Specs that came through structured clone (IndexedDB, postMessage) hold a shape of V8's
 * generic holey array kind and a dtype that is a plain, not internalised, string. The first
 * tensor built on such a spec widened what V8 knew of the Tensor class and of tfjs's dtype checks,
 * and V8 threw away every compiled tfjs path at once: "wrong map" (sizeFromShape, Tensor,
 * makeTensor …) and "wrong instance type" (BackendWasm.write, bytesPerElement, Engine.trackTensor
 * …) at a tune search's first promotion from a checkpoint, in each worker, which then compiled it
 * all again. Arrays built by push keep the packed kind.
 */
export function canonicalSpecs<S extends { shape: readonly number[]; dtype?: string }>(specs: readonly S[]): S[] {
	return specs.map((spec) => {
		const shape: number[] = [];
		for (const d of spec.shape) shape.push(d);
		const dtype = spec.dtype === undefined || !Object.hasOwn(DTYPES, spec.dtype) ? spec.dtype : DTYPES[spec.dtype as DataType];
		return { ...spec, shape, ...(dtype === undefined ? {} : { dtype }) };
	});
}
