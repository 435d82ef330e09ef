import type { RunEvaluation, TextClassWords, TextMistake, WorstRow } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { argmax, bothThresholds, classificationBaselines, classificationReport, worstClassified, type ClassificationInput } from '$workers/lib/evaluate';
import { topTerms, type TextLinearModel } from './linear-text';
import { normaliseText } from './normalise';
import { tokenClass, wordTokens } from './word-tokenizer';

/** Worst rows and confident mistakes kept with the evaluation: enough to read, small to store. */
export const TEXT_WORST_ROWS = 100;
export const TEXT_MISTAKES = 20;
/** A stored text is cut here; the row number leads back to the whole text. */
export const TEXT_PREVIEW_CHARS = 400;
export const TOP_WORDS = 12;

export interface TextEvaluationInput {
	runId: string;
	/** The label column and the text column, by name. */
	target: string;
	column: string;
	/** Every row's text (the whole table); `holdout` indexes into it. */
	texts: ArrayLike<string | null>;
	holdout: Int32Array;
	/** Class index per holdout row (−1: a class the model never saw). */
	truth: Int32Array;
	/** Row-major holdout × classes probabilities. */
	probabilities: Float32Array;
	classes: string[];
	/** Class index per row the model learnt from (train + validation): the baselines' priors. */
	trainTruth: Int32Array;
	seed: number;
	topWords: TextClassWords[];
	topWordsMethod: string;
	startedAt?: number;
}

const preview = (text: string | null) => {
	const t = text ?? '';
	return t.length > TEXT_PREVIEW_CHARS ? `${t.slice(0, TEXT_PREVIEW_CHARS)}…` : t;
};

/**
 * The evaluation suite of a text classification run, in the same shape as every other run's
 * (so the report, baselines, plots and the worst rows render and compare as usual), plus what
 * only a text run has: top words per class and its most confident mistakes with their texts.
 */
export function textRunEvaluation(input: TextEvaluationInput): RunEvaluation {
	const started = input.startedAt ?? performance.now();
	const { holdout, classes } = input;
	const k = classes.length;
	if (holdout.length === 0) throw new KilnError('ValidationError', 'This run has no holdout rows to evaluate on.');
	if (input.truth.length !== holdout.length || input.probabilities.length !== holdout.length * k) throw new KilnError('ValidationError', `Expected ${holdout.length} holdout rows × ${k} classes but got ${input.truth.length} labels and ${input.probabilities.length} probabilities.`);
	const scored: ClassificationInput = { truth: input.truth, probabilities: input.probabilities, classes };
	const report = classificationReport(scored);
	const baselines = classificationBaselines(input.trainTruth, scored, { seed: input.seed }).map((b) => ({ strategy: b.strategy, report: b.report }));
	const thresholds = k === 2 ? bothThresholds(scored) : undefined;
	const worst: WorstRow[] = worstClassified(scored, {}, TEXT_WORST_ROWS).map((w) => ({
		row: holdout[w.index] + 1,
		truth: classes[w.truth],
		predicted: classes[w.predicted],
		loss: w.loss,
		probabilityOfTruth: w.probabilityOfTruth,
		values: [preview(input.texts[holdout[w.index]])],
		slices: []
	}));
	return {
		version: 1,
		runId: input.runId,
		computedAt: Date.now(),
		durationMs: performance.now() - started,
		rows: holdout.length,
		report,
		baselines,
		...(thresholds ? { thresholds } : {}),
		importance: null,
		dependence: [],
		slices: [],
		worst,
		worstColumns: [input.column],
		target: input.target,
		text: { column: input.column, topWords: input.topWords, topWordsMethod: input.topWordsMethod, mistakes: confidentMistakes(input) }
	};
}

/** Wrong predictions, the most confident first: where the model is sure and still wrong. */
export function confidentMistakes(input: Pick<TextEvaluationInput, 'texts' | 'holdout' | 'truth' | 'probabilities' | 'classes'>, limit = TEXT_MISTAKES): TextMistake[] {
	const k = input.classes.length;
	const predicted = argmax(input.probabilities, k);
	const out: (TextMistake & { index: number })[] = [];
	input.truth.forEach((t, i) => {
		if (t < 0 || predicted[i] === t) return;
		const row = input.holdout[i];
		out.push({ index: i, row: row + 1, text: preview(input.texts[row]), truth: input.classes[t], predicted: input.classes[predicted[i]], confidence: input.probabilities[i * k + predicted[i]] });
	});
	out.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
	return out.slice(0, limit).map(({ row, text, truth, predicted, confidence }) => ({ row, text, truth, predicted, confidence }));
}

/** A TF-IDF model's own words: weight for the class minus the mean over classes. */
export function linearTopWords(model: TextLinearModel, count = TOP_WORDS): TextClassWords[] {
	return topTerms(model, count).map((c) => ({ className: c.class, words: c.terms.map((t) => ({ word: t.term, score: t.weight })) }));
}

/**
 * For a network, which has no per-word weights: words over-represented in the texts the model
 * assigns to each class, as a smoothed log-odds of the share of those texts containing the word
 * against the share of the other texts. Words in fewer than `minTexts` texts are skipped.
 */
export function predictedClassWords(texts: ArrayLike<string | null>, predicted: ArrayLike<number>, classes: readonly string[], count = TOP_WORDS, minTexts = 3): TextClassWords[] {
	const k = classes.length;
	const perClass = new Map<string, Float64Array>();
	const textsOf = new Float64Array(k);
	for (let i = 0; i < texts.length; i++) {
		const c = predicted[i];
		if (c < 0 || c >= k) continue;
		textsOf[c]++;
		const normal = normaliseText(texts[i], { form: 'NFKC', lowercase: true, maxChars: 20_000 }).text;
		const seen = new Set(wordTokens(normal, { punctuation: 'drop', numbers: 'keep' }).tokens.filter((t) => tokenClass(t) === 'word'));
		for (const word of seen) {
			let counts = perClass.get(word);
			if (!counts) perClass.set(word, (counts = new Float64Array(k)));
			counts[c]++;
		}
	}
	const total = textsOf.reduce((a, b) => a + b, 0);
	return classes.map((className, c) => {
		const inside = textsOf[c];
		const outside = total - inside;
		const scored: { word: string; score: number }[] = [];
		for (const [word, counts] of perClass) {
			const all = counts.reduce((a, b) => a + b, 0);
			if (all < minTexts || counts[c] === 0) continue;
			const rest = all - counts[c];
			// Add-one smoothing on both sides keeps a word seen in a handful of texts from topping the list.
			const score = Math.log((counts[c] + 1) / (inside - counts[c] + 1)) - Math.log((rest + 1) / (outside - rest + 1));
			scored.push({ word, score });
		}
		scored.sort((a, b) => b.score - a.score || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
		return { className, words: scored.slice(0, count) };
	});
}

