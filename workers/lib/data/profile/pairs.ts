import type { PairMatrix } from './types';

/**
 * Column-pair statistics, accumulated chunk by chunk (the profiler feeds them its row sample).
 * - Pearson correlation, pairwise complete (rows where both values are present), from sums of
 *   values shifted by each column's first-chunk mean, so large offsets (dates in ms, IDs) do not
 *   swallow the variance in rounding.
 * - Cramér's V with Bergsma's bias correction from contingency tables, for columns whose codes
 *   stay below MAX_LEVELS; a column that goes past it drops out.
 */
export const MAX_CORRELATED = 64;
export const MAX_ASSOCIATED = 32;
export const MAX_LEVELS = 50;

export class Correlations {
	/** Per pair (i < j): n, sx, sy, sxx, syy, sxy. */
	private readonly sums: Float64Array;
	private shifts: Float64Array | null = null;
	readonly count: number;

	constructor(private readonly indices: readonly number[]) {
		this.count = indices.length;
		this.sums = new Float64Array(((this.count * (this.count - 1)) / 2) * 6);
	}

	addChunk(arrays: readonly (Float64Array | Int32Array)[], rowCount: number): void {
		const k = this.count;
		const raw = this.indices.map((i) => arrays[i] as Float64Array);
		if (!this.shifts) {
			this.shifts = Float64Array.from(raw, (a) => {
				let s = 0;
				let n = 0;
				for (let r = 0; r < rowCount; r++) if (a[r] === a[r]) [s, n] = [s + a[r], n + 1];
				return n > 0 ? s / n : 0;
			});
		}
		const shifts = this.shifts;
		const sums = this.sums;
		let p = 0;
		for (let i = 0; i < k; i++) {
			const x = raw[i];
			const sx0 = shifts[i];
			for (let j = i + 1; j < k; j++, p += 6) addPairSums(x, raw[j], sx0, shifts[j], rowCount, sums, p);
		}
	}

	matrix(): Float64Array {
		const k = this.count;
		const m = new Float64Array(k * k).fill(NaN);
		let p = 0;
		for (let i = 0; i < k; i++) {
			for (let j = i + 1; j < k; j++, p += 6) {
				const [n, sx, sy, sxx, syy, sxy] = this.sums.subarray(p, p + 6);
				const cov = sxy - (sx * sy) / n;
				const vx = sxx - (sx * sx) / n;
				const vy = syy - (sy * sy) / n;
				const r = n > 1 && vx > 0 && vy > 0 ? Math.max(-1, Math.min(1, cov / Math.sqrt(vx * vy))) : NaN;
				m[i * k + j] = r;
				m[j * k + i] = r;
			}
		}
		for (let i = 0; i < k; i++) m[i * k + i] = 1;
		return m;
	}
}

/**
 * One pair's row loop, a function of its own: as the innermost of three loops in addChunk, V8
 * compiled it on stack replacement and left that code at every loop exit ("exit from OSR'd inner
 * loop": 1,462 deopts profiling digits' 64 columns).
 */
function addPairSums(x: Float64Array, y: Float64Array, sx0: number, sy0: number, rowCount: number, sums: Float64Array, p: number): void {
	let n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
	for (let r = 0; r < rowCount; r++) {
		const a = x[r] - sx0;
		const b = y[r] - sy0;
		if (a !== a || b !== b) continue;
		n++;
		sx += a;
		sy += b;
		sxx += a * a;
		syy += b * b;
		sxy += a * b;
	}
	sums[p] += n;
	sums[p + 1] += sx;
	sums[p + 2] += sy;
	sums[p + 3] += sxx;
	sums[p + 4] += syy;
	sums[p + 5] += sxy;
}

/** One pair's rows counted into its contingency table (the same reason as addPairSums). */
function countPairs(x: Int32Array, y: Int32Array, rowCount: number, t: Int32Array): void {
	for (let r = 0; r < rowCount; r++) {
		const u = x[r];
		const v = y[r];
		if (u < 0 || v < 0) continue;
		t[u * MAX_LEVELS + v]++;
	}
}

export class Associations {
	private readonly tables: Int32Array[];
	private readonly alive: boolean[];
	readonly count: number;

	constructor(private readonly indices: readonly number[]) {
		this.count = indices.length;
		this.tables = Array.from({ length: (this.count * (this.count - 1)) / 2 }, () => new Int32Array(MAX_LEVELS * MAX_LEVELS));
		this.alive = indices.map(() => true);
	}

	addChunk(arrays: readonly (Float64Array | Int32Array)[], rowCount: number): void {
		const k = this.count;
		// Levels as one Int32Array per column (codes, or 0/1 of booleans; -1 missing), so the pair
		// loops below read one array type only.
		const levels = this.indices.map((i, c) => {
			const a = arrays[i];
			const out = new Int32Array(rowCount);
			if (!this.alive[c]) return out;
			for (let r = 0; r < rowCount; r++) {
				const v = a[r];
				const level = v === v && v >= 0 ? v : -1;
				if (level >= MAX_LEVELS) {
					this.alive[c] = false;
					break;
				}
				out[r] = level;
			}
			return out;
		});
		let p = 0;
		for (let i = 0; i < k; i++) {
			for (let j = i + 1; j < k; j++, p++) {
				if (this.alive[i] && this.alive[j]) countPairs(levels[i], levels[j], rowCount, this.tables[p]);
			}
		}
	}

	release(): void {
		this.tables.fill(new Int32Array(0));
	}

	/** The matrix over the columns that stayed within MAX_LEVELS. */
	result(names: readonly string[]): Omit<PairMatrix, 'approximate'> {
		const full = this.matrix();
		const kept = names.flatMap((_, i) => (this.alive[i] ? [i] : []));
		const k = this.count;
		const values = new Float64Array(kept.length * kept.length);
		kept.forEach((i, a) => kept.forEach((j, b) => (values[a * kept.length + b] = full[i * k + j])));
		return { columns: kept.map((i) => names[i]), values };
	}

	private matrix(): Float64Array {
		const k = this.count;
		const m = new Float64Array(k * k).fill(NaN);
		let p = 0;
		for (let i = 0; i < k; i++) {
			if (this.alive[i]) m[i * k + i] = 1;
			for (let j = i + 1; j < k; j++, p++) {
				if (!this.alive[i] || !this.alive[j]) continue;
				const v = cramersV(this.tables[p], MAX_LEVELS);
				m[i * k + j] = v;
				m[j * k + i] = v;
			}
		}
		return m;
	}
}

/** Bias-corrected Cramér's V (Bergsma 2013) of a width × width contingency table. */
export function cramersV(table: Int32Array, width: number): number {
	const rows = new Float64Array(width);
	const cols = new Float64Array(width);
	let n = 0;
	for (let u = 0; u < width; u++) {
		for (let v = 0; v < width; v++) {
			const c = table[u * width + v];
			rows[u] += c;
			cols[v] += c;
			n += c;
		}
	}
	const r = rows.filter((x) => x > 0).length;
	const k = cols.filter((x) => x > 0).length;
	if (n < 2 || r < 2 || k < 2) return NaN;
	let chi2 = 0;
	for (let u = 0; u < width; u++) {
		if (rows[u] === 0) continue;
		for (let v = 0; v < width; v++) {
			if (cols[v] === 0) continue;
			const expected = (rows[u] * cols[v]) / n;
			const d = table[u * width + v] - expected;
			chi2 += (d * d) / expected;
		}
	}
	const phi2 = chi2 / n;
	const phi2c = Math.max(0, phi2 - ((k - 1) * (r - 1)) / (n - 1));
	const rc = r - ((r - 1) * (r - 1)) / (n - 1);
	const kc = k - ((k - 1) * (k - 1)) / (n - 1);
	const denom = Math.min(kc - 1, rc - 1);
	return denom > 0 ? Math.sqrt(phi2c / denom) : NaN;
}
