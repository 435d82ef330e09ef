import type { ColumnKind } from '$workers/protocol';
import type { DatePart, FeatureStep, TableStep, TableStepKind } from '$workers/lib/data/pipeline';
import { MAX_ONE_HOT } from '$workers/lib/preprocess';

export interface ColumnChoice {
	name: string;
	kind: ColumnKind;
}

/** What each step kind does, as the "add a step" menu lists it. */
export const STEP_LABELS: Record<TableStepKind, string> = {
	drop: 'Drop columns',
	rename: 'Rename a column',
	cast: 'Change a column between numbers and text',
	filter: 'Keep rows where an expression is true',
	dedupe: 'Drop duplicate rows',
	impute: 'Fill missing values',
	clip: 'Clip extreme values',
	log: 'Log-transform numbers',
	bin: 'Bin a number into ranges',
	'date-parts': 'Split a date into parts',
	derive: 'New column from an expression',
	anonymise: 'Anonymise a column',
	'mask-pii': 'Mask e-mails and phone numbers in text'
};

export const DATE_PARTS: readonly DatePart[] = ['year', 'month', 'day', 'weekday', 'hour'];

/** A new step of a kind, filled with sensible choices for this table. */
export function newStep(kind: TableStepKind, columns: readonly ColumnChoice[]): TableStep {
	const first = columns[0]?.name ?? '';
	const numeric = columns.find((c) => c.kind === 'numeric')?.name ?? first;
	switch (kind) {
		case 'drop':
			return { kind, columns: [] };
		case 'rename':
			return { kind, from: first, to: '' };
		case 'cast':
			return { kind, column: first, to: 'categorical' };
		case 'filter':
			return { kind, expression: '' };
		case 'dedupe':
			return { kind, columns: [] };
		case 'impute':
			return { kind, columns: [], strategy: 'median', value: null, indicator: false };
		case 'clip':
			return { kind, columns: [], bounds: { type: 'quantile', lower: 0.01, upper: 0.99 } };
		case 'log':
			return { kind, columns: [], guard: 'signed' };
		case 'bin':
			return { kind, column: numeric, method: 'quantile', bins: 5, output: null };
		case 'date-parts':
			return { kind, column: numeric, parts: ['year', 'month'], keepSource: false };
		case 'derive':
			return { kind, name: 'new_column', expression: '' };
		case 'anonymise':
			return { kind, column: first, method: { type: 'mask', keepStart: 0, keepEnd: 2 } };
		case 'mask-pii':
			return { kind, column: columns.find((c) => c.kind === 'categorical')?.name ?? first, kinds: ['email', 'phone'] };
	}
}

/** The encodings the Prepare table offers per column (a few fixed settings each, to keep the menu short). */
export type EncodingChoice = 'none' | 'standard' | 'min-max' | 'robust' | 'pass' | 'one-hot' | 'one-hot-other' | 'ordinal' | 'hashing' | 'tfidf';
export const NUMERIC_ENCODINGS: [EncodingChoice, string][] = [['standard', 'Standardise'], ['min-max', 'Scale to 0–1'], ['robust', 'Robust (median, IQR)'], ['pass', 'As is']];
export const TEXT_ENCODINGS: [EncodingChoice, string][] = [
	['one-hot', `One-hot (top ${MAX_ONE_HOT})`],
	['one-hot-other', 'One-hot (top 20 + other)'],
	['ordinal', 'Ordinal'],
	['hashing', 'Hashing (32 buckets)'],
	['tfidf', 'TF-IDF (free text, 200 words)']
];

export function choiceOf(step: FeatureStep | undefined): EncodingChoice {
	if (!step) return 'none';
	if (step.kind === 'scale') return step.method === 'none' ? 'pass' : step.method;
	if (step.kind === 'one-hot') return step.other ? 'one-hot-other' : 'one-hot';
	return step.kind;
}

export function stepFor(column: string, choice: EncodingChoice): FeatureStep | null {
	switch (choice) {
		case 'none':
			return null;
		case 'standard':
		case 'min-max':
		case 'robust':
			return { kind: 'scale', column, method: choice };
		case 'pass':
			return { kind: 'scale', column, method: 'none' };
		case 'one-hot':
			return { kind: 'one-hot', column, maxCategories: MAX_ONE_HOT, other: false, missing: 'mode' };
		case 'one-hot-other':
			return { kind: 'one-hot', column, maxCategories: 20, other: true, missing: 'mode' };
		case 'ordinal':
			return { kind: 'ordinal', column, order: null };
		case 'hashing':
			return { kind: 'hashing', column, buckets: 32 };
		case 'tfidf':
			// Words weighted by rarity as scikit-learn's TfidfVectorizer (smooth idf, l2 rows), sublinear
			// counts; a word must appear in two training texts, so one-off tokens (names, ids) stay out.
			return { kind: 'tfidf', column, maxFeatures: 200, minDf: 2, ngrams: 1, sublinear: true, lowercase: true, punctuation: 'drop', numbers: 'normalise' };
	}
}
