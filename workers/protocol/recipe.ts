import type { Metrics } from './training';

/** A finished tabular network run as a PyTorch/torchrun training recipe, and its weights imported back. */

export interface RecipeExportResult {
	/** recipe.json, train.py, README.md and data/part-*.parquet, zipped. */
	file: Blob;
	bytes: number;
	shards: number;
	rows: { train: number; validation: number; holdout: number; unlabelled: number };
}

export interface RecipeImportRequest {
	/** The run whose recipe trained the weights; the new run copies its config and dataset. */
	runId: string;
	/** kiln-weights.json as written by train.py (parsed in the worker, never trusted). */
	info: string;
	/** kiln-weights.bin. */
	weights: ArrayBuffer;
}

export interface RecipeImportResult {
	runId: string;
	/** Kiln's own metrics of the imported model on the run's holdout rows. */
	metrics: Metrics;
	/** What train.py reported for the same rows. */
	reported: Record<string, unknown>;
	epochs: number;
	worldSize: number;
}

export interface RecipeApi {
	exportRecipe(runId: string, onProgress?: (label: string) => void): Promise<RecipeExportResult>;
	importRecipeWeights(request: RecipeImportRequest): Promise<RecipeImportResult>;
}
