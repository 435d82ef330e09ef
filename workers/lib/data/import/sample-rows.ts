import type { CsvRow } from './csv-scanner';

/**
 * The rows type inference reads, kept until the plan is made and then replayed into the chunk
 * builder. Copied into arrays shared by all rows that grow by doubling: a copy per row took four
 * fresh typed arrays (10,000 rows → 40,000 ArrayBuffers), which cost more than the parse in a
 * preview's cold worker.
 */
export class SampleRows {
	private bytes = new Uint8Array(1 << 16);
	private used = 0;
	private starts = new Int32Array(1 << 12);
	private ends = new Int32Array(1 << 12);
	private flags = new Uint8Array(1 << 12);
	private fields = 0;
	/** Per row: its first field's index, field count and line. */
	private rowFirst = new Int32Array(256);
	private rowCount = new Int32Array(256);
	private rowLine = new Int32Array(256);
	private rows = 0;
	private readonly view: CsvRow = { buf: this.bytes, starts: new Int32Array(64), ends: new Int32Array(64), flags: new Uint8Array(64), count: 0, line: 1 };

	get length(): number {
		return this.rows;
	}

	/** Sizes the arrays once for `rows` rows like `first` (growing by doubling from small cost more than the copy). */
	reserve(rows: number, first: CsvRow): void {
		const n = first.count;
		const bytes = n > 0 ? first.ends[n - 1] - first.starts[0] : 0;
		this.bytes = grown(this.bytes, Math.min(Math.ceil(rows * (bytes + n) * 1.25), 64 * 2 ** 20));
		this.starts = grown(this.starts, rows * n);
		this.ends = grown(this.ends, rows * n);
		this.flags = grown(this.flags, rows * n);
		this.rowFirst = grown(this.rowFirst, rows);
		this.rowCount = grown(this.rowCount, rows);
		this.rowLine = grown(this.rowLine, rows);
	}

	add(row: CsvRow): void {
		const n = row.count;
		const from = n > 0 ? row.starts[0] : 0;
		const to = n > 0 ? row.ends[n - 1] : 0;
		if (this.used + to - from > this.bytes.length) this.bytes = grown(this.bytes, this.used + to - from);
		this.bytes.set(row.buf.subarray(from, to), this.used);
		if (this.fields + n > this.starts.length) {
			const size = Math.max(this.fields + n, this.starts.length * 2);
			this.starts = grown(this.starts, size);
			this.ends = grown(this.ends, size);
			this.flags = grown(this.flags, size);
		}
		const shift = this.used - from;
		for (let f = 0, k = this.fields; f < n; f++, k++) {
			this.starts[k] = row.starts[f] + shift;
			this.ends[k] = row.ends[f] + shift;
			this.flags[k] = row.flags[f];
		}
		if (this.rows === this.rowFirst.length) {
			this.rowFirst = grown(this.rowFirst, this.rows * 2);
			this.rowCount = grown(this.rowCount, this.rows * 2);
			this.rowLine = grown(this.rowLine, this.rows * 2);
		}
		this.rowFirst[this.rows] = this.fields;
		this.rowCount[this.rows] = n;
		this.rowLine[this.rows] = row.line;
		this.rows++;
		this.fields += n;
		this.used += to - from;
	}

	/** Row `i` as a CsvRow; the same object for every call, valid until the next. */
	row(i: number): CsvRow {
		const view = this.view;
		const n = this.rowCount[i];
		if (view.starts.length < n) {
			view.starts = new Int32Array(n);
			view.ends = new Int32Array(n);
			view.flags = new Uint8Array(n);
		}
		for (let f = 0, k = this.rowFirst[i]; f < n; f++, k++) {
			view.starts[f] = this.starts[k];
			view.ends[f] = this.ends[k];
			view.flags[f] = this.flags[k];
		}
		view.buf = this.bytes;
		view.count = n;
		view.line = this.rowLine[i];
		return view;
	}

	/** Lets the copies go once they are replayed. */
	clear(): void {
		this.bytes = new Uint8Array(0);
		this.starts = new Int32Array(0);
		this.ends = new Int32Array(0);
		this.flags = new Uint8Array(0);
		this.view.buf = this.bytes;
		this.used = this.fields = this.rows = 0;
	}
}

function grown<T extends Uint8Array<ArrayBuffer> | Int32Array<ArrayBuffer>>(a: T, atLeast: number): T {
	if (atLeast <= a.length) return a;
	const b = new (a.constructor as new (n: number) => T)(Math.max(atLeast, a.length * 2));
	b.set(a);
	return b;
}
