import type { DriftReport } from '../../protocol';
import { categoricalDrift, countLabels, numericDrift } from './column';
import { fewRowsNote } from './report';

/** Words as a reader counts them: letters and digits, an apostrophe inside a word kept, lower-cased. */
export function words(text: string): string[] {
	return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu) ?? [];
}

export interface TextDriftInput {
	/** The text column's name, for the report's rows. */
	column: string;
	target: string;
	/** The model's training texts and their labels. */
	trainTexts: readonly (string | null)[];
	trainLabels: readonly string[];
	/** Texts training never saw (the run's holdout): how often unseen words occur naturally. */
	holdoutTexts: readonly (string | null)[];
	currentTexts: readonly (string | null)[];
	predictions: readonly string[];
}

/** Each text's words, read once; null for a missing text. */
const wordsOf = (texts: readonly (string | null)[]) => texts.map((t) => (t === null ? null : words(t)));

const wordCount = (texts: readonly (string[] | null)[]) => Float64Array.from(texts, (w) => (w === null ? NaN : w.length));

function unseenShare(texts: readonly (string[] | null)[], vocabulary: ReadonlySet<string>): Float64Array {
	// A text with no words has no share: a missing cell rather than 0.
	return Float64Array.from(texts, (w) => (w === null || w.length === 0 ? NaN : w.filter((x) => !vocabulary.has(x)).length / w.length));
}

/**
 * A file of texts against a text model's training texts: how long the texts are, how many of
 * their words training never met (against the holdout's natural rate, not the training texts'
 * own zero), and the predicted classes against the training labels.
 */
export function textDriftReport(input: TextDriftInput): DriftReport {
	const train = wordsOf(input.trainTexts);
	const current = wordsOf(input.currentTexts);
	const vocabulary = new Set(train.flatMap((w) => w ?? []));
	const columns = [
		numericDrift(`${input.column}: words per text`, wordCount(train), wordCount(current)),
		numericDrift(`${input.column}: share of words not in the training texts`, unseenShare(wordsOf(input.holdoutTexts), vocabulary), unseenShare(current, vocabulary))
	].sort((a, b) => b.psi - a.psi);
	const notes = [`The share of unseen words is compared with the model's ${input.holdoutTexts.length.toLocaleString('en-US')} holdout texts, which training never saw either.`];
	const few = fewRowsNote(input.currentTexts.length);
	if (few) notes.push(few);
	return {
		referenceRows: input.trainTexts.length,
		currentRows: input.currentTexts.length,
		columns,
		predictions: categoricalDrift(`predicted ${input.target}`, countLabels(input.trainLabels), countLabels(input.predictions)),
		notes
	};
}
