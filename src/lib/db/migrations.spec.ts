import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import fixture from './fixtures/kiln-v1.json';
import { LATEST_VERSION, migrate, type RunRecordV1 } from './migrations';
import { closeKilnDb, openKilnDb } from './open';
import { DB_VERSION } from './schema';
import { chunksToTable } from './columnar';
import { predictTable } from '$workers/lib/predict';
import { useCpu } from '../../../tests/unit-support';

const NAME = 'kiln-migration-test';
const buffer = (b64: string) => {
	const bytes = Buffer.from(b64, 'base64');
	return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
};
const stores = fixture.stores;

/** Build a database exactly as version 1 left it, holding the fixture's records. */
async function seedVersion1(): Promise<void> {
	const db = await openDB(NAME, 1, {
		upgrade: (d, oldVersion, newVersion, tx) => migrate(d as never, oldVersion, newVersion!, tx as never)
	});
	const tx = db.transaction(['projects', 'datasets', 'chunks', 'runs', 'settings'], 'readwrite');
	for (const p of stores.projects) await tx.objectStore('projects').put(p);
	for (const d of stores.datasets) await tx.objectStore('datasets').put(d);
	for (const c of stores.chunks) await tx.objectStore('chunks').put({ ...c, columns: c.columns.map(buffer) });
	for (const r of stores.runs as unknown as RunRecordV1[]) {
		const model = r.model && { ...r.model, artifacts: { ...r.model.artifacts, weightData: buffer(r.model.artifacts.weightData as unknown as string) } };
		await tx.objectStore('runs').put(model ? { ...r, model } : r);
	}
	for (const s of stores.settings) await tx.objectStore('settings').put(s);
	await tx.done;
	db.close();
}

afterEach(async () => {
	await closeKilnDb(NAME);
	indexedDB.deleteDatabase(NAME);
});

describe('migration from version 1', () => {
	it('keeps every record and moves trained models into their own store', async () => {
		await seedVersion1();
		const db = await openKilnDb(NAME);
		expect(db.version).toBe(DB_VERSION);

		expect(await db.getAll('projects')).toEqual(stores.projects);
		expect(await db.getAll('datasets')).toEqual(stores.datasets);
		expect(await db.getAll('settings')).toEqual(stores.settings);
		const chunks = await db.getAll('chunks');
		expect(chunks).toHaveLength(stores.chunks.length);
		const table = chunksToTable(stores.datasets[0].columns as never, chunks);
		expect(table.rowCount).toBe(150);

		const runs = await db.getAllFromIndex('runs', 'byProject', 'project-1');
		expect(runs.map((r) => r.id).sort()).toEqual(['run-1', 'run-2']);
		const done = runs.find((r) => r.id === 'run-1')!;
		const { model: v1Model, ...v1Run } = stores.runs[0] as unknown as RunRecordV1;
		expect(done).toEqual({ ...v1Run, modelId: 'model-run-1' });
		expect('model' in done).toBe(false);
		expect(runs.find((r) => r.id === 'run-2')!.modelId).toBeUndefined();

		const model = await db.get('models', 'model-run-1');
		expect(model).toMatchObject({ runId: 'run-1', projectId: 'project-1', preprocessing: v1Model!.preprocessing });
		expect(Buffer.from(model!.artifacts.weightData).toString('base64')).toBe(v1Model!.artifacts.weightData as unknown as string);
		expect(await db.getAllKeysFromIndex('datasets', 'byProject', 'project-1')).toEqual(['dataset-1']);

		// The migrated model still predicts: the stored bytes are a working model, not just a blob.
		await useCpu();
		const prediction = await predictTable(model!.artifacts, model!.preprocessing, table);
		expect(prediction.predictions).toHaveLength(150);
	});

	it('has one step per version', () => {
		expect(LATEST_VERSION).toBe(DB_VERSION);
	});

	it('creates an empty current-version database from nothing', async () => {
		const db = await openKilnDb(NAME);
		expect([...db.objectStoreNames].sort()).toEqual(['artifacts', 'checkpoints', 'chunks', 'datasets', 'models', 'pipelines', 'projects', 'runs', 'searches', 'settings', 'trials']);
	});
});
