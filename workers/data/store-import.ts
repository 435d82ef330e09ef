import { beginImport, ChunkWriter, commitImport, discardImport, type StoredColumn } from '$lib/db';
import { PACK_AT } from '$lib/db/dictionaries';
import { packChunk } from '$lib/db/column-packing';
import { chunkBytes } from '$lib/db/columnar';
import type { ProfileFactory, ProfileRun } from '$workers/lib/data/profile/remote';
import { categorySampleOf } from '$workers/lib/text/column';
import type { ImportRequest, ImportSummary, Task } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { guessTargetName } from '$shared/table';
import { chunkRowsFor, importTable, streamBlob, type ImportEnd, type PackedStrings, type ImportSink, type ImportSource, type SchemaColumn } from '$workers/lib/data/import';
import type { DatasetProfile } from '$workers/lib/data/profile/types';
import { importOptions, rowBytes } from './preview';

/** Files at least this large have their stored size checked against the free quota first. */
export const QUOTA_CHECK_BYTES = 8 * 1024 * 1024;

export interface StorageEstimate {
	quota?: number;
	usage?: number;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MB`;

/** A message when a file's estimated stored size is more than the browser will let Kiln keep, else null. */
export function quotaProblem(fileName: string, needed: number, estimate: StorageEstimate): string | null {
	if (estimate.quota === undefined) return null;
	const free = Math.max(0, estimate.quota - (estimate.usage ?? 0));
	if (needed <= free) return null;
	return `There is not enough storage space to save the dataset "${fileName}": it needs about ${mb(needed)} in this browser and ${mb(free)} is free. Nothing was changed. Delete datasets, runs or projects you no longer need (Settings shows how much space each project takes), or import a smaller file.`;
}

/** The task a target suggests: classes for text, booleans and a few whole numbers; otherwise regression. */
export function taskFor(profile: DatasetProfile | null, target: string): Task {
	if (profile?.target?.column === target) return profile.target.task;
	const column = profile?.columns.find((c) => c.name === target);
	if (!column || column.physical === 'categorical' || column.semantic === 'boolean') return 'classification';
	return column.semantic === 'integer' && column.distinct <= 20 ? 'classification' : 'regression';
}

/** A categorical column's dictionary as stored: the array, or already packed (see packDictionariesAt). */
function dictionaryFields(values: string[] | null | undefined, packed: PackedStrings | null | undefined): Partial<StoredColumn> {
	if (packed) return { packedCategories: packed.packed, categoryCount: packed.length, categorySample: categorySampleOf(packed) };
	return { categories: values ?? [] };
}

function storedColumns(columns: readonly SchemaColumn[], dictionaries?: readonly (string[] | null)[], packed?: readonly (PackedStrings | null)[]): StoredColumn[] {
	return columns.map((c, i) => ({
		name: c.name,
		kind: c.physical,
		semantic: c.semantic,
		...(c.physical === 'categorical' ? dictionaryFields(dictionaries?.[i], packed?.[i]) : {}),
		...(c.booleanLabels ? { booleanLabels: c.booleanLabels } : {}),
		...(c.dateOrder ? { dateOrder: c.dateOrder } : {})
	}));
}

export interface StoreImportOptions {
	signal?: AbortSignal;
	onProgress?: (fraction: number) => void;
	/** The shortest time between two onProgress calls (default PROGRESS_MS; the end is always reported). */
	progressMs?: number;
	/** The browser's storage estimate (navigator.storage.estimate in the worker). */
	estimate?: () => Promise<StorageEstimate>;
	/** For tests: read the file from another source than the Blob. */
	source?: ImportSource;
	/** Files at least this large are checked against the quota (default QUOTA_CHECK_BYTES). */
	quotaCheckBytes?: number;
	/** Where the profile runs (default: this thread); each run it makes is closed when the import ends. */
	profiler?: ProfileFactory;
}

/** The shortest time between two progress reports to the page. */
const PROGRESS_MS = 200;

/**
 * Streams a file into IndexedDB under `request.datasetId`: the record marked importing once the
 * columns are known, each chunk as soon as it is built, then the finished record with its
 * dictionaries and profile, made the project's current dataset with its target. Any failure
 * (a bad row further on, a full disk, cancel) removes everything this import stored.
 */
export async function storeImport(request: ImportRequest, options: StoreImportOptions = {}): Promise<ImportSummary> {
	const { datasetId, file, fileName, projectId, source, preferredTarget, choices, plan } = request;
	let target: string | undefined;
	let chunkCount = 0;
	let bytes = 0;
	let bytesRead = 0;
	let perRow = 0;
	let end: ImportEnd | null = null;
	let progressAt = -Infinity;
	let writer: ChunkWriter | null = null;
	let kinds: ('numeric' | 'categorical')[] = [];
	const sink: ImportSink = {
		async onSchema(columns, format) {
			perRow = rowBytes(columns);
			kinds = columns.map((c) => c.physical);
			await beginImport({
				id: datasetId,
				projectId,
				name: fileName.replace(/\.[^.]+$/, ''),
				fileName,
				source,
				columns: storedColumns(columns),
				chunkRows: chunkRowsFor(columns.length),
				createdAt: Date.now(),
				format,
				missing: choices?.missing
			});
			// Six writes in flight (two before session 19): with the profile in its own worker the
			// parser waited on IndexedDB's writes instead (import bench, docs/decisions.md).
			writer = await ChunkWriter.open(fileName, 6);
		},
		async onChunk(chunk) {
			if (chunk.index === 0 && options.estimate && file.size >= (options.quotaCheckBytes ?? QUOTA_CHECK_BYTES) && bytesRead > 0) {
				const needed = (chunk.rowCount / bytesRead) * file.size * perRow;
				const problem = quotaProblem(fileName, needed, await options.estimate());
				if (problem) throw new KilnError('QuotaExceededError', problem);
			}
			// Stored while the next chunk is built; the writer copies the buffers before it returns.
			const record = { datasetId, index: chunk.index, rowCount: chunk.rowCount, ...packChunk(chunk.columns, kinds, chunk.rowCount) };
			await writer!.add(record);
			chunkCount++;
			bytes += chunkBytes([record]);
		},
		onEnd(result) {
			end = result;
		}
	};
	const runs: ProfileRun[] = [];
	const make = options.profiler;
	const profiler: ProfileFactory | undefined = make && ((columns, o) => {
		const run = make(columns, o);
		runs.push(run);
		return run;
	});
	try {
		await importTable(options.source ?? streamBlob(file, fileName), sink, {
			...importOptions(choices),
			plan,
			profiler,
			target: (columns) => (target = preferredTarget && columns.some((c) => c.name === preferredTarget) ? preferredTarget : guessTargetName(columns.map((c) => c.name))),
			reuseChunkBuffers: true,
			// Big dictionaries (an ID column's million values) go to IndexedDB as one string, never a string per value.
			packDictionariesAt: PACK_AT,
			signal: options.signal,
			onProgress: (p) => {
				bytesRead = p.bytesRead;
				const fraction = p.totalBytes ? Math.min(1, p.bytesRead / p.totalBytes) : 0;
				// At most every PROGRESS_MS (and the end): each one is a message and a frame of the page.
				const now = performance.now();
				if (fraction < 1 && now - progressAt < (options.progressMs ?? PROGRESS_MS)) return;
				progressAt = now;
				options.onProgress?.(fraction);
			}
		});
		await (writer as ChunkWriter | null)?.flush();
		// A Cancel while the last writes landed still keeps nothing: checked before the commit.
		if (options.signal?.aborted) throw new KilnError('AbortError', 'The import was cancelled; nothing from it was kept.');
		const done = end as ImportEnd | null;
		if (!done) throw new KilnError('ImportError', `${fileName} ended before its rows were read.`);
		const chosen = target ?? guessTargetName(done.columns.map((c) => c.name));
		const task = taskFor(done.profile, chosen);
		await commitImport(datasetId, {
			rowCount: done.rowCount,
			chunkCount,
			bytes,
			columns: storedColumns(done.columns, done.dictionaries, done.packed),
			details: done.profile,
			warnings: done.warnings,
			format: done.format,
			target: chosen,
			task
		});
		return { datasetId, rowCount: done.rowCount, target: chosen, task };
	} catch (error) {
		// Let writes still in flight land first, so the cleanup below removes them too.
		await (writer as ChunkWriter | null)?.flush().catch(() => {});
		await discardImport(datasetId).catch(() => {});
		throw error;
	} finally {
		for (const run of runs) run.close();
	}
}
