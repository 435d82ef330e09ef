import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { isKind } from '$shared/errors';
import { getDataset, listDatasets } from './datasets';
import { editImageClasses, readImageChunk, readImageLabels, readImageRows, saveImageDataset } from './images';
import { resetKilnDb } from './db.spec-support';
import { createProject, getProject } from './projects';

beforeEach(resetKilnDb);

const shape = { height: 64, width: 64, channels: 3 };
const size = 64 * 64 * 3;
const count = 200;
const pixels = () => {
	const out = new Uint8Array(count * size);
	for (let i = 0; i < count; i++) out.fill(i, i * size, (i + 1) * size);
	return out;
};
const labels = Int32Array.from({ length: count }, (_, i) => i % 3);

describe('image datasets', () => {
	it('store in ~1 MB chunks, become the current dataset, and read back any rows in order', async () => {
		const project = await createProject('Pictures');
		const record = await saveImageDataset({ projectId: project.id, name: 'shapes', fileName: 'shapes.zip', source: 'upload', meta: { ...shape, classes: ['a', 'b', 'c'], counts: [67, 67, 66], skipped: [{ file: 'x.txt', reason: 'not an image' }] }, pixels: pixels(), labels });
		expect(record.chunkRows).toBe(85);
		expect(record.chunkCount).toBe(3);
		expect((await getProject(project.id)).datasetId).toBe(record.id);
		expect((await listDatasets(project.id))[0].images?.skipped).toHaveLength(1);
		const stored = await getDataset(record.id);
		expect(Array.from(await readImageLabels(stored))).toEqual(Array.from(labels));
		const { pixels: some, labels: someLabels } = await readImageRows(stored, [199, 0, 86]);
		expect([some[0], some[size], some[2 * size], some[3 * size - 1]]).toEqual([199, 0, 86, 86]);
		expect(Array.from(someLabels)).toEqual([1, 0, 2]);
		expect((await readImageChunk(stored, 2)).labels).toHaveLength(30);
		await expect(readImageRows(stored, [200])).rejects.toSatisfy((e) => isKind(e, 'ValidationError'));
	});

	it('refuse pixels that do not match the labels, storing nothing', async () => {
		const project = await createProject('Pictures');
		await expect(saveImageDataset({ projectId: project.id, name: 'x', fileName: 'x', source: 'upload', meta: { ...shape, classes: ['a'], counts: [1], skipped: [] }, pixels: new Uint8Array(10), labels: new Int32Array(1) })).rejects.toSatisfy((e) => isKind(e, 'ImportError'));
		expect(await listDatasets(project.id)).toEqual([]);
	});
});

describe('editing image classes', () => {
	it('renames, merges and removes classes, rewriting labels and chunks', async () => {
		const project = await createProject('Pictures');
		const record = await saveImageDataset({ projectId: project.id, name: 'shapes', fileName: 'shapes.zip', source: 'upload', meta: { ...shape, classes: ['a', 'b', 'c'], counts: [67, 67, 66], skipped: [] }, pixels: pixels(), labels });
		// Remove "a", rename "b" to "z" and "c" to "y": classes sort to y, z.
		const edited = await editImageClasses(record, [null, 'z', 'y']);
		expect(edited.images?.classes).toEqual(['y', 'z']);
		expect(edited.images?.counts).toEqual([66, 67]);
		expect(edited.rowCount).toBe(133);
		const stored = await getDataset(record.id);
		expect(stored.chunkCount).toBe(2);
		const { pixels: first, labels: firstLabels } = await readImageRows(stored, [0, 1, 132]);
		// Original rows 1 (b), 2 (c) and 199 (b) are now rows 0, 1 and 132.
		expect([first[0], first[size], first[2 * size]]).toEqual([1, 2, 199]);
		expect(Array.from(firstLabels)).toEqual([1, 0, 1]);
		await expect(editImageClasses(stored, ['same', 'same'])).rejects.toSatisfy((e) => isKind(e, 'ValidationError') && /at least two classes/.test((e as Error).message));
		await expect(editImageClasses(stored, ['x'])).rejects.toSatisfy((e) => isKind(e, 'ValidationError'));
	});

	it('merges two classes given one name, keeping every image', async () => {
		const project = await createProject('Pictures');
		const record = await saveImageDataset({ projectId: project.id, name: 'shapes', fileName: 'shapes.zip', source: 'upload', meta: { ...shape, classes: ['a', 'b', 'c'], counts: [67, 67, 66], testStart: 150, skipped: [] }, pixels: pixels(), labels });
		const merged = await editImageClasses(record, ['ab', 'ab', 'c']);
		expect(merged.images?.classes).toEqual(['ab', 'c']);
		expect(merged.images?.counts).toEqual([134, 66]);
		expect(merged.images?.testStart).toBe(150);
		expect(Array.from(await readImageLabels(merged)).slice(0, 4)).toEqual([0, 0, 1, 0]);
	});
});
