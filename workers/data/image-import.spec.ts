import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isKind } from '$shared/errors';
import type { ImageFileEntry, SkippedFile } from '../protocol';
import { decodeAll, expandZips, labelFiles } from './image-import';

// The browser decodes with createImageBitmap; here a stand-in "decoder" reads 4 raw bytes after
// an "IMG" marker and fails on anything else, so the grouping and skip logic is what is tested.
const decode = async (blob: Blob) => {
	const bytes = new Uint8Array(await blob.arrayBuffer());
	if (String.fromCharCode(...bytes.subarray(0, 3)) !== 'IMG') throw new Error('not a picture');
	return bytes.subarray(3, 7);
};
const image = (value: number) => new Uint8Array([73, 77, 71, value, value, value, value]);
const entry = (path: string, bytes: Uint8Array): ImageFileEntry => ({ path, file: new Blob([bytes as Uint8Array<ArrayBuffer>]) });

describe('image import', () => {
	it('labels a zip of class folders, skipping a corrupt file and a non-image with reasons', async () => {
		const zip = zipSync({
			'set/cat/1.png': image(1),
			'set/cat/2.png': image(2),
			'set/dog/1.jpg': image(3),
			'set/dog/broken.png': new Uint8Array([1, 2, 3]),
			'set/notes.txt': new Uint8Array([65]),
			'loose.png': image(9),
			'__MACOSX/set/cat/._1.png': new Uint8Array([0])
		});
		const skipped: SkippedFile[] = [];
		const files = labelFiles(await expandZips([entry('set.zip', zip)]), skipped);
		const result = await decodeAll(files, 4, decode, skipped);
		expect(result.classes).toEqual(['cat', 'dog']);
		expect(result.counts).toEqual([2, 1]);
		expect(Array.from(result.labels)).toEqual([0, 0, 1]);
		expect(Array.from(result.pixels.subarray(8, 12))).toEqual([3, 3, 3, 3]);
		expect(skipped.map((s) => s.file).sort()).toEqual(['loose.png', 'set/dog/broken.png', 'set/notes.txt']);
		expect(skipped.find((s) => s.file === 'set/dog/broken.png')?.reason).toMatch(/could not be decoded/);
		expect(skipped.find((s) => s.file === 'set/notes.txt')?.reason).toMatch(/not an image file \(\.txt\)/);
	});

	it('takes loose folder files by their relative path', async () => {
		const skipped: SkippedFile[] = [];
		const files = labelFiles([entry('photos/a/x.png', image(5)), entry('photos/b/y.png', image(6)), entry('photos/b/.hidden.png', image(7))], skipped);
		expect(files.map((f) => f.className)).toEqual(['a', 'b']);
		expect(skipped).toEqual([]);
	});

	it('refuses one class and a damaged zip, saying why', async () => {
		const skipped: SkippedFile[] = [];
		await expect(decodeAll(labelFiles([entry('a/1.png', image(1))], skipped), 4, decode, skipped)).rejects.toSatisfy((e) => isKind(e, 'ImportError') && /at least two class folders/.test((e as Error).message));
		await expect(expandZips([entry('bad.zip', new Uint8Array([80, 75, 3, 4, 0, 0]))])).rejects.toSatisfy((e) => isKind(e, 'ImportError') && /bad\.zip/.test((e as Error).message));
	});
});
