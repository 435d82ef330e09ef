import { describe, expect, it } from 'vitest';
import { createHash, createHmac } from 'node:crypto';
import type { Table } from '$workers/protocol';
import { applyPipeline, describeStep, fitPipeline, parsePipeline, serialisePipeline, type FeatureStep, type Pipeline } from './index';
import { hashBucket } from './features/categorical';
import { hmacSha256, murmur3, sha256, toHex, utf8 } from './hash';
import { moments } from './stats';
import { allRows, cat, num, table } from './test-tables.spec-support';

const pipeline = (...features: FeatureStep[]): Pipeline => ({ format: 'kiln-pipeline', version: 1, steps: [], features });

function matrix(t: Table, features: FeatureStep[], train = allRows(t.rowCount)) {
	const p = pipeline(...features);
	expect(parsePipeline(serialisePipeline(p))).toEqual(p);
	features.forEach((f) => expect(describeStep(f)).toContain(f.column));
	const { fitted } = fitPipeline(p, t, train);
	const out = applyPipeline(fitted, t);
	const rows = Array.from({ length: t.rowCount }, (_, r) => Array.from(out.x.subarray(r * out.width, (r + 1) * out.width)));
	return { fitted, rows, out };
}

describe('scaling', () => {
	const t = table(num('x', [1, 2, 3, 4, 10, null]));

	it('standard, min-max, robust and none, missing → the fill value', () => {
		const col = (method: 'standard' | 'min-max' | 'robust' | 'none') => matrix(t, [{ kind: 'scale', column: 'x', method }]).rows.map((r) => r[0]);
		const std = Math.sqrt(((1 - 4) ** 2 + (2 - 4) ** 2 + 1 + 0 + 36) / 5);
		col('standard').forEach((v, i) => expect(v).toBeCloseTo(i === 5 ? 0 : ([1, 2, 3, 4, 10][i] - 4) / std, 6));
		expect(col('min-max')).toEqual([0, 1 / 9, 2 / 9, 3 / 9, 1, 3 / 9].map(Math.fround));
		// scikit-learn RobustScaler on [1, 2, 3, 4, 10]: center 3, scale 2.
		expect(col('robust')).toEqual([-1, -0.5, 0, 0.5, 3.5, 0]);
		expect(col('none')).toEqual([1, 2, 3, 4, 10, 4]);
	});

	it('keeps the noise of large-offset columns (Welford, not sumSq/n − mean²)', () => {
		const noise = [0.25, -0.5, 1, -1.25, 0.5, 0, 0.75, -0.75];
		const values = Float64Array.from(noise, (e) => 1e9 + e);
		const m = moments(values, allRows(values.length));
		const mean = noise.reduce((a, b) => a + b) / noise.length;
		const variance = noise.reduce((a, e) => a + (e - mean) ** 2, 0) / noise.length;
		expect(m.mean - 1e9).toBeCloseTo(mean, 6);
		expect(m.variance).toBeCloseTo(variance, 6);
		// The old formula's answer on the same values is off by more than half the variance.
		let sum = 0;
		let sumSq = 0;
		for (const v of values) {
			sum += v;
			sumSq += v * v;
		}
		expect(Math.abs(sumSq / values.length - (sum / values.length) ** 2 - variance) / variance).toBeGreaterThan(0.5);
		const { rows } = matrix(table(num('x', Array.from(values))), [{ kind: 'scale', column: 'x', method: 'standard' }]);
		rows.forEach((r, i) => expect(r[0]).toBeCloseTo((noise[i] - mean) / Math.sqrt(variance), 5));
	});
});

describe('categorical encodings', () => {
	const train = table(cat('c', ['a', 'a', 'a', 'b', 'b', 'c', null]));
	const fresh = table(cat('c', ['b', 'zebra', null, 'c', 'a']));

	it('one-hot keeps the most frequent, with an "other" input for rare and unseen categories', () => {
		const { fitted, rows } = matrix(train, [{ kind: 'one-hot', column: 'c', maxCategories: 2, other: true, missing: 'zeros' }]);
		expect(fitted.features[0].names).toEqual(['c=a', 'c=b', 'c=(other)']);
		expect(rows).toEqual([[1, 0, 0], [1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]]);
		const out = applyPipeline(fitted, fresh);
		expect(Array.from(out.x)).toEqual([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0]);
		expect(out.unknownCategories).toBe(2);
		expect(out.warnings).toEqual([expect.objectContaining({ step: -1, count: 2 })]);
	});

	it('one-hot without "other" leaves rare and unseen as all zeros and fills missing with the mode', () => {
		const { fitted } = matrix(train, [{ kind: 'one-hot', column: 'c', maxCategories: 64, other: false, missing: 'mode' }]);
		const out = applyPipeline(fitted, fresh);
		expect(Array.from(out.x)).toEqual([0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0]);
		expect(out.unknownCategories).toBe(1);
	});

	it('ordinal codes in a given or text order; missing → the mode, unseen → −1', () => {
		const { fitted } = matrix(train, [{ kind: 'ordinal', column: 'c', order: ['c', 'b', 'a'] }]);
		const out = applyPipeline(fitted, fresh);
		expect(Array.from(out.x)).toEqual([1, -1, 2, 0, 2]);
		expect(out.unknownCategories).toBe(1);
		const alpha = matrix(train, [{ kind: 'ordinal', column: 'c', order: null }]);
		expect(alpha.rows.map((r) => r[0])).toEqual([0, 0, 0, 1, 1, 2, 0]);
	});

	it('hashes into the same buckets as scikit-learn\'s FeatureHasher', () => {
		const words = ['Biscoe', 'Dream', 'Torgersen', 'male', 'female', '日本', ''];
		// FeatureHasher(n_features=8 / 5, input_type='string', alternate_sign=False), scikit-learn 1.2.1.
		expect(words.map((w) => hashBucket(w, 8))).toEqual([4, 7, 5, 0, 1, 6, 0]);
		expect(words.map((w) => hashBucket(w, 5))).toEqual([1, 4, 2, 4, 4, 3, 0]);
		const { rows, fitted } = matrix(table(cat('island', ['Dream', null])), [{ kind: 'hashing', column: 'island', buckets: 8 }]);
		expect(fitted.features[0].names).toHaveLength(8);
		expect(rows).toEqual([[0, 0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0, 0]]);
	});

	it('refuses an encoding for the wrong kind of column', () => {
		expect(() => fitPipeline(pipeline({ kind: 'scale', column: 'c', method: 'standard' }), train, allRows(7))).toThrow(/Input "c": column "c" holds text, but the scale encoding needs numbers/);
		expect(() => parsePipeline(pipeline({ kind: 'hashing', column: 'c', buckets: 0 }))).toThrow(/features\[0\]\.buckets: must be at least 1/);
	});
});

describe('hashes', () => {
	it('murmur3 matches scikit-learn\'s murmurhash3_32 (seed 0)', () => {
		expect(murmur3('')).toBe(0);
		expect(murmur3('hello')).toBe(613153351);
		expect(murmur3('The quick brown fox jumps over the lazy dog')).toBe(776992547);
		expect(murmur3('Adelie')).toBe(1257481891);
		expect(murmur3('é')).toBe(269551495);
		expect(murmur3('日本')).toBe(-992347838);
	});

	it('SHA-256 and HMAC-SHA-256 match node:crypto', () => {
		for (const text of ['', 'abc', 'a'.repeat(55), 'b'.repeat(56), 'c'.repeat(64), 'ünïcode ✓ '.repeat(30)]) {
			expect(toHex(sha256(utf8(text)))).toBe(createHash('sha256').update(text).digest('hex'));
			for (const key of ['k', 'x'.repeat(64), 'y'.repeat(100)]) {
				expect(toHex(hmacSha256(utf8(key), utf8(text)))).toBe(createHmac('sha256', key).update(text).digest('hex'));
			}
		}
	});
});
