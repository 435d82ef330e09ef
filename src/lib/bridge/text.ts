import * as Comlink from 'comlink';
import type { BackendChoice, FilePrediction, TextColumnProfile, TextFolderImportRequest, TextFolderImportSummary, TextPrediction } from '$workers/protocol';
import { data, predictor, reader } from './workers';

/** Text columns: their profile and PII masking run in a data worker; typed-text predictions in the warm ML worker. */
export function profileTextColumn(datasetId: string, column: string, labelColumn?: string, signal?: AbortSignal): Promise<TextColumnProfile> {
	return reader.call((api) => api.profileTextColumn(datasetId, column, labelColumn), signal);
}

export function maskTextColumn(datasetId: string, column: string): Promise<{ datasetId: string; masked: number }> {
	return reader.call((api) => api.maskTextColumn(datasetId, column));
}

export function predictText(modelId: string, text: string, backend: BackendChoice): Promise<TextPrediction> {
	return predictor.call(async (api) => {
		await api.useBackend(backend);
		return api.predictText(modelId, text);
	});
}

export function importConll(projectId: string, file: Blob, fileName: string): Promise<{ datasetId: string; sentences: number; tokens: number; tags: number }> {
	return reader.call((api) => api.importConll(projectId, file, fileName));
}

export function predictTextFile(modelId: string, file: Blob, fileName: string, backend: BackendChoice, signal?: AbortSignal): Promise<FilePrediction> {
	return predictor.call(async (api) => {
		await api.useBackend(backend);
		return api.predictTextFile(modelId, file, fileName);
	}, signal);
}

/** Class folders of .txt files (or a .zip) as a job in the data worker: Cancel stops the worker before anything is stored. */
export function importTextFolder(request: TextFolderImportRequest, onProgress: (p: { done: number; total: number }) => void, signal?: AbortSignal): Promise<TextFolderImportSummary> {
	return data.call((api) => api.importTextFolder(request, Comlink.proxy(onProgress)), signal);
}
