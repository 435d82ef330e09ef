import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Table } from '$workers/protocol';
import { getDataset, listDatasets, loadTable, saveDataset } from './datasets';
import { resetKilnDb } from './db.spec-support';
import { PACK_AT, packColumns, unpackColumns } from './dictionaries';
import { openKilnDb } from './open';
import { createProject } from './projects';
import { readProjectRecords } from './ship';
import { isTextColumn, textColumns } from '$workers/lib/text/column';

beforeEach(resetKilnDb);

const n = PACK_AT + 500;
const ids = Array.from({ length: n }, (_, i) => `C${String(i).padStart(7, '0')}`);
const table: Table = {
	rowCount: n,
	columns: [
		{ name: 'id', kind: 'categorical', categories: ids, codes: Int32Array.from({ length: n }, (_, i) => i) },
		{ name: 'colour', kind: 'categorical', categories: ['red', 'blue'], codes: Int32Array.from({ length: n }, (_, i) => i % 2) },
		{ name: 'y', kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => i / 10) }
	]
};

describe('large dictionaries in storage', () => {
	it('are stored as one string and read back as the same array, by workers and by the page', async () => {
		const project = await createProject('Big ids');
		const saved = await saveDataset({ projectId: project.id, name: 'ids', fileName: 'ids.csv', source: 'upload', table, profile: [], target: 'y', task: 'regression' });
		const raw = await (await openKilnDb()).get('datasets', saved.id);
		expect(raw?.columns[0].categories).toBeUndefined();
		expect(typeof raw?.columns[0].packedCategories).toBe('string');
		// Small dictionaries stay arrays.
		expect(raw?.columns[1].categories).toEqual(['red', 'blue']);

		const stored = await getDataset(saved.id);
		expect(stored.columns[0].categories).toEqual(ids);
		expect(stored.columns[0].packedCategories).toBeUndefined();
		const back = await loadTable(stored);
		expect(back.columns[0].kind === 'categorical' && back.columns[0].categories[1234]).toBe(ids[1234]);

		const [listed] = await listDatasets(project.id);
		expect(listed.columns[0].categories).toEqual(ids);
		// A clone (to a worker) carries the array, not the packed form.
		expect(structuredClone(listed.columns[0]).categories).toEqual(ids);

		const exported = await readProjectRecords(project.id, false);
		expect(exported.datasets[0].columns[0]).toEqual({ ...stored.columns[0] });
	});

	it('keep a dictionary that holds the separator as an array, and leave small ones alone', () => {
		const odd = [...ids.slice(0, PACK_AT), 'a\u0000b'];
		expect(packColumns([{ name: 'x', kind: 'categorical', categories: odd }])[0].categories).toEqual(odd);
		const packed = packColumns([{ name: 'x', kind: 'categorical', categories: ids }, { name: 'y', kind: 'numeric' }]);
		expect(packed[1]).toEqual({ name: 'y', kind: 'numeric' });
		expect(unpackColumns(packed)).toEqual([{ name: 'x', kind: 'categorical', categories: ids }, { name: 'y', kind: 'numeric' }]);
		// Empty strings survive the join (a category may be the empty string).
		const blanks = ['', ...ids.slice(1), ''];
		expect(unpackColumns(packColumns([{ name: 'x', kind: 'categorical', categories: blanks }]))[0].categories).toEqual(blanks);
	});

	it('tell text columns apart on the page without splitting a packed dictionary, as the worker does on the whole one', async () => {
		const words = ['the', 'river', 'was', 'quiet', 'and', 'cold', 'Mary', 'walked', 'home', 'slowly'];
		const notes = Array.from({ length: n }, (_, i) => `${words[i % 10]} ${words[(i * 7) % 10]} ${words[(i * 3 + 1) % 10]} note ${i}`);
		const texts: Table = { rowCount: n, columns: [...table.columns, { name: 'note', kind: 'categorical', categories: notes, codes: Int32Array.from({ length: n }, (_, i) => i) }] };
		const project = await createProject('Texts');
		const saved = await saveDataset({ projectId: project.id, name: 't', fileName: 't.csv', source: 'upload', table: texts, profile: [], target: 'y', task: 'regression' });
		const [listed] = await listDatasets(project.id);
		const split: string[] = [];
		const watched = listed.columns.map((c) => {
			const d = Object.getOwnPropertyDescriptor(c, 'categories');
			return d?.get ? Object.defineProperty({ ...c }, 'categories', { get: () => (split.push(c.name), d.get!.call(c)) }) : c;
		});
		expect(textColumns(watched, n, 'y')).toEqual(['note']);
		expect(split).toEqual([]);
		const whole = await getDataset(saved.id);
		expect(whole.columns.map((c) => c.categorySample)).toEqual([undefined, undefined, undefined, undefined]);
		expect(whole.columns.map((c) => isTextColumn(c, n))).toEqual(listed.columns.map((c) => isTextColumn(c, n)));
		// A dictionary that shrinks below the packing size loses the stale sample.
		const shrunk = packColumns([{ ...listed.columns[3], categories: notes.slice(0, 30) }]);
		expect(shrunk[0]).toEqual({ name: 'note', kind: 'categorical', categories: notes.slice(0, 30) });
	});
});
