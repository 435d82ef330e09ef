import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { createProject, createRun, finishRun, listDriftChecks } from '$lib/db';
import { classificationResult, resetKilnDb } from '$lib/db/db.spec-support';
import type { DriftReport } from '$workers/protocol';
import { DriftChecks } from './drift-checks.svelte';

beforeEach(resetKilnDb);

const report: DriftReport = { referenceRows: 10, currentRows: 5, columns: [], predictions: null, notes: [] };

async function model() {
	const project = await createProject('Watched');
	const run = await finishRun(await createRun({ projectId: project.id, datasetId: 'd', config: { ...DEFAULT_CONFIG, target: 'y', task: 'classification', features: ['x'] } }), classificationResult());
	return { id: run.modelId!, projectId: project.id };
}

describe('the page’s drift checks', () => {
	it('show a file’s check at once, store it, and read it back for the model', async () => {
		const m = await model();
		const drift = new DriftChecks();
		await drift.load(m);
		expect(drift.checks).toEqual([]);
		await drift.keep({ report }, 'a.csv', m.id);
		await drift.keep({ report }, 'b.csv', m.id);
		expect(drift.checks.map((c) => c.fileName)).toEqual(['a.csv', 'b.csv']);
		expect(drift.shown?.fileName).toBe('b.csv');
		drift.shownAt = drift.checks[0].at;
		expect(drift.shown?.fileName).toBe('a.csv');
		expect((await listDriftChecks(m.id)).map((c) => c.fileName)).toEqual(['a.csv', 'b.csv']);
		const again = new DriftChecks();
		await again.load(m);
		expect(again.checks.map((c) => c.fileName)).toEqual(['a.csv', 'b.csv']);
	});

	it('say why a file has no check, and keep only the latest model’s read', async () => {
		const m = await model();
		const drift = new DriftChecks();
		await drift.load(m);
		await drift.keep({ unavailable: 'No training rows.' }, 'c.csv', m.id);
		expect(drift.note).toBe('No training rows.');
		expect(drift.checks).toEqual([]);
		await drift.keep({ report }, 'd.csv', m.id);
		// A file predicted with another model (the model in use changed meanwhile) is not this one's.
		await drift.keep({ report }, 'other.csv', 'model-other');
		expect(drift.checks.map((c) => c.fileName)).toEqual(['d.csv']);
		const stale = drift.load(m);
		await drift.load(null);
		await stale;
		expect(drift.checks).toEqual([]);
	});

	it('say a check was shown but not kept when its model is gone', async () => {
		const drift = new DriftChecks();
		await drift.load({ id: 'model-gone', projectId: 'p' });
		await drift.keep({ report }, 'e.csv', 'model-gone');
		expect(drift.checks.map((c) => c.fileName)).toEqual(['e.csv']);
		expect(drift.note).toContain('This drift check is shown but was not kept');
	});
});
