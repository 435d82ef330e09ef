import type { ModelArtifacts } from '$workers/protocol';
import { readWeights, writeWeights } from '$workers/lib/ship/tfjs-weights';
import type { WeightFormat } from '$workers/lib/share/convert';

/**
 * The weights a share link or demo page carries for a variant picked in the trade-off table.
 * Variants are stored as tfjs artifacts whose manifest may hold storage quantisation (uint8,
 * float16); the link format takes float32, float16 or int8 per-channel kernels, so the variant
 * is dequantised first and then written as int8 when it is an int8 variant (zeros stay exactly
 * zero, so a pruned + int8 variant keeps its sparsity), as float16 for the float16 variant (its
 * values are float16 already, so the halves hold them exactly), or as float32 otherwise (pruned
 * values are exact in float32). Either way the link predicts as the variant does.
 */
export function variantShareModel(artifacts: ModelArtifacts, variantId: string): { artifacts: ModelArtifacts; weights: WeightFormat } {
	return { artifacts: writeWeights(artifacts, readWeights(artifacts)), weights: variantId.endsWith('int8') ? 'int8' : variantId === 'float16' ? 'float16' : 'float32' };
}
