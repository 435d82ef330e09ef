import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunEvaluation, SearchPlan, TrainCheckpoint, TrainConfig, TrialRecord } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { openKilnDb } from './open';
import { regressionResult, resetKilnDb } from './db.spec-support';
import { createProject, deleteProject } from './projects';
import { createRun, deleteRun, finishRun } from './runs';
import { evaluationFile, getEvaluation, saveEvaluation, saveEvaluationFailure } from './evaluations';
import { createSearch, deleteSearch, dropTrialCheckpoints, getSearch, getTrialCheckpoint, listSearches, listTrials, saveTrial, saveTrials, saveTrialCheckpoint, settleOrphanSearches, updateSearch } from './searches';

beforeEach(resetKilnDb);

const base: TrainConfig = { ...DEFAULT_CONFIG, target: 'y', task: 'regression', features: ['x'] };
const plan: SearchPlan = {
	search: { space: { learningRate: { type: 'float', low: 1e-3, high: 0.1, log: true } }, sampler: { kind: 'random' }, scheduler: { kind: 'asha', eta: 3, minBudget: 1, maxBudget: 9 }, direction: 'minimize', maxTrials: 4, seed: 1 },
	family: 'linear',
	metric: 'valLoss',
	parallel: 2
};
const trial = (id: number, status: 'running' | 'done' = 'running'): TrialRecord => ({ trialId: id, config: { learningRate: 0.01 }, results: [{ rung: 0, budget: 1, status, score: status === 'done' ? 0.5 : null, order: status === 'done' ? 0 : null }] });
const checkpoint = (epoch: number): TrainCheckpoint => ({
	epoch,
	history: Array.from({ length: epoch }, (_, i) => ({ epoch: i + 1, trainLoss: 1, valLoss: 1, valMetric: 1 })),
	trainingMs: 1,
	model: { modelTopology: {}, weightSpecs: [], weightData: new ArrayBuffer(8) },
	optimizer: { specs: [], data: new ArrayBuffer(8) }
});

describe('searches and trials', () => {
	it('keep what the page and the worker each wrote to a trial', async () => {
		const project = await createProject('Search');
		const search = await createSearch({ projectId: project.id, datasetId: 'd', settings: plan, base });
		expect(await listSearches(project.id)).toEqual([search]);
		await saveTrial(search.id, trial(0));
		expect(await saveTrialCheckpoint(search.id, 0, checkpoint(1))).toBe(true);
		await saveTrial(search.id, trial(0, 'done'), checkpoint(1).history);
		const [stored] = await listTrials(search.id);
		expect(stored).toMatchObject({ record: trial(0, 'done'), hasCheckpoint: true });
		expect(stored.history).toHaveLength(1);
		expect((await getTrialCheckpoint(search.id, 0))!.epoch).toBe(1);
		// the page's later write without a curve keeps the stored one
		await saveTrial(search.id, { ...trial(0, 'done'), results: [...trial(0, 'done').results, { rung: 1, budget: 3, status: 'running', score: null, order: null }] });
		expect((await listTrials(search.id))[0].history).toHaveLength(1);
		await dropTrialCheckpoints(search.id);
		expect(await getTrialCheckpoint(search.id, 0)).toBeNull();
		expect((await listTrials(search.id))[0].history).toHaveLength(1);
	});

	it('store several trials in one go, all or none', async () => {
		const project = await createProject('Batch');
		const search = await createSearch({ projectId: project.id, datasetId: 'd', settings: plan, base });
		await saveTrials(search.id, [{ trial: trial(0, 'done'), history: checkpoint(2).history }, { trial: trial(1) }]);
		expect((await listTrials(search.id)).map((t) => [t.record.trialId, t.record.results[0].status, t.history?.length ?? 0])).toEqual([
			[0, 'done', 2],
			[1, 'running', 0]
		]);
		await deleteSearch(search.id);
		await expect(saveTrials(search.id, [{ trial: trial(2) }])).rejects.toMatchObject({ name: 'NotFoundError' });
	});

	it('keep a checkpoint out of the trial row the page rewrites, and still read and drop one stored the old way', async () => {
		const project = await createProject('Checkpoint rows');
		const search = await createSearch({ projectId: project.id, datasetId: 'd', settings: plan, base });
		await saveTrial(search.id, trial(0));
		await saveTrialCheckpoint(search.id, 0, checkpoint(1));
		const db = await openKilnDb();
		const row = await db.get('trials', [search.id, 0]);
		expect(row?.checkpoint).toBeUndefined();
		expect(row?.history).toHaveLength(1);
		expect(await listTrials(search.id)).toHaveLength(1);
		// A trial row from before, with its checkpoint inside.
		await db.put('trials', { searchId: search.id, trialId: 1, record: trial(1, 'done'), checkpoint: checkpoint(1), history: [], updatedAt: 1 });
		expect((await getTrialCheckpoint(search.id, 1))!.epoch).toBe(1);
		expect((await listTrials(search.id)).map((t) => t.hasCheckpoint)).toEqual([true, true]);
		await dropTrialCheckpoints(search.id);
		expect(await getTrialCheckpoint(search.id, 0)).toBeNull();
		expect(await getTrialCheckpoint(search.id, 1)).toBeNull();
		expect((await listTrials(search.id)).map((t) => [t.record.trialId, t.hasCheckpoint])).toEqual([[0, false], [1, false]]);
	});

	it('store no late checkpoint: not once a longer one is stored, nor after the search is done', async () => {
		const project = await createProject('Late writes');
		const search = await createSearch({ projectId: project.id, datasetId: 'd', settings: plan, base });
		await saveTrial(search.id, trial(0));
		// The promotion (another worker) stored epoch 3 before the lower rung's write of epoch 1 landed.
		expect(await saveTrialCheckpoint(search.id, 0, checkpoint(3))).toBe(true);
		expect(await saveTrialCheckpoint(search.id, 0, checkpoint(1))).toBe(false);
		expect((await getTrialCheckpoint(search.id, 0))!.epoch).toBe(3);
		expect((await listTrials(search.id))[0].history).toHaveLength(3);
		// A cancelled search keeps taking them (it resumes from them); a done one drops them for good.
		await updateSearch(search.id, { status: 'cancelled' });
		expect(await saveTrialCheckpoint(search.id, 1, checkpoint(1))).toBe(true);
		await updateSearch(search.id, { status: 'done' });
		await dropTrialCheckpoints(search.id);
		expect(await saveTrialCheckpoint(search.id, 2, checkpoint(1))).toBe(false);
		expect(await getTrialCheckpoint(search.id, 2)).toBeNull();
	});

	it('mark a search nobody runs as interrupted, and go with it when deleted', async () => {
		const project = await createProject('Orphans');
		const a = await createSearch({ projectId: project.id, datasetId: 'd', settings: plan, base });
		const b = await createSearch({ projectId: project.id, datasetId: 'd', settings: plan, base });
		await saveTrial(a.id, trial(0));
		await settleOrphanSearches(project.id, new Set([b.id]));
		expect((await getSearch(a.id)).status).toBe('interrupted');
		expect((await getSearch(b.id)).status).toBe('running');
		await updateSearch(b.id, { status: 'done', finishedAt: 5 });
		await deleteSearch(a.id);
		expect(await listTrials(a.id)).toEqual([]);
		await expect(getSearch(a.id)).rejects.toMatchObject({ name: 'NotFoundError' });
		// a deleted search takes no more writes: the runner stops
		await expect(saveTrial(a.id, trial(1))).rejects.toMatchObject({ name: 'NotFoundError' });
		expect(await saveTrialCheckpoint(a.id, 1, checkpoint(1))).toBe(false);
		await saveTrial(b.id, trial(0));
		await deleteProject(project.id);
		expect(await listSearches(project.id)).toEqual([]);
		expect(await listTrials(b.id)).toEqual([]);
	});
});

describe('evaluations', () => {
	const result = regressionResult;
	const evaluation = (runId: string): RunEvaluation => ({
		version: 1,
		runId,
		computedAt: 1,
		durationMs: 2,
		rows: 1,
		report: { task: 'regression', rows: 1, rmse: 1, mae: 1, mape: null, mapeSkipped: 1, r2: 0, medianAbsoluteError: 1, maxError: 1, meanResidual: 1, points: { indices: [0], actual: [0], predicted: [1], residual: [-1] }, residualHistogram: { edges: [0, 1], counts: [1] } },
		baselines: [],
		importance: null,
		dependence: [],
		slices: [],
		worst: [],
		worstColumns: [],
		target: 'y'
	});

	it('are stored with the run, replaced by a failure or a recomputation, and deleted with the run', async () => {
		const project = await createProject('Evaluated');
		const run = await finishRun(await createRun({ projectId: project.id, datasetId: 'd', config: base, searchId: 'search-1' }), result());
		expect(run.searchId).toBe('search-1');
		expect(await getEvaluation(run.id)).toBeNull();
		await saveEvaluationFailure(run, 'The worker stopped.');
		expect(await getEvaluation(run.id)).toMatchObject({ status: 'failed', error: 'The worker stopped.' });
		await saveEvaluation(run, evaluation(run.id));
		expect(await getEvaluation(run.id)).toMatchObject({ status: 'done', evaluation: evaluation(run.id) });
		expect(JSON.parse(await (await evaluationFile(run.id))!.text())).toEqual(evaluation(run.id));
		await deleteRun(run);
		expect(await getEvaluation(run.id)).toBeNull();
		expect(await (await openKilnDb()).count('artifacts')).toBe(0);
		// a run deleted while it was evaluated keeps nothing
		await expect(saveEvaluation(run, evaluation(run.id))).rejects.toMatchObject({ name: 'NotFoundError' });
	});
});
