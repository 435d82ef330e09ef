import type { ModelDescription, SharePayload } from './types';

/**
 * k-nearest neighbours and naive Bayes in a share link (format 2, `model.kind` 'knn',
 * 'gaussian-nb', 'categorical-nb'). Their numbers travel in float64 where Kiln fits them in
 * float64 (standardiser, priors, means, variances, edges, log-probabilities), so the link predicts
 * with Kiln's own numbers; a kNN link carries its (standardised, float32) training rows, which is
 * why its size is bounded (LAZY_LIMITS).
 */
export interface NeighboursDescription {
	kind: 'knn';
	inputSize: number;
	/** Classes, or 1 for regression. */
	outputSize: number;
	task: 'classification' | 'regression';
	k: number;
	weights: 'distance' | 'uniform';
	rows: number;
	mean: Float64Array;
	scale: Float64Array;
	/** Standardised training rows [rows × inputSize]. */
	x: Float32Array;
	/** Class index per row (classification) or the standardised target (regression). */
	y: Int32Array | Float32Array;
}

export interface GaussianNbDescription {
	kind: 'gaussian-nb';
	inputSize: number;
	outputSize: number;
	/** An empty class's −∞ travels as −1e300 (its probability is 0 either way). */
	logPrior: Float64Array;
	/** [classes × inputSize] */
	mean: Float64Array;
	variance: Float64Array;
}

export interface CategoricalNbDescription {
	kind: 'categorical-nb';
	inputSize: number;
	outputSize: number;
	logPrior: Float64Array;
	/** Per feature: ascending upper edges of its categories (a value falls in the first edge ≥ it). */
	edges: Float64Array[];
	/** Per feature: log P(category | class), [classes × (edges + 1)]. */
	logProb: Float64Array[];
}

export type LazyDescription = NeighboursDescription | GaussianNbDescription | CategoricalNbDescription;

export const LAZY_KINDS = ['knn', 'gaussian-nb', 'categorical-nb'] as const;

/**
 * A kNN link above `linkNumbers` stored numbers (rows × features) is refused with a pointer to
 * the standalone file; decoding accepts up to `decodeNumbers` (the 4 MiB inflate cap bounds it too).
 */
export const LAZY_LIMITS = { linkNumbers: 60_000, decodeNumbers: 1_000_000, k: 1000, categories: 1024 } as const;

/** Standalone page form: every array base64 of its little-endian bytes. */
export type PortableLazy = Record<string, unknown> & { kind: LazyDescription['kind'] };

export function isLazy(model: { kind?: string }): model is LazyDescription {
	return (LAZY_KINDS as readonly (string | undefined)[]).includes(model.kind);
}

/** A dense network (kind absent or 'layers'), as opposed to trees, kNN or naive Bayes. */
export function isLayers(model: SharePayload['model']): model is ModelDescription {
	return model.kind === undefined || model.kind === 'layers';
}
