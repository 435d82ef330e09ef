import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CategoricalColumn, NumericColumn, Table } from '../../protocol';
import { loadDataset } from '../../../tests/unit-support';
import { createRng, shuffleInPlace } from '../random';
import { categoricalDrift, chanceIndex, countLabels, driftReport, FEW_ROWS, isoDate, kolmogorovQ, ksPValue, ksStatistic, numericDrift, psi } from '.';

const numeric = (name: string, values: number[]): NumericColumn => ({ name, kind: 'numeric', values: Float64Array.from(values) });
const categorical = (name: string, values: (string | null)[]): CategoricalColumn => {
	const categories = [...new Set(values.filter((v): v is string => v !== null))];
	return { name, kind: 'categorical', categories, codes: Int32Array.from(values, (v) => (v === null ? -1 : categories.indexOf(v))) };
};
function range(n: number): number[];
function range<T>(n: number, f: (i: number) => T): T[];
function range(n: number, f: (i: number) => unknown = (i) => i): unknown[] {
	return Array.from({ length: n }, (_, i) => f(i));
}

describe('population stability index', () => {
	it('is Σ (c − r)·ln(c / r), by hand', () => {
		expect(psi([0.5, 0.5], [0.5, 0.5])).toBe(0);
		// 0.25·ln 2 + (−0.25)·ln(0.5 / 0.75)
		expect(psi([0.25, 0.75], [0.5, 0.5])).toBeCloseTo(0.25 * Math.log(2) - 0.25 * Math.log(0.5 / 0.75), 12);
	});

	it('is never negative, and zero only for equal shares', () => {
		const shares = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 12 }).map((a) => {
			const sum = a.reduce((s, v) => s + v, 0) || 1;
			return a.map((v) => v / sum);
		});
		fc.assert(fc.property(shares, shares, (a, b) => {
			const n = Math.min(a.length, b.length);
			expect(psi(a.slice(0, n), b.slice(0, n))).toBeGreaterThanOrEqual(0);
			expect(psi(a, a)).toBe(0);
		}));
	});

	it('keeps an empty bin finite (shares floored at 1e-4)', () => {
		expect(Number.isFinite(psi([1, 0], [0, 1]))).toBe(true);
	});
});

describe('Kolmogorov–Smirnov', () => {
	it('gives the largest gap between the two step functions, ties read together', () => {
		expect(ksStatistic(Float64Array.from([1, 2, 3, 4]), Float64Array.from([3, 4, 5, 6]))).toBe(0.5);
		expect(ksStatistic(Float64Array.from([1, 1, 2]), Float64Array.from([1, 1, 2]))).toBe(0);
	});

	it("matches scipy's Kolmogorov distribution (scipy.special.kolmogorov)", () => {
		expect(kolmogorovQ(0.5)).toBeCloseTo(0.9639452436648751, 9);
		expect(kolmogorovQ(1.0)).toBeCloseTo(0.26999967167735456, 9);
		expect(kolmogorovQ(1.36)).toBeCloseTo(0.049485876755377876, 9);
		expect(kolmogorovQ(1.63)).toBeCloseTo(0.009846364888486529, 9);
	});

	it("agrees with scipy's ks_2samp (method='asymp') on a shifted sample", () => {
		const a = Float64Array.from(range(200, (i) => i / 200));
		const b = Float64Array.from(range(150, (i) => (i / 150) * 0.8 + 0.3));
		const d = ksStatistic(a, b);
		expect(d).toBeCloseTo(0.30333333333333334, 12);
		// scipy: 1.616e-7 (its own small-sample form); Stephens' correction here is within a factor 1.5.
		const p = ksPValue(d, 200, 150);
		expect(p / 1.6162390460443142e-7).toBeGreaterThan(1 / 1.5);
		expect(p / 1.6162390460443142e-7).toBeLessThan(1.5);
	});
});

describe('numeric drift', () => {
	it('bins at the training deciles: the same values give a tenth a bin and no drift', () => {
		const values = Float64Array.from(range(1000));
		const drift = numericDrift('x', values, values);
		expect(drift.bins).toHaveLength(10);
		for (const bin of drift.bins) {
			expect(bin.reference).toBeCloseTo(0.1, 2);
			expect(bin.current).toBeCloseTo(bin.reference, 12);
		}
		expect(drift.psi).toBe(0);
		expect(drift.level).toBe('stable');
		expect(drift.ks).toEqual({ statistic: 0, pValue: 1 });
		expect(drift.bins[0].label).toBe('≤ 99.9');
		expect(drift.bins[9].label).toBe('> 899');
	});

	it('puts values past the training range in the end bins and calls a shift major', () => {
		const drift = numericDrift('x', Float64Array.from(range(1000)), Float64Array.from(range(200, (i) => 2000 + i)));
		expect(drift.bins[9].current).toBe(1);
		expect(drift.level).toBe('major');
		expect(drift.ks!.statistic).toBe(1);
		expect(drift.ks!.pValue).toBeLessThan(1e-10);
		expect(drift.summary.current).toBe('median 2100, middle half 2050 to 2149');
	});

	it('adds a missing bin when either side has missing cells, shares over all rows', () => {
		const drift = numericDrift('x', Float64Array.from(range(100)), Float64Array.from([...range(50), ...range(50, () => NaN)]));
		const missing = drift.bins.at(-1)!;
		expect(missing).toEqual({ label: '(missing)', reference: 0, current: 0.5 });
		expect(drift.missing).toEqual({ reference: 0, current: 0.5 });
		expect(drift.bins.reduce((s, b) => s + b.current, 0)).toBeCloseTo(1, 12);
		expect(drift.level).toBe('major');
	});

	it('gives neighbouring bins labels that differ', () => {
		const close = Float64Array.from(range(1000, (i) => 12.3 + i * 0.00001));
		const labels = numericDrift('x', close, close).bins.map((b) => b.label);
		expect(new Set(labels).size).toBe(labels.length);
		expect(labels[1]).toBe('12.301 to 12.302');
	});

	it('labels a date column with dates', () => {
		const day = 86_400_000;
		const drift = numericDrift('when', Float64Array.from(range(100, (i) => Date.UTC(2024, 0, 1) + i * day)), Float64Array.from([Date.UTC(2025, 5, 1)]), isoDate);
		expect(drift.bins[0].label).toBe('≤ 2024-01-10');
		expect(drift.summary.current).toBe('median 2025-06-01, middle half 2025-06-01 to 2025-06-01');
	});

	it('copes with a constant or empty training column', () => {
		expect(numericDrift('c', Float64Array.from([5, 5, 5]), Float64Array.from([5, 6])).bins.map((b) => b.label)).toEqual(['≤ 5', '> 5']);
		const empty = numericDrift('e', Float64Array.from([NaN, NaN]), Float64Array.from([1]));
		expect(empty.bins.map((b) => b.label)).toEqual(['any value', '(missing)']);
		expect(empty.ks).toBeUndefined();
		expect(empty.summary.reference).toBe('no values');
	});
});

describe('small files', () => {
	const training = Float64Array.from(range(1000));
	it('are judged against what chance gives at their size, not the fixed bands', () => {
		// Three rows the model trained on: empty deciles give a large index, but one chance gives too.
		const same = numericDrift('x', training, Float64Array.from([12, 480, 905]));
		expect(same.psi).toBeGreaterThan(0.25);
		expect(same.chance!).toBeGreaterThan(same.psi);
		expect(same.level).toBe('stable');
		// Three rows past anything in training are still a major shift.
		const outside = numericDrift('x', training, Float64Array.from([5000, 5001, 5002]));
		expect(outside.psi).toBeGreaterThan(outside.chance!);
		expect(outside.level).toBe('major');
	});

	it('have a chance level that shrinks with size and is gone for large files (seeded)', () => {
		const deciles = new Array<number>(10).fill(0.1);
		const levels = [3, 10, 30, 100].map((n) => chanceIndex(deciles, n));
		expect(levels[0]).toBeGreaterThan(levels[1]);
		expect(levels[1]).toBeGreaterThan(levels[2]);
		expect(levels[2]).toBeGreaterThan(levels[3]);
		expect(levels[3]).toBeLessThan(0.25);
		expect(chanceIndex(deciles, 10)).toBe(chanceIndex(deciles, 10));
		expect(chanceIndex(deciles, 501)).toBe(0);
		expect(numericDrift('x', training, training).chance).toBeUndefined();
	});
});

describe('categorical drift', () => {
	it('compares category shares and names categories training never saw', () => {
		const reference = countLabels([...range(60, () => 'a'), ...range(40, () => 'b')]);
		const current = countLabels([...range(30, () => 'a'), ...range(10, () => 'b'), ...range(8, () => 'z'), ...range(2, () => 'y')]);
		const drift = categoricalDrift('c', reference, current);
		expect(drift.bins).toEqual([
			{ label: 'a', reference: 0.6, current: 0.6 },
			{ label: 'b', reference: 0.4, current: 0.2 },
			{ label: '(not seen in training)', reference: 0, current: 0.2 }
		]);
		expect(drift.unseen).toEqual([{ value: 'z', count: 8 }, { value: 'y', count: 2 }]);
		expect(drift.psi).toBeCloseTo(psi([0.6, 0.4, 0], [0.6, 0.2, 0.2]), 12);
		expect(drift.summary.reference).toBe('most often “a” (60 %)');
	});

	it('pools the rarer of many training categories into one bin', () => {
		const names = range(20, (i) => `c${String(i).padStart(2, '0')}`);
		const reference = countLabels(names.flatMap((c, i) => range(40 - i, () => c)));
		const drift = categoricalDrift('c', reference, reference);
		expect(drift.bins).toHaveLength(13);
		expect(drift.bins[12].label).toBe('(8 other categories)');
		expect(drift.psi).toBe(0);
	});
});

describe('a drift report', () => {
	it('finds the shifted columns of real data and not the others (penguins: Adelie against Gentoo)', () => {
		const table = loadDataset('penguins.csv');
		const species = table.columns.find((c) => c.name === 'species') as CategoricalColumn;
		const rowsOf = (name: string) => Int32Array.from(range(table.rowCount).filter((r) => species.categories[species.codes[r]] === name));
		const gentoo = rowsOf('Gentoo');
		const current: Table = { rowCount: gentoo.length, columns: table.columns.map((c) => (c.kind === 'numeric' ? { ...c, values: Float64Array.from(gentoo, (r) => c.values[r]) } : { ...c, codes: Int32Array.from(gentoo, (r) => c.codes[r]) })) };
		const inputs = table.columns.filter((c) => c.name !== 'species').map((c) => ({ name: c.name, kind: c.kind }));
		const report = driftReport({ reference: table, referenceRows: rowsOf('Adelie'), current, inputs });
		const level = (name: string) => report.columns.find((c) => c.name === name)!.level;
		// Gentoo live only on Biscoe and are far heavier, with shallower bills, than Adelie.
		expect(level('island')).toBe('major');
		expect(level('body_mass_g')).toBe('major');
		expect(level('bill_depth_mm')).toBe('major');
		expect(report.columns[0].psi).toBeGreaterThanOrEqual(report.columns.at(-1)!.psi);
		expect(report.referenceRows).toBe(152);
		expect(report.currentRows).toBe(124);
	});

	it('finds no major shift between two random halves of the same data (breast cancer, seeded)', () => {
		const table = loadDataset('breast-cancer.csv');
		const rows = shuffleInPlace(Int32Array.from(range(table.rowCount)), createRng(7));
		const half = rows.length >> 1;
		const second = rows.slice(half);
		const current: Table = { rowCount: second.length, columns: table.columns.map((c) => (c.kind === 'numeric' ? { ...c, values: Float64Array.from(second, (r) => c.values[r]) } : { ...c, codes: Int32Array.from(second, (r) => c.codes[r]) })) };
		const inputs = table.columns.filter((c) => c.name !== 'diagnosis').map((c) => ({ name: c.name, kind: c.kind }));
		const report = driftReport({ reference: table, referenceRows: rows.slice(0, half), current, inputs });
		expect(report.columns.length).toBe(inputs.length);
		expect(report.columns.filter((c) => c.level === 'major')).toEqual([]);
		expect(report.notes).toEqual([]);
	});

	it('compares predictions with the training labels, classes and numbers', () => {
		const reference: Table = { rowCount: 6, columns: [numeric('x', range(6)), categorical('y', ['a', 'a', 'b', 'b', 'a', 'b']), numeric('v', [1, 2, 3, 4, 5, 6])] };
		const current: Table = { rowCount: 2, columns: [numeric('x', [0, 1])] };
		const inputs = [{ name: 'x', kind: 'numeric' as const }];
		const classes = driftReport({ reference, referenceRows: Int32Array.from([0, 1, 2, 3]), current, inputs, target: { name: 'y', task: 'classification' }, predictions: ['b', 'b'] });
		expect(classes.predictions!.name).toBe('predicted y');
		expect(classes.predictions!.bins).toEqual([{ label: 'a', reference: 0.5, current: 0 }, { label: 'b', reference: 0.5, current: 1 }]);
		const numbers = driftReport({ reference, referenceRows: Int32Array.from([0, 1, 2, 3]), current, inputs, target: { name: 'v', task: 'regression' }, predictions: ['1.5', '2.5'] });
		expect(numbers.predictions!.kind).toBe('numeric');
		expect(numbers.predictions!.summary.reference).toBe('median 2.5, middle half 1.75 to 3.25');
		expect(numbers.notes).toContain('Only 2 new rows: at this size chance alone moves the index a lot, so a column is called shifted only beyond what 95 % of samples of 2 training rows would give; compare a larger batch before acting on it.');
		expect(FEW_ROWS).toBeGreaterThan(2);
	});

	it('compares a yes/no column as its two answers', () => {
		const reference: Table = { rowCount: 4, columns: [numeric('member', [1, 1, 0, NaN])] };
		const current: Table = { rowCount: 2, columns: [numeric('member', [0, 0])] };
		const report = driftReport({ reference, referenceRows: Int32Array.from([0, 1, 2, 3]), current, inputs: [{ name: 'member', kind: 'numeric', semantic: 'boolean' }] });
		expect(report.columns[0].kind).toBe('categorical');
		expect(report.columns[0].bins).toEqual([{ label: 'yes', reference: 0.5, current: 0 }, { label: 'no', reference: 0.25, current: 1 }, { label: '(missing)', reference: 0.25, current: 0 }]);
	});

	it('says which columns it could not compare', () => {
		const reference: Table = { rowCount: 2, columns: [numeric('x', [1, 2]), categorical('k', ['a', 'b'])] };
		const current: Table = { rowCount: 2, columns: [numeric('k', [1, 2])] };
		const report = driftReport({ reference, referenceRows: Int32Array.from([0, 1]), current, inputs: [{ name: 'x', kind: 'numeric' }, { name: 'k', kind: 'categorical' }] });
		expect(report.columns).toEqual([]);
		expect(report.notes[0]).toBe('“x” is not in the new rows; it is left out of the comparison.');
		expect(report.notes[1]).toContain('“k” reads as categories in the training data but as numbers in the new rows');
	});
});
