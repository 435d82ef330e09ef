import * as Comlink from 'comlink';
import type { ImportChoices, ImportPreview, ImportRequest, ImportSummary, PipelinePreviewResult, Table } from '$workers/protocol';
import type { Pipeline } from '$workers/lib/data/pipeline';
import type { SemanticType } from '$workers/lib/data/import/types';
import { data, previewer, reader } from './workers';
import type { DatasetRecord } from '$lib/db';
import { lazyRecord } from '$lib/db/dictionaries';

export function importFile(request: ImportRequest, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<ImportSummary> {
	return data.call((api) => api.importFile(request, onProgress && Comlink.proxy(onProgress)), signal);
}

/**
 * Start a preview worker before a file is chosen, so the first preview does not wait for one to
 * load (250–440 ms in the import bench). It stays idle and small until then; each preview still
 * ends its worker, and a later preview starts a fresh one.
 */
export function warmPreviews(): void {
	// Not once a preview has run: a worker started now could load beside the import that follows.
	if (!previewed) previewer.warm();
}
let previewed = false;

/** A file's first rows and detected format; in a worker of its own, ended once the preview is back (its garbage goes with it). */
export function previewFile(file: Blob, fileName: string, choices?: ImportChoices, signal?: AbortSignal): Promise<ImportPreview> {
	previewed = true;
	// The import worker loads while the preview is read, not after Import is pressed.
	data.warm();
	return previewer.call(async (api) => {
		try {
			return await api.previewFile(file, fileName, choices);
		} finally {
			// Inside the queued call, so a preview asked meanwhile starts a fresh worker after this one.
			previewer.stop();
		}
	}, signal);
}

export function readRows(datasetId: string, start: number, count: number): Promise<Table> {
	return reader.call((api) => api.readRows(datasetId, start, count));
}

/** A project's datasets without their big dictionaries, read in the reader worker (never deserialised on the main thread). */
export async function listDatasets(projectId: string): Promise<DatasetRecord[]> {
	return (await reader.call((api) => api.listDatasets(projectId))).map(lazyRecord);
}

export function profileDataset(datasetId: string, target: string | undefined, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<void> {
	return data.call((api) => api.profileDataset(datasetId, target, onProgress && Comlink.proxy(onProgress)), signal);
}

export function previewPipeline(datasetId: string, pipeline: Pipeline, signal?: AbortSignal): Promise<PipelinePreviewResult> {
	return reader.call((api) => api.previewPipeline(datasetId, pipeline), signal);
}

export function retypeColumn(datasetId: string, column: string, semantic: SemanticType, target: string | undefined, signal?: AbortSignal): Promise<{ lost: number }> {
	return data.call((api) => api.retypeColumn(datasetId, column, semantic, target), signal);
}
