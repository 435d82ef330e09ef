import { describe, expect, it } from 'vitest';
import { classificationMetrics } from '$workers/lib/metrics';
import { threeWaySplit } from '$workers/lib/split';
import type { ClassificationReport } from '$workers/protocol';
import { encodeLabels, labelIndices } from './labels';
import { predictTextLinear, trainTextLinear } from './linear-text';
import { confidentMistakes, linearTopWords, predictedClassWords, textRunEvaluation, TEXT_PREVIEW_CHARS } from './evaluate-text';
import { textsAndLabels } from './text.spec-support';
import { DEFAULT_WORD_OPTIONS } from './word-tokenizer';

describe('text run evaluation', () => {
	it('scores the sentiment holdout like training did, beats its baselines, and lists mistakes and top words', () => {
		const { texts, labels } = textsAndLabels('sentiment.csv', 'text', 'sentiment');
		const { classes, y, rows } = encodeLabels(labels);
		const split = threeWaySplit(rows, 0.2, 0, 7, y);
		const model = trainTextLinear(
			Array.from(split.train, (r) => texts[r]),
			labelIndices(labels, classes, split.train),
			classes,
			{ kind: 'logistic', tfidf: { tokenizer: DEFAULT_WORD_OPTIONS, maxFeatures: 5000, minDf: 1, ngrams: 2, sublinear: true }, l2: 'auto', maxIterations: 100, alpha: 0.1 }
		);
		const holdout = split.holdout;
		const truth = labelIndices(labels, classes, holdout);
		const out = predictTextLinear(model, Array.from(holdout, (r) => texts[r]));
		const evaluation = textRunEvaluation({ runId: 'r', target: 'sentiment', column: 'text', texts, holdout, truth, probabilities: out.probabilities, classes, trainTruth: labelIndices(labels, classes, split.train), seed: 7, topWords: linearTopWords(model), topWordsMethod: 'weights' });
		const report = evaluation.report as ClassificationReport;
		const trained = classificationMetrics(truth, out.predicted, classes);
		expect(report.accuracy).toBeCloseTo(trained.accuracy, 10);
		expect(report.macro.f1).toBeCloseTo(trained.macroF1, 10);
		expect(report.confusion.counts).toEqual(trained.confusion);
		expect(report.accuracy).toBeGreaterThanOrEqual(0.78);
		expect(report.perClass.map((c) => c.className)).toEqual(classes);
		const majority = evaluation.baselines.find((b) => b.strategy === 'majority')!.report as ClassificationReport;
		expect(report.accuracy).toBeGreaterThan(majority.accuracy + 0.2);
		expect(evaluation.thresholds).toHaveLength(2);
		// worst rows carry their text, worst first
		expect(evaluation.worstColumns).toEqual(['text']);
		expect(evaluation.worst[0].values[0]).toBe(texts[evaluation.worst[0].row - 1]!.slice(0, TEXT_PREVIEW_CHARS));
		for (let i = 1; i < evaluation.worst.length; i++) expect(evaluation.worst[i].loss).toBeLessThanOrEqual(evaluation.worst[i - 1].loss);
		// mistakes: every one wrong, most confident first, as many as the confusion matrix's off-diagonal (up to the cap)
		const mistakes = evaluation.text!.mistakes;
		const wrong = trained.confusion.flatMap((r, i) => r.filter((_, j) => j !== i)).reduce((a, b) => a + b, 0);
		expect(mistakes.length).toBe(Math.min(20, wrong));
		for (const m of mistakes) {
			expect(m.truth).not.toBe(m.predicted);
			expect(labels[m.row - 1]).toBe(m.truth);
			expect(m.confidence).toBeGreaterThanOrEqual(0.5);
		}
		for (let i = 1; i < mistakes.length; i++) expect(mistakes[i].confidence).toBeLessThanOrEqual(mistakes[i - 1].confidence);
		// top words: sentiment words lead their class
		const top = (c: string) => evaluation.text!.topWords.find((w) => w.className === c)!.words.map((w) => w.word);
		expect(top('positive').some((w) => ['great', 'good', 'love', 'excellent', 'best', 'nice'].includes(w))).toBe(true);
		expect(top('negative').some((w) => ['not', 'bad', 'worst', 'poor', 'terrible', 'waste'].includes(w))).toBe(true);
	});

	it('ranks the words of the predicted class first, and skips rare words', () => {
		const texts = ['good film', 'good food', 'good day', 'bad film', 'bad food', 'bad day', 'rare word', null];
		const predicted = Int32Array.from([1, 1, 1, 0, 0, 0, 1, 0]);
		const words = predictedClassWords(texts, predicted, ['neg', 'pos'], 3, 3);
		expect(words[1].words[0].word).toBe('good');
		expect(words[0].words[0].word).toBe('bad');
		expect(words.flatMap((w) => w.words.map((x) => x.word))).not.toContain('rare');
		// film/food/day are in both classes equally: never above the class's own word
		expect(words[1].words.findIndex((w) => w.word === 'film')).not.toBe(0);
	});

	it('lists no mistakes when every holdout text is right, and refuses mismatched arrays', () => {
		const probabilities = Float32Array.from([0.9, 0.1, 0.2, 0.8]);
		expect(confidentMistakes({ texts: ['a', 'b'], holdout: Int32Array.from([0, 1]), truth: Int32Array.from([0, 1]), probabilities, classes: ['x', 'y'] })).toEqual([]);
		const base = { runId: 'r', target: 't', column: 'c', texts: ['a', 'b'], holdout: Int32Array.from([0, 1]), classes: ['x', 'y'], trainTruth: Int32Array.from([0, 1]), seed: 1, topWords: [], topWordsMethod: '' };
		expect(() => textRunEvaluation({ ...base, truth: Int32Array.from([0]), probabilities })).toThrow(/2 holdout rows × 2 classes/);
		expect(() => textRunEvaluation({ ...base, holdout: new Int32Array(0), truth: new Int32Array(0), probabilities: new Float32Array(0) })).toThrow(/no holdout rows/);
	});
});
