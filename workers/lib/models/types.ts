import type { Task } from '$workers/protocol';

/**
 * Classic (non-neural) model families. A fitted model is plain data (typed arrays allowed), so it
 * survives structured cloning into IndexedDB and across workers unchanged.
 */
export type ClassicFamily = 'linear' | 'knn' | 'gaussian-nb' | 'categorical-nb' | 'tree' | 'forest' | 'boosting';

export const CLASSIC_FAMILIES: readonly ClassicFamily[] = ['linear', 'knn', 'gaussian-nb', 'categorical-nb', 'tree', 'forest', 'boosting'];

export type Penalty = 'none' | 'l1' | 'l2' | 'elasticnet';

export interface LinearParams {
	penalty: Penalty;
	/**
	 * Penalty strength on the mean loss: loss/n + alpha·(l1Ratio·|w|₁ + (1 − l1Ratio)/2·|w|²).
	 * 'auto' = 1/rows, the same objective as scikit-learn's defaults (LogisticRegression C=1, Ridge alpha=1).
	 */
	alpha: number | 'auto';
	/** Share of L1 in the elastic net (0 = ridge, 1 = lasso); used only by 'elasticnet'. */
	l1Ratio: number;
	maxIter: number;
	tol: number;
}

export interface KnnParams {
	k: number;
	weights: 'distance' | 'uniform';
	/** Above this many training rows a seeded (stratified) sample of this size is kept. */
	maxTrainRows: number;
}

export interface GaussianNbParams {
	/** Share of the largest feature variance added to every variance (sklearn's var_smoothing). */
	varSmoothing: number;
}

export interface CategoricalNbParams {
	/** Additive (Laplace) smoothing. */
	alpha: number;
	/** Features with more distinct values than this are cut into this many quantile bins. */
	maxCategories: number;
}

export type Criterion = 'gini' | 'entropy' | 'squared_error';
/** Features tried per split: all, √d, log₂d, or a fraction of d in (0, 1]. */
export type MaxFeatures = 'all' | 'sqrt' | 'log2' | number;

export interface TreeParams {
	criterion: Criterion;
	/** null = grow until leaves are pure or too small. */
	maxDepth: number | null;
	minSamplesSplit: number;
	minSamplesLeaf: number;
	maxFeatures: MaxFeatures;
	/** Quantile bins per feature (≤ 255); a feature with fewer distinct values is split exactly. */
	maxBins: number;
}

export interface ForestParams extends TreeParams {
	nTrees: number;
	bootstrap: boolean;
	/** Fraction of rows drawn per tree when bootstrapping. */
	maxSamples: number;
	/** Score each row with the trees that did not see it (needs bootstrap). */
	oobScore: boolean;
}

export interface BoostingParams {
	learningRate: number;
	maxIter: number;
	/** Leaf-wise growth up to this many leaves; null = limited by maxDepth only. */
	maxLeafNodes: number | null;
	maxDepth: number | null;
	minSamplesLeaf: number;
	l2Regularization: number;
	maxBins: number;
	/** 'auto' turns early stopping on above 10,000 rows, like scikit-learn. */
	earlyStopping: 'auto' | 'on' | 'off';
	validationFraction: number;
	nIterNoChange: number;
	tol: number;
}

export interface ParamsByFamily {
	linear: LinearParams;
	knn: KnnParams;
	'gaussian-nb': GaussianNbParams;
	'categorical-nb': CategoricalNbParams;
	tree: TreeParams;
	forest: ForestParams;
	boosting: BoostingParams;
}

/** What to fit: a family and its hyperparameters. */
export type ClassicSpec = { [F in ClassicFamily]: { family: F; params: ParamsByFamily[F] } }[ClassicFamily];

export type Targets = Int32Array | Float32Array | Float64Array;

export interface FitOptions {
	seed: number;
	signal?: AbortSignal;
	/** fraction in [0, 1]; called between trees / iterations / passes. */
	onProgress?: (fraction: number, message?: string) => void;
	/** Per-row weights (class balancing): the tree and the forest weigh impurity by row, boosting scales gradients and hessians, linear models weigh each row's loss. */
	sampleWeight?: Float32Array;
}

/** Fields every fitted model carries. `outputs` is the class count (classification) or 1. */
interface ModelBase {
	task: Task;
	inputSize: number;
	outputs: number;
	/** Things the person should know about the fit (subsampled rows, stopped early, …). */
	notes: string[];
}

/** Per-feature mean and scale used to standardise inputs; NaN inputs become 0 (the mean). */
export interface Standardiser {
	mean: Float64Array;
	scale: Float64Array;
}

export interface LinearModel extends ModelBase {
	family: 'linear';
	standardiser: Standardiser;
	/** [inputSize × columns] row-major on standardised inputs; columns = 1 for regression and binary. */
	coef: Float64Array;
	intercept: Float64Array;
	iterations: number;
}

export interface KnnModel extends ModelBase {
	family: 'knn';
	standardiser: Standardiser;
	k: number;
	weights: 'distance' | 'uniform';
	/** Standardised training rows [rows × inputSize]. */
	x: Float32Array;
	y: Float32Array | Int32Array;
	rows: number;
}

export interface GaussianNbModel extends ModelBase {
	family: 'gaussian-nb';
	logPrior: Float64Array;
	/** [classes × inputSize] */
	mean: Float64Array;
	variance: Float64Array;
}

export interface CategoricalNbModel extends ModelBase {
	family: 'categorical-nb';
	logPrior: Float64Array;
	/** Per feature: upper edges of its categories/bins (a value v falls in the first edge ≥ v). */
	edges: Float64Array[];
	/** Per feature: log P(category | class), [classes × categories]. */
	logProb: Float64Array[];
}

/**
 * One binary tree in flat arrays. Node 0 is the root; a leaf has feature −1. A row goes left when
 * x[feature] <= threshold, or when x[feature] is NaN and missingLeft is 1. `value` holds `outputs`
 * numbers per node (class shares, a mean, or a raw boosting score), inner nodes included, which is
 * what the path decomposition needs.
 */
export interface TreeArrays {
	feature: Int32Array;
	threshold: Float64Array;
	missingLeft: Uint8Array;
	left: Int32Array;
	right: Int32Array;
	value: Float64Array;
	outputs: number;
}

export interface TreeModel extends ModelBase {
	family: 'tree';
	tree: TreeArrays;
	/** Total impurity decrease per feature (weighted by rows). */
	gain: Float64Array;
}

export interface ForestModel extends ModelBase {
	family: 'forest';
	trees: TreeArrays[];
	gain: Float64Array;
	/** Out-of-bag accuracy or R²; null when not asked for or not computable. */
	oobScore: number | null;
}

export interface BoostingModel extends ModelBase {
	family: 'boosting';
	/** Raw score before any tree, one per output column. */
	baseline: Float64Array;
	/** trees[iteration * columns + column]; leaf values already include the learning rate. */
	trees: TreeArrays[];
	/** 1 for regression and binary (log-odds), the class count for multiclass (softmax). */
	columns: number;
	gain: Float64Array;
	iterations: number;
	/** Validation loss per iteration when early stopping ran. */
	validationLoss: number[];
}

export type ClassicModel = LinearModel | KnnModel | GaussianNbModel | CategoricalNbModel | TreeModel | ForestModel | BoostingModel;

/** Exact additive explanation of one prediction: bias + Σ contributions = the model's output. */
export interface Contributions {
	/** 'probability' (trees/forests), 'log-odds' / 'logit' (boosting, linear), or 'value' (regression). */
	space: 'probability' | 'log-odds' | 'logit' | 'value';
	outputs: number;
	/** One per output. */
	bias: Float64Array;
	/** [inputSize × outputs] row-major. */
	values: Float64Array;
}

/** Shape of the data a family is asked to serve, known before training. */
export interface DataShape {
	rows: number;
	inputSize: number;
	task: Task;
	classes: number;
	hasMissing: boolean;
}

export type ParamErrors = Partial<Record<string, string>>;
