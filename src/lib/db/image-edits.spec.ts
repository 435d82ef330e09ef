import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { isKind } from '$shared/errors';
import { getDataset } from './datasets';
import { assertNotEditedSince, datasetVersion, editImages, readImageClassPage } from './image-edits';
import { editImageClasses, readImageChunk, readImageLabels, readImageRows, saveImageDataset } from './images';
import { resetKilnDb } from './db.spec-support';
import { createProject } from './projects';
import { createRun } from './runs';
import { DEFAULT_CONFIG } from '$shared/train-config';

beforeEach(resetKilnDb);

const shape = { height: 64, width: 64, channels: 3 };
const size = 64 * 64 * 3;
const count = 200;
// Image i is filled with the byte i, so where an image went can be read back from its pixels.
const pixels = () => {
	const out = new Uint8Array(count * size);
	for (let i = 0; i < count; i++) out.fill(i, i * size, (i + 1) * size);
	return out;
};
const labels = Int32Array.from({ length: count }, (_, i) => i % 3);

async function stored(testStart?: number) {
	const project = await createProject('Pictures');
	return saveImageDataset({ projectId: project.id, name: 'shapes', fileName: 'shapes.zip', source: 'upload', meta: { ...shape, classes: ['a', 'b', 'c'], counts: [67, 67, 66], testStart, skipped: [] }, pixels: pixels(), labels });
}

describe('editing single images', () => {
	it('removes and moves images in place, keeps counts, chunks and the test split in step, and undoes', async () => {
		const record = await stored(150);
		expect(datasetVersion(record)).toBe(1);
		// Row 3 (class a) removed, row 100 (class b) moved to c, row 169 (test split, class b) removed.
		const { record: edited, undo } = await editImages(record.id, { remove: [3, 169], relabel: [{ row: 100, label: 2 }] }, 1);
		expect(edited.rowCount).toBe(198);
		expect(edited.images?.counts).toEqual([66, 65, 67]);
		expect(edited.images?.testStart).toBe(149);
		expect(datasetVersion(edited)).toBe(2);
		expect(edited.edits?.[0]).toMatchObject({ what: '2 images removed, 1 image moved to “c”', rowsBefore: 200, rowsAfter: 198 });
		const back = await getDataset(record.id);
		expect(back.chunkCount).toBe(3);
		expect((await readImageChunk(back, 2)).labels).toHaveLength(28);
		const { pixels: some, labels: someLabels } = await readImageRows(back, [2, 3, 99, 197]);
		expect([some[0], some[size], some[2 * size], some[3 * size]]).toEqual([2, 4, 100, 199]);
		expect(Array.from(someLabels)).toEqual([2, 1, 2, 1]);
		const stillLabels = await readImageLabels(back);
		expect([0, 1, 2].map((c) => stillLabels.filter((l) => l === c).length)).toEqual(edited.images?.counts);

		const restored = await editImages(record.id, undo!, 2);
		expect(restored.undo).toBeNull();
		expect(restored.record.images?.counts).toEqual([67, 67, 66]);
		expect(restored.record.images?.testStart).toBe(150);
		expect(datasetVersion(restored.record)).toBe(3);
		const all = await readImageRows(restored.record, Array.from({ length: count }, (_, i) => i));
		const original = pixels();
		expect(all.pixels.length).toBe(original.length);
		// Compared as one number: a deep toEqual over 2.4 MB takes half a minute.
		expect(all.pixels.findIndex((v, i) => v !== original[i])).toBe(-1);
		expect(Array.from(all.labels)).toEqual(Array.from(labels));
	});

	it('pages through one class and refuses stale views, emptied classes and datasets a run still uses', async () => {
		const record = await stored();
		const page = await readImageClassPage(record, 1, 10, 4);
		expect(page).toMatchObject({ rows: [31, 34, 37, 40], total: 67, version: 1 });
		expect(page.pixels[0]).toBe(31);
		expect(page.pixels[3 * size]).toBe(40);
		await expect(editImages(record.id, { remove: [0], relabel: [] }, 2)).rejects.toSatisfy((e) => isKind(e, 'ValidationError') && /changed since/.test((e as Error).message));
		const everyA = Array.from({ length: 67 }, (_, i) => 3 * i);
		await expect(editImages(record.id, { remove: everyA, relabel: [] }, 1)).rejects.toSatisfy((e) => /no image of "a"/.test((e as Error).message));
		await expect(editImages(record.id, { remove: [], relabel: [{ row: 0, label: 0 }] }, 1)).rejects.toSatisfy((e) => /already in that class/.test((e as Error).message));
		// A failed edit leaves the dataset as it was.
		expect(Array.from(await readImageLabels(await getDataset(record.id)))).toEqual(Array.from(labels));
		await createRun({ projectId: record.projectId, datasetId: record.id, config: { ...DEFAULT_CONFIG, target: 'label', task: 'classification', features: [] } });
		await expect(editImages(record.id, { remove: [0], relabel: [] }, 1)).rejects.toSatisfy((e) => /can still resume/.test((e as Error).message));
	});

	it('counts class edits as versions too', async () => {
		const record = await stored();
		const renamed = await editImageClasses(record, ['x', 'b', 'c']);
		expect(datasetVersion(renamed)).toBe(2);
		expect(renamed.edits?.[0].what).toBe('classes: “a” → “x”');
		const page = await readImageClassPage(renamed, 2, 0, 2);
		// Renaming sorts the classes (b, c, x): class 2 is now the old "a".
		expect(page).toMatchObject({ rows: [0, 3], version: 2 });
		// A run from before the edit cannot replay its holdout; one from after it can.
		expect(() => assertNotEditedSince(renamed, renamed.edits![0].at - 1, 'its confused classes')).toThrow(/edited after this run trained \(classes: “a” → “x”\)/);
		expect(() => assertNotEditedSince(renamed, renamed.edits![0].at, 'its confused classes')).not.toThrow();
	});
});
