import { getVariant, type ModelRecord } from '$lib/db';
import type { ModelArtifacts } from '../protocol';
import type { WeightFormat } from '../lib/share/convert';
import { variantShareModel } from '../lib/ship-run/share-variant';

/**
 * The model a share link or demo page carries: the run's own (int8 kernels, as links always
 * were) or, when the person picked a variant in the trade-off table, that variant's weights.
 */
export async function sharedWeights(runId: string, model: ModelRecord, variantId?: string): Promise<{ artifacts: ModelArtifacts; weights: WeightFormat; variant?: { id: string; label: string } }> {
	if (!variantId || variantId === 'float32') return { artifacts: model.artifacts, weights: 'int8' };
	const stored = await getVariant(runId, variantId);
	return { ...variantShareModel(stored.artifacts, variantId), variant: { id: variantId, label: stored.row.label } };
}
