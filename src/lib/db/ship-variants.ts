import type { ModelArtifacts, TradeoffTable, VariantRow } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { atomically, openKilnDb, write } from './open';
import type { ArtifactRecord, RunRecord } from './schema';

/**
 * A run's compression trade-off table and the variants in it, as artifacts of its model:
 * `tradeoff-<run>` holds the table (JSON), `variant-<run>-<variant>` one variant each — its
 * tfjs weights as the bytes, topology, manifest and ONNX file (model only) in `meta` — so a
 * variant the person picks can be exported later without computing it again.
 */

export const tradeoffKey = (runId: string) => `tradeoff-${runId}`;
export const variantKey = (runId: string, variantId: string) => `variant-${runId}-${variantId}`;

export interface StoredVariant {
	artifacts: ModelArtifacts;
	onnx?: Uint8Array;
	row: VariantRow;
}

function base(run: RunRecord, id: string, kind: string, name: string): Omit<ArtifactRecord, 'bytes' | 'meta'> {
	if (!run.modelId) throw new KilnError('NotFoundError', 'Only a finished run with a model can be compressed.');
	return { id, projectId: run.projectId, modelId: run.modelId, kind, name, createdAt: Date.now() };
}

async function put(run: RunRecord, records: ArtifactRecord[], clearFirst = false): Promise<void> {
	const db = await openKilnDb();
	await write('the compressed variants', () =>
		atomically(db.transaction(['runs', 'artifacts'], 'readwrite'), async (tx) => {
			const current = await tx.objectStore('runs').get(run.id);
			if (current?.status !== 'done' || current.modelId !== run.modelId) throw new KilnError('NotFoundError', 'This run or its model was deleted meanwhile; the variants were not kept.');
			const store = tx.objectStore('artifacts');
			if (clearFirst) {
				for (const key of await store.getAllKeys(IDBKeyRange.bound(variantKey(run.id, ''), `${variantKey(run.id, '')}\uffff`))) await store.delete(key);
				await store.delete(tradeoffKey(run.id));
			}
			for (const record of records) await store.put(record);
		})
	);
}

/** Forget the run's previous table and variants (a new comparison starts). */
export function clearVariants(run: RunRecord): Promise<void> {
	return put(run, [], true);
}

export function saveVariant(run: RunRecord, variant: { id: string; label: string; artifacts: ModelArtifacts; onnx?: Uint8Array }, row: VariantRow): Promise<void> {
	const { modelTopology, weightSpecs, weightData } = variant.artifacts;
	const onnx = variant.onnx ? (variant.onnx.slice().buffer as ArrayBuffer) : undefined;
	return put(run, [{ ...base(run, variantKey(run.id, variant.id), 'variant', `${variant.id}.onnx`), bytes: weightData, meta: { runId: run.id, variantId: variant.id, label: variant.label, modelTopology, weightSpecs, onnx, row } }]);
}

export async function getVariant(runId: string, variantId: string): Promise<StoredVariant> {
	const record = await (await openKilnDb()).get('artifacts', variantKey(runId, variantId));
	if (!record) throw new KilnError('NotFoundError', `The variant "${variantId}" is no longer stored; measure the variants again.`);
	const meta = record.meta as { modelTopology: object; weightSpecs: ModelArtifacts['weightSpecs']; onnx?: ArrayBuffer; row: VariantRow };
	return { artifacts: { modelTopology: meta.modelTopology, weightSpecs: meta.weightSpecs, weightData: record.bytes }, onnx: meta.onnx ? new Uint8Array(meta.onnx) : undefined, row: meta.row };
}

export function saveTradeoff(run: RunRecord, table: TradeoffTable): Promise<void> {
	const bytes = new TextEncoder().encode(JSON.stringify(table)).buffer as ArrayBuffer;
	return put(run, [{ ...base(run, tradeoffKey(run.id), 'tradeoff', `tradeoff-${run.id}.json`), bytes, meta: { runId: run.id, rows: table.rows.length } }]);
}

export async function getTradeoff(runId: string): Promise<TradeoffTable | null> {
	const record = await (await openKilnDb()).get('artifacts', tradeoffKey(runId));
	return record ? (JSON.parse(new TextDecoder().decode(record.bytes)) as TradeoffTable) : null;
}
