import { describe, expect, it } from 'vitest';
import { applyPipeline, describeStep, fitPipeline, parsePipeline, serialisePipeline, type FeatureStep, type Pipeline } from '../index';
import { cat, num, table } from '../test-tables.spec-support';

const step: FeatureStep = { kind: 'tfidf', column: 'review', maxFeatures: 50, minDf: 1, ngrams: 1, sublinear: false, lowercase: true, punctuation: 'drop', numbers: 'keep' };
const pipeline = (...features: FeatureStep[]): Pipeline => ({ format: 'kiln-pipeline', version: 1, steps: [], features });
const reviews = table(
	cat('review', ['Good film', 'bad film', 'GOOD good acting', null, 'awful', 'good film']),
	num('stars', [4, 1, 5, 3, 1, 4]),
	cat('title', ['Great, 10/10', 'meh', 'Great great', 'ok', '1/10', 'fine'])
);

describe('tfidf feature step', () => {
	it('learns its vocabulary and idf from the training rows only', () => {
		const { fitted } = fitPipeline(pipeline(step), reviews, Int32Array.from([0, 1, 2]));
		// "awful" is only in a holdout row, so it has no input.
		expect(fitted.features[0].names).toEqual(['review:acting', 'review:bad', 'review:film', 'review:good']);
		expect(fitted.inputs).toEqual([{ name: 'review', kind: 'categorical' }]);
		const out = applyPipeline(fitted, reviews);
		const row = (r: number) => Array.from(out.x.subarray(r * out.width, (r + 1) * out.width));
		// idf over 3 training texts: acting, bad ln(4/2)+1; film ln(4/3)+1; good ln(4/3)+1.
		const hi = Math.log(2) + 1;
		const lo = Math.log(4 / 3) + 1;
		row(0).forEach((v, i) => expect(v).toBeCloseTo([0, 0, lo, lo][i] / Math.hypot(lo, lo), 5));
		row(2).forEach((v, i) => expect(v).toBeCloseTo([hi, 0, 0, 2 * lo][i] / Math.hypot(hi, 2 * lo), 5));
		expect(row(3)).toEqual([0, 0, 0, 0]);
		expect(row(4)).toEqual([0, 0, 0, 0]);
		// The one non-empty text without a known word is reported.
		expect(out.unknownCategories).toBe(1);
	});

	it('replays equal on the same table and on a fresh file', () => {
		const { fitted } = fitPipeline(pipeline(step), reviews, Int32Array.from([0, 1, 2, 4]));
		const a = applyPipeline(fitted, reviews);
		expect(applyPipeline(fitted, reviews, { mode: 'replay' }).x).toEqual(a.x);
		const fresh = table(cat('review', ['good film', 'Bad, bad FILM!']));
		const b = applyPipeline(fitted, fresh);
		expect(Array.from(b.x.subarray(0, b.width))).toEqual(Array.from(a.x.subarray(5 * a.width, 6 * a.width)));
	});

	it('survives serialisation: the stored fitted pipeline predicts the same matrix', () => {
		const p = pipeline(step, { ...step, column: 'title', maxFeatures: 3, ngrams: 2, sublinear: true, punctuation: 'keep', numbers: 'normalise' });
		expect(parsePipeline(serialisePipeline(p))).toEqual(p);
		const { fitted } = fitPipeline(p, reviews, Int32Array.from([0, 1, 2]));
		const stored = JSON.parse(JSON.stringify(fitted));
		expect(applyPipeline(stored, reviews).x).toEqual(applyPipeline(fitted, reviews).x);
		expect(describeStep(step)).toBe('"review": TF-IDF of the 50 most frequent words in at least 1 training text, lower-cased, without punctuation');
	});

	it('refuses bad settings and a numeric column with a message', () => {
		expect(() => parsePipeline(pipeline({ ...step, ngrams: 4 as 1 }))).toThrow(/features\[0\]\.ngrams: must be at most 3/);
		expect(() => parsePipeline(pipeline({ ...step, maxFeatures: 100_000 }))).toThrow(/maxFeatures: must be at most 4096/);
		expect(() => fitPipeline(pipeline({ ...step, column: 'stars' }), reviews, Int32Array.from([0, 1]))).toThrow(/column "stars" holds numbers, but the tfidf encoding needs text/);
		expect(() => fitPipeline(pipeline({ ...step, minDf: 3 }), reviews, Int32Array.from([0, 1]))).toThrow(/no term occurs in 3 or more training texts/);
	});
});
