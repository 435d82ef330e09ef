import type { DriftReport } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { atomically, openKilnDb, write } from './open';

/** One file of new rows compared with a model's training rows, kept so drift can be followed over time. */
export interface DriftCheck {
	modelId: string;
	at: number;
	fileName: string;
	report: DriftReport;
}

/** The oldest checks of a model beyond this many are let go when a new one is stored. */
export const MAX_DRIFT_CHECKS = 50;

// Stored as model artifacts (deleted with the run, locked with the project); the id orders a
// model's checks by time, so listing them reads only them, not the model's exported files.
const prefix = (modelId: string) => `drift-${modelId}-`;
const checkKey = (check: Pick<DriftCheck, 'modelId' | 'at'>) => `${prefix(check.modelId)}${String(check.at).padStart(15, '0')}`;
const ofModel = (modelId: string) => IDBKeyRange.bound(prefix(modelId), `${prefix(modelId)}\uffff`);

export async function saveDriftCheck(projectId: string, check: DriftCheck): Promise<void> {
	const db = await openKilnDb();
	await write('the drift check', () =>
		atomically(db.transaction(['models', 'artifacts'], 'readwrite'), async (tx) => {
			if (!(await tx.objectStore('models').get(check.modelId))) throw new KilnError('NotFoundError', 'This model was deleted meanwhile; the drift check was not kept.');
			const store = tx.objectStore('artifacts');
			await store.put({ id: checkKey(check), projectId, modelId: check.modelId, kind: 'drift-check', name: check.fileName, createdAt: check.at, bytes: new ArrayBuffer(0), meta: { check } });
			const keys = await store.getAllKeys(ofModel(check.modelId));
			for (const key of keys.slice(0, Math.max(0, keys.length - MAX_DRIFT_CHECKS))) await store.delete(key);
		})
	);
}

/** A model's drift checks, oldest first. */
export async function listDriftChecks(modelId: string): Promise<DriftCheck[]> {
	const records = await (await openKilnDb()).getAll('artifacts', ofModel(modelId));
	return records.map((r) => r.meta.check as DriftCheck).filter((c) => c && Array.isArray(c.report?.columns));
}
