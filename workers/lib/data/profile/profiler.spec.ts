import { describe, expect, it } from 'vitest';
import { createRng } from '$workers/lib/random';
import type { SchemaColumn, SemanticType } from '../import/types';
import { physicalOf } from '../import/types';
import { cramersV } from './pairs';
import { createProfiler, LISTED_CLASSES, type ProfilerOptions } from './profiler';
import { quantileSorted } from './summary';

type Data = Float64Array | Int32Array;

function schema(spec: [string, SemanticType][]): SchemaColumn[] {
	return spec.map(([name, semantic]) => ({ name, semantic, physical: physicalOf(semantic) }));
}

/** Feeds whole columns in chunks of uneven sizes, as the importer would. */
function profile(columns: SchemaColumn[], data: Data[], dictionaries: (string[] | null)[], options: ProfilerOptions = {}, sizes = [7, 1000, 333, 4096]) {
	const p = createProfiler(columns, options);
	const n = data[0].length;
	for (let at = 0, k = 0; at < n; k++) {
		const size = Math.min(sizes[k % sizes.length], n - at);
		p.addChunk(
			data.map((d) => d.slice(at, at + size)),
			size
		);
		at += size;
	}
	return p.finish(dictionaries);
}

function present(values: Float64Array): Float64Array {
	return values.filter((v) => !Number.isNaN(v)).sort();
}

describe('profile', () => {
	const rng = createRng(42);
	const n = 20_000;
	const x = Float64Array.from({ length: n }, () => (rng() < 0.1 ? NaN : 1e9 + rng() * 100 - 50));
	const y = Float64Array.from(x, (v) => (rng() < 0.05 ? NaN : 2 * (v - 1e9) + rng() * 40));
	const k = Float64Array.from({ length: n }, () => Math.floor(rng() * 6));
	const cat = Int32Array.from({ length: n }, () => (rng() < 0.02 ? -1 : Math.floor(rng() * 4)));
	const columns = schema([
		['x', 'numeric'],
		['y', 'numeric'],
		['k', 'integer'],
		['cat', 'categorical']
	]);
	const dictionaries = [null, null, null, ['north', 'south', 'east', 'west']];
	const result = profile(columns, [x, y, k, cat], dictionaries);

	it('counts, moments and exact quantiles match a direct computation', () => {
		const xs = present(x);
		const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
		const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
		const s = result.columns[0];
		expect(s.missing).toBe(n - xs.length);
		expect(s.distinct).toBe(new Set(xs).size);
		expect(s.numeric?.min).toBe(xs[0]);
		expect(s.numeric?.max).toBe(xs[xs.length - 1]);
		// At 1e9 one ulp is 1.2e-7: compare relatively (the direct sum is not exact either).
		expect(Math.abs(s.numeric!.mean - mean) / mean).toBeLessThan(1e-13);
		expect(Math.abs(s.numeric!.std - std) / std).toBeLessThan(1e-8);
		expect(s.numeric?.approximate).toBe(false);
		for (const q of s.numeric!.quantiles) expect(q.value).toBe(quantileSorted(xs, q.p));
		expect(s.numeric!.histogram.counts.reduce((a, b) => a + b, 0)).toBe(xs.length);
		const [q1, q3] = [quantileSorted(xs, 0.25), quantileSorted(xs, 0.75)];
		const outliers = xs.filter((v) => v < q1 - 1.5 * (q3 - q1) || v > q3 + 1.5 * (q3 - q1)).length;
		expect(s.numeric?.outliers).toBe(outliers);
	});

	it('gives integer columns one histogram bin per value and categories exact top counts', () => {
		const h = result.columns[2].numeric!.histogram;
		expect(h.edges).toEqual([-0.5, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
		expect(h.counts).toEqual([0, 1, 2, 3, 4, 5].map((v) => k.filter((z) => z === v).length));
		const top = result.columns[3].categories!.top;
		const counts = dictionaries[3]!.map((value, code) => ({ value, count: cat.filter((c) => c === code).length })).sort((a, b) => b.count - a.count);
		expect(top).toEqual(counts);
		expect(result.columns[3].missing).toBe(cat.filter((c) => c < 0).length);
	});

	it('computes pairwise-complete Pearson correlation despite a 1e9 offset', () => {
		const pairs: [number, number][] = [];
		for (let i = 0; i < n; i++) if (!Number.isNaN(x[i]) && !Number.isNaN(y[i])) pairs.push([x[i] - 1e9, y[i]]);
		const mx = pairs.reduce((a, p) => a + p[0], 0) / pairs.length;
		const my = pairs.reduce((a, p) => a + p[1], 0) / pairs.length;
		const cov = pairs.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0);
		const vx = pairs.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
		const vy = pairs.reduce((a, p) => a + (p[1] - my) ** 2, 0);
		const m = result.correlation;
		expect(m.columns).toEqual(['x', 'y', 'k']);
		expect(m.approximate).toBe(false);
		expect(m.values[1]).toBeCloseTo(cov / Math.sqrt(vx * vy), 9);
		expect(m.values[0]).toBe(1);
		expect(Math.abs(m.values[2])).toBeLessThan(0.05);
	});

	it("computes bias-corrected Cramér's V like an independent numpy computation", () => {
		// Reference: chi² 122.16616287339971 (scipy.stats.chi2_contingency agrees), V = 0.6930238847231548.
		const table = new Int32Array(9);
		table.set([30, 5, 5, 5, 30, 5, 2, 3, 40]);
		expect(cramersV(table, 3)).toBeCloseTo(0.6930238847231548, 12);
		const independent = new Int32Array(4);
		independent.set([10, 20, 30, 40]);
		expect(cramersV(independent, 2)).toBe(0);
	});

	it('labels quantiles approximate above the sample and stays close', () => {
		const big = Float64Array.from({ length: 50_000 }, () => rng() * 1000);
		const p = profile(schema([['v', 'numeric']]), [big], [null], { sampleRows: 5000, seed: 9 });
		const s = p.columns[0].numeric!;
		expect(s.approximate).toBe(true);
		expect(p.sampleRows).toBe(5000);
		expect(p.correlation.approximate).toBe(true);
		const sorted = big.slice().sort();
		for (const q of s.quantiles) expect(Math.abs(q.value - quantileSorted(sorted, q.p))).toBeLessThan(20);
		expect(s.histogram.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(49_900);
		const again = profile(schema([['v', 'numeric']]), [big], [null], { sampleRows: 5000, seed: 9 });
		expect(again.columns[0].numeric!.quantiles).toEqual(s.quantiles);
	});

	it('counts duplicate rows across chunks', () => {
		const a = Float64Array.from({ length: 3000 }, (_, i) => i % 1000);
		const b = Int32Array.from({ length: 3000 }, (_, i) => (i % 1000) % 3);
		const p = profile(schema([['a', 'integer'], ['b', 'categorical']]), [a, b], [null, ['x', 'y', 'z']]);
		expect(p.duplicateRows).toBe(2000);
		expect(p.warnings.find((w) => w.kind === 'duplicates')?.message).toMatch(/2,000 rows repeat an earlier row/);
	});

	it('warns about constant, empty, mostly missing and ID-like columns', () => {
		const m = 500;
		const p = profile(
			schema([['const', 'integer'], ['empty', 'numeric'], ['holes', 'numeric'], ['row', 'integer'], ['code', 'categorical']]),
			[
				new Float64Array(m).fill(3),
				new Float64Array(m).fill(NaN),
				Float64Array.from({ length: m }, (_, i) => (i % 3 === 0 ? i : NaN)),
				Float64Array.from({ length: m }, (_, i) => i + 1),
				Int32Array.from({ length: m }, (_, i) => i)
			],
			[null, null, null, null, Array.from({ length: m }, (_, i) => `K${i}`)]
		);
		const kinds = (name: string) => p.warnings.filter((w) => w.column === name).map((w) => w.kind);
		expect(kinds('const')).toEqual(['constant']);
		expect(kinds('empty')).toEqual(['constant', 'high-missing']);
		expect(kinds('holes')).toEqual(['high-missing']);
		expect(kinds('row')).toEqual(['id-like']);
		expect(kinds('code')).toEqual(['id-like']);
	});

	it('finds a leaking feature for a class target and reports target balance', () => {
		const m = 4000;
		const r = createRng(3);
		const target = Int32Array.from({ length: m }, () => (r() < 0.8 ? 0 : 1));
		const leak = Float64Array.from(target, (t) => (t === 1 ? 100 + r() : r()));
		const noise = Float64Array.from({ length: m }, () => r());
		const weak = Int32Array.from(target, (t) => (r() < 0.7 ? t : 1 - t));
		const p = profile(
			schema([['leak', 'numeric'], ['noise', 'numeric'], ['weak', 'categorical'], ['churn', 'categorical']]),
			[leak, noise, weak, target],
			[null, null, ['a', 'b'], ['stay', 'leave']],
			{ target: 'churn' }
		);
		const leaks = p.warnings.filter((w) => w.kind === 'leakage');
		expect(leaks.map((w) => w.column)).toEqual(['leak']);
		expect(leaks[0].score).toBeGreaterThanOrEqual(0.98);
		expect(p.target).toMatchObject({ column: 'churn', task: 'classification' });
		expect(p.target!.classes!.map((c) => c.value)).toEqual(['stay', 'leave']);
		expect(p.target!.classes!.reduce((a, c) => a + c.count, 0)).toBe(m);
	});

	it('lists the largest classes of a target with thousands and counts the rest', () => {
		const m = 3000;
		// Class k has (k % 7) + 1 rows until the rows run out: 750 classes or so, most of them small.
		const codes: number[] = [];
		for (let k = 0; codes.length < m; k++) for (let i = 0; i <= k % 7 && codes.length < m; i++) codes.push(k);
		const target = Int32Array.from(codes);
		const dictionary = Array.from({ length: target[m - 1] + 1 }, (_, k) => `id-${k}`);
		const p = profile(schema([['x', 'numeric'], ['id', 'categorical']]), [Float64Array.from(codes, (c) => c % 5), target], [null, dictionary], { target: 'id' });
		const listed = p.target!.classes!;
		expect(listed).toHaveLength(LISTED_CLASSES);
		expect(p.target!.classCount).toBe(dictionary.length);
		expect(listed.reduce((a, c) => a + c.count, 0) + p.target!.otherRows!).toBe(m);
		expect(listed.every((c) => c.count === 7)).toBe(true);
		expect(p.target!.imbalanceRatio).toBe(7);
	});

	it('finds a leaking feature for a numeric target (binned R²)', () => {
		const m = 5000;
		const r = createRng(4);
		const xs = Float64Array.from({ length: m }, () => r() * 10);
		const target = Float64Array.from(xs, (v) => 3 * v + 1);
		const noise = Float64Array.from({ length: m }, () => r());
		const p = profile(schema([['x', 'numeric'], ['noise', 'numeric'], ['price', 'numeric']]), [xs, noise, target], [null, null, null], { target: 'price' });
		expect(p.target?.task).toBe('regression');
		expect(p.warnings.filter((w) => w.kind === 'leakage').map((w) => w.column)).toEqual(['x']);
	});

	it('flags columns of e-mails, IBANs, card numbers, IPs, phones and names', () => {
		const m = 60;
		const dict = {
			mail: Array.from({ length: m }, (_, i) => `person${i}@example.org`),
			iban: Array.from({ length: m }, () => 'GB82 WEST 1234 5698 7654 32'),
			card: Array.from({ length: m }, () => '4111 1111 1111 1111'),
			ip: Array.from({ length: m }, (_, i) => `192.168.${i}.7`),
			phone: Array.from({ length: m }, (_, i) => `+44 20 7946 ${String(1000 + i)}`),
			who: Array.from({ length: m }, (_, i) => ['Braund, Mr. Owen Harris', 'Mary Smith', 'John Doe'][i % 3]),
			city: Array.from({ length: m }, (_, i) => ['Lyon', 'Paris', 'Berlin'][i % 3])
		};
		const names = Object.keys(dict) as (keyof typeof dict)[];
		const p = profile(
			schema(names.map((name) => [name, 'categorical'])),
			names.map(() => Int32Array.from({ length: m }, (_, i) => i)),
			names.map((name) => dict[name])
		);
		const pii = Object.fromEntries(p.warnings.filter((w) => w.kind === 'pii').map((w) => [w.column, w.pii]));
		expect(pii).toEqual({ mail: 'email', iban: 'iban', card: 'card', ip: 'ip', phone: 'phone', who: 'name' });
	});
});
