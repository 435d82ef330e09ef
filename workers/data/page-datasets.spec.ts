import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { beginImport, createProject, listDatasets, openKilnDb, saveDataset } from '$lib/db';
import { resetKilnDb } from '$lib/db/db.spec-support';
import { lazyRecord, PACK_AT } from '$lib/db/dictionaries';
import type { Table } from '$workers/protocol';
import { textColumns } from '$workers/lib/text/column';
import { pageDatasets } from './page-datasets';
import { readPageRows } from './read-rows';

beforeEach(resetKilnDb);

const n = PACK_AT + 100;
const words = ['the', 'river', 'was', 'quiet', 'and', 'cold', 'walked', 'home'];
const table: Table = {
	rowCount: n,
	columns: [
		{ name: 'id', kind: 'categorical', categories: Array.from({ length: n }, (_, i) => `C${i}`), codes: Int32Array.from({ length: n }, (_, i) => i) },
		{ name: 'note', kind: 'categorical', categories: Array.from({ length: n }, (_, i) => `${words[i % 8]} ${words[(i * 3) % 8]} and ${words[(i * 5) % 8]} ${i}`), codes: Int32Array.from({ length: n }, (_, i) => i) },
		{ name: 'colour', kind: 'categorical', categories: ['red', 'blue'], codes: Int32Array.from({ length: n }, (_, i) => i % 2) },
		{ name: 'y', kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => i) }
	]
};

describe('pageDatasets', () => {
	it('lists what listDatasets lists, without the packed dictionaries, and the page still tells text columns apart', async () => {
		const project = await createProject('P');
		await saveDataset({ projectId: project.id, name: 'a', fileName: 'a.csv', source: 'upload', table, profile: [], target: 'y', task: 'regression' });
		await beginImport({ id: 'streaming', projectId: project.id, name: 'b', fileName: 'b.csv', source: 'upload', columns: [], chunkRows: 64, createdAt: Date.now() });
		const page = await pageDatasets(project.id);
		const direct = await listDatasets(project.id);
		expect(page.map((d) => d.id)).toEqual(direct.map((d) => d.id));
		const [record] = page;
		expect(record.columns.map((c) => c.packedCategories)).toEqual([undefined, undefined, undefined, undefined]);
		expect(record.columns.map((c) => c.categoryCount)).toEqual([n, n, undefined, undefined]);
		expect(record.columns[2].categories).toEqual(['red', 'blue']);
		expect(textColumns(lazyRecord(record).columns, n, 'y')).toEqual(textColumns(direct[0].columns, n, 'y'));
		expect(textColumns(record.columns, n, 'y')).toEqual(['note']);
		// The table's rows still read their values.
		const rows = await readPageRows(record.id, 1000, 3);
		expect(rows.columns[0].kind === 'categorical' && rows.columns[0].categories).toEqual(['C1000', 'C1001', 'C1002']);
	});

	it('keeps the packed dictionary of a record stored before samples were kept, for the page to split', async () => {
		const project = await createProject('Old');
		const saved = await saveDataset({ projectId: project.id, name: 'a', fileName: 'a.csv', source: 'upload', table, profile: [], target: 'y', task: 'regression' });
		const db = await openKilnDb();
		const raw = (await db.get('datasets', saved.id))!;
		await db.put('datasets', { ...raw, columns: raw.columns.map(({ categoryCount: _, categorySample: __, ...c }) => c) });
		const [record] = await pageDatasets(project.id);
		expect(typeof record.columns[0].packedCategories).toBe('string');
		expect(lazyRecord(record).columns[1].categories?.length).toBe(n);
	});
});
