import type { ActiveBackend, BackendChoice, EnvironmentReport } from './backends';
import type { Table } from './tables';
import type { DatasetRecord } from '$lib/db/schema';
import type { JobEvent, PredictResult, RunResult, Task, TrainConfig } from './training';
import type { ImportChoices, ImportPreview, PipelinePreviewResult } from './data';
import type { Pipeline } from '$workers/lib/data/pipeline';
import type { CsvPlan, SemanticType } from '$workers/lib/data/import/types';
import type { EvaluateRequest, EvaluationProgress, RowExplanation, RunEvaluation } from './evaluation';
import type { TrialOutcome, TrialRequest } from './tuning';
import type { ShareImportApi, ShipDataApi } from './ship';
import type { ForestApi, ModelSearchApi } from './models';
import type { VisionDataApi, VisionMlApi } from './vision';
import type { TextDataApi, TextMlApi } from './text';
import type { ShipExportApi } from './ship-export';
import type { RecipeApi } from './recipe';
import type { LockApi, TrustApi } from './trust';
import type { PredictRuntimeApi } from './predict-runtime';
import type { PlaygroundApi } from './playground';
import type { FileDrift } from './drift';

// ---- worker APIs (the page imports these as types only) ------------------------------------

/** A file to import into a project; the data worker parses it and stores it itself. */
export interface ImportRequest {
	/** Chosen by the page, so it can remove what a cancelled (terminated) import left. */
	datasetId: string;
	file: Blob;
	fileName: string;
	projectId: string;
	source: 'upload' | 'demo';
	/** Used as the target when the file has that column; otherwise one is guessed. */
	preferredTarget?: string;
	choices?: ImportChoices;
	/** The preview's column plan (ImportPreview.plan); the import checks it fits before taking it. */
	plan?: CsvPlan;
}

export interface ImportSummary {
	datasetId: string;
	rowCount: number;
	target: string;
	task: Task;
}

export interface DataWorkerApi extends ShipDataApi, VisionDataApi, LockApi, TextDataApi {
	/** The first rows of a file and what the importer detected, nothing stored. */
	previewFile(file: Blob, fileName: string, choices?: ImportChoices): Promise<ImportPreview>;
	importFile(request: ImportRequest, onProgress?: (fraction: number) => void): Promise<ImportSummary>;
	/** Rows [start, start + count) of a stored dataset: the page never holds a whole table. */
	readRows(datasetId: string, start: number, count: number): Promise<Table>;
	/** A project's datasets for the page, big dictionaries left out (workers/data/page-datasets.ts). */
	listDatasets(projectId: string): Promise<DatasetRecord[]>;
	/** Profile a stored dataset again over its chunks (after the target changed), and store it. */
	profileDataset(datasetId: string, target: string | undefined, onProgress?: (fraction: number) => void): Promise<void>;
	/** Change a stored column's type (chunks rewritten in one transaction), then profile again; returns the cells lost. */
	retypeColumn(datasetId: string, column: string, semantic: SemanticType, target: string | undefined): Promise<{ lost: number }>;
	/** Run a pipeline being edited on a sample of a stored dataset. */
	previewPipeline(datasetId: string, pipeline: Pipeline, target?: string): Promise<PipelinePreviewResult>;
}

/** Train a stored run: the worker reads the dataset (and checkpoint) from IndexedDB itself. */
export interface TrainRequest {
	runId: string;
	datasetId: string;
	config: TrainConfig;
	/** Continue from the run's stored checkpoint. */
	resume: boolean;
	/** The pipeline version to fit (absent: the built-in encoding). */
	pipelineId?: string;
	/**
	 * No other ML job was running when this one started: a network's big matrix products on wasm
	 * may take a second thread (cross-origin isolated pages, 2+ cores; the same bits either way).
	 */
	spareCore?: boolean;
}

/** Predictions for a file, with the person's own columns kept so results can be joined back. */
export interface FilePrediction {
	rowCount: number;
	/** The file's columns, then the prediction and class probabilities. */
	header: string[];
	/** The first rows, as text, for showing. */
	preview: string[][];
	warnings: string[];
	/** The whole result as CSV, formula-leading cells escaped. */
	csv: Blob;
	/** How the rows differ from the model's training rows (absent where there is no training data, e.g. a shared page). */
	drift?: FileDrift;
}

export interface BackendApi {
	useBackend(choice: BackendChoice): Promise<ActiveBackend>;
	probe(): Promise<EnvironmentReport>;
}

export interface TrainApi {
	train(request: TrainRequest, onEvent: (event: JobEvent) => void): Promise<RunResult>;
}

export interface PredictApi {
	/** Rows typed into a form, as text; parsed with the same rules as files. */
	predictRows(modelId: string, rows: Record<string, string>[]): Promise<PredictResult>;
	predictFile(modelId: string, file: Blob, fileName: string): Promise<FilePrediction>;
}

export interface EvaluateApi {
	/** The evaluation suite of a finished run, on its holdout rows. */
	evaluateRun(request: EvaluateRequest, onProgress?: (progress: EvaluationProgress) => void): Promise<RunEvaluation>;
	/** Per-column attributions (integrated gradients) of one row typed into the predict form. */
	explainPrediction(modelId: string, row: Record<string, string>): Promise<RowExplanation>;
}

export interface TuneApi {
	/** One job of a hyperparameter search: a trial trained to one rung's budget. Its events come in batches (workers/lib/event-batch.ts). */
	trainTrial(request: TrialRequest, onEvents: (events: JobEvent[]) => void): Promise<TrialOutcome>;
	/** Before a search: load the backend and run the trial path once on tiny synthetic networks (compiled before the first trials). */
	warmTrials(): Promise<void>;
}

/**
 * Everything the ML worker does, one interface per area (each implemented in workers/ml/):
 * a new area adds its interface here and its handlers to workers/ml.worker.ts.
 */
export type MlWorkerApi = BackendApi & TrainApi & PredictApi & EvaluateApi & TuneApi & ShareImportApi & ShipExportApi & VisionMlApi & TrustApi & ModelSearchApi & TextMlApi & ForestApi & PlaygroundApi & PredictRuntimeApi & RecipeApi;
