import type { RuntimePick } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { atomically, openKilnDb, write } from './open';

/** Keep the measured prediction runtime with its run (an optional field: no schema version). */
export async function saveRuntimePick(runId: string, pick: RuntimePick): Promise<void> {
	const db = await openKilnDb();
	await write('the prediction runtime', () =>
		atomically(db.transaction('runs', 'readwrite'), async (tx) => {
			const run = await tx.objectStore('runs').get(runId);
			if (!run) throw new KilnError('NotFoundError', 'This run was deleted meanwhile; its prediction runtime was not kept.');
			await tx.objectStore('runs').put({ ...run, runtimePick: pick });
		})
	);
}
