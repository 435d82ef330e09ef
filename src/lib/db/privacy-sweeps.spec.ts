import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { closeKilnDb } from './open';
import { createProject, deleteProject } from './projects';
import { getPrivacySweep, savePrivacySweep, type StoredPrivacySweep } from './privacy-sweeps';

beforeEach(async () => {
	await closeKilnDb();
	await new Promise((resolve) => {
		const request = indexedDB.deleteDatabase('kiln');
		request.onsuccess = request.onerror = resolve;
	});
});

const sweep: StoredPrivacySweep = {
	metricName: 'accuracy',
	clipNorm: 1,
	delta: 1e-5,
	epochs: 4,
	batchSize: 32,
	model: 'linear',
	seed: 3,
	trainRows: 364,
	holdoutRows: 114,
	baseline: { metric: 0.97, samplesPerSecond: 9000 },
	points: [{ noiseMultiplier: 1, epsilon: 2.1, metric: 0.93, samplesPerSecond: 4000 }],
	durationMs: 1200,
	at: 5,
	datasetId: 'ds-1',
	target: 'diagnosis'
};

describe('privacy sweeps repository', () => {
	it('keeps the latest trade-off of a project and deletes it with the project', async () => {
		const project = await createProject('P');
		expect(await getPrivacySweep(project.id)).toBeNull();
		await savePrivacySweep(project.id, sweep);
		await savePrivacySweep(project.id, { ...sweep, at: 6 });
		expect(await getPrivacySweep(project.id)).toEqual({ ...sweep, at: 6 });
		await deleteProject(project.id);
		expect(await getPrivacySweep(project.id)).toBeNull();
	});

	it('does not keep a trade-off for a project deleted meanwhile', async () => {
		await expect(savePrivacySweep('gone', sweep)).rejects.toThrow(/deleted meanwhile/);
	});
});
