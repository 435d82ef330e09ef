import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CandidateResult, TrainConfig } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { resetKilnDb } from './db.spec-support';
import { createProject } from './projects';
import { createFindSearch, latestFindSearch, saveCandidate, setFindStatus } from './find-searches';
import { listSearches, settleOrphanSearches } from './searches';

beforeEach(resetKilnDb);

const base: TrainConfig = { ...DEFAULT_CONFIG, target: 'species', task: 'classification', features: ['a'] };
const result = (mean: number): CandidateResult => ({ family: 'forest', metric: 'accuracy', scores: [mean, mean], mean, std: 0, fitMs: 3, modelBytes: 100, predictMicrosPerRow: 2, notes: [] });
const plan = { folds: 3, families: ['linear', 'tree', 'forest'], skipped: [], reasons: ['few rows'] };

describe('stored "Find a model" searches', () => {
	it('keep each finished candidate as it lands, come back newest first per dataset, and stay out of Tune', async () => {
		const project = await createProject('p');
		const first = await createFindSearch({ projectId: project.id, datasetId: 'd1', settings: { kind: 'find-model', plan, folds: 3 }, base });
		await saveCandidate(first, 0, { kind: 'find-model-candidate', family: 'linear', status: 'done', result: result(0.9), error: null });
		await saveCandidate(first, 1, { kind: 'find-model-candidate', family: 'tree', status: 'failed', result: null, error: 'Too few rows.' });
		await settleOrphanSearches(project.id, new Set());
		const stored = (await latestFindSearch(project.id, 'd1'))!;
		expect(stored.id).toBe(first);
		expect(stored.settings).toEqual({ kind: 'find-model', plan, folds: 3 });
		expect(stored.base).toEqual(base);
		expect([...stored.candidates.keys()]).toEqual([0, 1]);
		expect(stored.candidates.get(0)!.result!.mean).toBe(0.9);
		expect(stored.candidates.get(1)!.error).toBe('Too few rows.');
		expect(await latestFindSearch(project.id, 'd2')).toBeNull();
		// Tune lists only its own searches.
		expect(await listSearches(project.id)).toEqual([]);
		await setFindStatus(first, 'done');
		await new Promise((r) => setTimeout(r, 2));
		const second = await createFindSearch({ projectId: project.id, datasetId: 'd1', settings: { kind: 'find-model', plan, folds: 5 }, base });
		expect((await latestFindSearch(project.id, 'd1'))!.id).toBe(second);
		expect((await latestFindSearch(project.id, 'd1'))!.candidates.size).toBe(0);
	});
});
