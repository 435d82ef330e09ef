import type { JobEvent, TrainResult } from './training';
import type { ImageEdit } from '../lib/vision/image-edit';
export type { ImageEdit, ImageInsert } from '../lib/vision/image-edit';

/** Vision: image datasets, CNN / transfer training and image prediction (workers/lib/vision). */

export interface ImageShapeInfo {
	height: number;
	width: number;
	/** 1 grayscale, 3 RGB. */
	channels: number;
}

/** What a stored image dataset is; set on DatasetRecord.images (tabular datasets have none). */
export interface ImageDatasetMeta extends ImageShapeInfo {
	classes: string[];
	/** Images per class, in `classes` order. */
	counts: number[];
	/** Rows from here on are the set's own test split (shipped sets); absent: Kiln holds out by seed. */
	testStart?: number;
	/** Files that were not imported, each with why. */
	skipped: SkippedFile[];
}

export interface SkippedFile {
	file: string;
	reason: string;
}

/** A person's files: each with its path inside the folder or zip (the class is its folder). */
export interface ImageFileEntry {
	path: string;
	file: Blob;
}

export interface ImageImportRequest {
	projectId: string;
	/** The dataset's name as shown. */
	name: string;
	/** Loose files from a dropped folder, or one .zip of class-named folders. */
	files: ImageFileEntry[];
	/** Side of the stored square images (28, 32, 64 or 96). */
	size: number;
	channels: 1 | 3;
}

export interface ImageSetImportRequest {
	projectId: string;
	/** A shipped .kimg.gz set, fetched by the page from the site itself. */
	file: Blob;
	fileName: string;
}

export interface ImageImportProgress {
	done: number;
	total: number;
}

export interface ImageImportSummary {
	datasetId: string;
	imported: number;
	classes: string[];
	skipped: SkippedFile[];
}

export interface VisionDataApi {
	importImages(request: ImageImportRequest, onProgress?: (p: ImageImportProgress) => void): Promise<ImageImportSummary>;
	importImageSet(request: ImageSetImportRequest, onProgress?: (p: ImageImportProgress) => void): Promise<ImageImportSummary>;
	/** uint8 NHWC bytes of the given rows, in order, with their labels (for the grid preview). */
	readImages(datasetId: string, rows: number[]): Promise<{ pixels: Uint8Array; labels: Int32Array }>;
	/** Rename (a new name), merge (a shared name) or remove (null) classes, rewriting the stored images. */
	editImageClasses(datasetId: string, names: (string | null)[]): Promise<void>;
	/** One page of a class's images for the per-class grid, at the dataset version they belong to. */
	imageClassPage(datasetId: string, label: number, start: number, count: number): Promise<{ rows: number[]; total: number; pixels: Uint8Array; version: number }>;
	/** Remove / move single images (rows of `version`); returns the edit that undoes it (null for an undo). */
	editImages(datasetId: string, edit: ImageEdit, version: number): Promise<ImageEdit | null>;
}

export type VisionPreset = 'tiny' | 'small' | 'medium' | 'mobilenet';

/** The image part of a run's settings (TrainConfig.vision). */
export interface VisionConfig {
	/** 'transfer': the shipped backbone, frozen, with a new head (and optional fine-tuning). */
	mode: 'scratch' | 'transfer';
	preset: VisionPreset;
	augment: { flip: number; rotate: number; shift: number; brightness: number; contrast: number; noise: number };
	/** Train on at most this many images (a seeded subset); 0 = all. */
	maxTrainImages: number;
	/** Transfer: epochs fine-tuning the last block (0 = head only). */
	fineTuneEpochs: number;
	/** Every dropout layer of a scratch preset at this rate (0: none); absent: the preset's own rates. */
	dropout?: number;
}

export interface VisionTrainRequest {
	runId: string;
	datasetId: string;
	config: import('./training').TrainConfig;
	resume: boolean;
	/** Absolute URL of static/models/fashion-backbone/ (transfer only). */
	backboneUrl?: string;
}

export interface ImagePrediction {
	top: { name: string; probability: number }[];
	/** Grad-CAM (or saliency) map over the model's input, values 0–1, row-major; empty when not asked for. */
	heatMap: Float32Array;
	height: number;
	width: number;
	/** The image as the model saw it (uint8, model's channels), for drawing under the map. */
	pixels: Uint8Array;
	channels: number;
	method: 'Grad-CAM' | 'saliency' | 'none';
}

/** The holdout's most frequent mistakes of a finished image run, with example images. */
export interface ConfusedExamples {
	classes: string[];
	shape: ImageShapeInfo;
	pairs: { actual: number; predicted: number; count: number; rate: number; examples: number; pixels: Uint8Array }[];
}

export interface VisionMlApi {
	/** Recomputed from the stored model and dataset (the holdout replays from the run's seed). */
	confusedExamples(runId: string): Promise<ConfusedExamples>;
	trainImages(request: VisionTrainRequest, onEvent: (event: JobEvent) => void): Promise<TrainResult>;
	/** `explain` false skips the Grad-CAM map (live camera prediction at a steady rate). */
	predictImage(modelId: string, file: Blob, fileName: string, k: number, explain?: boolean): Promise<ImagePrediction>;
}
