import type { DBSchema } from 'idb';
import type {
	BackendChoice,
	BackendProbe,
	BackendName,
	ColumnKind,
	ColumnProfile,
	ImageDatasetMeta,
	EpochRecord,
	Metrics,
	ModelArtifacts,
	Preprocessing,
	Task,
	TrainCheckpoint,
	TrainConfig,
	ModelImportances,
	ClassicRunInfo
} from '$workers/protocol';
import type { PrivacyRecord, RunVariant, TrustSummary } from '$workers/protocol/trust';
import type { EncryptedRecord, ProjectLock } from '$workers/lib/trust/types';
import type { RuntimePick } from '$workers/protocol/predict-runtime';
import type { InputColumn, RunDataReport } from '$workers/protocol';
import type { DateOrder, FormatInfo, ImportWarning, SemanticType } from '$workers/lib/data/import/types';
import type { DatasetProfile } from '$workers/lib/data/profile/types';
import type { FittedPipeline } from '$workers/lib/data/pipeline';

export const DB_NAME = 'kiln';
/** Bump with a new `if (oldVersion < n)` block in migrations.ts; never edit a released block. */
export const DB_VERSION = 4;
// (migrations.ts checks DB_VERSION against its number of steps)

export interface ProjectRecord {
	id: string;
	name: string;
	createdAt: number;
	updatedAt: number;
	/** The dataset the project works on now; older ones stay until deleted. */
	datasetId?: string;
	target?: string;
	task?: Task;
	/** The settings of the last run started, so the form comes back as it was left. */
	lastConfig?: TrainConfig;
	/**
	 * The run whose model Predict uses ("model in use", starred). Set to the first run that
	 * succeeds and changed only by the person, so a newer run never takes over silently.
	 */
	modelRunId?: string;
	/** Encryption at rest (db/lock.ts): the lock record, stored in the clear, never the passphrase. */
	lock?: ProjectLock;
	/** Set while locking or unlocking is under way (resumable) and while locked. */
	lockState?: LockState;
	/** While locked: every field but id, name, dates and the lock, encrypted. */
	sealed?: EncryptedRecord;
}

export type LockState = 'locking' | 'locked' | 'unlocking';

export interface StoredColumn {
	name: string;
	kind: ColumnKind;
	/** Dictionary of a categorical column; chunks hold only the Int32 codes. */
	categories?: string[];
	/** A dictionary of at least PACK_AT entries as one NUL-joined string (see dictionaries.ts); only in storage. */
	packedCategories?: string;
	/** With packedCategories: the dictionary's size and the values text-column detection samples
	 * (`categorySampleOf` in workers/lib/text/column.ts), so the page need not split a million values. */
	categoryCount?: number;
	categorySample?: string[];
	/** What the column means (absent on datasets imported before types were inferred). */
	semantic?: SemanticType;
	/** Boolean columns (stored 0/1): the file's spelling of [false, true]. */
	booleanLabels?: [string, string];
	dateOrder?: DateOrder;
	/** Free text by how it was imported (one .txt file per row), whatever its values look like. */
	text?: true;
}

export interface DatasetRecord {
	id: string;
	projectId: string;
	name: string;
	fileName: string;
	source: 'upload' | 'demo';
	rowCount: number;
	columns: StoredColumn[];
	profile: ColumnProfile[];
	chunkRows: number;
	chunkCount: number;
	bytes: number;
	createdAt: number;
	/**
	 * 'importing' while the data worker streams its chunks in: such a record is not listed, and
	 * one left by a closed tab is removed with its chunks on the next visit.
	 */
	status?: 'importing';
	/** The full profile (plots, pairs, warnings); absent on datasets imported before it existed. */
	details?: DatasetProfile;
	format?: FormatInfo;
	warnings?: ImportWarning[];
	/** The missing-value tokens it was imported with, reused for prediction files. */
	missing?: string[];
	/** Image datasets: shape and classes; chunks then hold [pixels uint8 NHWC, labels Int32]. */
	images?: ImageDatasetMeta;
	/** Edits made in place since import (oldest first); version = 1 + their number. Absent: never edited. */
	edits?: DatasetEdit[];
}

/** One in-place edit of a dataset, so a run trained before it can say which data it saw. */
export interface DatasetEdit {
	at: number;
	what: string;
	rowsBefore: number;
	rowsAfter: number;
}

/**
 * How a table chunk's column is stored when narrower than its kind: whole numbers (numeric
 * columns, missing as the type's lowest value) or category codes in 8, 16 or 32 bits.
 */
export type ColumnPacking = 'i8' | 'i16' | 'i32';

/** One slice of rows, one buffer per column (Float64 values or Int32 codes). */
export interface ChunkRecord {
	datasetId: string;
	index: number;
	rowCount: number;
	columns: ArrayBuffer[];
	/** Table chunks: per column, its packing (null or absent: Float64 values / Int32 codes). Chunks stored before it have none. */
	packing?: (ColumnPacking | null)[];
}

/**
 * `interrupted`: the tab closed mid-training and a checkpoint remains to resume from.
 * `diverged`: the loss exploded, so no model was kept (the error says why).
 */
export type RunStatus = 'running' | 'done' | 'cancelled' | 'failed' | 'diverged' | 'interrupted';
export type EndedStatus = 'cancelled' | 'failed' | 'diverged';

/** A run whose weights were trained outside Kiln by the PyTorch recipe of another run, then imported. */
export interface RecipeSource {
	kind: 'torch-recipe';
	title: string;
	importedAt: number;
	fromRunId: string;
	epochs: number;
	worldSize: number;
	/** What train.py measured on the holdout rows (Kiln's own figures are the run's metrics). */
	reported: Record<string, unknown>;
}

export interface RunRecord extends Omit<RunDataReport, 'pipeline' | 'inputs' | 'missing'> {
	id: string;
	projectId: string;
	datasetId: string;
	config: TrainConfig;
	status: RunStatus;
	createdAt: number;
	finishedAt?: number;
	history: EpochRecord[];
	metrics?: Metrics;
	error?: string;
	backend?: BackendName;
	/** What `auto` measured to pick `backend`. */
	backendProbe?: BackendProbe;
	durationMs?: number;
	samplesPerSecond?: number;
	modelId?: string;
	/** Rows in each part of the split (absent on runs stored before validation existed). */
	split?: { train: number; validation: number; holdout: number };
	/** The epoch whose weights the model holds, and whether early stopping ended the run. */
	bestEpoch?: number;
	stoppedEarly?: boolean;
	/** The pipeline version it trained with (absent: the built-in preprocessing). */
	pipelineId?: string;
	/** The search it was a trial of, if any. */
	searchId?: string;
	/** Trained by the Trust section: privately (with its guarantee), reweighed or adversarially. */
	variant?: RunVariant;
	privacy?: PrivacyRecord;
	/** The latest fairness and robustness audits of its model. */
	trust?: TrustSummary;
	/** What the person wrote for the model card (Ship section); absent until they do. */
	intendedUse?: RunIntendedUse;
	limitations?: string;
	/** The model's own per-column importances (classic families that have them). */
	importances?: ModelImportances;
	/** Classic families: which one, its size and notes about the fit. */
	classicInfo?: ClassicRunInfo;
	/** Set when the run was not trained here, e.g. a model imported from a share link. */
	source?: { kind: 'share-link'; title: string; importedAt: number } | RecipeSource;
	/** Which runtime Predict uses for its model, and the timings that chose it (absent until first used). */
	runtimePick?: RuntimePick;
}

/** The model card's person-filled fields (the same shape as the share library's IntendedUse). */
export interface RunIntendedUse {
	primaryUses?: string;
	users?: string;
	outOfScope?: string;
}

export interface ModelRecord {
	id: string;
	runId: string;
	projectId: string;
	createdAt: number;
	artifacts: ModelArtifacts;
	/** The built-in encoding; absent when the model was trained through a custom pipeline. */
	preprocessing?: Preprocessing;
	/** The fitted pipeline prediction replays (absent: models trained before pipelines; see fromLegacyPreprocessing). */
	pipeline?: FittedPipeline;
	/** The columns a prediction file must hold, with the types they were imported as. */
	inputs?: InputColumn[];
	/** Missing-value tokens of the dataset it was trained on. */
	missing?: string[];
}

/** The latest checkpoint of a run still in progress; removed when the run ends. */
export interface CheckpointRecord {
	runId: string;
	savedAt: number;
	checkpoint: TrainCheckpoint;
}

export interface Settings {
	backend: BackendChoice;
	/** What `auto` measured per model shape on this device (workers/lib/backend-probe.ts). */
	backendProbes?: BackendProbe[];
}

/**
 * A recorded cleaning/encoding pipeline (workers/lib/data/pipeline), versioned: editing makes
 * a new version, and each run records the version it trained with.
 */
export interface PipelineRecord {
	id: string;
	projectId: string;
	/** The dataset it was built on (its columns); a pipeline can be replayed on any with them. */
	datasetId?: string;
	version: number;
	name: string;
	createdAt: number;
	/** The serialised pipeline (plain JSON, its own format version inside). */
	pipeline: unknown;
}

/** A hyperparameter search (workers/lib/tune): its settings; trials are stored one by one. */
export interface SearchRecord {
	id: string;
	projectId: string;
	datasetId: string;
	createdAt: number;
	status: 'running' | 'done' | 'cancelled' | 'failed' | 'interrupted';
	/** The search settings and the base training config, as plain JSON. */
	settings: unknown;
	base: unknown;
	finishedAt?: number;
	error?: string;
}

/** One trial of a search, written as it changes, so a reload resumes without repeating it. */
export interface TrialRecordRow {
	searchId: string;
	trialId: number;
	/** The tune library's trial record (config, per-rung results), as plain JSON. */
	record: unknown;
	/**
	 * A checkpoint to promote the trial from (ASHA), if any. Stored in a row of its own, trialId
	 * −1 − the trial's id and record null, so writing the trial's record never rewrites it; rows
	 * written before kept it in the trial's row (src/lib/db/searches.ts reads both).
	 */
	checkpoint?: TrainCheckpoint;
	/** Its learning curve over every epoch trained so far (kept after the checkpoint is dropped). */
	history?: EpochRecord[];
	updatedAt: number;
}

/** A derived file of a model: ONNX export, compressed variant, standalone page, bundle… */
export interface ArtifactRecord {
	id: string;
	projectId: string;
	modelId: string;
	kind: string;
	name: string;
	createdAt: number;
	bytes: ArrayBuffer;
	/** What the person sees about it: sizes, measured metrics and latencies. */
	meta: Record<string, unknown>;
}

export interface KilnSchema extends DBSchema {
	projects: { key: string; value: ProjectRecord };
	datasets: { key: string; value: DatasetRecord; indexes: { byProject: string } };
	chunks: { key: [string, number]; value: ChunkRecord };
	runs: { key: string; value: RunRecord; indexes: { byProject: string } };
	models: { key: string; value: ModelRecord; indexes: { byRun: string } };
	settings: { key: string; value: { key: string; value: unknown } };
	checkpoints: { key: string; value: CheckpointRecord };
	pipelines: { key: string; value: PipelineRecord; indexes: { byProject: string } };
	searches: { key: string; value: SearchRecord; indexes: { byProject: string } };
	trials: { key: [string, number]; value: TrialRecordRow };
	artifacts: { key: string; value: ArtifactRecord; indexes: { byProject: string; byModel: string } };
}
