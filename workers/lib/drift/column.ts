import type { CategoricalColumn, ColumnDrift, DriftBin, NumericColumn } from '../../protocol';
import { quantileSorted, sortedPresent } from '../data/profile/summary';
import { ksPValue, ksStatistic } from './ks';
import { chanceIndex, driftLevel, psi } from './psi';

const DECILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/** Up to this many training categories get a bin each; beyond it the top 12 do and the rest share one. */
const MAX_CATEGORY_BINS = 15;
const TOP_CATEGORIES = 12;

/** How a number reads in a bin's label: three significant digits (whole numbers from 1000 up), or a date for date columns. */
export type ValueFormat = (value: number) => string;
export const plainNumber: ValueFormat = (v) => (Math.abs(v) >= 1000 ? String(Math.round(v)) : String(Number(v.toPrecision(3))));

/** Cut points read with as many significant digits as it takes (3 to 8) for neighbours to differ. */
function cutFormat(cuts: readonly number[], format: ValueFormat): ValueFormat {
	if (format !== plainNumber) return format;
	for (let digits = 3; digits <= 8; digits++) {
		const f: ValueFormat = (v) => String(Number(v.toPrecision(digits)));
		const labels = cuts.map(f);
		if (labels.every((l, i) => i === 0 || l !== labels[i - 1])) return digits === 3 ? plainNumber : f;
	}
	return (v) => String(v);
}
export const isoDate: ValueFormat = (v) => new Date(v).toISOString().slice(0, 10);

/** A numeric column's values at `rows` (all rows when absent), NaN for missing cells. */
export function valuesAt(column: NumericColumn, rows?: ArrayLike<number>): Float64Array {
	return rows ? Float64Array.from({ length: rows.length }, (_, i) => column.values[rows[i]]) : column.values;
}

/** Counts of a categorical column's values at `rows` (all rows when absent), by text. */
export function countsAt(column: CategoricalColumn, rows?: ArrayLike<number>): { counts: Map<string, number>; missing: number } {
	const perCode = new Float64Array(column.categories.length);
	let missing = 0;
	const n = rows ? rows.length : column.codes.length;
	for (let i = 0; i < n; i++) {
		const code = column.codes[rows ? rows[i] : i];
		if (code < 0) missing++;
		else perCode[code]++;
	}
	const counts = new Map<string, number>();
	column.categories.forEach((c, code) => {
		if (perCode[code] > 0) counts.set(c, (counts.get(c) ?? 0) + perCode[code]);
	});
	return { counts, missing };
}

/** Counts of text labels (a model's predictions), empty text as missing. */
export function countLabels(labels: readonly string[]): { counts: Map<string, number>; missing: number } {
	const counts = new Map<string, number>();
	let missing = 0;
	for (const label of labels) {
		if (label === '') missing++;
		else counts.set(label, (counts.get(label) ?? 0) + 1);
	}
	return { counts, missing };
}

function share(count: number, total: number): number {
	return total > 0 ? count / total : 0;
}

/** A column's index and level; a small file is only called shifted beyond what chance gives at its size. */
function finish(name: string, kind: ColumnDrift['kind'], bins: DriftBin[], rows: number, rest: Omit<ColumnDrift, 'name' | 'kind' | 'psi' | 'level' | 'bins' | 'chance'>): ColumnDrift {
	const reference = bins.map((b) => b.reference);
	const index = psi(reference, bins.map((b) => b.current));
	const chance = chanceIndex(reference, rows);
	return { name, kind, psi: index, level: index <= chance ? 'stable' : driftLevel(index), bins, ...(chance > 0 ? { chance } : {}), ...rest };
}

function spread(sorted: Float64Array, format: ValueFormat): string {
	if (sorted.length === 0) return 'no values';
	return `median ${format(quantileSorted(sorted, 0.5))}, middle half ${format(quantileSorted(sorted, 0.25))} to ${format(quantileSorted(sorted, 0.75))}`;
}

/** Index of the bin of `v`: the first cut at or above it, or past the last cut. */
function binOf(cuts: readonly number[], v: number): number {
	let lo = 0;
	let hi = cuts.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (v <= cuts[mid]) hi = mid;
		else lo = mid + 1;
	}
	return lo;
}

/**
 * A numeric column's drift: bins at the training values' deciles (so each holds about a tenth of
 * the training rows), the new values counted into them, plus a missing bin; a two-sample KS test
 * on the present values beside the index.
 */
export function numericDrift(name: string, reference: Float64Array, current: Float64Array, format: ValueFormat = plainNumber): ColumnDrift {
	const ref = sortedPresent(reference);
	const cur = sortedPresent(current);
	const cuts = ref.length === 0 ? [] : [...new Set(DECILES.map((q) => quantileSorted(ref, q)))];
	const count = (sorted: Float64Array) => {
		const counts = new Array<number>(cuts.length + 1).fill(0);
		for (let i = 0; i < sorted.length; i++) counts[binOf(cuts, sorted[i])]++;
		return counts;
	};
	const refCounts = count(ref);
	const curCounts = count(cur);
	const cut = cutFormat(cuts, format);
	const label = (i: number) => (cuts.length === 0 ? 'any value' : i === 0 ? `≤ ${cut(cuts[0])}` : i === cuts.length ? `> ${cut(cuts[i - 1])}` : `${cut(cuts[i - 1])} to ${cut(cuts[i])}`);
	const bins: DriftBin[] = refCounts.map((r, i) => ({ label: label(i), reference: share(r, reference.length), current: share(curCounts[i], current.length) }));
	const missing = { reference: share(reference.length - ref.length, reference.length), current: share(current.length - cur.length, current.length) };
	if (missing.reference > 0 || missing.current > 0) bins.push({ label: '(missing)', ...missing });
	const statistic = ref.length > 0 && cur.length > 0 ? ksStatistic(ref, cur) : 0;
	return finish(name, 'numeric', bins, current.length, {
		...(ref.length > 0 && cur.length > 0 ? { ks: { statistic, pValue: ksPValue(statistic, ref.length, cur.length) } } : {}),
		missing,
		summary: { reference: spread(ref, format), current: spread(cur, format) }
	});
}

type Counts = { counts: Map<string, number>; missing: number };

function total({ counts, missing }: Counts): number {
	let n = missing;
	for (const c of counts.values()) n += c;
	return n;
}

function mostCommon({ counts }: Counts, all: number): string {
	let best: [string, number] | null = null;
	for (const entry of counts) if (!best || entry[1] > best[1]) best = entry;
	return best ? `most often “${best[0]}” (${Math.round((100 * best[1]) / all)} %)` : 'no values';
}

/**
 * A categorical column's drift: a bin per training category (the most frequent when there are
 * many, the rest pooled), one for categories training never saw, and a missing bin.
 */
export function categoricalDrift(name: string, reference: Counts, current: Counts): ColumnDrift {
	const refTotal = total(reference);
	const curTotal = total(current);
	const ranked = [...reference.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c);
	const own = ranked.length <= MAX_CATEGORY_BINS ? ranked : ranked.slice(0, TOP_CATEGORIES);
	const ownIndex = new Map(own.map((c, i) => [c, i]));
	const refCounts = new Array<number>(own.length).fill(0);
	const curCounts = new Array<number>(own.length).fill(0);
	let refOther = 0;
	let curOther = 0;
	let curUnseen = 0;
	const unseen: { value: string; count: number }[] = [];
	for (const [c, n] of reference.counts) {
		const i = ownIndex.get(c);
		if (i === undefined) refOther += n;
		else refCounts[i] += n;
	}
	for (const [c, n] of current.counts) {
		const i = ownIndex.get(c);
		if (i !== undefined) curCounts[i] += n;
		else if (reference.counts.has(c)) curOther += n;
		else {
			curUnseen += n;
			unseen.push({ value: c, count: n });
		}
	}
	const bins: DriftBin[] = own.map((c, i) => ({ label: c, reference: share(refCounts[i], refTotal), current: share(curCounts[i], curTotal) }));
	if (own.length < ranked.length) bins.push({ label: `(${ranked.length - own.length} other categories)`, reference: share(refOther, refTotal), current: share(curOther, curTotal) });
	if (curUnseen > 0) bins.push({ label: '(not seen in training)', reference: 0, current: share(curUnseen, curTotal) });
	const missing = { reference: share(reference.missing, refTotal), current: share(current.missing, curTotal) };
	if (missing.reference > 0 || missing.current > 0) bins.push({ label: '(missing)', ...missing });
	unseen.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
	return finish(name, 'categorical', bins, curTotal, {
		missing,
		summary: { reference: mostCommon(reference, refTotal), current: mostCommon(current, curTotal) },
		...(unseen.length > 0 ? { unseen: unseen.slice(0, 5), unseenKinds: unseen.length } : {})
	});
}
