import * as Comlink from 'comlink';
import type {
	BundleExportRequest,
	BundleExportResult,
	BundleImportResult,
	ModelCardRequest,
	ShareLinkResult,
	ShareRequest,
	SharedImportResult,
	SharedModelView,
	ShipProgress,
	StandaloneResult
} from '$workers/protocol';
import type { ModelCard, RowPrediction } from '$workers/lib/share/types';
import type { MediaPrediction } from '$workers/lib/share/page-media';
import { mlPool, shipper } from './workers';

export function createShareLink(request: ShareRequest & { baseLength: number }, signal?: AbortSignal): Promise<ShareLinkResult> {
	return shipper.call((api) => api.createShareLink(request), signal);
}

export function buildStandalonePage(request: ShareRequest, signal?: AbortSignal): Promise<StandaloneResult> {
	return shipper.call((api) => api.buildStandalonePage(request), signal);
}

export function writeModelCard(request: ModelCardRequest): Promise<ModelCard> {
	return shipper.call((api) => api.writeModelCard(request));
}

export function exportBundle(request: BundleExportRequest, onProgress: (progress: ShipProgress) => void, signal?: AbortSignal): Promise<BundleExportResult> {
	return shipper.call((api) => api.exportBundle(request, Comlink.proxy(onProgress)), signal);
}

export function importBundle(file: Blob, onProgress: (progress: ShipProgress) => void, signal?: AbortSignal): Promise<BundleImportResult> {
	return shipper.call((api) => api.importBundle(file, Comlink.proxy(onProgress)), signal);
}

/** The share page: decoding and predicting run in a worker, so a hostile link never touches the page. */
export function openShareLink(code: string): Promise<SharedModelView> {
	return shipper.call((api) => api.openShareLink(code));
}

export function predictShared(code: string, row: Record<string, string>): Promise<RowPrediction> {
	return shipper.call((api) => api.predictShared(code, row));
}

/** Image and text links: the image is decoded in the worker, as Kiln's image import decodes it. */
export function predictSharedMedia(code: string, input: { text: string } | { image: Blob; name: string }): Promise<MediaPrediction> {
	return shipper.call((api) => api.predictSharedMedia(code, input));
}

/** tfjs is needed to turn the link's model into a studio model, so this runs in an ML worker. */
export function importSharedModel(code: string, signal?: AbortSignal): Promise<SharedImportResult> {
	return mlPool.run((api) => api.importSharedModel(code), signal);
}
