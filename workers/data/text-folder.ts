import { saveDataset } from '$lib/db';
import { KilnError } from '$shared/errors';
import { profileTable } from '$shared/table';
import type { Column, Table } from '$workers/protocol';
import type { ImageFileEntry, SkippedFile, TextFolderImportRequest, TextFolderImportSummary } from '../protocol';
import type { ImportWarning } from '../lib/data/import/types';
import { decodeTextFile, MAX_TEXT_FILE_BYTES, tooLargeReason } from '../lib/text/text-files';
import { expandZips, indexClasses, labelClassFiles } from './class-folders';

/** Column names of a text dataset made from class folders. */
export const TEXT_FOLDER_COLUMNS = { text: 'text', label: 'label' } as const;
export const MAX_TEXT_FILES = 200_000;
const TEXT_KIND = { accept: /\.(txt|text)$/i, noun: 'a text', reads: 'Kiln reads .txt files (one sample per file).' };

function categorical(name: string, values: readonly string[]): Column {
	const index = new Map<string, number>();
	const categories: string[] = [];
	const codes = Int32Array.from(values, (v) => index.get(v) ?? (index.set(v, categories.push(v) - 1), categories.length - 1));
	return { name, kind: 'categorical', categories, codes };
}

export interface TextFolderRead {
	table: Table;
	classes: string[];
	counts: number[];
	skipped: SkippedFile[];
	/** Files per encoding found, e.g. { 'utf-8': 40, 'windows-1252': 2 }. */
	encodings: Record<string, number>;
}

/**
 * Class folders of `.txt` files (loose, or inside .zip files) → a table of a text column and a
 * label column, rows in path order. Files that are empty, binary, too large or outside a class
 * folder are listed in `skipped` with the reason; nothing is stored here.
 */
export async function readTextFolder(files: ImageFileEntry[], onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<TextFolderRead> {
	const skipped: SkippedFile[] = [];
	const all = await expandZips(files, { maxBytes: MAX_TEXT_FILE_BYTES, skipped, tooLarge: tooLargeReason });
	const labelled = labelClassFiles(all, skipped, TEXT_KIND).sort((a, b) => a.entry.path.localeCompare(b.entry.path));
	if (labelled.length > MAX_TEXT_FILES) throw new KilnError('ImportError', `There are ${labelled.length.toLocaleString('en-US')} text files; Kiln imports up to ${MAX_TEXT_FILES.toLocaleString('en-US')} at once.`);
	const texts: string[] = [];
	const names: string[] = [];
	const encodings: Record<string, number> = {};
	for (let i = 0; i < labelled.length; i++) {
		if (signal?.aborted) throw new KilnError('AbortError', 'Cancelled.');
		const { entry, className } = labelled[i];
		// A loose file's size is known before reading it: a 2 GB log is never read whole.
		const decoded = entry.file.size > MAX_TEXT_FILE_BYTES ? { skip: tooLargeReason(entry.file.size) } : decodeTextFile(new Uint8Array(await entry.file.arrayBuffer()));
		if ('skip' in decoded) skipped.push({ file: entry.path, reason: decoded.skip });
		else {
			texts.push(decoded.text);
			names.push(className);
			encodings[decoded.encoding] = (encodings[decoded.encoding] ?? 0) + 1;
		}
		if (onProgress && (i % 50 === 49 || i === labelled.length - 1)) onProgress(i + 1, labelled.length);
	}
	const { classes, counts } = indexClasses(names, 'text', skipped);
	const table: Table = { rowCount: texts.length, columns: [categorical(TEXT_FOLDER_COLUMNS.text, texts), categorical(TEXT_FOLDER_COLUMNS.label, names)] };
	return { table, classes, counts, skipped, encodings };
}

/** Reads the folder, then stores it in one transaction as the project's dataset (label as target). */
export async function importTextFolder({ projectId, name, files }: TextFolderImportRequest, onProgress?: (p: { done: number; total: number }) => void): Promise<TextFolderImportSummary> {
	const read = await readTextFolder(files, (done, total) => onProgress?.({ done, total }));
	const stored = await saveDataset({ projectId, name, fileName: name, source: 'upload', table: read.table, profile: profileTable(read.table), target: TEXT_FOLDER_COLUMNS.label, task: 'classification', warnings: skippedWarnings(read.skipped), textColumns: [TEXT_FOLDER_COLUMNS.text] });
	return { datasetId: stored.id, imported: read.table.rowCount, classes: read.classes, counts: read.counts, skipped: read.skipped, encodings: read.encodings };
}

/** Listed with the dataset; a folder of thousands of stray files lists the first 100 and a count. */
export function skippedWarnings(skipped: readonly SkippedFile[], limit = 100): ImportWarning[] {
	const out: ImportWarning[] = skipped.slice(0, limit).map((s) => ({ kind: 'ignored-entry', message: `Skipped ${s.file}: ${s.reason}` }));
	if (skipped.length > limit) out.push({ kind: 'ignored-entry', message: `…and ${(skipped.length - limit).toLocaleString('en-US')} more files skipped.`, count: skipped.length - limit });
	return out;
}
