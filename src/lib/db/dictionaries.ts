import { categorySampleOf } from '$workers/lib/text/column';
import type { DatasetRecord, StoredColumn } from './schema';

/**
 * Large dictionaries are stored as one string. IndexedDB clones a record on every read, and a
 * million-entry dictionary (an ID column of a 1M-row file) as a million strings took the page
 * 1.3 s on one `listDatasets` (a main-thread task) and tens of MB; one NUL-joined string is
 * cloned as a single copy. Workers get the array back from `getDataset`; the page, which reads a
 * dictionary only to tell text columns apart, gets it split on first read.
 */
export const PACK_AT = 1024;
const SEPARATOR = '\u0000';
const split = (packed: string) => packed.split(SEPARATOR);

/** A column without the fields that only go with a packed dictionary. */
function plain(column: StoredColumn): StoredColumn {
	if (column.categoryCount === undefined && column.categorySample === undefined) return column;
	const { categoryCount: _, categorySample: __, ...rest } = column;
	return rest;
}

export function packColumns(columns: readonly StoredColumn[]): StoredColumn[] {
	return columns.map((c) => {
		const categories = c.categories;
		// Packed already (the importer packs big dictionaries straight from its bytes).
		if (!categories && c.packedCategories !== undefined) return c;
		if (!categories || categories.length < PACK_AT || categories.some((v) => v.includes(SEPARATOR))) return plain(c);
		const { categories: _, ...rest } = plain(c);
		return { ...rest, packedCategories: categories.join(SEPARATOR), categoryCount: categories.length, categorySample: categorySampleOf(categories) };
	});
}

export function unpackColumns(columns: readonly StoredColumn[]): StoredColumn[] {
	return columns.map((c) => {
		if (c.packedCategories === undefined) return c;
		const { packedCategories: _, ...rest } = plain(c);
		return { ...rest, categories: split(c.packedCategories) };
	});
}

/** Columns whose big dictionaries are split on first read of `categories` only. */
export function lazyColumns(columns: readonly StoredColumn[]): StoredColumn[] {
	return columns.map((c) => {
		if (c.packedCategories === undefined) return c;
		const { packedCategories, ...rest } = c;
		let categories: string[] | null = null;
		// Enumerable, so a structured clone (to a worker) or a spread still carries the array.
		return Object.defineProperty(rest, 'categories', { enumerable: true, configurable: true, get: () => (categories ??= split(packedCategories)) });
	});
}

export const packRecord = (record: DatasetRecord): DatasetRecord => (Array.isArray(record.columns) ? { ...record, columns: packColumns(record.columns) } : record);
const packed = (record: DatasetRecord) => Array.isArray(record.columns) && record.columns.some((c) => c.packedCategories !== undefined);
export const unpackRecord = (record: DatasetRecord): DatasetRecord => (packed(record) ? { ...record, columns: unpackColumns(record.columns) } : record);
export const lazyRecord = (record: DatasetRecord): DatasetRecord => (packed(record) ? { ...record, columns: lazyColumns(record.columns) } : record);
