import * as Comlink from 'comlink';
import type { BackendChoice, ConfusedExamples, ImageEdit, ImageImportProgress, ImageImportRequest, ImageImportSummary, ImagePrediction, ImageSetImportRequest, JobEvent, TrainResult, VisionTrainRequest } from '$workers/protocol';
import { data, mlPool, predictor, reader } from './workers';

export function importImages(request: ImageImportRequest, onProgress: (p: ImageImportProgress) => void, signal?: AbortSignal): Promise<ImageImportSummary> {
	return data.call((api) => api.importImages(request, Comlink.proxy(onProgress)), signal);
}

export function importImageSet(request: ImageSetImportRequest, onProgress: (p: ImageImportProgress) => void, signal?: AbortSignal): Promise<ImageImportSummary> {
	return data.call((api) => api.importImageSet(request, Comlink.proxy(onProgress)), signal);
}

export function readImages(datasetId: string, rows: number[]): Promise<{ pixels: Uint8Array; labels: Int32Array }> {
	return reader.call((api) => api.readImages(datasetId, rows));
}

/** An image run, in a worker of the ML pool (as tabular runs are). */
export function trainImages(request: VisionTrainRequest, backend: () => Promise<BackendChoice>, onEvent: (event: JobEvent) => void, signal?: AbortSignal, onStart?: () => void): Promise<TrainResult> {
	return mlPool.run(async (api) => {
		await api.useBackend(await backend());
		return api.trainImages(request, Comlink.proxy(onEvent));
	}, signal, onStart);
}

export function predictImage(modelId: string, file: Blob, fileName: string, backend: BackendChoice, signal?: AbortSignal, explain = true): Promise<ImagePrediction> {
	return predictor.call(async (api) => {
		await api.useBackend(backend);
		return api.predictImage(modelId, file, fileName, 5, explain);
	}, signal);
}

/** The holdout mistakes of an image run, in the ML pool (it predicts the whole holdout). */
export function confusedExamples(runId: string, backend: () => Promise<BackendChoice>, signal?: AbortSignal): Promise<ConfusedExamples> {
	return mlPool.run(async (api) => {
		await api.useBackend(await backend());
		return api.confusedExamples(runId);
	}, signal);
}

export function editImageClasses(datasetId: string, names: (string | null)[], signal?: AbortSignal): Promise<void> {
	return data.call((api) => api.editImageClasses(datasetId, names), signal);
}

export function imageClassPage(datasetId: string, label: number, start: number, count: number): Promise<{ rows: number[]; total: number; pixels: Uint8Array; version: number }> {
	return reader.call((api) => api.imageClassPage(datasetId, label, start, count));
}

/** Remove or move single images; resolves to the edit that undoes it. */
export function editImages(datasetId: string, edit: ImageEdit, version: number, signal?: AbortSignal): Promise<ImageEdit | null> {
	return data.call((api) => api.editImages(datasetId, edit, version), signal);
}
