import type { ClassicFamily, ClassicSpec } from '../lib/models/types';
import type { TrainConfig } from './training';

/** The classic model families (workers/lib/models) as the page and workers exchange them. */

export type { ClassicFamily, ClassicSpec, ParamsByFamily, LinearParams, KnnParams, GaussianNbParams, CategoricalNbParams, TreeParams, ForestParams, BoostingParams, DataShape } from '../lib/models/types';

/** A model's own importance per original column (one-hot inputs summed), largest first. */
export interface ModelImportances {
	/** coefficients: mean |coef| on standardised inputs; impurity / gain: share of the total split improvement. */
	method: 'coefficients' | 'impurity' | 'gain';
	columns: { name: string; value: number }[];
}

/** What a classic run adds to its record. */
export interface ClassicRunInfo {
	family: ClassicFamily;
	/** Bytes of the model's numeric data. */
	modelBytes: number;
	/** What the person should know about the fit (a sample kept, stopped early …). */
	notes: string[];
}

/** One family's k-fold cross-validation in "Find a model". */
export interface CandidateRequest {
	datasetId: string;
	/** A classic run config (its holdout is left out of the folds). */
	config: TrainConfig;
	folds: number;
}

export interface CandidateResult {
	family: ClassicFamily;
	/** accuracy (classification) or R² (regression): higher is better. */
	metric: 'accuracy' | 'r2';
	scores: number[];
	mean: number;
	std: number;
	/** Mean fit time per fold, and the mean size of the fitted models. */
	fitMs: number;
	modelBytes: number;
	predictMicrosPerRow: number;
	notes: string[];
}

export interface ModelSearchApi {
	crossValidate(request: CandidateRequest, onProgress: (fraction: number, label: string) => void): Promise<CandidateResult>;
}
