import type { Task } from '$workers/protocol';
import type { ClassicFamily, DataShape, ParamErrors, ParamsByFamily } from './types';

/** Sensible starting points, close to scikit-learn's defaults (see the README in this folder for why they differ). */
export function defaultParams<F extends ClassicFamily>(family: F, task: Task): ParamsByFamily[F] {
	const all: { [K in ClassicFamily]: ParamsByFamily[K] } = {
		linear: { penalty: 'l2', alpha: 'auto', l1Ratio: 0.5, maxIter: 1000, tol: task === 'classification' ? 1e-4 : 1e-6 },
		knn: { k: 5, weights: 'distance', maxTrainRows: 20_000 },
		'gaussian-nb': { varSmoothing: 1e-9 },
		'categorical-nb': { alpha: 1, maxCategories: 10 },
		tree: { criterion: task === 'classification' ? 'gini' : 'squared_error', maxDepth: null, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 'all', maxBins: 255 },
		forest: {
			criterion: task === 'classification' ? 'gini' : 'squared_error',
			maxDepth: null,
			minSamplesSplit: 2,
			minSamplesLeaf: 1,
			maxFeatures: task === 'classification' ? 'sqrt' : 'all',
			maxBins: 255,
			nTrees: 100,
			bootstrap: true,
			maxSamples: 1,
			oobScore: false
		},
		boosting: {
			learningRate: 0.1,
			maxIter: 100,
			maxLeafNodes: 31,
			maxDepth: null,
			minSamplesLeaf: 20,
			l2Regularization: 0,
			maxBins: 255,
			earlyStopping: 'auto',
			validationFraction: 0.1,
			nIterNoChange: 10,
			tol: 1e-7
		}
	};
	return structuredClone(all[family]);
}

type Check = (value: unknown, all: Record<string, unknown>, task: Task) => string | null;

const isWhole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const whole =
	(min: number, max = Number.MAX_SAFE_INTEGER): Check =>
	(v) =>
		isWhole(v) && v >= min && v <= max ? null : max === Number.MAX_SAFE_INTEGER ? `must be a whole number ≥ ${min}` : `must be a whole number from ${min} to ${max}`;
const wholeOrNone =
	(min: number): Check =>
	(v, all, task) =>
		v === null ? null : whole(min)(v, all, task) && `must be empty (no limit) or a whole number ≥ ${min}`;
const number =
	(min: number, max: number, { minOpen = false, maxOpen = false } = {}): Check =>
	(v) => {
		const ok = typeof v === 'number' && Number.isFinite(v) && (minOpen ? v > min : v >= min) && (maxOpen ? v < max : v <= max);
		if (ok) return null;
		const low = `${minOpen ? '>' : '≥'} ${min}`;
		return max === Infinity ? `must be a number ${low}` : `must be a number ${low} and ${maxOpen ? '<' : '≤'} ${max}`;
	};
const oneOf =
	(...options: string[]): Check =>
	(v) =>
		typeof v === 'string' && options.includes(v) ? null : `must be one of ${options.join(', ')}`;
const flag: Check = (v) => (typeof v === 'boolean' ? null : 'must be on or off');

const criterion: Check = (v, _all, task) => (task === 'classification' ? oneOf('gini', 'entropy')(v, _all, task) : v === 'squared_error' ? null : 'must be squared_error for regression');
const maxFeatures: Check = (v) =>
	v === 'all' || v === 'sqrt' || v === 'log2' || (typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 1) ? null : 'must be all, sqrt, log2 or a fraction > 0 and ≤ 1';

const treeRules: Record<string, Check> = {
	criterion,
	maxDepth: wholeOrNone(1),
	minSamplesSplit: whole(2),
	minSamplesLeaf: whole(1),
	maxFeatures,
	maxBins: whole(2, 255)
};

const RULES: { [F in ClassicFamily]: Record<keyof ParamsByFamily[F], Check> } = {
	linear: {
		penalty: oneOf('none', 'l1', 'l2', 'elasticnet'),
		alpha: (v, all, task) => (v === 'auto' ? null : number(0, Infinity)(v, all, task) && 'must be auto or a number ≥ 0'),
		l1Ratio: number(0, 1),
		maxIter: whole(1, 100_000),
		tol: number(0, Infinity, { minOpen: true })
	},
	knn: { k: whole(1), weights: oneOf('distance', 'uniform'), maxTrainRows: whole(1) },
	'gaussian-nb': { varSmoothing: number(0, Infinity) },
	'categorical-nb': { alpha: number(0, Infinity, { minOpen: true }), maxCategories: whole(2, 255) },
	tree: treeRules as Record<keyof ParamsByFamily['tree'], Check>,
	forest: {
		...(treeRules as Record<keyof ParamsByFamily['tree'], Check>),
		nTrees: whole(1, 5000),
		bootstrap: flag,
		maxSamples: number(0, 1, { minOpen: true }),
		oobScore: (v, all, task) => flag(v, all, task) ?? (v === true && all.bootstrap === false ? 'needs bootstrap on: without it no row is left out' : null)
	},
	boosting: {
		learningRate: number(0, 10, { minOpen: true }),
		maxIter: whole(1, 10_000),
		maxLeafNodes: wholeOrNone(2),
		maxDepth: wholeOrNone(1),
		minSamplesLeaf: whole(1),
		l2Regularization: number(0, Infinity),
		maxBins: whole(2, 255),
		earlyStopping: oneOf('auto', 'on', 'off'),
		validationFraction: number(0, 1, { minOpen: true, maxOpen: true }),
		nIterNoChange: whole(1),
		tol: number(0, Infinity)
	}
};

/** Per-field messages for the form; an empty object means every field is valid. Unknown fields are reported too. */
export function validateParams(family: ClassicFamily, task: Task, params: unknown): ParamErrors {
	const rules = RULES[family] as Record<string, Check> | undefined;
	if (!rules) return { family: `unknown model family "${String(family)}"` };
	if (typeof params !== 'object' || params === null) return { params: 'must be an object of settings' };
	const all = params as Record<string, unknown>;
	const errors: ParamErrors = {};
	for (const [field, check] of Object.entries(rules)) {
		const message = field in all ? check(all[field], all, task) : 'is required';
		if (message) errors[field] = message;
	}
	for (const field of Object.keys(all)) if (!(field in rules)) errors[field] = 'is not a setting of this model';
	return errors;
}

/** Most classes boosting will take: it grows one tree per class per round. */
export const MAX_BOOSTING_CLASSES = 100;

/** Why a family cannot serve this data, or null when it can. Checked before any training starts. */
export function unsuitableReason(family: ClassicFamily, shape: DataShape): string | null {
	if ((family === 'gaussian-nb' || family === 'categorical-nb') && shape.task !== 'classification') {
		return 'Naive Bayes only predicts classes; for a numeric target use linear regression, trees or k-nearest neighbours.';
	}
	if (shape.task === 'classification' && shape.classes < 2) return 'A classifier needs at least two classes in the training rows.';
	if (family === 'boosting' && shape.task === 'classification' && shape.classes > MAX_BOOSTING_CLASSES) {
		return `Boosting grows one tree per class per round; ${shape.classes} classes is more than the ${MAX_BOOSTING_CLASSES} it allows. Try a random forest.`;
	}
	if (shape.rows < 2) return 'At least two training rows are needed.';
	return null;
}
