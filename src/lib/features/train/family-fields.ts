import { parseInteger, parseNumber } from '$shared/number';
import type { ClassicFamily, ClassicSpec, ModelKind, Task, TrainConfig } from '$workers/protocol';
import { defaultParams, unsuitableReason, validateParams } from '$workers/lib/models/params';

/**
 * The family chooser of the Train form. `mlp` and `linear` are the networks trained by Adam
 * (tunable, shareable); every other choice is a classic family from workers/lib/models.
 */
export type FormFamily = ModelKind | 'classic-linear' | 'tree' | 'forest' | 'boosting' | 'knn' | 'naive-bayes';
export type ClassicChoice = Exclude<FormFamily, ModelKind>;

export const FAMILY_CHOICES: { value: FormFamily; label: (task: Task | undefined) => string; help: string }[] = [
	{ value: 'classic-linear', label: (t) => (t === 'regression' ? 'Linear regression' : 'Logistic regression'), help: 'One weight per input, fitted exactly by a solver with an optional L1 / L2 / elastic-net penalty. Fast, easy to read, a strong baseline.' },
	{ value: 'mlp', label: () => 'Neural network (MLP)', help: 'Hidden layers learn non-linear patterns; trained by Adam epoch by epoch with early stopping. Can be tuned, exported and shared as a link.' },
	{ value: 'tree', label: () => 'Decision tree', help: 'One tree of yes/no questions on the columns. Readable, but a single deep tree overfits.' },
	{ value: 'forest', label: () => 'Random forest', help: 'Many trees on bootstrap samples, averaged. Robust on most tabular data with little tuning.' },
	{ value: 'boosting', label: () => 'Gradient boosting', help: 'Trees added one at a time, each fixing the errors so far (like LightGBM). Often the most accurate on tabular data.' },
	{ value: 'knn', label: () => 'k-nearest neighbours', help: 'Predicts from the most similar training rows. Simple; slow to predict on large data.' },
	{ value: 'naive-bayes', label: () => 'Naive Bayes', help: 'Class probabilities from each column on its own. Very fast; classification only.' },
	{ value: 'linear', label: () => 'Linear layer (Adam)', help: 'A single dense layer trained like the MLP: can be tuned, exported and shared as a link.' }
];

export const isClassicChoice = (family: FormFamily): family is ClassicChoice => family !== 'mlp' && family !== 'linear';

type Kind = 'number' | 'whole' | 'optional-whole' | 'choice' | 'flag' | 'alpha' | 'max-features';
export interface ParamField {
	key: string;
	label: string;
	kind: Kind;
	help: string;
	options?: { value: string; label: string }[];
	/** Shown only when this returns true (e.g. the L1 share for elastic net only). */
	show?: (values: Record<string, string>, task: Task) => boolean;
}

const depthField: ParamField = { key: 'maxDepth', label: 'Max depth', kind: 'optional-whole', help: 'Levels of questions; empty = grow until leaves are pure. 3–12 limits overfitting.' };
const leafField: ParamField = { key: 'minSamplesLeaf', label: 'Min rows per leaf', kind: 'whole', help: 'Each leaf keeps at least this many training rows; larger smooths predictions. 1–50.' };
const criterionField: ParamField = { key: 'criterion', label: 'Split quality', kind: 'choice', options: [{ value: 'gini', label: 'Gini' }, { value: 'entropy', label: 'Entropy' }], help: 'How a split is scored for classes; results are usually close.', show: (_v, task) => task === 'classification' };
const featuresField: ParamField = { key: 'maxFeatures', label: 'Columns per split', kind: 'max-features', help: 'all, sqrt, log2, or a fraction like 0.5 of the inputs tried at each split; fewer decorrelates a forest’s trees.' };

export const PARAM_FIELDS: Record<ClassicChoice, ParamField[]> = {
	'classic-linear': [
		{ key: 'penalty', label: 'Penalty', kind: 'choice', options: [{ value: 'l2', label: 'L2 (ridge)' }, { value: 'l1', label: 'L1 (lasso)' }, { value: 'elasticnet', label: 'Elastic net' }, { value: 'none', label: 'None' }], help: 'L2 shrinks every weight; L1 sets unhelpful ones to exactly 0; elastic net mixes both.' },
		{ key: 'alpha', label: 'Penalty strength α', kind: 'alpha', help: '“auto” = 1 / rows (scikit-learn’s default); larger shrinks more. 0–10.', show: (v) => v.penalty !== 'none' },
		{ key: 'l1Ratio', label: 'L1 share', kind: 'number', help: 'Share of L1 in the elastic net: 0 = ridge, 1 = lasso.', show: (v) => v.penalty === 'elasticnet' },
		{ key: 'maxIter', label: 'Max solver iterations', kind: 'whole', help: 'The solver stops earlier when it converges; 100–10000.' }
	],
	tree: [criterionField, depthField, leafField, { key: 'minSamplesSplit', label: 'Min rows to split', kind: 'whole', help: 'A node with fewer rows becomes a leaf; 2 or more.' }, featuresField],
	forest: [
		{ key: 'nTrees', label: 'Trees', kind: 'whole', help: 'More trees are steadier and slower; 50–500. Each adds to the model size.' },
		featuresField,
		depthField,
		leafField,
		criterionField,
		{ key: 'bootstrap', label: 'Bootstrap samples', kind: 'flag', help: 'Each tree sees a resample of the rows (with repeats); off = every tree sees all rows.' }
	],
	boosting: [
		{ key: 'maxIter', label: 'Rounds', kind: 'whole', help: 'Trees added one after another (one per class per round for 3+ classes); 50–1000.' },
		{ key: 'learningRate', label: 'Learning rate', kind: 'number', help: 'Share of each tree’s correction kept; smaller needs more rounds but generalises better. 0.01–0.3.' },
		{ key: 'maxLeafNodes', label: 'Leaves per tree', kind: 'optional-whole', help: 'Trees grow best-first up to this many leaves; empty = no limit. 8–63.' },
		depthField,
		{ key: 'minSamplesLeaf', label: 'Min rows per leaf', kind: 'whole', help: 'Each leaf keeps at least this many rows; 20 suits most data, fewer for tiny sets.' },
		{ key: 'l2Regularization', label: 'L2 on leaf values', kind: 'number', help: 'Shrinks leaf values; 0 (none) to 10.' },
		{ key: 'earlyStopping', label: 'Early stopping', kind: 'choice', options: [{ value: 'auto', label: 'Auto (above 10,000 rows)' }, { value: 'on', label: 'On' }, { value: 'off', label: 'Off' }], help: 'Stops adding rounds when a held-back 10 % of the training rows stops improving.' }
	],
	knn: [
		{ key: 'k', label: 'Neighbours k', kind: 'whole', help: 'Training rows each prediction looks at; 3–25. Larger smooths.' },
		{ key: 'weights', label: 'Weighting', kind: 'choice', options: [{ value: 'distance', label: 'Closer counts more' }, { value: 'uniform', label: 'Equal' }], help: 'Whether nearer neighbours count more.' },
		{ key: 'maxTrainRows', label: 'Rows kept', kind: 'whole', help: 'kNN keeps this many training rows (a stratified sample above it); every prediction compares with all of them. At most 100,000.' }
	],
	'naive-bayes': [
		{ key: 'variant', label: 'Variant', kind: 'choice', options: [{ value: 'gaussian', label: 'Gaussian (numbers)' }, { value: 'categorical', label: 'Categorical (counts)' }], help: 'Gaussian models each number as a bell curve per class; categorical counts values (numbers are cut into bins).' },
		{ key: 'varSmoothing', label: 'Variance smoothing', kind: 'number', help: 'Share of the largest variance added to all, for stability; around 1e-9.', show: (v) => v.variant === 'gaussian' },
		{ key: 'alpha', label: 'Smoothing α', kind: 'number', help: 'Added to every count so unseen values keep some probability; 0.1–1.', show: (v) => v.variant === 'categorical' },
		{ key: 'maxCategories', label: 'Bins per column', kind: 'whole', help: 'Columns with more distinct values are cut into this many quantile bins; 2–255.', show: (v) => v.variant === 'categorical' }
	]
};

/** The library family a choice fits (naive Bayes by its variant). */
export function libraryFamily(choice: ClassicChoice, values: Record<string, string>): ClassicFamily {
	if (choice === 'classic-linear') return 'linear';
	if (choice === 'naive-bayes') return values.variant === 'categorical' ? 'categorical-nb' : 'gaussian-nb';
	return choice;
}

export function choiceOf(family: ClassicFamily): ClassicChoice {
	return family === 'linear' ? 'classic-linear' : family === 'gaussian-nb' || family === 'categorical-nb' ? 'naive-bayes' : family;
}

const text = (v: unknown): string => (v === null ? '' : typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v));

/** Text values of every field of a choice, from stored params or the defaults. */
export function valuesFrom(choice: ClassicChoice, task: Task, spec?: ClassicSpec): Record<string, string> {
	const values: Record<string, string> = {};
	const fromNb = choice === 'naive-bayes';
	const sources = (fromNb ? [defaultParams('gaussian-nb', task), defaultParams('categorical-nb', task)] : [defaultParams(libraryFamily(choice, {}), task)]) as object[];
	if (spec && choiceOf(spec.family) === choice) sources.push(spec.params);
	for (const source of sources) for (const [k, v] of Object.entries(source)) values[k] = text(v);
	if (fromNb) values.variant = spec?.family === 'categorical-nb' ? 'categorical' : 'gaussian';
	return values;
}

const sentence = (message: string) => `${message[0].toUpperCase()}${message.slice(1)}.`;
export const KNN_ROW_LIMIT = 100_000;

/** The spec a choice's text values give, or a message per field that is wrong. */
export function parseParams(choice: ClassicChoice, task: Task, values: Record<string, string>): { spec: ClassicSpec | null; problems: Record<string, string> } {
	const family = libraryFamily(choice, values);
	const params: Record<string, unknown> = { ...defaultParams(family, task) };
	const problems: Record<string, string> = {};
	for (const field of PARAM_FIELDS[choice]) {
		if (field.key === 'variant' || !(field.key in params) || (field.show && !field.show(values, task))) continue;
		const raw = (values[field.key] ?? '').trim();
		const number = field.kind === 'whole' || field.kind === 'optional-whole' ? parseInteger(raw) : parseNumber(raw);
		let value: unknown;
		if (field.kind === 'choice') value = raw;
		else if (field.kind === 'flag') value = raw === 'on';
		else if (field.kind === 'optional-whole' && raw === '') value = null;
		else if (field.kind === 'alpha' && raw.toLowerCase() === 'auto') value = 'auto';
		else if (field.kind === 'max-features' && ['all', 'sqrt', 'log2'].includes(raw.toLowerCase())) value = raw.toLowerCase();
		else if (number === undefined) problems[field.key] = raw === '' ? 'This field is empty.' : field.kind === 'whole' ? 'Type a whole number.' : field.kind === 'optional-whole' ? 'Type a whole number, or leave it empty for no limit.' : field.kind === 'alpha' ? 'Type “auto” or a number, e.g. 0.01.' : field.kind === 'max-features' ? 'Type all, sqrt, log2 or a fraction like 0.5.' : 'Type a number, e.g. 0.1.';
		else value = number;
		if (value !== undefined) params[field.key] = value;
	}
	for (const [key, message] of Object.entries(validateParams(family, task, params))) if (message) problems[key] ??= sentence(message);
	if (family === 'knn' && typeof params.maxTrainRows === 'number' && params.maxTrainRows > KNN_ROW_LIMIT) problems.maxTrainRows ??= `At most ${KNN_ROW_LIMIT.toLocaleString('en-US')}: every prediction compares with every kept row, which gets too slow in a browser above that.`;
	if (Object.keys(problems).length > 0) return { spec: null, problems };
	return { spec: { family, params } as unknown as ClassicSpec, problems };
}

/** What the page knows about the data before training (from the dataset's profile). */
export interface DataFacts {
	rows: number;
	classes: number;
	task: Task;
	split: Pick<TrainConfig, 'holdoutFraction' | 'validationFraction'>;
}

/** Why a family cannot serve this data (blocks training), or what it will do about it (a note). */
export function suitability(spec: ClassicSpec, facts: DataFacts): { block: string | null; note: string | null } {
	const trainRows = Math.floor(facts.rows * (1 - facts.split.holdoutFraction) * (1 - facts.split.validationFraction));
	const block = unsuitableReason(spec.family, { rows: trainRows, inputSize: 1, task: facts.task, classes: facts.classes, hasMissing: false });
	let note: string | null = null;
	if (!block && spec.family === 'knn' && trainRows > spec.params.maxTrainRows) note = `kNN will keep a ${facts.task === 'classification' ? 'stratified ' : ''}sample of ${spec.params.maxTrainRows.toLocaleString('en-US')} of the about ${trainRows.toLocaleString('en-US')} training rows; every prediction compares with those. Raise “Rows kept” (up to ${KNN_ROW_LIMIT.toLocaleString('en-US')}) to use more, or pick a forest or boosting for large data.`;
	return { block, note };
}
