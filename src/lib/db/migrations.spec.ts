import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { unwrap } from 'idb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Preprocessing, PredictResult, Table } from '$workers/protocol';
import { predictTable } from '$workers/lib/predict';
import * as tf from '@tensorflow/tfjs-core';
import { restoreCheckpoint } from '$workers/lib/checkpoint';
import { buildModel } from '$workers/lib/model';
import { trainModel } from '$workers/lib/train';
import { prepareTraining } from '$workers/lib/train-data';
import { withConfigDefaults } from '$shared/train-config';
import { useCpu } from '../../../tests/unit-support';
import { decodeValue, deleteDatabase, describeLayout, encodeValue, restoreDatabase, type DatabaseDump } from './fixtures/idb-dump.spec-support';
import { LATEST_VERSION, type RunRecordV1 } from './migrations';
import { closeKilnDb, openKilnDb } from './open';
import { deleteProject, listProjects } from './projects';
import { listDatasets, loadTable } from './datasets';
import { getCheckpoint, getModel, listRuns } from './runs';
import { getSetting } from './settings';
import { DB_NAME, DB_VERSION, type DatasetRecord, type ModelRecord, type RunRecord } from './schema';

/** A database as a released version wrote it, with what that release computed from it. */
interface Fixture extends DatabaseDump {
	generatedBy: { commit: string; script: string; note: string };
	expected: {
		predictions: Record<string, PredictResult>;
		resumed?: Record<string, Pick<RunRecord, 'history' | 'metrics'> & { preprocessing: Preprocessing; prediction: PredictResult }>;
	};
}

const load = (version: number): Fixture => {
	const fixture = JSON.parse(readFileSync(new URL(`./fixtures/kiln-v${version}.json`, import.meta.url), 'utf8')) as Fixture;
	return { ...fixture, expected: decodeValue(fixture.expected) as Fixture['expected'] };
};
const FIXTURES = [1, 2, 3].map(load);
const V4_STORES = ['pipelines', 'searches', 'trials', 'artifacts'] as const;
const ALL_STORES = ['artifacts', 'checkpoints', 'chunks', 'datasets', 'models', 'pipelines', 'projects', 'runs', 'searches', 'settings', 'trials'];

const records = <T>(fixture: Fixture, store: string): T[] => (fixture.stores.find((s) => s.name === store)?.records ?? []).map((r) => decodeValue(r) as T);
const rawRecords = (fixture: Fixture, store: string): unknown[] => fixture.stores.find((s) => s.name === store)?.records ?? [];

/** Rebuild the fixture's database from the file alone (no migration code), then close it. */
async function restore(fixture: Fixture): Promise<void> {
	(await restoreDatabase(fixture, DB_NAME)).close();
}

/** What each run and model looks like in the current layout: v1 runs held their model inline. */
function expectedRunsAndModels(fixture: Fixture): { runs: RunRecord[]; models: ModelRecord[] } {
	if (fixture.version >= 2) return { runs: records<RunRecord>(fixture, 'runs'), models: records<ModelRecord>(fixture, 'models') };
	const runs: RunRecord[] = [];
	const models: ModelRecord[] = [];
	for (const { model, ...run } of records<RunRecordV1>(fixture, 'runs')) {
		if (!model) {
			runs.push(run);
			continue;
		}
		const modelId = `model-${run.id}`;
		runs.push({ ...run, modelId });
		models.push({ id: modelId, runId: run.id, projectId: run.projectId, createdAt: run.finishedAt ?? run.createdAt, ...model });
	}
	return { runs, models };
}

function expectSamePrediction(actual: PredictResult, expected: PredictResult, task: 'classification' | 'regression'): void {
	expect(actual.predictions).toHaveLength(expected.predictions.length);
	if (task === 'classification') {
		expect(actual.predictions).toEqual(expected.predictions);
		actual.probabilities!.forEach((row, i) => row.forEach((p, k) => expect(p).toBeCloseTo(expected.probabilities![i][k], 5)));
	} else {
		actual.predictions.forEach((p, i) => expect(Number(p)).toBeCloseTo(Number(expected.predictions[i]), 2));
	}
}

async function tableOf(datasetId: string, datasets: DatasetRecord[]): Promise<Table> {
	return loadTable(datasets.find((d) => d.id === datasetId)!);
}

beforeAll(useCpu);

afterEach(async () => {
	await closeKilnDb();
	await deleteDatabase(DB_NAME);
});

describe.each(FIXTURES.map((f) => [f.version, f] as const))('database version %i, as its release wrote it', (version, fixture) => {
	it('is rebuilt from the file alone, at its own version and layout', async () => {
		expect(fixture.version).toBe(version);
		const db = await restoreDatabase(fixture, DB_NAME);
		expect(db.version).toBe(version);
		expect(describeLayout(db)).toEqual(fixture.stores.map(({ records: _r, keys: _k, ...layout }) => layout));
		db.close();
	});

	it("opens with today's code and keeps every record", async () => {
		await restore(fixture);
		const db = await openKilnDb();
		expect(db.version).toBe(DB_VERSION);

		// Compared in the dump's own encoding: binary values byte for byte, undefined and NaN kept.
		for (const store of ['projects', 'datasets', 'chunks', 'settings', 'checkpoints'] as const) {
			expect(encodeValue(await db.getAll(store)), store).toEqual(rawRecords(fixture, store));
		}
		const { runs, models } = expectedRunsAndModels(fixture);
		expect(encodeValue(await db.getAll('runs'))).toEqual(encodeValue(runs));
		expect(encodeValue(await db.getAll('models'))).toEqual(encodeValue(models));
		for (const store of V4_STORES) expect(await db.count(store), store).toBe(0);

		// Through today's repositories, as the pages read them.
		const projects = await listProjects();
		expect(projects.map((p) => p.id).sort()).toEqual(records<{ id: string }>(fixture, 'projects').map((p) => p.id).sort());
		expect(await getSetting('backend')).toBe(records<{ key: string; value: unknown }>(fixture, 'settings').find((s) => s.key === 'backend')!.value);
		for (const project of projects) {
			const datasets = await listDatasets(project.id);
			expect(datasets.map((d) => d.id)).toContain(project.datasetId);
			for (const dataset of datasets) {
				const table = await loadTable(dataset);
				expect(table.rowCount).toBe(dataset.rowCount);
				expect(table.columns.map((c) => [c.name, c.kind])).toEqual(dataset.columns.map((c) => [c.name, c.kind]));
			}
			const projectRuns = await listRuns(project.id);
			expect(projectRuns.map((r) => r.id).sort()).toEqual(runs.filter((r) => r.projectId === project.id).map((r) => r.id).sort());
		}
	});

	it('keeps every trained model working: it predicts what its release predicted', async () => {
		await restore(fixture);
		const datasets = (await Promise.all((await listProjects()).map((p) => listDatasets(p.id)))).flat();
		const done = (await Promise.all((await listProjects()).map((p) => listRuns(p.id)))).flat().filter((r) => r.status === 'done');
		expect(done.length).toBeGreaterThan(0);
		expect(Object.keys(fixture.expected.predictions).sort()).toEqual(done.map((r) => r.id).sort());
		for (const run of done) {
			const model = await getModel(run.modelId!);
			expect(model.runId).toBe(run.id);
			const table = await tableOf(run.datasetId, datasets);
			const prediction = await predictTable(model.artifacts, model.preprocessing!, table);
			expectSamePrediction(prediction, fixture.expected.predictions[run.id], run.config.task);
			if (run.metrics?.task === 'classification') {
				// Over every row (training rows included), a working model beats its holdout share.
				const target = table.columns.find((c) => c.name === run.config.target)!;
				const labels = target.kind === 'categorical' ? Array.from(target.codes, (c) => target.categories[c]) : [];
				const accuracy = prediction.predictions.filter((p, i) => p === labels[i]).length / labels.length;
				expect(accuracy).toBeGreaterThanOrEqual(run.metrics.accuracy - 0.1);
			}
		}
	});

	it('migrates to the same layout a new database gets, and today’s delete empties it', async () => {
		await restore(fixture);
		const migrated = describeLayout(unwrap(await openKilnDb()));
		for (const project of await listProjects()) await deleteProject(project.id);
		const db = await openKilnDb();
		for (const store of ['projects', 'datasets', 'chunks', 'runs', 'models', 'checkpoints'] as const) expect(await db.count(store), store).toBe(0);
		await closeKilnDb();
		await deleteDatabase(DB_NAME);
		const fresh = describeLayout(unwrap(await openKilnDb()));
		expect(migrated).toEqual(fresh);
	});
});

describe('version 1 → 2: trained models leave the run records', () => {
	const v1 = FIXTURES[0];

	it('moves each inline model to the models store under model-<run id>, bytes unchanged', async () => {
		await restore(v1);
		const db = await openKilnDb();
		const before = records<RunRecordV1>(v1, 'runs');
		expect(before.some((r) => r.model)).toBe(true);
		for (const old of before) {
			const run = (await db.get('runs', old.id))!;
			expect('model' in run).toBe(false);
			if (!old.model) {
				expect(run.modelId).toBeUndefined();
				continue;
			}
			expect(run.modelId).toBe(`model-${old.id}`);
			expect(await db.getAllKeysFromIndex('models', 'byRun', old.id)).toEqual([run.modelId]);
			const model = await getModel(run.modelId!);
			expect(model).toMatchObject({ runId: old.id, projectId: old.projectId, createdAt: old.finishedAt, preprocessing: old.model.preprocessing });
			expect(Buffer.from(model.artifacts.weightData)).toEqual(Buffer.from(old.model.artifacts.weightData));
			expect(model.artifacts.weightSpecs).toEqual(old.model.artifacts.weightSpecs);
		}
		expect(await db.getAllKeysFromIndex('datasets', 'byProject', before[0].projectId)).toEqual(records<DatasetRecord>(v1, 'datasets').map((d) => d.id));
	});
});

describe('version 3: a run cut off by a closed tab', () => {
	const v3 = FIXTURES[2];

	async function interruptedRun() {
		await restore(v3);
		const runs = (await Promise.all((await listProjects()).map((p) => listRuns(p.id)))).flat();
		const interrupted = runs.filter((r) => r.status === 'interrupted');
		expect(interrupted).toHaveLength(1);
		const run = interrupted[0];
		const table = await tableOf(run.datasetId, await listDatasets(run.projectId));
		return { run, table, checkpoint: (await getCheckpoint(run.id)).checkpoint, expected: v3.expected.resumed![run.id] };
	}

	it("decodes its checkpoint into a model and optimiser built from the run's config", async () => {
		const { run, table, checkpoint } = await interruptedRun();
		expect(checkpoint.epoch).toBe(run.history.length);
		expect(checkpoint.history).toEqual(run.history);
		const config = withConfigDefaults(run.config);
		const { width, classes, train } = prepareTraining(table, config);
		const model = buildModel({ kind: config.model, inputSize: width, outputSize: classes, hiddenLayers: config.hiddenLayers, seed: config.seed });
		const optimizer = tf.train.adam(config.learningRate);
		try {
			await restoreCheckpoint(model, optimizer, checkpoint);
			const stored = tf.io.decodeWeights(checkpoint.model.weightData, checkpoint.model.weightSpecs as tf.io.WeightsManifestEntry[]);
			const restored = model.getWeights().map((w) => Array.from(w.dataSync()));
			expect(restored).toEqual(checkpoint.model.weightSpecs.map((s) => Array.from(stored[s.name].dataSync())));
			tf.dispose(Object.values(stored));
			// Adam's step count comes back too: one step per batch of every epoch before the cut.
			expect(optimizer.iterations).toBe(checkpoint.epoch * Math.ceil(train.rows.length / config.batchSize));
		} finally {
			model.dispose();
			optimizer.dispose();
		}
	});

	it("resumes to the end with today's training code and gives a working model", async () => {
		const { run, table, checkpoint, expected } = await interruptedRun();
		const result = await trainModel(table, run.config, { resume: checkpoint });
		expect(result.history.map((h) => h.epoch)).toEqual(expected.history.map((h) => h.epoch));
		expect(result.history.slice(0, checkpoint.epoch)).toEqual(run.history);
		for (const h of result.history) expect(Number.isFinite(h.trainLoss)).toBe(true);
		expect(result.metrics.task).toBe('regression');
		// Its release reached R² 0.85 on the holdout; a broken resume (weights lost, NaN) would not reach 0.7.
		expect((result.metrics as { r2: number }).r2).toBeGreaterThan(0.7);
		const prediction = await predictTable(result.model, result.preprocessing, table);
		expect(prediction.predictions.every((p) => Number.isFinite(Number(p)))).toBe(true);
	});

	// Since 85d1214 (the commit after v3 shipped) fitPreprocessing orders a categorical feature's
	// one-hot inputs by frequency, where b73aeaf used dictionary order, and a v3 checkpoint holds no
	// preprocessing. Refitting today's order fed the restored weights permuted inputs (species and
	// sex; the train loss jumped from 0.30 to 0.42). workers/lib/resume.ts finds the order the weights
	// were trained on; checkpoints now store their preprocessing.
	it('resumes with the encoding its first epochs were trained on, as its release did', async () => {
		const { run, table, checkpoint, expected } = await interruptedRun();
		const result = await trainModel(table, run.config, { resume: checkpoint });
		// Same one-hot orders and fills; means and spreads agree to rounding (Welford now, sums then).
		const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
		expect(result.preprocessing.features.map((f) => (f.kind === 'categorical' ? f : f.name))).toEqual(expected.preprocessing.features.map((f) => (f.kind === 'categorical' ? f : f.name)));
		result.preprocessing.features.forEach((f, i) => {
			const e = expected.preprocessing.features[i];
			if (f.kind === 'numeric' && e.kind === 'numeric') expect(close(f.mean, e.mean) && close(f.std, e.std), f.name).toBe(true);
		});
		result.history.forEach((h, i) => expect(h.trainLoss).toBeCloseTo(expected.history[i].trainLoss, 1));
		expectSamePrediction(await predictTable(result.model, result.preprocessing, table), expected.prediction, 'regression');
	});
});

describe('the current version', () => {
	it('has one step per version', () => {
		expect(LATEST_VERSION).toBe(DB_VERSION);
	});

	it('creates every store, empty, in a database made from nothing', async () => {
		const db = await openKilnDb();
		expect(db.version).toBe(DB_VERSION);
		expect([...db.objectStoreNames].sort()).toEqual(ALL_STORES);
		for (const store of ALL_STORES) expect(await db.count(store as 'projects'), store).toBe(0);
		const layout = describeLayout(unwrap(db));
		const indexes = Object.fromEntries(layout.map((s) => [s.name, s.indexes.map((i) => `${i.name}:${String(i.keyPath)}`)]));
		expect(indexes).toEqual({
			artifacts: ['byModel:modelId', 'byProject:projectId'],
			checkpoints: [],
			chunks: [],
			datasets: ['byProject:projectId'],
			models: ['byRun:runId'],
			pipelines: ['byProject:projectId'],
			projects: [],
			runs: ['byProject:projectId'],
			searches: ['byProject:projectId'],
			settings: [],
			trials: []
		});
		expect(Object.fromEntries(layout.map((s) => [s.name, s.keyPath]))).toMatchObject({ chunks: ['datasetId', 'index'], trials: ['searchId', 'trialId'], checkpoints: 'runId' });
	});
});
