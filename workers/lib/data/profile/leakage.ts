import type { SchemaColumn } from '../import/types';
import { sortedPresent } from './summary';

/**
 * Target leakage: how well each feature alone predicts the target, on the row sample. The
 * feature is cut into bins (one per value when it has few, else up to 32 quantile bins; a
 * category seen in fewer than 10 sampled rows joins a shared "rare" bin; missing is its own bin)
 * and each bin predicts its majority class (accuracy) or its mean (R²). A near-perfect score
 * (≥ 0.98, and for classes ≥ 0.9 of the way from the majority-class rate to 1) means the
 * feature probably encodes the answer (an ID of the outcome, a value recorded afterwards).
 */
export const LEAK_SCORE = 0.98;
const MIN_ROWS = 50;
const MAX_BINS = 32;
const RARE = 10;
const MAX_CLASSES = 100;

export interface LeakScore {
	column: number;
	score: number;
}

/**
 * Bin of each listed row. `sortedAll` is the column's sorted present values when `rows` is every
 * sampled row (saves a sort); otherwise the present values of `rows` are sorted here.
 */
function bins(values: Float64Array, rows: Int32Array, categorical: boolean, sortedAll: Float64Array | null): Int32Array {
	const out = new Int32Array(rows.length);
	if (categorical) {
		let max = 0;
		for (let i = 0; i < rows.length; i++) max = Math.max(max, values[rows[i]]);
		const counts = new Int32Array(max + 1);
		for (let i = 0; i < rows.length; i++) {
			const v = values[rows[i]];
			if (v >= 0) counts[v]++;
		}
		for (let i = 0; i < rows.length; i++) {
			const v = values[rows[i]];
			out[i] = v < 0 ? -1 : counts[v] < RARE ? -2 : v;
		}
		return out;
	}
	const present = sortedAll ?? sortedPresent(Float64Array.from(rows, (r) => values[r]));
	const distinct = new Map<number, number>();
	for (let i = 0; i < present.length && distinct.size <= MAX_BINS; i++) if (!distinct.has(present[i])) distinct.set(present[i], distinct.size);
	const binCount = Math.min(MAX_BINS, Math.floor(rows.length / RARE));
	if (distinct.size <= binCount) {
		for (let i = 0; i < rows.length; i++) {
			const v = values[rows[i]];
			out[i] = v === v ? (distinct.get(v) as number) : -1;
		}
		return out;
	}
	const edges = Float64Array.from({ length: binCount - 1 }, (_, k) => present[Math.floor(((k + 1) * present.length) / binCount)]);
	for (let i = 0; i < rows.length; i++) {
		const v = values[rows[i]];
		if (v !== v) {
			out[i] = -1;
			continue;
		}
		let lo = 0;
		let hi = edges.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (v < edges[mid]) hi = mid;
			else lo = mid + 1;
		}
		out[i] = lo;
	}
	return out;
}

/** Bin numbers (-2 … max) renumbered 0 … count-1. */
function compact(binsOf: Int32Array): { ids: Int32Array; count: number } {
	let max = 0;
	for (let i = 0; i < binsOf.length; i++) max = Math.max(max, binsOf[i]);
	const id = new Int32Array(max + 3).fill(-1);
	const ids = new Int32Array(binsOf.length);
	let count = 0;
	for (let i = 0; i < binsOf.length; i++) {
		const k = binsOf[i] + 2;
		if (id[k] < 0) id[k] = count++;
		ids[i] = id[k];
	}
	return { ids, count };
}

function accuracy(ids: Int32Array, binCount: number, classes: Int32Array, classCount: number): number {
	const counts = new Int32Array(binCount * classCount);
	for (let i = 0; i < ids.length; i++) counts[ids[i] * classCount + classes[i]]++;
	let correct = 0;
	for (let b = 0; b < binCount; b++) {
		let best = 0;
		for (let k = 0; k < classCount; k++) best = Math.max(best, counts[b * classCount + k]);
		correct += best;
	}
	return correct / ids.length;
}

function rSquared(ids: Int32Array, binCount: number, y: Float64Array): number {
	const sum = new Float64Array(binCount);
	const n = new Float64Array(binCount);
	let mean = 0;
	for (let i = 0; i < ids.length; i++) {
		sum[ids[i]] += y[i];
		n[ids[i]]++;
		mean += y[i];
	}
	mean /= y.length;
	let sse = 0;
	let sst = 0;
	for (let i = 0; i < ids.length; i++) {
		const d = y[i] - sum[ids[i]] / n[ids[i]];
		sse += d * d;
		sst += (y[i] - mean) ** 2;
	}
	return sst > 0 ? 1 - sse / sst : 0;
}

/** Features whose single-feature score reaches LEAK_SCORE, with the score. */
export function findLeaks(
	sample: readonly Float64Array[],
	columns: readonly SchemaColumn[],
	target: number,
	task: 'classification' | 'regression',
	sortedOf: (c: number) => Float64Array
): LeakScore[] {
	const t = sample[target];
	const targetCategorical = columns[target].physical === 'categorical';
	const rows: number[] = [];
	for (let r = 0; r < t.length; r++) if (targetCategorical ? t[r] >= 0 : t[r] === t[r]) rows.push(r);
	if (rows.length < MIN_ROWS) return [];
	const rowIndex = Int32Array.from(rows);
	let classes = new Int32Array(0);
	let classCount = 0;
	let baseline = 0;
	const y = Float64Array.from(rows, (r) => t[r]);
	if (task === 'classification') {
		const map = new Map<number, number>();
		classes = Int32Array.from(y, (v) => {
			let id = map.get(v);
			if (id === undefined) map.set(v, (id = map.size));
			return id;
		});
		classCount = map.size;
		if (classCount < 2 || classCount > MAX_CLASSES) return [];
		const totals = new Int32Array(classCount);
		for (const k of classes) totals[k]++;
		baseline = Math.max(...totals) / rows.length;
		if (baseline >= LEAK_SCORE) return [];
	}
	const out: LeakScore[] = [];
	columns.forEach((column, c) => {
		if (c === target || column.semantic === 'text' || column.semantic === 'identifier') return;
		const all = rows.length === t.length ? sortedOf(c) : null;
		const { ids, count } = compact(bins(sample[c], rowIndex, column.physical === 'categorical', all));
		if (count < 2) return;
		if (task === 'classification') {
			const acc = accuracy(ids, count, classes, classCount);
			if (acc >= LEAK_SCORE && (acc - baseline) / (1 - baseline) >= 0.9) out.push({ column: c, score: acc });
		} else {
			const r2 = rSquared(ids, count, y);
			if (r2 >= LEAK_SCORE) out.push({ column: c, score: r2 });
		}
	});
	return out;
}
