// Helpers for the import specs (Node only through vitest; no node: imports needed here).
import type { Table } from '$workers/protocol';
import { cellText } from '$shared/table';
import { importToTable } from './collect';
import { fromBytes } from './source';
import type { ImportEnd, ImportOptions } from './types';

export const utf8 = (text: string) => new TextEncoder().encode(text);

export async function load(input: string | Uint8Array, name = 'data.csv', options: ImportOptions = {}, cuts?: number[]): Promise<{ table: Table; end: ImportEnd }> {
	const bytes = typeof input === 'string' ? utf8(input) : input;
	return importToTable(fromBytes(bytes, name, 1 << 20, cuts), options);
}

/** Every column as the strings a person would read (missing → null). */
export function rowsOf(table: Table): (string | null)[][] {
	return Array.from({ length: table.rowCount }, (_, r) =>
		table.columns.map((c) => {
			const missing = c.kind === 'numeric' ? Number.isNaN(c.values[r]) : c.codes[r] < 0;
			return missing ? null : cellText(c, r);
		})
	);
}

export async function failure(input: string | Uint8Array, name = 'data.csv', options: ImportOptions = {}): Promise<Error> {
	try {
		await load(input, name, options);
	} catch (e) {
		return e as Error;
	}
	throw new Error('expected the import to fail');
}
