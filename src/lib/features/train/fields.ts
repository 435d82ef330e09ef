import { parseInteger, parseNumber } from '$shared/number';
import { configProblems, type ConfigProblems, type ModelSettings } from '$shared/train-config';
import type { BalanceMethod, ModelKind, SplitMethod } from '$workers/protocol';

export type SplitChoice = 'holdout' | 'stratified' | 'kfold' | 'stratified-kfold' | 'group-kfold' | 'time';

/** The training form as the person typed it: text, so nonsense can be named, not lost. */
export interface FieldValues {
	model: ModelKind;
	hiddenLayers: string;
	epochs: string;
	learningRate: string;
	batchSize: string;
	seed: string;
	holdoutPercent: string;
	validationPercent: string;
	patience: string;
	l2: string;
	split: SplitChoice;
	folds: string;
	splitColumn: string;
	balance: BalanceMethod;
}

function splitChoice(split: SplitMethod | undefined): SplitChoice {
	if (!split) return 'stratified';
	if (split.kind === 'holdout') return split.stratify ? 'stratified' : 'holdout';
	if (split.kind === 'kfold') return split.stratify ? 'stratified-kfold' : 'kfold';
	return split.kind;
}

export function fieldsFrom(settings: ModelSettings): FieldValues {
	const split = settings.split;
	return {
		model: settings.model,
		hiddenLayers: settings.hiddenLayers.join(', '),
		epochs: String(settings.epochs),
		learningRate: String(settings.learningRate),
		batchSize: String(settings.batchSize),
		seed: String(settings.seed),
		holdoutPercent: String(Math.round(settings.holdoutFraction * 1000) / 10),
		validationPercent: String(Math.round(settings.validationFraction * 1000) / 10),
		patience: String(settings.patience),
		l2: String(settings.l2),
		split: splitChoice(split),
		folds: String(split && 'folds' in split ? split.folds : 5),
		splitColumn: split && 'column' in split ? split.column : '',
		balance: settings.balance ?? 'none'
	};
}

const NOT_A_NUMBER = 'Type a number, e.g. 0.01.';
const NOT_WHOLE = 'Type a whole number.';

/** Parse the form: the settings when all is well, else a message per field that is not. */
export function parseFields(values: FieldValues): { settings: ModelSettings | null; problems: ConfigProblems } {
	const problems: ConfigProblems = {};
	const num = (text: string, field: keyof ModelSettings, whole = false): number => {
		const value = whole ? parseInteger(text) : parseNumber(text);
		if (value === undefined) problems[field] = text.trim() === '' ? 'This field is empty.' : whole ? NOT_WHOLE : NOT_A_NUMBER;
		return value ?? NaN;
	};
	const hidden = values.hiddenLayers.split(/[\s,]+/).filter(Boolean).map((t) => parseInteger(t) ?? NaN);
	const folds = values.split.endsWith('kfold') ? num(values.folds, 'split', true) : 0;
	const split: SplitMethod =
		values.split === 'holdout' || values.split === 'stratified'
			? { kind: 'holdout', stratify: values.split === 'stratified' }
			: values.split === 'kfold' || values.split === 'stratified-kfold'
				? { kind: 'kfold', folds, stratify: values.split === 'stratified-kfold' }
				: values.split === 'group-kfold'
					? { kind: 'group-kfold', folds, column: values.splitColumn }
					: { kind: 'time', column: values.splitColumn };
	const settings: ModelSettings = {
		model: values.model,
		hiddenLayers: values.model === 'mlp' ? hidden : [],
		epochs: num(values.epochs, 'epochs', true),
		learningRate: num(values.learningRate, 'learningRate'),
		batchSize: num(values.batchSize, 'batchSize', true),
		seed: num(values.seed, 'seed', true),
		holdoutFraction: num(values.holdoutPercent, 'holdoutFraction') / 100,
		validationFraction: num(values.validationPercent, 'validationFraction') / 100,
		patience: num(values.patience, 'patience', true),
		l2: num(values.l2, 'l2'),
		split,
		balance: values.balance
	};
	// Range checks only where the text was a number at all; the parse message stays otherwise.
	for (const [field, message] of Object.entries(configProblems(settings)) as [keyof ModelSettings, string][]) problems[field] ??= message;
	return { settings: Object.keys(problems).length === 0 ? settings : null, problems };
}

/** What each field does and a sane range, shown beside it. */
export const HELP: Record<keyof ModelSettings, string> = {
	model: 'Linear: one weight per input, fast and easy to read. MLP: hidden layers learn non-linear patterns.',
	hiddenLayers: 'Units per hidden layer, e.g. “32, 16”. Wider or deeper fits more but overfits small data.',
	epochs: 'Passes over the training rows; 20–200. Early stopping may end sooner.',
	learningRate: 'Step size of the optimiser (the base rate a schedule starts from); 0.001–0.05 for Adam, 0.01–0.1 for SGD. Too high and the loss explodes.',
	batchSize: 'Rows per weight update; 16–256. Smaller is noisier, larger is faster per epoch.',
	seed: 'Fixes the split, shuffling and starting weights: same seed, same result.',
	holdoutFraction: 'Share of rows kept aside and scored once at the end; 10–30 %.',
	validationFraction: 'Share of the rest used for the curves and early stopping, never trained on; 10–25 %.',
	patience: 'Epochs without a better validation loss before stopping and restoring the best weights; 0 turns it off.',
	l2: 'Penalty on large weights that keeps small data from being memorised; 0–0.01.',
	classic: 'The model family and its settings (trees, forests, boosting, kNN, naive Bayes, solver-fitted linear).',
	split: 'k-fold trains one model per fold on the non-holdout rows and reports mean ± std, then the final model. Group keeps each group in one part; time tests on the latest rows.',
	mlp: 'Activation, dropout, batch-norm, optimiser and learning-rate schedule of the MLP.',
	balance: 'For classes of very different sizes: weight the loss, or resample the training rows (never the holdout).'
};
