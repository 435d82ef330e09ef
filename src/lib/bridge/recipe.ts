import * as Comlink from 'comlink';
import type { RecipeExportResult, RecipeImportRequest, RecipeImportResult } from '$workers/protocol';
import { mlPool } from './workers';

/** The PyTorch recipe is written, and its trained weights checked and scored, in a worker of the ML pool. */
export function exportRecipe(runId: string, onProgress: (label: string) => void, signal?: AbortSignal): Promise<RecipeExportResult> {
	return mlPool.run((api) => api.exportRecipe(runId, Comlink.proxy(onProgress)), signal);
}

export function importRecipeWeights(request: RecipeImportRequest, signal?: AbortSignal): Promise<RecipeImportResult> {
	return mlPool.run((api) => api.importRecipeWeights(Comlink.transfer(request, [request.weights])), signal);
}
