import 'fake-indexeddb/auto';
import { zipSync } from 'fflate';
import { beforeEach, describe, expect, it } from 'vitest';
import { closeKilnDb, createProject, getDataset, getProject, listDatasets, loadTable } from '$lib/db';
import { isKind } from '$shared/errors';
import { cellText } from '$shared/table';
import type { ImageFileEntry } from '../protocol';
import { MAX_TEXT_FILE_BYTES } from '../lib/text/text-files';
import { textColumns } from '../lib/text/column';
import { importTextFolder, readTextFolder } from './text-folder';

const utf8 = (s: string) => new TextEncoder().encode(s);
const entry = (path: string, bytes: Uint8Array): ImageFileEntry => ({ path, file: new Blob([bytes as Uint8Array<ArrayBuffer>]) });
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

beforeEach(async () => {
	await closeKilnDb();
	await new Promise((resolve) => {
		const request = indexedDB.deleteDatabase('kiln');
		request.onsuccess = request.onerror = resolve;
	});
});

const zip = () =>
	zipSync({
		'reviews/pos/1.txt': utf8('A warm, funny film.\n'),
		'reviews/pos/2.txt': new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('Loved every minute — très bien.')]),
		'reviews/neg/1.txt': latin1('Dull. The café scene drags.'),
		'reviews/neg/2.txt': new Uint8Array([0xff, 0xfe, ...new Uint8Array(new Uint16Array(Array.from('Too long, too loud.', (c) => c.charCodeAt(0))).buffer)]),
		'reviews/neg/empty.txt': new Uint8Array(),
		'reviews/neg/photo.txt': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]),
		'reviews/pos/huge.txt': new Uint8Array(MAX_TEXT_FILE_BYTES + 10).fill(0x61),
		'reviews/readme.md': utf8('not a sample'),
		'loose.txt': utf8('no class folder'),
		'__MACOSX/reviews/pos/._1.txt': new Uint8Array([0])
	});

describe('text datasets from class folders', () => {
	it('reads a zip with bad files inside: every encoding decoded, each bad file skipped with its reason', async () => {
		const read = await readTextFolder([entry('reviews.zip', zip())]);
		expect(read.classes).toEqual(['neg', 'pos']);
		expect(read.counts).toEqual([2, 2]);
		const [text, label] = read.table.columns;
		const rows = Array.from({ length: read.table.rowCount }, (_, r) => [cellText(text, r), cellText(label, r)]);
		expect(rows).toEqual([
			['Dull. The café scene drags.', 'neg'],
			['Too long, too loud.', 'neg'],
			['A warm, funny film.', 'pos'],
			['Loved every minute — très bien.', 'pos']
		]);
		expect(read.encodings).toEqual({ 'windows-1252': 1, 'utf-16le': 1, 'utf-8': 2 });
		const reasons = Object.fromEntries(read.skipped.map((s) => [s.file, s.reason]));
		expect(Object.keys(reasons).sort()).toEqual(['loose.txt', 'reviews/neg/empty.txt', 'reviews/neg/photo.txt', 'reviews/pos/huge.txt', 'reviews/readme.md']);
		expect(reasons['reviews/neg/empty.txt']).toBe('empty file.');
		expect(reasons['reviews/neg/photo.txt']).toMatch(/binary/);
		expect(reasons['reviews/pos/huge.txt']).toMatch(/over the 1\.0 MB/);
		expect(reasons['reviews/readme.md']).toMatch(/not a text file \(\.md\)/);
		expect(reasons['loose.txt']).toMatch(/class folder/);
	});

	it('takes loose files from a folder picker and refuses an oversized one by its size without reading it', async () => {
		const huge = { path: 'set/b/big.txt', file: { size: 5 * 2 ** 20, arrayBuffer: () => Promise.reject(new Error('read')) } as unknown as Blob };
		const read = await readTextFolder([entry('set/a/1.txt', utf8('first text')), entry('set/b/1.txt', utf8('second text')), huge]);
		expect(read.table.rowCount).toBe(2);
		expect(read.skipped).toEqual([{ file: 'set/b/big.txt', reason: expect.stringMatching(/^5\.0 MB/) }]);
	});

	it('refuses one class, a damaged zip and a cancelled read with clear errors', async () => {
		await expect(readTextFolder([entry('a/1.txt', utf8('only one class'))])).rejects.toSatisfy((e) => isKind(e, 'ImportError') && /at least two class folders/.test((e as Error).message));
		await expect(readTextFolder([entry('bad.zip', new Uint8Array([80, 75, 3, 4, 0, 0]))])).rejects.toSatisfy((e) => isKind(e, 'ImportError') && /bad\.zip/.test((e as Error).message));
		const controller = new AbortController();
		controller.abort();
		await expect(readTextFolder([entry('reviews.zip', zip())], undefined, controller.signal)).rejects.toSatisfy((e) => isKind(e, 'AbortError'));
	});

	it('stores the dataset in one go with the label as target and the skipped files as warnings', async () => {
		const project = await createProject('texts');
		const progress: number[] = [];
		const summary = await importTextFolder({ projectId: project.id, name: 'reviews', files: [entry('reviews.zip', zip())] }, (p) => progress.push(p.done / p.total));
		expect(summary).toMatchObject({ imported: 4, classes: ['neg', 'pos'], counts: [2, 2] });
		expect(progress.at(-1)).toBe(1);
		const stored = await getDataset(summary.datasetId);
		expect(stored.columns.map((c) => c.name)).toEqual(['text', 'label']);
		// Four short texts would not look like free text to the CSV rule; the folder import says they are.
		expect(stored.columns.map((c) => c.text)).toEqual([true, undefined]);
		expect(textColumns(stored.columns, stored.rowCount, 'label')).toEqual(['text']);
		expect(stored.warnings?.length).toBe(5);
		expect(stored.warnings?.[0].message).toMatch(/^Skipped /);
		expect((await loadTable(stored)).rowCount).toBe(4);
		expect(await getProject(project.id)).toMatchObject({ datasetId: summary.datasetId, target: 'label', task: 'classification' });
		// A failed import (one class) stores nothing.
		await expect(importTextFolder({ projectId: project.id, name: 'bad', files: [entry('a/1.txt', utf8('x y'))] })).rejects.toThrow();
		expect((await listDatasets(project.id)).length).toBe(1);
	});
});
