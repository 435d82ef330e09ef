import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { beginImport, closeKilnDb, createProject, getDataset, getProject, listDatasets, loadTable, openKilnDb, putImportChunk, settleOrphanImports } from '$lib/db';
import { fromBytes, importToTable } from '$workers/lib/data/import';
import { categorySampleOf } from '$workers/lib/text/column';
import { quotaProblem, storeImport, taskFor } from './store-import';

const encode = (text: string) => new TextEncoder().encode(text);
const blob = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]);

beforeEach(async () => {
	await closeKilnDb();
	await new Promise((resolve) => {
		const request = indexedDB.deleteDatabase('kiln');
		request.onsuccess = request.onerror = resolve;
	});
});

async function counts() {
	const db = await openKilnDb();
	return { datasets: await db.count('datasets'), chunks: await db.count('chunks') };
}

/** 70,000 rows: two chunks of 65,536 rows at most (4 columns), a category column and a yes/no target. */
function bigCsv(rows = 70_000, bad?: number): Uint8Array {
	const lines = ['id,x,colour,churned'];
	for (let i = 0; i < rows; i++) lines.push(i === bad ? `${i},1` : `${i},${(i % 97) / 10},${['red', 'green', 'blue'][i % 3]},${i % 4 === 0 ? 'yes' : 'no'}`);
	return encode(lines.join('\n'));
}

describe('storeImport: a file streamed into IndexedDB', () => {
	it('stores every chunk, then commits the record with types, dictionaries and profile, and makes it current with its target', async () => {
		const project = await createProject('Stream');
		const bytes = bigCsv();
		const summary = await storeImport({ datasetId: 'dataset-a', file: blob(bytes), fileName: 'big.csv', projectId: project.id, source: 'upload' });
		expect(summary).toEqual({ datasetId: 'dataset-a', rowCount: 70_000, target: 'churned', task: 'classification' });
		const [record] = await listDatasets(project.id);
		expect(record).toMatchObject({ id: 'dataset-a', rowCount: 70_000, chunkCount: 2, chunkRows: 65_536, format: { format: 'csv', delimiter: ',', encoding: 'utf-8' } });
		expect(record.status).toBeUndefined();
		expect(record.columns.map((c) => [c.name, c.kind, c.semantic])).toEqual([['id', 'numeric', 'integer'], ['x', 'numeric', 'numeric'], ['colour', 'categorical', 'categorical'], ['churned', 'numeric', 'boolean']]);
		expect(record.columns[2].categories).toEqual(['red', 'green', 'blue']);
		expect(record.columns[3].booleanLabels).toEqual(['no', 'yes']);
		expect(record.details?.target).toMatchObject({ column: 'churned', task: 'classification' });
		expect(record.details).toMatchObject({ rowCount: 70_000, duplicateRows: 0 });
		expect(record.profile.find((p) => p.name === 'colour')).toMatchObject({ kind: 'categorical', distinct: 3, missing: 0 });
		expect(await getProject(project.id)).toMatchObject({ datasetId: 'dataset-a', target: 'churned', task: 'classification' });
		// The stored chunks are the importer's table, value for value.
		const { table } = await importToTable(fromBytes(bytes, 'big.csv'), { profile: false });
		expect(await loadTable(record)).toEqual(table);
	});

	it('gives a wide file smaller chunks', async () => {
		const project = await createProject('Wide');
		const header = Array.from({ length: 300 }, (_, i) => `c${i}`).join(',');
		const row = Array.from({ length: 300 }, (_, i) => String(i % 10)).join(',');
		const bytes = encode([header, ...Array.from({ length: 9000 }, () => row)].join('\n'));
		await storeImport({ datasetId: 'wide', file: blob(bytes), fileName: 'wide.csv', projectId: project.id, source: 'upload', preferredTarget: 'c0' });
		const [record] = await listDatasets(project.id);
		expect(record.chunkRows).toBe(8192);
		expect(record.chunkCount).toBe(2);
		expect((await loadTable(record)).rowCount).toBe(9000);
	});

	it('removes every chunk it stored when a row further on is bad, and keeps the dataset stored before', async () => {
		const project = await createProject('Bad row');
		await storeImport({ datasetId: 'first', file: blob(encode('a,b\n1,2\n3,4\n')), fileName: 'first.csv', projectId: project.id, source: 'upload' });
		const before = await counts();
		await expect(storeImport({ datasetId: 'second', file: blob(bigCsv(70_000, 69_000)), fileName: 'second.csv', projectId: project.id, source: 'upload' })).rejects.toMatchObject({
			name: 'CsvParseError',
			message: expect.stringContaining('second.csv: line 69002 has 2 fields')
		});
		expect(await counts()).toEqual(before);
		expect((await getProject(project.id)).datasetId).toBe('first');
	});

	it('stops on cancel and leaves nothing half-stored', async () => {
		const project = await createProject('Cancel');
		const controller = new AbortController();
		const stored: number[] = [];
		const importing = storeImport({ datasetId: 'cancelled', file: blob(bigCsv(500_000)), fileName: 'c.csv', projectId: project.id, source: 'upload' }, {
			signal: controller.signal,
			// Every report: the spec aborts at the first one that finds a stored chunk.
			progressMs: 0,
			onProgress: async () => {
				const db = await openKilnDb();
				const n = await db.count('chunks');
				stored.push(n);
				if (n > 0) controller.abort();
			}
		});
		await expect(importing).rejects.toMatchObject({ name: 'AbortError' });
		expect(Math.max(...stored)).toBeGreaterThan(0);
		expect(await counts()).toEqual({ datasets: 0, chunks: 0 });
		expect((await getProject(project.id)).datasetId).toBeUndefined();
	});

	it('refuses a file that cannot fit the free quota before storing any chunk', async () => {
		const project = await createProject('Quota');
		const bytes = bigCsv();
		await expect(
			storeImport({ datasetId: 'big', file: blob(bytes), fileName: 'big.csv', projectId: project.id, source: 'upload' }, { quotaCheckBytes: 0, estimate: async () => ({ quota: 1_000_000, usage: 200_000 }) })
		).rejects.toMatchObject({ name: 'QuotaExceededError', message: expect.stringMatching(/"big\.csv": it needs about \d\.\d MB in this browser and 0\.8 MB is free\. Nothing was changed/) });
		expect(await counts()).toEqual({ datasets: 0, chunks: 0 });
		// Enough room: the same file goes in.
		await storeImport({ datasetId: 'big', file: blob(bytes), fileName: 'big.csv', projectId: project.id, source: 'upload' }, { quotaCheckBytes: 0, estimate: async () => ({ quota: 1e9, usage: 0 }) });
		expect((await counts()).chunks).toBe(2);
	});

	it('removes the leftovers of an import a closed tab cut off, but not one still running', async () => {
		const project = await createProject('Orphans');
		const start = { projectId: project.id, name: 'x', fileName: 'x.csv', source: 'upload' as const, columns: [{ name: 'a', kind: 'numeric' as const }], chunkRows: 65_536, createdAt: Date.now() };
		await beginImport({ ...start, id: 'orphan' });
		await putImportChunk('x.csv', { datasetId: 'orphan', index: 0, rowCount: 1, columns: [new Float64Array([1]).buffer] });
		await beginImport({ ...start, id: 'running' });
		expect(await listDatasets(project.id)).toEqual([]);
		expect(await settleOrphanImports(project.id, new Set(['running']))).toBe(1);
		const db = await openKilnDb();
		expect(await db.getAllKeys('datasets')).toEqual(['running']);
		expect(await db.count('chunks')).toBe(0);
	});
});

describe('quota and task rules', () => {
	it('names the space needed and free', () => {
		expect(quotaProblem('f.csv', 5e6, { quota: 1e9, usage: 0 })).toBeNull();
		expect(quotaProblem('f.csv', 5e6, {})).toBeNull();
		expect(quotaProblem('f.csv', 300 * 2 ** 20, { quota: 200 * 2 ** 20, usage: 50 * 2 ** 20 })).toMatch(/needs about 300 MB in this browser and 150 MB is free/);
	});

	it('infers the task from the profile', () => {
		expect(taskFor(null, 'y')).toBe('classification');
	});
});

describe('storeImport: big dictionaries packed from the importer bytes', () => {
	it('stores an ID column as the same packed string, count and sample a join of its values makes, and profiles it the same', async () => {
		const project = await createProject('Packed');
		const lines = ['id,city,y'];
		// 3,000 distinct IDs (some non-ASCII, so UTF-16 lengths differ from bytes), a small city column.
		for (let i = 0; i < 3000; i++) lines.push(`${i % 7 === 0 ? 'Zü' : 'K'}${String(i).padStart(5, '0')},${['Köln', 'Milan'][i % 2]},${i % 3}`);
		const bytes = encode(lines.join('\n'));
		await storeImport({ datasetId: 'packed', file: blob(bytes), fileName: 'ids.csv', projectId: project.id, source: 'upload', preferredTarget: 'y' });
		const raw = await (await openKilnDb()).get('datasets', 'packed');
		const ids = lines.slice(1).map((l) => l.split(',')[0]);
		expect(raw!.columns[0]).toMatchObject({ packedCategories: ids.join('\u0000'), categoryCount: 3000, categorySample: categorySampleOf(ids) });
		expect(raw!.columns[0].categories).toBeUndefined();
		expect(raw!.columns[1].categories).toEqual(['Köln', 'Milan']);
		const record = await getDataset('packed');
		expect(record.columns[0].categories).toEqual(ids);
		// The profile made from the packed dictionary equals the one from a string per value.
		const { end } = await importToTable(fromBytes(bytes, 'ids.csv'), { target: 'y' });
		expect(record.details).toEqual(end.profile);
		expect(record.details?.columns[0].categories?.meanLength).toBeCloseTo(ids.reduce((n, v) => n + v.length, 0) / ids.length, 10);
	});
});
