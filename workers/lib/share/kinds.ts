import type { SharePipelineStepMore, ShareTfidfFeature } from './kinds-pipeline';

/**
 * Model kinds beyond dense layers that a share link (format 2) carries: tree ensembles, and the
 * fitted Prepare pipeline a raw row goes through before the model.
 */

/**
 * One tree in flat arrays; node 0 is the root, a leaf has feature −1. A row goes left when
 * x[feature] <= threshold, or when x[feature] is NaN and missingLeft is 1. Children always come
 * after their parent (forward-only), so a walk ends within `feature.length` steps. Thresholds are
 * float32 rounded down from Kiln's float64 ones: for a float32 input, x <= t and x <= t↓ agree.
 */
export interface ShareTree {
	feature: Int32Array;
	threshold: Float32Array;
	missingLeft: Uint8Array;
	left: Int32Array;
	right: Int32Array;
	/** `leafWidth` numbers per leaf, leaves in node order. */
	leaves: Float32Array;
}

/**
 * How the ensemble's leaves become an answer:
 * - 'probabilities': the leaves hold class shares, averaged (tree, forest);
 * - 'value': the standardised regression value (averaged for a forest, summed for boosting);
 * - 'logistic': one raw score (binary boosting) → [1 − σ, σ];
 * - 'softmax': one raw score per class (multiclass boosting).
 */
export type TreesOutput = 'probabilities' | 'value' | 'logistic' | 'softmax';

export interface TreesDescription {
	kind: 'trees';
	inputSize: number;
	outputSize: number;
	/** average: forest and single tree; sum: boosting (leaves include the learning rate). */
	combine: 'average' | 'sum';
	/** Numbers per leaf: the class count for tree/forest classifiers, 1 for boosting and regression. */
	leafWidth: number;
	/** Raw score columns: tree t adds to column t mod columns (or to all `leafWidth` columns). */
	columns: number;
	/** Raw score before any tree, one per column (boosting; zeros otherwise). */
	baseline: Float32Array;
	output: TreesOutput;
	trees: ShareTree[];
}

/** Portable (JSON-safe) form for the standalone page: every array as base64 of its little-endian bytes. */
export interface PortableTree {
	feature: string;
	threshold: string;
	missingLeft: string;
	left: string;
	right: string;
	leaves: string;
}
export interface PortableTrees extends Omit<TreesDescription, 'baseline' | 'trees'> {
	baseline: string;
	trees: PortableTree[];
}

// ---- the Prepare pipeline replayed on a raw row ------------------------------------------------

/** Fitted table steps the runtime replays (prediction mode: training-only steps are left out). */
export type SharePipelineStep =
	| { kind: 'drop'; columns: string[] }
	| { kind: 'rename'; from: string; to: string }
	| { kind: 'cast'; column: string; to: 'numeric' | 'categorical' }
	| { kind: 'impute'; columns: string[]; fills: (number | string)[]; indicator: boolean }
	| { kind: 'clip'; columns: string[]; bounds: [number | null, number | null][] }
	| { kind: 'log'; columns: string[]; guard: 'signed' | 'shift' | 'missing'; shifts: number[] }
	| { kind: 'bin'; column: string; edges: number[]; labels: string[]; output: string | null }
	| SharePipelineStepMore;

/** Fitted feature encodings, one per model input block, in matrix order. */
export type SharePipelineFeature =
	| { kind: 'scale'; column: string; center: number; scale: number; fill: number }
	| { kind: 'one-hot'; column: string; categories: string[]; fill: number; other: boolean }
	| { kind: 'ordinal'; column: string; categories: string[]; fill: number }
	| { kind: 'hashing'; column: string; buckets: number }
	| ShareTfidfFeature;

export interface SharePipeline {
	/** Raw columns a row must give, with how they are read (numbers or text). */
	inputs: { name: string; kind: 'numeric' | 'categorical'; /** Epoch ms that the form may also take as an ISO date. */ date?: true }[];
	steps: SharePipelineStep[];
	features: SharePipelineFeature[];
	/** Encoded width = the model's inputSize. */
	inputSize: number;
}
