import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { closeKilnDb, createProject, createRun, endRun, getDataset, loadTable } from '$lib/db';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { profileAgain } from './profile-again';
import { retypeColumn } from './retype';
import { storeImport } from './store-import';

beforeEach(async () => {
	await closeKilnDb();
	await new Promise((resolve) => {
		const request = indexedDB.deleteDatabase('kiln');
		request.onsuccess = request.onerror = resolve;
	});
});

async function stored(csv: string, types?: Record<string, 'text'>) {
	const project = await createProject('Types');
	await storeImport({ datasetId: 'd', file: new Blob([csv]), fileName: 'd.csv', projectId: project.id, source: 'upload', preferredTarget: 'y', choices: { types } });
	return project;
}

const values = async (name: string) => {
	const table = await loadTable(await getDataset('d'));
	const column = table.columns.find((c) => c.name === name)!;
	return column.kind === 'numeric' ? Array.from(column.values) : Array.from(column.codes, (c) => (c < 0 ? null : column.categories[c]));
};

describe('changing a stored column type', () => {
	it('reads text as numbers, dates or yes/no, counting what does not fit', async () => {
		await stored('code,when,flag,y\n007,05/03/2024,Y,1\nabc,31/12/2023,N,2\n042,,Y,3\n', { when: 'text', flag: 'text' });
		expect((await getDataset('d')).columns.map((c) => c.semantic)).toEqual(['categorical', 'text', 'text', 'integer']);
		expect(await retypeColumn('d', 'code', 'integer')).toEqual({ lost: 1 });
		expect(await values('code')).toEqual([7, NaN, 42]);
		await retypeColumn('d', 'when', 'datetime');
		expect(await values('when')).toEqual([Date.UTC(2024, 2, 5), Date.UTC(2023, 11, 31), NaN]);
		expect((await getDataset('d')).columns[1]).toMatchObject({ kind: 'numeric', semantic: 'datetime', dateOrder: 'dmy' });
		await retypeColumn('d', 'flag', 'boolean');
		expect(await values('flag')).toEqual([1, 0, 1]);
		// Back to text: shown as before (dates as dates), first-appearance dictionary.
		await retypeColumn('d', 'when', 'categorical');
		expect(await values('when')).toEqual(['2024-03-05', '2023-12-31', null]);
		const record = await getDataset('d');
		// Retyped columns are stored wide; y (whole numbers, never retyped) stays packed in a byte a row.
		expect(record.bytes).toBe(3 * (8 + 4 + 8 + 1));
		await profileAgain('d', 'y');
		expect((await getDataset('d')).details?.columns.map((c) => c.semantic)).toEqual(['integer', 'categorical', 'boolean', 'integer']);
	});

	it('is refused while a run that may resume trains on the dataset', async () => {
		const project = await stored('x,y\n1,2\n3,4\n');
		const run = await createRun({ projectId: project.id, datasetId: 'd', config: { ...DEFAULT_CONFIG, target: 'y', task: 'regression', features: ['x'] } });
		await expect(retypeColumn('d', 'x', 'text')).rejects.toMatchObject({ name: 'ValidationError' });
		expect(await values('x')).toEqual([1, 3]);
		await endRun(run, 'cancelled', { history: [] });
		await retypeColumn('d', 'x', 'text');
		expect(await values('x')).toEqual(['1', '3']);
	});
});
