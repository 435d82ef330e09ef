import Papa from 'papaparse';
import type { Column, ExpectedColumn, ParsedCsv, Table } from '../protocol';
import { KilnError } from '$shared/errors';
import { profileTable } from '$shared/table';

/**
 * Cells that mean "no value" in CSVs exported by spreadsheets, R, pandas and UCI files.
 * "None" is not among them: it is often a real category ("none of the above").
 */
export const MISSING_TOKENS: readonly string[] = ['', 'NA', 'N/A', 'null', 'NaN', '?'];
const MISSING = new Set(MISSING_TOKENS.map((t) => t.toLowerCase()));
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
/** A column whose cells are at least this share numbers is meant to be numeric. */
const NUMERIC_SHARE = 0.8;

export function isMissing(cell: string): boolean {
	return MISSING.has(cell.trim().toLowerCase());
}

/** Data row i (0-based) is record i + 2 of the file: the header is row 1. */
const fileRow = (dataRow: number) => dataRow + 2;

function fail(fileName: string, message: string): never {
	throw new KilnError('CsvParseError', `${fileName}: ${message}`);
}

function decode(file: ArrayBuffer, fileName: string): string {
	const bytes = new Uint8Array(file);
	const head = bytes.subarray(0, 8192);
	let control = 0;
	for (let i = 0; i < head.length; i++) {
		const b = head[i];
		if (b === 0) fail(fileName, `this is not a text CSV file (found a zero byte at byte ${i}). Export the data as comma-separated text and try again.`);
		if (b < 9 || (b > 13 && b < 32)) control++;
	}
	if (head.length > 0 && control / head.length > 0.05) {
		fail(fileName, 'this is not a text CSV file (it is mostly binary bytes). Export the data as comma-separated text and try again.');
	}
	return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

function checkHeader(header: string[], fileName: string): string[] {
	const names = header.map((h) => h.trim());
	const seen = new Map<string, number>();
	names.forEach((name, i) => {
		// An empty header cell gets a name a person can recognise (spreadsheets leave them).
		if (name === '') names[i] = name = `column_${i + 1}`;
		const before = seen.get(name);
		if (before !== undefined) fail(fileName, `the header names column "${name}" twice (columns ${before + 1} and ${i + 1}). Kiln does not rename duplicates; give each column a unique name and try again.`);
		seen.set(name, i);
	});
	return names;
}

function numericColumn(name: string, cells: string[], fileName: string): Column {
	const values = new Float64Array(cells.length);
	cells.forEach((cell, row) => {
		const text = cell.trim();
		if (isMissing(text)) values[row] = NaN;
		else if (NUMBER.test(text)) values[row] = Number(text);
		else if (NON_FINITE.test(text)) fail(fileName, `row ${fileRow(row)}, column "${name}": "${text}" is not a finite number. Leave the cell empty if the value is missing.`);
		else fail(fileName, `row ${fileRow(row)}, column "${name}": expected a number, found "${text}". Fix the cell, or leave it empty if the value is missing.`);
	});
	return { name, kind: 'numeric', values };
}

function categoricalColumn(name: string, cells: string[]): Column {
	const distinct = [...new Set(cells.map((c) => c.trim()).filter((c) => !isMissing(c)))].sort();
	const index = new Map(distinct.map((value, i) => [value, i]));
	const codes = new Int32Array(cells.length);
	cells.forEach((cell, row) => (codes[row] = index.get(cell.trim()) ?? -1));
	return { name, kind: 'categorical', categories: distinct, codes };
}

/** Decide numeric vs categorical; a mostly-numeric column with a few bad cells is an error, not text. */
function inferColumn(name: string, cells: string[], fileName: string): Column {
	let present = 0;
	let numeric = 0;
	for (const cell of cells) {
		const text = cell.trim();
		if (isMissing(text)) continue;
		present++;
		if (NUMBER.test(text) || NON_FINITE.test(text)) numeric++;
	}
	if (present > 0 && numeric / present >= NUMERIC_SHARE) return numericColumn(name, cells, fileName);
	return categoricalColumn(name, cells);
}

export interface ParseOptions {
	/** Parse a prediction file against the model's columns instead of inferring types. */
	expected?: ExpectedColumn[];
	/** With `expected`: keep the file's other columns too (types inferred), after the expected ones. */
	keepOtherColumns?: boolean;
	/** Called with the share done (0–1) as chunks are parsed and columns built. */
	onProgress?: (fraction: number) => void;
}

/** Share of the progress bar given to tokenising; building typed columns takes the rest. */
const TOKENISE_SHARE = 0.7;

/** Rows between progress reports while tokenising. */
const PROGRESS_ROWS = 20_000;

function tokenise(text: string, fileName: string, onProgress?: (fraction: number) => void): { rows: string[][]; delimiter: string } {
	const rows: string[][] = [];
	let delimiter = ',';
	// `step` sees one row at a time in a single pass; papaparse's string chunking can split an
	// escaped quote across chunks and misread it (the round-trip property test caught that).
	Papa.parse<string[]>(text, {
		skipEmptyLines: 'greedy',
		step: (result) => {
			const quoteError = result.errors.find((e) => e.type === 'Quotes');
			if (quoteError) fail(fileName, `row ${rows.length + 1}: a quoted field is never closed (a " is missing). Check the quotes in that row.`);
			rows.push(result.data);
			delimiter = result.meta.delimiter;
			if (onProgress && rows.length % PROGRESS_ROWS === 0) onProgress((TOKENISE_SHARE * result.meta.cursor) / text.length);
		}
	});
	onProgress?.(TOKENISE_SHARE);
	return { rows, delimiter };
}

/**
 * Parse a CSV file into a columnar table. Every problem becomes a CsvParseError naming the
 * file, the row (the header is row 1) and the column, and saying what was expected.
 */
export function parseCsv(file: ArrayBuffer, fileName: string, options: ParseOptions = {}): ParsedCsv {
	const text = decode(file, fileName);
	if (text.trim() === '') fail(fileName, 'the file is empty. A CSV needs a header row and at least one data row.');

	const { rows: all, delimiter } = tokenise(text, fileName, options.onProgress);
	const [rawHeader, ...rows] = all;
	const header = checkHeader(rawHeader, fileName);
	if (rows.length === 0) fail(fileName, 'the file has a header row but no data rows.');
	rows.forEach((row, i) => {
		if (row.length !== header.length) {
			fail(fileName, `row ${fileRow(i)} has ${row.length} field${row.length === 1 ? '' : 's'} but the header has ${header.length} columns. Check for a missing or extra delimiter (${JSON.stringify(delimiter)}) in that row.`);
		}
	});

	const { expected, onProgress } = options;
	const known = new Set(expected?.map((e) => e.name));
	const others = header.filter((name) => !known.has(name)).map((name) => ({ name, kind: undefined }));
	const wanted: { name: string; kind?: ExpectedColumn['kind'] }[] = expected ? [...expected, ...(options.keepOtherColumns ? others : [])] : others;
	const columns: Column[] = wanted.map(({ name, kind }, i) => {
		const col = header.indexOf(name);
		if (col < 0) throw new KilnError('SchemaMismatchError', `${fileName}: there is no column "${name}", which the model was trained on. Columns found: ${header.join(', ')}.`);
		const cells = rows.map((row) => row[col]);
		const column = kind === 'numeric' ? numericColumn(name, cells, fileName) : kind === 'categorical' ? categoricalColumn(name, cells) : inferColumn(name, cells, fileName);
		onProgress?.(TOKENISE_SHARE + ((1 - TOKENISE_SHARE) * (i + 1)) / wanted.length);
		return column;
	});
	const table: Table = { rowCount: rows.length, columns };
	return { fileName, table, profile: profileTable(table), delimiter, header };
}
