import type { DemoConfig, ModelCard, RowPrediction, ShareLinkSize } from '../lib/share/types';
import type { MediaPrediction } from '../lib/share/page-media';
import type { FeatureTransform, Task } from './training';

/** Shipping a trained model: share links, demo pages, model cards, project bundles. */

/** The demo text a share link or demo page carries; the worker adds example rows from the dataset. */
export interface ShareRequest {
	runId: string;
	title: string;
	description: string;
	/** A variant picked in the trade-off table (absent or 'float32': the run's own model, int8 kernels). */
	variantId?: string;
}

export interface ShareLinkResult extends ShareLinkSize {
	/** The fragment (without '#'); absent when the model is too large for a link. */
	code?: string;
	/** Parameters in the model, and the bytes of its int8 weights before compression. */
	parameters: number;
	examples: number;
	/** The picked variant the link carries, when one was asked for. */
	variant?: { id: string; label: string };
}

export interface StandaloneResult {
	html: Blob;
	bytes: number;
}

export interface ModelCardRequest {
	runId: string;
	projectName: string;
}

export interface BundleExportRequest {
	projectId: string;
	includeRows: boolean;
}

export interface BundleExportResult {
	zip: Blob;
	bytes: number;
	datasets: number;
	runs: number;
	models: number;
	rows: number;
	/** Runs left out because their dataset was deleted (a bundle must be whole). */
	leftOut: number;
}

export interface BundleImportResult {
	projectId: string;
	name: string;
	datasets: number;
	runs: number;
	models: number;
	rows: number;
	includesRows: boolean;
	/** Runs that were training when exported and came in as cancelled. */
	cancelled: number;
	/** Format upgrades applied, e.g. ["1 → 2"]. */
	upgraded: string[];
}

/** A stage of a long ship job, for a progress bar. */
export interface ShipProgress {
	fraction: number;
	label: string;
}

/** What the share page shows of a decoded link (the weights stay in the worker). */
export interface SharedModelView {
	title: string;
	description: string;
	target: { name: string; task: Task; classes: string[]; labelNames: string[] };
	features: FeatureTransform[];
	examples: DemoConfig['examples'];
	parameters: number;
	/** e.g. "a 4 → 16 → 3 network", "a forest of 100 trees (2,345 nodes)" */
	shape: string;
	/** Why "Import into my studio" cannot copy this link's model (tree and pipeline links); absent when it can. */
	notImportable?: string;
	/** Image and text links: what the demo takes instead of table features. */
	media?: SharedMediaInput;
}

export type SharedMediaInput = { kind: 'image'; height: number; width: number; channels: number } | { kind: 'text'; front: 'tfidf' | 'embedding-bag' | 'cnn' | 'rnn' | 'transformer'; vocabulary: number; tagger?: boolean };

export interface SharedImportResult {
	projectId: string;
	runId: string;
	name: string;
}

/** In the data worker: the share library has no tfjs, so it runs beside the database code. */
export interface ShipDataApi {
	createShareLink(request: ShareRequest & { baseLength: number }): Promise<ShareLinkResult>;
	buildStandalonePage(request: ShareRequest): Promise<StandaloneResult>;
	writeModelCard(request: ModelCardRequest): Promise<ModelCard>;
	exportBundle(request: BundleExportRequest, onProgress?: (progress: ShipProgress) => void): Promise<BundleExportResult>;
	importBundle(file: Blob, onProgress?: (progress: ShipProgress) => void): Promise<BundleImportResult>;
	/** Decode a link (a ShareLinkError for anything that is not a sound Kiln link). */
	openShareLink(code: string): Promise<SharedModelView>;
	predictShared(code: string, row: Record<string, string>): Promise<RowPrediction>;
	/** Image links: the file decoded as Kiln's image import does; text links: the typed text. */
	predictSharedMedia(code: string, input: { text: string } | { image: Blob; name: string }): Promise<MediaPrediction>;
}

/** In the ML worker: turning a link's compact model into tfjs artifacts needs tfjs. */
export interface ShareImportApi {
	importSharedModel(code: string): Promise<SharedImportResult>;
}
