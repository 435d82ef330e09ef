import type { RunEvaluation } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { atomically, openKilnDb, write } from './open';
import type { ArtifactRecord, RunRecord } from './schema';

/**
 * A run's evaluation suite is an artifact of its model (kind 'evaluation'), one per run under a
 * key made from the run id: the report as a JSON file (downloadable as it is stored) and its
 * headline figures in `meta`. A failed evaluation is stored too, so the failure is shown.
 */
export type StoredEvaluation = { status: 'done'; evaluation: RunEvaluation; bytes: number } | { status: 'failed'; error: string; at: number };

export const evaluationKey = (runId: string) => `evaluation-${runId}`;

async function put(run: RunRecord, record: ArtifactRecord): Promise<void> {
	const db = await openKilnDb();
	await write('the evaluation', () =>
		atomically(db.transaction(['runs', 'artifacts'], 'readwrite'), async (tx) => {
			const current = await tx.objectStore('runs').get(run.id);
			if (current?.status !== 'done' || current.modelId !== run.modelId) throw new KilnError('NotFoundError', 'This run or its model was deleted meanwhile; the evaluation was not kept.');
			await tx.objectStore('artifacts').put(record);
		})
	);
}

function base(run: RunRecord): Omit<ArtifactRecord, 'bytes' | 'meta'> {
	if (!run.modelId) throw new KilnError('NotFoundError', 'Only a finished run with a model can be evaluated.');
	return { id: evaluationKey(run.id), projectId: run.projectId, modelId: run.modelId, kind: 'evaluation', name: `evaluation-${run.id}.json`, createdAt: Date.now() };
}

export async function saveEvaluation(run: RunRecord, evaluation: RunEvaluation): Promise<void> {
	const bytes = new TextEncoder().encode(JSON.stringify(evaluation)).buffer as ArrayBuffer;
	await put(run, { ...base(run), bytes, meta: { runId: run.id, status: 'done', durationMs: evaluation.durationMs } });
}

export async function saveEvaluationFailure(run: RunRecord, error: string): Promise<void> {
	await put(run, { ...base(run), bytes: new ArrayBuffer(0), meta: { runId: run.id, status: 'failed', error } });
}

export async function getEvaluation(runId: string): Promise<StoredEvaluation | null> {
	const record = await (await openKilnDb()).get('artifacts', evaluationKey(runId));
	if (!record) return null;
	if (record.meta.status === 'failed') return { status: 'failed', error: String(record.meta.error ?? 'The evaluation failed.'), at: record.createdAt };
	return { status: 'done', evaluation: JSON.parse(new TextDecoder().decode(record.bytes)) as RunEvaluation, bytes: record.bytes.byteLength };
}

/** The stored evaluation file itself, for download. */
export async function evaluationFile(runId: string): Promise<Blob | null> {
	const record = await (await openKilnDb()).get('artifacts', evaluationKey(runId));
	return record && record.meta.status === 'done' ? new Blob([record.bytes], { type: 'application/json' }) : null;
}
