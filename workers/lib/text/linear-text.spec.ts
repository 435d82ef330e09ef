import { describe, expect, it } from 'vitest';
import { holdoutSplit } from '$workers/lib/split';
import { encodeLabels } from './labels';
import { explainTextLinear, predictTextLinear, topTerms, trainTextLinear, type TextLinearSpec } from './linear-text';
import { fitTfidf, transformTfidf, type TfidfSpec } from './tfidf';
import { toDense } from './sparse';
import { DEFAULT_WORD_OPTIONS } from './word-tokenizer';
import { textsAndLabels } from './text.spec-support';

const words = { ...DEFAULT_WORD_OPTIONS, punctuation: 'drop' as const };
const toy = ['the cat sat on the mat', 'the dog sat', 'a cat and a dog', 'dogs and cats and birds', 'the bird sang', 'good good dog', 'cat'];
const toyY = Int32Array.from([0, 1, 0, 1, 2, 1, 0]);
const toySpec: TfidfSpec = { tokenizer: words, maxFeatures: 1000, minDf: 2, ngrams: 2, sublinear: true };

function dense(texts: string[], spec: TfidfSpec) {
	const state = fitTfidf(texts, spec);
	const { matrix } = transformTfidf(state, texts);
	const out = new Float32Array(matrix.rows * matrix.cols);
	toDense(matrix, out);
	return { state, row: (i: number) => Array.from(out.subarray(i * matrix.cols, (i + 1) * matrix.cols)) };
}

describe('TF-IDF', () => {
	it('matches scikit-learn TfidfVectorizer (ngram 1–2, min_df 2, sublinear, smooth idf, l2)', () => {
		// TfidfVectorizer(token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2), min_df=2, sublinear_tf=True), scikit-learn 1.2.1.
		const { state, row } = dense(toy, toySpec);
		expect(state.terms).toEqual(['and', 'cat', 'dog', 'sat', 'the']);
		state.idf.forEach((v, i) => expect(v).toBeCloseTo([1.980829, 1.693147, 1.693147, 1.980829, 1.693147][i], 5));
		row(0).forEach((v, i) => expect(v).toBeCloseTo([0, 0.437042, 0, 0.5113, 0.739977][i], 5));
		expect(row(5)).toEqual([0, 0, 1, 0, 0]);
	});

	it('keeps the most frequent terms, ties in code-unit order, columns sorted', () => {
		const { state } = dense(toy, { ...toySpec, minDf: 1, ngrams: 1, maxFeatures: 5 });
		// Counts: the 4; and, cat, dog 3; a, good, sat 2 → the tie at 2 keeps "a".
		expect(state.terms).toEqual(['a', 'and', 'cat', 'dog', 'the']);
	});

	it('fits on training texts only: a word seen only at prediction is counted, not given a column', () => {
		const state = fitTfidf(['good film', 'bad film'], { ...toySpec, minDf: 1, ngrams: 1 });
		const out = transformTfidf(state, ['superb film', '', null]);
		expect(state.terms).toEqual(['bad', 'film', 'good']);
		expect(out.issues.unknownTokens).toBe(1);
		expect(out.issues.empty).toBe(2);
		expect(Array.from(out.matrix.indptr)).toEqual([0, 1, 1, 1]);
	});

	it('refuses texts without words and impossible settings with a clear message', () => {
		expect(() => fitTfidf(['', '  ', null], toySpec)).toThrow(/hold no words at all/);
		expect(() => fitTfidf(['a b', 'c d'], { ...toySpec, minDf: 5 })).toThrow(/no term occurs in 5 or more training texts/);
		expect(() => fitTfidf(['a'], { ...toySpec, maxFeatures: 0 })).toThrow(/from 1 to 200,000/);
	});
});

const spec = (kind: TextLinearSpec['kind'], tfidf: TfidfSpec = toySpec): TextLinearSpec => ({ kind, tfidf, l2: 'auto', maxIterations: 500, alpha: 0.5 });

describe('TF-IDF + logistic regression / naive Bayes', () => {
	const classes = ['a', 'b', 'c'];

	it('logistic regression with l2 = 1/n gives scikit-learn\'s probabilities (C = 1, multinomial)', () => {
		const model = trainTextLinear(toy, toyY, classes, spec('logistic'));
		const p = predictTextLinear(model, ['the cat and the bird', 'dog dog']).probabilities;
		[0.49401, 0.32277, 0.18322, 0.28257, 0.61654, 0.10089].forEach((v, i) => expect(p[i]).toBeCloseTo(v, 3));
	});

	it('multinomial naive Bayes gives scikit-learn\'s probabilities (alpha 0.5, on TF-IDF)', () => {
		const model = trainTextLinear(toy, toyY, classes, spec('naive-bayes'));
		const p = predictTextLinear(model, ['the cat and the bird', 'dog dog']).probabilities;
		[0.50085, 0.30123, 0.19792, 0.28665, 0.62301, 0.09034].forEach((v, i) => expect(p[i]).toBeCloseTo(v, 4));
	});

	it('names the top words per class and explains a typed text token by token', () => {
		const model = trainTextLinear(toy, toyY, classes, spec('logistic'));
		const top = topTerms(model, 2);
		expect(top.map((t) => t.class)).toEqual(classes);
		expect(top[0].terms[0].term).toBe('cat');
		expect(top[1].terms[0].term).toBe('dog');
		const parts = explainTextLinear(model, 'The cat, the DOG', 0);
		expect(parts.map((p) => [p.token, p.start])).toEqual([['the', 0], ['cat', 4], ['the', 9], ['dog', 13]]);
		expect(parts[1].contribution).toBeGreaterThan(0);
		expect(parts[3].contribution).toBeLessThan(0);
	});

	it('survives a JSON round trip with identical predictions', () => {
		const model = trainTextLinear(toy, toyY, classes, spec('logistic'));
		const back = JSON.parse(JSON.stringify(model));
		expect(predictTextLinear(back, toy).probabilities).toEqual(predictTextLinear(model, toy).probabilities);
	});

	it('refuses a label column with one class', () => {
		expect(() => encodeLabels(['pos', 'pos', null, ''], 'sentiment')).toThrow(/"sentiment" has only one class \("pos"\)/);
	});
});

describe('bars on the shipped sets (seeded 80/20 stratified split)', () => {
	function holdoutAccuracy(file: string, textColumn: string, labelColumn: string, s: TextLinearSpec) {
		const { texts, labels } = textsAndLabels(file, textColumn, labelColumn);
		const { classes, y, rows } = encodeLabels(labels);
		const { train, holdout } = holdoutSplit(rows, 0.2, 42, y);
		const index = new Map(Array.from(rows, (r, i) => [r, i]));
		const pick = (part: Int32Array) => ({ texts: Array.from(part, (r) => texts[r]), y: Int32Array.from(part, (r) => y[index.get(r)!]) });
		const tr = pick(train);
		const te = pick(holdout);
		const model = trainTextLinear(tr.texts, tr.y, classes, s);
		const { predicted } = predictTextLinear(model, te.texts);
		let right = 0;
		predicted.forEach((p, i) => (right += p === te.y[i] ? 1 : 0));
		return right / te.y.length;
	}
	const tfidf: TfidfSpec = { tokenizer: DEFAULT_WORD_OPTIONS, maxFeatures: 20_000, minDf: 1, ngrams: 2, sublinear: true };

	it('sentiment: TF-IDF + logistic ≥ 0.78, naive Bayes too', () => {
		const logistic = holdoutAccuracy('sentiment.csv', 'text', 'sentiment', { ...spec('logistic', tfidf), maxIterations: 100 });
		const bayes = holdoutAccuracy('sentiment.csv', 'text', 'sentiment', { ...spec('naive-bayes', tfidf), alpha: 0.1 });
		console.log(`sentiment holdout accuracy: logistic ${logistic.toFixed(4)}, naive Bayes ${bayes.toFixed(4)}`);
		expect(logistic).toBeGreaterThanOrEqual(0.78);
		expect(bayes).toBeGreaterThanOrEqual(0.78);
	});

	it('spam: TF-IDF + logistic ≥ 0.95', () => {
		const accuracy = holdoutAccuracy('spam.csv', 'text', 'label', { ...spec('logistic', { ...tfidf, ngrams: 1 }), l2: 1e-4, maxIterations: 100 });
		console.log(`spam holdout accuracy: logistic ${accuracy.toFixed(4)}`);
		expect(accuracy).toBeGreaterThanOrEqual(0.95);
	});
});
