import { KilnError } from '$shared/errors';

/**
 * A byte-level CSV state machine (RFC 4180 plus the usual leniencies) that is fed slices of any
 * size and hands each complete row to `onRow` as field offsets into its buffer, so no string is
 * made for a cell unless someone asks for it. Works on UTF-8 and on single-byte encodings, whose
 * delimiters, quotes and newlines are the ASCII bytes.
 *
 * - A quote is special only at the start of a field; `""` inside quotes is one quote; text after
 *   a closing quote is kept (`"a"b` → `ab`). Such fields get flag 1: the offsets then cover the
 *   raw field from its opening quote and the reader unquotes them (`unquoteInto`). Other quoted
 *   fields get flag 2 (offsets inside the quotes), so `""` is an empty value, not a blank line.
 * - Rows end at LF, CRLF or a lone CR. A blank line is a row with one empty field.
 * - Lines are counted physically (newlines inside quotes count), so `line` is what an editor shows.
 * - A row longer than `maxRowBytes` or with more than `maxFields` fields is refused: memory stays
 *   bounded on a file that is not really a CSV (or has an unclosed quote).
 */
export interface CsvRow {
	buf: Uint8Array;
	starts: Int32Array;
	ends: Int32Array;
	flags: Uint8Array;
	count: number;
	/** The physical line (1-based) where the row starts. */
	line: number;
}

export interface ScannerLimits {
	maxRowBytes: number;
	maxFields: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Field flags: 0 plain, RAW needs unquoting, QUOTED_CLEAN was quoted (offsets inside the quotes). */
export const RAW = 1;
export const QUOTED_CLEAN = 2;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_SEEN = 3;
const AFTER_QUOTE = 4;

export class CsvScanner {
	private buf = new Uint8Array(1 << 16);
	private len = 0;
	private pos = 0;
	private rowStart = 0;
	private fieldStart = 0;
	private state = FIELD_START;
	private skipLf = false;
	private line = 1;
	private quoteLine = 1;
	private escaped = false;
	private readonly row: CsvRow;

	constructor(
		private readonly delimiter: number,
		private readonly onRow: (row: CsvRow) => void,
		private readonly fileName: string,
		private readonly limits: ScannerLimits
	) {
		this.row = { buf: this.buf, starts: new Int32Array(64), ends: new Int32Array(64), flags: new Uint8Array(64), count: 0, line: 1 };
	}

	push(slice: Uint8Array): void {
		if (slice.length === 0) return;
		let start = 0;
		if (this.skipLf) {
			this.skipLf = false;
			if (slice[0] === LF) start = 1;
		}
		this.append(slice, start);
		this.scan();
		if (this.len - this.rowStart > this.limits.maxRowBytes) this.tooLong();
	}

	/** End of input: the last row may lack its newline; an open quote is an error. */
	finish(): void {
		const row = this.row;
		if (this.state === QUOTED) {
			throw new KilnError(
				'CsvParseError',
				`${this.fileName}: a quoted field opened on line ${this.quoteLine} is never closed (a " is missing before the end of the file). Check the quotes on that line.`
			);
		}
		if (this.state === QUOTE_SEEN) {
			if (this.escaped) this.addField(this.fieldStart - 1, this.len, true);
			else this.addField(this.fieldStart, this.len - 1, false, true);
		}
		else if (this.state === AFTER_QUOTE) this.addField(this.fieldStart - 1, this.len, true);
		else if (this.state === UNQUOTED) this.addField(this.fieldStart, this.len, false);
		else if (row.count > 0) this.addField(this.len, this.len, false);
		if (row.count > 0) this.endRow(this.len);
		this.state = FIELD_START;
	}

	private append(slice: Uint8Array, from: number): void {
		const keep = this.len - this.rowStart;
		const need = keep + slice.length - from;
		if (this.rowStart > 0) {
			const shift = this.rowStart;
			this.buf.copyWithin(0, shift, this.len);
			const row = this.row;
			for (let f = 0; f < row.count; f++) {
				row.starts[f] -= shift;
				row.ends[f] -= shift;
			}
			this.pos -= shift;
			this.fieldStart -= shift;
			this.rowStart = 0;
			this.len = keep;
		}
		if (need > this.buf.length) {
			const bigger = new Uint8Array(Math.max(need, this.buf.length * 2));
			bigger.set(this.buf.subarray(0, this.len));
			this.buf = bigger;
			this.row.buf = bigger;
		}
		this.buf.set(from === 0 ? slice : slice.subarray(from), this.len);
		this.len = need;
	}

	private tooLong(): never {
		const mb = Math.round(this.limits.maxRowBytes / 1048576);
		const quote = this.state === QUOTED ? ` A quoted field opened on line ${this.quoteLine} may be missing its closing ".` : '';
		throw new KilnError(
			'CsvParseError',
			`${this.fileName}: the row starting on line ${this.row.line} is longer than ${mb} MB, which Kiln does not read as one row.${quote} Is this really a delimited text file with one record per line?`
		);
	}

	private addField(s: number, e: number, raw: boolean, quoted = false): void {
		const row = this.row;
		const n = row.count;
		if (n === row.starts.length) {
			if (n >= this.limits.maxFields) {
				throw new KilnError('CsvParseError', `${this.fileName}: the row starting on line ${row.line} has more than ${this.limits.maxFields.toLocaleString('en')} fields. Check the delimiter.`);
			}
			const size = Math.min(n * 2, this.limits.maxFields);
			const starts = new Int32Array(size);
			const ends = new Int32Array(size);
			const flags = new Uint8Array(size);
			starts.set(row.starts);
			ends.set(row.ends);
			flags.set(row.flags);
			row.starts = starts;
			row.ends = ends;
			row.flags = flags;
		}
		row.starts[n] = s;
		row.ends[n] = e;
		row.flags[n] = raw ? RAW : quoted ? QUOTED_CLEAN : 0;
		row.count = n + 1;
	}

	/** Ends the row whose newline is at `at`; returns the index just past the newline. */
	private endRow(at: number): number {
		const row = this.row;
		this.onRow(row);
		row.count = 0;
		let next = at + 1;
		if (at < this.len && this.buf[at] === CR) {
			if (next < this.len) {
				if (this.buf[next] === LF) next++;
			} else this.skipLf = true;
		}
		this.line++;
		this.rowStart = next;
		row.line = this.line;
		return next;
	}

	private scan(): void {
		const b = this.buf;
		const n = this.len;
		const d = this.delimiter;
		let i = this.pos;
		let state = this.state;
		outer: while (i < n) {
			if (state === FIELD_START) {
				if (b[i] === QUOTE) {
					state = QUOTED;
					this.fieldStart = i + 1;
					this.quoteLine = this.line;
					this.escaped = false;
					i++;
				} else {
					this.fieldStart = i;
					state = UNQUOTED;
				}
			}
			if (state === UNQUOTED) {
				for (; i < n; i++) {
					const c = b[i];
					if (c === d) {
						this.addField(this.fieldStart, i, false);
						state = FIELD_START;
						i++;
						continue outer;
					}
					if (c === LF || c === CR) {
						this.addField(this.fieldStart, i, false);
						state = FIELD_START;
						i = this.endRow(i);
						continue outer;
					}
				}
				break;
			}
			if (state === QUOTED) {
				let line = this.line;
				for (; i < n; i++) {
					const c = b[i];
					if (c === QUOTE) break;
					if (c === LF) line++;
				}
				this.line = line;
				if (i === n) break;
				i++;
				state = QUOTE_SEEN;
				if (i === n) break;
			}
			if (state === QUOTE_SEEN) {
				const c = b[i];
				if (c === QUOTE) {
					this.escaped = true;
					state = QUOTED;
					i++;
					continue;
				}
				if (c === d || c === LF || c === CR) {
					if (this.escaped) this.addField(this.fieldStart - 1, i, true);
					else this.addField(this.fieldStart, i - 1, false, true);
					state = FIELD_START;
					i = c === d ? i + 1 : this.endRow(i);
					continue;
				}
				state = AFTER_QUOTE;
			}
			if (state === AFTER_QUOTE) {
				for (; i < n; i++) {
					const c = b[i];
					if (c === d || c === LF || c === CR) {
						this.addField(this.fieldStart - 1, i, true);
						state = FIELD_START;
						i = c === d ? i + 1 : this.endRow(i);
						continue outer;
					}
				}
				break;
			}
		}
		this.pos = i;
		this.state = state;
	}
}
