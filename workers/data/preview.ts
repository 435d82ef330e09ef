import type { ImportChoices, ImportPreview, PreviewColumn, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { displayCell } from '$shared/cell-format';
import { DEFAULT_MISSING, fromBlob, fromBytes, importTable, importToTable, type FormatInfo, type ImportOptions, type SchemaColumn } from '$workers/lib/data/import';

/** Bytes read for a preview: enough for the 10,000 rows the importer infers types from in most files. */
export const PREVIEW_BYTES = 4 * 1024 * 1024;
/**
 * Lines of a large file the preview parses: the importer infers types from its first 10,000
 * rows (csv-import.ts), so the preview parses the header, those rows and one more, not the
 * 30,000+ rows 4 MB may hold (a third of the time and garbage before a person can press Import).
 */
export const PREVIEW_LINES = 10_002;
/** Rows of the preview shown on the page. */
export const PREVIEW_ROWS = 20;

/** The import options a person's choices make. */
export function importOptions(choices: ImportChoices = {}): ImportOptions {
	return {
		delimiter: choices.delimiter,
		header: choices.header,
		encoding: choices.encoding,
		missing: choices.missing,
		types: choices.types,
		dateOrder: choices.dateOrder
	};
}

/** Stored bytes per row: Float64 numbers, Int32 category codes. */
export function rowBytes(columns: readonly { physical: 'numeric' | 'categorical' }[]): number {
	return columns.reduce((n, c) => n + (c.physical === 'numeric' ? 8 : 4), 0);
}

const QUOTE = 0x22;
const NEWLINE = 0x0a;

/**
 * Where a plain-text file can be cut without splitting a row: after the last line break that is
 * outside quotes (a doubled quote inside a field keeps the count even). -1 when there is none,
 * or the bytes are compressed, Parquet, UTF-16 or a JSON array, which cannot be cut like this.
 */
export function textCut(head: Uint8Array): number {
	return textLines(head).last;
}

/**
 * `textCut` (`last`) with the line breaks outside quotes up to it (`lines`), and where the
 * `maxLines`-th of them ends (`cut`; `last` when there are fewer).
 */
export function textLines(head: Uint8Array, maxLines = Infinity): { cut: number; last: number; lines: number; linesToCut: number } {
	const none = { cut: -1, last: -1, lines: 0, linesToCut: 0 };
	const [b0, b1, b2, b3] = head;
	const gzip = b0 === 0x1f && b1 === 0x8b;
	const zip = b0 === 0x50 && b1 === 0x4b && (b2 === 3 || b2 === 5);
	const parquet = b0 === 0x50 && b1 === 0x41 && b2 === 0x52 && b3 === 0x31;
	const utf16 = (b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff);
	if (gzip || zip || parquet || utf16) return none;
	for (let i = 0; i < head.length; i++) {
		const c = head[i];
		if (c === 0x5b) return none;
		if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xef && c !== 0xbb && c !== 0xbf) break;
	}
	let quotes = 0;
	let last = -1;
	let lines = 0;
	let cut = -1;
	let linesToCut = 0;
	for (let i = 0; i < head.length; i++) {
		if (head[i] === QUOTE) quotes++;
		else if (head[i] === NEWLINE && (quotes & 1) === 0) {
			last = i + 1;
			lines++;
			if (lines === maxLines) (cut = last), (linesToCut = lines);
		}
	}
	return cut < 0 ? { cut: last, last, lines, linesToCut: lines } : { cut, last, lines, linesToCut };
}

function previewRows(table: Table, columns: readonly SchemaColumn[], count: number): string[][] {
	const rows: string[][] = [];
	for (let r = 0; r < Math.min(count, table.rowCount); r++) rows.push(table.columns.map((c, i) => displayCell(c, r, columns[i])));
	return rows;
}

const asPreviewColumns = (columns: readonly SchemaColumn[]): PreviewColumn[] => columns.map(({ name, semantic, physical }) => ({ name, semantic, physical }));

/** Only the detected columns and format of a file that cannot be cut (compressed, Parquet, a JSON array). */
async function schemaOnly(file: Blob, fileName: string, options: ImportOptions): Promise<{ columns: SchemaColumn[]; format: FormatInfo }> {
	const stop = new KilnError('AbortError', 'preview complete');
	let found: { columns: SchemaColumn[]; format: FormatInfo } | null = null;
	try {
		await importTable(fromBlob(file, fileName), {
			onSchema: (columns, format) => {
				found = { columns, format };
				throw stop;
			},
			onChunk: () => {},
			onEnd: () => {}
		}, { ...options, profile: false });
	} catch (error) {
		if (error !== stop) throw error;
	}
	if (!found) throw new KilnError('ImportError', `${fileName} holds no rows.`);
	return found;
}

/**
 * What an import of this file would make, read from its first few MB and nothing stored: the
 * format, encoding, delimiter and header found, the columns with their types, the first rows
 * and the warnings so far. Rows and stored size are estimated for the whole file.
 */
export async function previewFile(file: Blob, fileName: string, choices: ImportChoices = {}): Promise<ImportPreview> {
	const options = importOptions(choices);
	const missing = [...(choices.missing ?? DEFAULT_MISSING)];
	const complete = file.size <= PREVIEW_BYTES;
	const head = new Uint8Array(await file.slice(0, Math.min(file.size, PREVIEW_BYTES)).arrayBuffer());
	// A large file: parse the rows type inference reads; count the lines of all 4 MB for the estimate.
	const scan = complete ? null : textLines(head, PREVIEW_LINES);
	const cut = scan ? scan.cut : head.length;
	if (cut <= 0) {
		const { columns, format } = await schemaOnly(file, fileName, options);
		return { fileName, format, columns: asPreviewColumns(columns), rows: [], rowsRead: 0, complete: false, warnings: [], missing, estimatedRows: 0, estimatedBytes: 0 };
	}
	const { table, end } = await importToTable(fromBytes(head.subarray(0, cut), fileName), { ...options, profile: false, makePlan: true });
	const estimatedRows = !scan ? end.rowCount : Math.round(((end.rowCount / scan.linesToCut) * scan.lines * file.size) / scan.last);
	return {
		fileName,
		format: end.format,
		columns: asPreviewColumns(end.columns),
		rows: previewRows(table, end.columns, PREVIEW_ROWS),
		rowsRead: end.rowCount,
		complete,
		warnings: end.warnings,
		missing,
		estimatedRows,
		estimatedBytes: estimatedRows * rowBytes(end.columns),
		...(end.plan ? { plan: end.plan } : {})
	};
}
