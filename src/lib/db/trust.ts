import type { TrustSummary } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { atomically, openKilnDb, write } from './open';

/** Keep a run's latest fairness or robustness audit with it, so its report can show it. */
export async function saveRunTrust(runId: string, patch: TrustSummary): Promise<void> {
	const db = await openKilnDb();
	await write('the audit', () =>
		atomically(db.transaction('runs', 'readwrite'), async (tx) => {
			const run = await tx.objectStore('runs').get(runId);
			if (!run) throw new KilnError('NotFoundError', 'This run was deleted meanwhile; its audit was not kept.');
			await tx.objectStore('runs').put({ ...run, trust: { ...run.trust, ...patch } });
		})
	);
}
