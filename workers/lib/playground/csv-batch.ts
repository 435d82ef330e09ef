import Papa from 'papaparse';
import { KilnError } from '$shared/errors';
import { shapeText } from './signature';
import type { TensorSpec } from './types';

/** Rows past this are refused: the playground shows predictions, it is not a batch job. */
export const MAX_CSV_ROWS = 10_000;

export interface CsvBatch {
	/** Row-major [rows, width]. */
	values: Float32Array;
	rows: number;
	width: number;
	/** Column names when the file had a header row. */
	header: string[] | null;
	/** Concrete dims for the input: [rows, ...one item]. */
	dims: number[];
}

/** Values one batch item of `spec` takes, and its dims; a free size besides the batch is fitted to `columns`. */
export function itemShape(spec: TensorSpec, columns: number): number[] {
	const rest = spec.dims.slice(1);
	if (spec.dims.length === 0) throw new KilnError('ValidationError', `Input "${spec.name}" is a single value (a scalar), so it cannot take CSV rows.`);
	const fixed = rest.reduce<number>((p, d) => (typeof d === 'number' ? p * d : p), 1);
	const free = rest.filter((d) => typeof d === 'string').length;
	if (free > 1) throw new KilnError('ValidationError', `Input "${spec.name}" has shape ${shapeText(spec.dims)}: more than one free size besides the batch, so a CSV row's layout is unclear. Use the values box with nested JSON instead.`);
	if (free === 1) {
		if (columns % fixed !== 0) throw new KilnError('ValidationError', `The CSV has ${columns} columns; input "${spec.name}" (${shapeText(spec.dims)}) takes a multiple of ${fixed} values per row.`);
		return rest.map((d) => (typeof d === 'number' ? d : columns / fixed));
	}
	if (columns !== fixed) throw new KilnError('ValidationError', `The CSV has ${columns} column${columns === 1 ? '' : 's'}; input "${spec.name}" expects shape ${shapeText(spec.dims)}, so each row needs exactly ${fixed} value${fixed === 1 ? '' : 's'}.`);
	return rest as number[];
}

const isNumberCell = (cell: string) => cell.trim() !== '' && !Number.isNaN(Number(cell));

/**
 * A CSV as a batch for one input: each row one item, every column a value. A first row with a
 * non-number cell is taken as the header. Errors name the file, the row (as the file numbers
 * its lines) and the column.
 */
export function csvBatch(text: string, fileName: string, spec: TensorSpec): CsvBatch {
	const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
	const rows = parsed.data;
	if (rows.length === 0) throw new KilnError('ValidationError', `"${fileName}" has no rows.`);
	const header = rows[0].some((cell) => !isNumberCell(cell)) ? rows[0] : null;
	const body = header ? rows.slice(1) : rows;
	const first = header ? 2 : 1;
	if (body.length === 0) throw new KilnError('ValidationError', `"${fileName}" has a header but no rows of values.`);
	if (body.length > MAX_CSV_ROWS) throw new KilnError('ValidationError', `"${fileName}" has ${body.length.toLocaleString('en-US')} rows; the playground predicts at most ${MAX_CSV_ROWS.toLocaleString('en-US')} at a time.`);
	const width = (header ?? body[0]).length;
	const item = itemShape(spec, width);
	const values = new Float32Array(body.length * width);
	body.forEach((row, r) => {
		if (row.length !== width) throw new KilnError('ValidationError', `"${fileName}", row ${r + first}: ${row.length} cells where the ${header ? 'header has' : 'first row has'} ${width}.`);
		row.forEach((cell, c) => {
			if (!isNumberCell(cell)) {
				const column = header ? `column "${header[c]}"` : `column ${c + 1}`;
				throw new KilnError('ValidationError', `"${fileName}", row ${r + first}, ${column}: ${cell.trim() ? `"${cell}" is not a number` : 'the cell is empty'}. The playground feeds numbers as they are (no preprocessing).`);
			}
			values[r * width + c] = Number(cell);
		});
	});
	return { values, rows: body.length, width, header, dims: [body.length, ...item] };
}
