import type { PrivacySweepResult } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { atomically, openKilnDb, write } from './open';

/**
 * A project's latest privacy/accuracy trade-off, kept as a project artifact (no model of its
 * own: its runs are trained, scored and discarded), so it is deleted and locked with the project.
 */
export type StoredPrivacySweep = PrivacySweepResult & { at: number; datasetId: string; target: string };

export const privacySweepKey = (projectId: string) => `privacy-sweep-${projectId}`;

export async function savePrivacySweep(projectId: string, sweep: StoredPrivacySweep): Promise<void> {
	const db = await openKilnDb();
	await write('the privacy trade-off', () =>
		atomically(db.transaction(['projects', 'artifacts'], 'readwrite'), async (tx) => {
			if (!(await tx.objectStore('projects').get(projectId))) throw new KilnError('NotFoundError', 'This project was deleted meanwhile; the trade-off was not kept.');
			await tx.objectStore('artifacts').put({ id: privacySweepKey(projectId), projectId, modelId: '', kind: 'privacy-sweep', name: 'privacy-tradeoff.json', createdAt: sweep.at, bytes: new ArrayBuffer(0), meta: { sweep } });
		})
	);
}

export async function getPrivacySweep(projectId: string): Promise<StoredPrivacySweep | null> {
	const record = await (await openKilnDb()).get('artifacts', privacySweepKey(projectId));
	const sweep = record?.meta.sweep as StoredPrivacySweep | undefined;
	return sweep && Array.isArray(sweep.points) ? sweep : null;
}
