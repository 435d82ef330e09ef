import { createRng } from '$workers/lib/random';

/** Cells the sample may hold: 100,000 rows up to 40 columns, fewer rows for wider tables. */
const SAMPLE_CELLS = 4_000_000;
export const MAX_SAMPLE_ROWS = 100_000;

export function sampleCapacity(columns: number): number {
	return Math.max(64, Math.min(MAX_SAMPLE_ROWS, Math.floor(SAMPLE_CELLS / Math.max(1, columns))));
}

/**
 * A uniform sample of whole rows (reservoir sampling, Algorithm L, seeded). While the table has
 * no more rows than the capacity it holds every row, so statistics drawn from it are exact; past
 * that each row is kept with probability capacity / rows seen. Whole rows (not a sample per
 * column) let the leakage check pair a feature with the target.
 */
export class RowReservoir {
	/** Per column, the sampled values (categorical codes as numbers, -1 missing). */
	readonly columns: Float64Array[];
	size = 0;
	seen = 0;
	private readonly rng: () => number;
	/** Algorithm L's running weight and the index of the next row to keep. */
	private w = 1;
	private next = 0;

	constructor(
		columnCount: number,
		readonly capacity: number,
		seed: number
	) {
		this.columns = Array.from({ length: columnCount }, () => new Float64Array(capacity));
		this.rng = createRng(seed);
	}

	/**
	 * Algorithm L (Li 1994): once full, the gap to the next kept row is drawn directly, so the
	 * generator runs O(capacity · log(rows / capacity)) times instead of once per row.
	 */
	addChunk(arrays: readonly (Float64Array | Int32Array)[], rowCount: number): void {
		const cols = this.columns;
		let r = 0;
		if (this.size < this.capacity) {
			// Filling: every row is kept, so each column's run of rows is copied as one block.
			const n = Math.min(rowCount, this.capacity - this.size);
			for (let c = 0; c < cols.length; c++) cols[c].set(arrays[c].subarray(0, n), this.size);
			this.size += n;
			this.seen += n;
			r = n;
			if (this.size === this.capacity) this.next = this.seen + this.skip();
		}
		while (r < rowCount) {
			const jump = Math.min(this.next - this.seen, rowCount - r);
			r += jump;
			this.seen += jump;
			if (r === rowCount) break;
			const slot = Math.floor(this.rng() * this.capacity);
			for (let c = 0; c < cols.length; c++) cols[c][slot] = arrays[c][r];
			r++;
			this.seen++;
			this.next = this.seen + this.skip();
		}
	}

	/** Rows to pass over before the next one that replaces a random sampled row. */
	private skip(): number {
		// 1 - rng() is in (0, 1]: no log(0).
		this.w *= Math.exp(Math.log(1 - this.rng()) / this.capacity);
		return Math.floor(Math.log(1 - this.rng()) / Math.log(1 - this.w));
	}

	get exact(): boolean {
		return this.seen === this.size;
	}

	/** Lets the sample go once the profile is sealed. */
	release(): void {
		this.columns.fill(new Float64Array(0));
		this.size = 0;
	}

	/** The sampled values of a column, a view of `size` entries. */
	column(c: number): Float64Array {
		return this.columns[c].subarray(0, this.size);
	}
}
