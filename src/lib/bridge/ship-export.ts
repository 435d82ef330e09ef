import * as Comlink from 'comlink';
import type { BackendChoice, CompressRequest, FilePrediction, ExportRequest, OnnxExportResult, PredictResult, ShipProgress, TfjsExportResult, TradeoffTable } from '$workers/protocol';
import { mlPool, predictor } from './workers';

/**
 * Exports and the compression trade-off run in a worker of the ML pool: they need tfjs and
 * onnxruntime-web, which load there and never in the page.
 */
export function exportOnnx(request: ExportRequest, backend: () => Promise<BackendChoice>, onProgress: (p: ShipProgress) => void, signal?: AbortSignal): Promise<OnnxExportResult> {
	return mlPool.run(async (api) => {
		await api.useBackend(await backend());
		return api.exportOnnx(request, Comlink.proxy(onProgress));
	}, signal);
}

export function exportTfjs(request: ExportRequest, signal?: AbortSignal): Promise<TfjsExportResult> {
	return mlPool.run((api) => api.exportTfjs(request), signal);
}

export function compressRun(request: CompressRequest, backend: () => Promise<BackendChoice>, onProgress: (p: ShipProgress) => void, signal?: AbortSignal, onStart?: () => void): Promise<TradeoffTable> {
	return mlPool.run(async (api) => {
		await api.useBackend(await backend());
		return api.compressRun(request, Comlink.proxy(onProgress));
	}, signal, onStart);
}

/** A form prediction through the exported ONNX pipeline, in the warm prediction worker. */
export function predictRowsOnnx(request: ExportRequest, rows: Record<string, string>[]): Promise<PredictResult & { runtime: string }> {
	return predictor.call((api) => api.predictRowsOnnx(request, rows));
}

/** A file of rows through the exported ONNX pipeline, in the prediction worker (Cancel ends it). */
export function predictFileOnnx(request: ExportRequest, file: Blob, fileName: string, signal?: AbortSignal): Promise<FilePrediction & { runtime: string }> {
	return predictor.call((api) => api.predictFileOnnx(request, file, fileName), signal);
}
