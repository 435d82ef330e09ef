import type { ProfileFactory } from '../profile/remote';
import type { AsyncBuffer } from 'hyparquet';
import type { NumberFormat } from '$shared/number';
import type { DatasetProfile } from '../profile/types';
import type { DateOrder } from './dates';
import type { PackedStrings } from './packed';

export type { DateOrder } from './dates';

/**
 * What a column means. The physical layout follows from it:
 * - numeric, integer: Float64 values, NaN = missing.
 * - datetime: Float64 epoch milliseconds (UTC), NaN = missing.
 * - boolean: Float64 0 (false) / 1 (true), NaN = missing — numeric so that means are rates,
 *   correlations work and models need no one-hot; `booleanLabels` keeps the file's spelling.
 * - categorical, text, identifier: Int32 codes into a dictionary, -1 = missing.
 */
export type SemanticType = 'numeric' | 'integer' | 'boolean' | 'datetime' | 'categorical' | 'text' | 'identifier';
export type PhysicalKind = 'numeric' | 'categorical';

export const CHUNK_ROWS = 65_536;
/** Cells per chunk at most: a 10,000-column file gets chunks of 256 rows, not 5 GB ones. */
const CHUNK_CELLS = 1 << 22;

/** Rows per chunk: CHUNK_ROWS up to 64 columns, then a power of two keeping chunks ≤ 4M cells. */
export function chunkRowsFor(columns: number): number {
	let rows = CHUNK_ROWS;
	while (rows > 64 && rows * columns > CHUNK_CELLS) rows >>= 1;
	return rows;
}

export function physicalOf(semantic: SemanticType): PhysicalKind {
	return semantic === 'categorical' || semantic === 'text' || semantic === 'identifier' ? 'categorical' : 'numeric';
}

export interface SchemaColumn {
	name: string;
	semantic: SemanticType;
	physical: PhysicalKind;
	/** datetime columns: how day, month and year were read. */
	dateOrder?: DateOrder;
	/** boolean columns: the file's own spelling of [false, true], e.g. ['No', 'Yes']. */
	booleanLabels?: [string, string];
}

export type FileFormat = 'csv' | 'json' | 'jsonl' | 'parquet';

export interface FormatInfo {
	format: FileFormat;
	compression: 'none' | 'gzip' | 'zip';
	/** The file inside a .gz or .zip. */
	innerName?: string;
	/** 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252' or an override; 'binary' for Parquet. */
	encoding: string;
	/** CSV only. */
	delimiter?: string;
	/** CSV only: whether the first row held the column names. */
	header?: boolean;
	/** How many rows the types were inferred from. */
	sampleRows: number;
}

/** One block of CHUNK_ROWS rows (fewer in the last): per column a Float64 or Int32 buffer. */
export interface ImportChunk {
	index: number;
	rowCount: number;
	columns: ArrayBuffer[];
	/** Size of each categorical column's dictionary once this chunk is written (0 for numeric). */
	dictionarySizes: number[];
}

export type ImportWarningKind =
	| 'empty-header'
	| 'duplicate-header'
	| 'type-mismatch'
	| 'non-finite'
	| 'missing-like'
	| 'ambiguous-date'
	| 'invalid-encoding'
	| 'ignored-key'
	| 'ignored-entry'
	| 'precision';

export interface ImportWarning {
	kind: ImportWarningKind;
	message: string;
	column?: string;
	count?: number;
	/** The first line (CSV, JSON Lines), record (JSON) or row (Parquet) concerned, 1-based. */
	line?: number;
}

export interface ImportEnd {
	rowCount: number;
	columns: SchemaColumn[];
	/** Per column: the final dictionary (code → text) of a categorical column, null for numeric. */
	dictionaries: (string[] | null)[];
	/** With `packDictionariesAt`: the dictionaries that came packed (their `dictionaries` entry is null). */
	packed?: (PackedStrings | null)[];
	profile: DatasetProfile | null;
	warnings: ImportWarning[];
	format: FormatInfo;
	/** With `makePlan`: what a CSV's type inference decided, for a later import of the same file. */
	plan?: CsvPlan;
}

/**
 * A CSV's column plan from its first rows (a preview's), so the import of the same file with the
 * same choices takes it instead of collecting and inferring those rows again. Taken only when the
 * import's own delimiter, encoding and choices give the same `key` and its first `textBytes`
 * bytes hash the same; otherwise the import infers as always.
 */
export interface CsvPlan {
	key: string;
	/** The text the preview read: its length and hash. */
	textBytes: number;
	textHash: string;
	/** The plan was made at the end of that text (fewer rows than the sample): valid only for text of exactly that length. */
	atEnd: boolean;
	header: boolean;
	sampleRows: number;
	columns: SchemaColumn[];
	missingLike: (string[] | null)[];
	/** The warning log when the plan was made. */
	warnings: { list: ImportWarning[]; seen: string[] };
}

type Awaitable<T> = T | Promise<T>;

/**
 * The worker implements this. Calls come in order: onSchema once, onChunk per chunk, onEnd once;
 * each is awaited before the import goes on (backpressure). After onChunk returns, the library
 * no longer touches the chunk's buffers, so the sink may transfer them.
 */
export interface ImportSink {
	onSchema(columns: SchemaColumn[], format: FormatInfo): Awaitable<void>;
	onChunk(chunk: ImportChunk): Awaitable<void>;
	onEnd(end: ImportEnd): Awaitable<void>;
}

export interface ImportProgress {
	/** Bytes of the source read so far (compressed bytes for .gz/.zip). */
	bytesRead: number;
	totalBytes?: number;
	rows: number;
}

/**
 * A file to import. `read()` yields its bytes in slices of any size (the worker reads the File
 * in 1 MB slices); `random` gives random access, which Parquet needs (hyparquet reads row groups).
 */
export interface ImportSource {
	name: string;
	size?: number;
	read(): AsyncIterable<Uint8Array>;
	/** Each slice is valid only until the next is asked for (its buffer is refilled); whatever keeps bytes longer copies them. */
	reusesSlices?: boolean;
	random?: AsyncBuffer;
}

export interface ImportLimits {
	/** Longest row (or JSON record) accepted, in bytes. */
	maxRowBytes: number;
	maxFields: number;
	/** Zip-bomb guards for .gz/.zip. */
	maxInflatedBytes: number;
	maxInflateRatio: number;
	/** The ratio is judged only once this many bytes were inflated (small files compress well). */
	ratioCheckAfter: number;
	/** Largest Parquet file held in memory when it comes compressed (no random access). */
	maxBufferedBytes: number;
}

export const DEFAULT_LIMITS: ImportLimits = {
	maxRowBytes: 16 * 1024 * 1024,
	maxFields: 100_000,
	maxInflatedBytes: 8 * 1024 ** 3,
	maxInflateRatio: 200,
	ratioCheckAfter: 64 * 1024 * 1024,
	maxBufferedBytes: 512 * 1024 * 1024
};

/** Cells that mean "no value" by default. "None" is not among them: it can be a real category. */
export const DEFAULT_MISSING: readonly string[] = ['', 'NA', 'N/A', 'null', 'NULL', 'NaN', 'nan', '?', '-'];

export interface ImportOptions {
	/** Force a format instead of detecting it ('tsv' = CSV with tabs). */
	format?: FileFormat | 'tsv';
	/** CSV delimiter; detected among , ; tab | when absent. */
	delimiter?: string;
	/** Whether the first CSV row holds names; detected when absent. */
	header?: boolean;
	/** A TextDecoder label to force (e.g. 'windows-1252', 'shift_jis'); detected when absent. */
	encoding?: string;
	/** Missing-value tokens, matched exactly after trimming spaces. Default DEFAULT_MISSING. */
	missing?: readonly string[];
	/** Semantic type per column name, overriding inference. */
	types?: Record<string, SemanticType>;
	/** false: every column is read as exact text (categorical), nothing inferred. */
	inferTypes?: boolean;
	/** Day/month order for dates that allow both; inferred from the sample when absent. */
	dateOrder?: DateOrder;
	/** Decimal comma and thousands separators; plain '.' decimals when absent. */
	numberFormat?: NumberFormat;
	/** Rows to infer types from (default 10,000; fewer for very wide files). */
	sampleRows?: number;
	/**
	 * Column the profile treats as the target (balance, leakage), or a function choosing it once
	 * the columns are known (a file imported without a preview has no names before).
	 */
	target?: string | ((columns: readonly SchemaColumn[]) => string | undefined);
	/** Seed of the profile's row sample. */
	seed?: number;
	/** false: skip the profile (onEnd gets profile null). */
	profile?: boolean;
	/** Where the profile runs (default: in this thread). */
	profiler?: ProfileFactory;
	limits?: Partial<ImportLimits>;
	/**
	 * The sink is done with a chunk's buffers once its onChunk promise resolves (it copied them,
	 * e.g. IndexedDB's put clones its value), so the importer may refill them for a later chunk:
	 * no new arrays per chunk, less garbage and memory. Leave false when the sink keeps or
	 * transfers the buffers.
	 */
	reuseChunkBuffers?: boolean;
	/**
	 * Dictionaries of at least this many values come back as one NUL-joined string each
	 * (`ImportEnd.packed`, the form IndexedDB stores them in) instead of a string per value.
	 */
	packDictionariesAt?: number;
	/** A preview: return the CSV column plan in `ImportEnd.plan`. */
	makePlan?: boolean;
	/** A plan from a preview of this file (see CsvPlan); ignored when it does not match. */
	plan?: CsvPlan;
	signal?: AbortSignal;
	onProgress?: (progress: ImportProgress) => void;
}
