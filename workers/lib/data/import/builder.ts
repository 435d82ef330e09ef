import { isInfinityText, isNaNText, parseNumber, type NumberFormat } from '$shared/number';
import { equalsLower, isInfinityAt, isNaNAt, parseNumberAt, unquoteInto, type MissingTokens } from './cells';
import { RAW, type CsvRow } from './csv-scanner';
import { parseDate, parseDateAt, type DateOrder } from './dates';
import { ByteDictionary } from './dictionary';
import { chunkRowsFor, type SchemaColumn } from './types';
import type { WarningLog } from './warnings';

/** A finished block of rows as typed arrays, before it is handed to the profile and the sink. */
export interface BuiltChunk {
	index: number;
	rowCount: number;
	arrays: (Float64Array | Int32Array)[];
	dictionarySizes: number[];
}

const NUM = 0;
const DATE = 1;
const BOOL = 2;
const CAT = 3;

const encoder = new TextEncoder();
const TRUE_TOKENS = ['true', 'yes', 'y', 't', '1'].map((t) => encoder.encode(t));
const FALSE_TOKENS = ['false', 'no', 'n', 'f', '0'].map((t) => encoder.encode(t));
const TRUE_TEXT = new Set(['true', 'yes', 'y', 't', '1']);
const FALSE_TEXT = new Set(['false', 'no', 'n', 'f', '0']);

function booleanAt(b: Uint8Array, s: number, e: number): number {
	while (s < e && (b[s] === 32 || b[s] === 9)) s++;
	while (e > s && (b[e - 1] === 32 || b[e - 1] === 9)) e--;
	for (const t of TRUE_TOKENS) if (equalsLower(b, s, e, t)) return 1;
	for (const t of FALSE_TOKENS) if (equalsLower(b, s, e, t)) return 0;
	return NaN;
}

/**
 * Converts rows straight into typed column arrays, CHUNK_ROWS at a time; finished chunks wait in
 * `ready` until the (async) driver hands them on. A cell that does not fit its column's type is
 * stored as missing and tallied in the warning log; nothing is ever demoted after the schema is
 * out, because earlier chunks may already be stored.
 */
export class ChunkBuilder {
	readonly ready: BuiltChunk[] = [];
	readonly dictionaries: (ByteDictionary | null)[];
	rowCount = 0;
	readonly chunkRows: number;
	private rows = 0;
	private index = 0;
	private readonly kinds: Uint8Array;
	private readonly orders: DateOrder[];
	private readonly checkMissingFirst: boolean[];
	private numeric: (Float64Array | null)[] = [];
	private codes: (Int32Array | null)[] = [];
	private scratch = new Uint8Array(1024);
	private readonly pool: (Float64Array | Int32Array)[][] = [];
	private readonly decodeCell: (b: Uint8Array) => string;

	constructor(
		readonly columns: readonly SchemaColumn[],
		private readonly missing: MissingTokens,
		private readonly missingLike: readonly (Set<string> | null)[],
		private readonly warnings: WarningLog,
		decode: (b: Uint8Array) => string,
		private readonly numberFormat?: NumberFormat
	) {
		this.decodeCell = decode;
		this.kinds = Uint8Array.from(columns, (c) =>
			c.physical === 'categorical' ? CAT : c.semantic === 'datetime' ? DATE : c.semantic === 'boolean' ? BOOL : NUM
		);
		this.orders = columns.map((c) => c.dateOrder ?? 'ymd');
		const tokens = [...missing.tokens].map((t) => new TextEncoder().encode(t));
		this.checkMissingFirst = columns.map((c, i) => {
			const kind = this.kinds[i];
			if (kind === CAT || this.numberFormat) return true;
			return tokens.some((t) => !Number.isNaN(kind === NUM ? parseNumberAt(t, 0, t.length) : kind === DATE ? parseDateAt(t, 0, t.length, this.orders[i]) : booleanAt(t, 0, t.length)));
		});
		this.dictionaries = columns.map((c) => (c.physical === 'categorical' ? new ByteDictionary() : null));
		this.chunkRows = chunkRowsFor(columns.length);
		this.allocate();
	}

	private allocate(): void {
		const n = this.chunkRows;
		const reused = this.pool.pop();
		this.numeric = this.columns.map((c, i) => (c.physical === 'numeric' ? ((reused?.[i] as Float64Array) ?? new Float64Array(n)) : null));
		this.codes = this.columns.map((c, i) => (c.physical === 'categorical' ? ((reused?.[i] as Int32Array) ?? new Int32Array(n)) : null));
	}

	/** Full-size arrays of a chunk the sink is done with (see ImportOptions.reuseChunkBuffers). */
	recycle(arrays: (Float64Array | Int32Array)[]): void {
		if (arrays.every((a, i) => a.length === this.chunkRows && a.byteLength > 0 && (this.columns[i].physical === 'numeric') === a instanceof Float64Array)) {
			this.pool.push(arrays);
		}
	}

	/** A CSV row whose field count was checked by the caller. */
	addCsvRow(row: CsvRow): void {
		const r = this.rows;
		const kinds = this.kinds;
		const starts = row.starts;
		const ends = row.ends;
		const flags = row.flags;
		for (let c = 0; c < kinds.length; c++) {
			let b = row.buf;
			let s = starts[c];
			let e = ends[c];
			if (flags[c] === RAW) {
				if (this.scratch.length < e - s) this.scratch = new Uint8Array((e - s) * 2);
				e = unquoteInto(b, s, e, this.scratch);
				s = 0;
				b = this.scratch;
			}
			const kind = kinds[c];
			if (kind === CAT) {
				(this.codes[c] as Int32Array)[r] = (this.dictionaries[c] as ByteDictionary).code(b, s, e, this.missing);
				continue;
			}
			const out = this.numeric[c] as Float64Array;
			// Most cells are values: parse first and look at the missing tokens only when that
			// fails — unless a token itself reads as a value of this kind (e.g. "-999").
			if (this.checkMissingFirst[c] && this.missing.isMissingAt(b, s, e)) {
				out[r] = NaN;
				continue;
			}
			let v: number;
			if (kind === NUM) v = this.numberFormat ? (parseNumber(this.decodeCell(b.subarray(s, e)), this.numberFormat) ?? NaN) : parseNumberAt(b, s, e);
			else if (kind === DATE) v = parseDateAt(b, s, e, this.orders[c]);
			else v = booleanAt(b, s, e);
			if (v !== v && !this.missing.isMissingAt(b, s, e)) this.badBytes(c, kind, b, s, e, row.line);
			out[r] = v;
		}
		this.endRow();
	}

	private badBytes(c: number, kind: number, b: Uint8Array, s: number, e: number, line: number): void {
		if (kind === NUM) {
			if (isNaNAt(b, s, e)) return;
			if (isInfinityAt(b, s, e)) return this.warnings.infinite(c, line, () => this.decodeCell(b.subarray(s, e)));
			const like = this.missingLike[c];
			if (like && like.has(this.decodeCell(b.subarray(s, e)).trim())) return;
		}
		this.warnings.mismatch(c, line, () => this.decodeCell(b.subarray(s, e)));
	}

	/** A row of JS values (JSON, Parquet), aligned with the columns; undefined/null = missing. */
	addValues(values: ArrayLike<unknown>, line: number): void {
		const r = this.rows;
		for (let c = 0; c < this.kinds.length; c++) {
			const v = values[c];
			const kind = this.kinds[c];
			if (kind === CAT) {
				(this.codes[c] as Int32Array)[r] = this.codeOfValue(c, v);
				continue;
			}
			(this.numeric[c] as Float64Array)[r] = this.numberOfValue(c, kind, v, line);
		}
		this.endRow();
	}

	private codeOfValue(c: number, v: unknown): number {
		if (v === null || v === undefined) return -1;
		const text = valueText(v);
		if (this.missing.isMissing(text)) return -1;
		return (this.dictionaries[c] as ByteDictionary).codeOf(text);
	}

	private numberOfValue(c: number, kind: number, v: unknown, line: number): number {
		if (v === null || v === undefined) return NaN;
		if (typeof v === 'string' && this.missing.isMissing(v)) return NaN;
		let out = NaN;
		if (kind === NUM) {
			if (typeof v === 'number') {
				if (Number.isFinite(v)) return v;
				if (Number.isNaN(v)) return NaN;
				this.warnings.infinite(c, line, () => String(v));
				return NaN;
			}
			if (typeof v === 'bigint') return Number(v);
			if (typeof v === 'string') {
				out = parseNumber(v, this.numberFormat) ?? NaN;
				if (out !== out) {
					if (isNaNText(v) || this.missingLike[c]?.has(v.trim())) return NaN;
					if (isInfinityText(v)) {
						this.warnings.infinite(c, line, () => v);
						return NaN;
					}
				}
			}
		} else if (kind === DATE) {
			if (v instanceof Date) out = v.getTime();
			else if (typeof v === 'string') out = parseDate(v, this.orders[c]);
		} else if (typeof v === 'boolean') out = v ? 1 : 0;
		else if (typeof v === 'number' || typeof v === 'bigint') out = v == 1 ? 1 : v == 0 ? 0 : NaN;
		else if (typeof v === 'string') {
			const t = v.trim().toLowerCase();
			out = TRUE_TEXT.has(t) ? 1 : FALSE_TEXT.has(t) ? 0 : NaN;
		}
		if (out !== out) this.warnings.mismatch(c, line, () => valueText(v));
		return out;
	}

	/** A missing cell in every column (a blank line of a one-column CSV). */
	addMissingRow(): void {
		for (let c = 0; c < this.kinds.length; c++) {
			if (this.kinds[c] === CAT) (this.codes[c] as Int32Array)[this.rows] = -1;
			else (this.numeric[c] as Float64Array)[this.rows] = NaN;
		}
		this.endRow();
	}

	private endRow(): void {
		this.rows++;
		this.rowCount++;
		if (this.rows === this.chunkRows) this.finishChunk(true);
	}

	/**
	 * A hint that about `rows` rows will come in all: dictionaries that grew with almost every
	 * row so far (identifiers, free text) are sized once instead of by repeated doubling.
	 */
	reserve(rows: number): void {
		const seen = this.rowCount;
		if (seen === 0 || rows <= seen) return;
		for (const d of this.dictionaries) {
			if (d && d.size > seen / 2) d.reserve(Math.ceil((d.size / seen) * rows), d.averageBytes * 1.05);
		}
	}

	/** Queue the rows so far as a chunk (called when full and once at the end). */
	finishChunk(more = false): void {
		const n = this.rows;
		if (n === 0) return;
		const arrays = this.columns.map((_, c) => {
			const a = (this.numeric[c] ?? this.codes[c]) as Float64Array | Int32Array;
			return n === this.chunkRows ? a : a.slice(0, n);
		});
		const dictionarySizes = this.dictionaries.map((d) => d?.size ?? 0);
		this.ready.push({ index: this.index++, rowCount: n, arrays, dictionarySizes });
		this.rows = 0;
		if (more) this.allocate();
	}
}

/** The text a JSON/Parquet value stands for, as inference and dictionaries see it. */
export function valueText(v: unknown): string {
	if (v === null || v === undefined) return '';
	if (typeof v === 'string') return v;
	if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
	if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
	if (v instanceof Uint8Array) return Array.from(v, (x) => x.toString(16).padStart(2, '0')).join('');
	return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x));
}
