import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { packQuantized, readWeights, type WeightEntry } from './tfjs-weights';
import type { QuantizedArtifacts, QuantizedWeightSpec, TfjsStorageDtype } from './types';

export interface TfjsQuantizeOptions {
	/** Which float32 weights to quantise (default all, as tfjs-converter's `--quantize_uint8 '*'`). */
	include?: (weight: { name: string; shape: number[] }) => boolean;
}

/**
 * tfjs storage quantisation: weights stored as uint8 / uint16 (affine, zero exact) or float16
 * in the manifest format tfjs-converter writes, so `tf.loadLayersModel(tf.io.fromMemory(...))`
 * loads the result unchanged. Compute stays float32: this shrinks files, not latency.
 * Already-quantised artifacts are dequantised first, then quantised again.
 */
export function quantizeTfjs(artifacts: ModelArtifacts, dtype: TfjsStorageDtype = 'uint8', options: TfjsQuantizeOptions = {}): QuantizedArtifacts {
	if (dtype !== 'uint8' && dtype !== 'uint16' && dtype !== 'float16') throw new KilnError('ExportError', `Unknown tfjs quantisation "${String(dtype)}"; use uint8, uint16 or float16.`);
	const entries = readWeights(artifacts);
	const include = options.include ?? (() => true);
	return packQuantized(artifacts, entries, dtype, (e: WeightEntry) => include({ name: e.name, shape: e.shape }));
}
