import type { ClassicFamily, ClassicSpec } from '../lib/models/types';
import type { JobEvent, RunResult, TrainConfig } from './training';
import type { ForestShare } from '../lib/model-lab/forest-shares';
import type { TrainRequest } from './api';

export type { ForestShare } from '../lib/model-lab/forest-shares';

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
	/** A classic run config, or an MLP config (its holdout is left out of the folds). */
	config: TrainConfig;
	folds: number;
	/** The Prepare pipeline version every fold fits (absent: the built-in encoding). */
	pipelineId?: string;
	/** Times the folds are dealt anew (absent: once); scores then hold folds × repeats fits. */
	repeats?: number;
}

/** A family "Find a model" tries: a classic one or the neural network. */
export type CandidateFamily = ClassicFamily | 'mlp';

export interface CandidateResult {
	family: CandidateFamily;
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

/** Trees [from, to) of a forest run, fitted by one ML pool worker for every fit of the run. */
export interface ForestShareRequest {
	train: TrainRequest;
	from: number;
	to: number;
}

/**
 * A random forest run spread over the ML pool: each worker fits a share of the trees (its own
 * seeds from the forest's seed stream), then one worker joins the shares, scores and stores.
 */
export interface ForestApi {
	fitForestShare(request: ForestShareRequest, onProgress: (fraction: number) => void): Promise<ForestShare>;
	trainForest(request: TrainRequest, shares: ForestShare[], onEvent: (event: JobEvent) => void): Promise<RunResult>;
}
