import { localProfile, type ProfileRun } from '../profile/remote';
import type { ChunkBuilder } from './builder';
import type { TextReader } from './encoding';
import type { PackedStrings } from './packed';
import type { FormatInfo, ImportEnd, ImportOptions, ImportSink, ImportWarning, SchemaColumn } from './types';
import type { WarningLog } from './warnings';

/**
 * Hands the parsers' output to the sink in order (schema, chunks, end), feeding each chunk to the
 * profile first: once the sink has a chunk it may transfer (detach) its buffers.
 */
export class Emitter {
	columns: SchemaColumn[] = [];
	rowCount = 0;
	bytesRead = 0;
	totalBytes: number | undefined;
	private profiler: ProfileRun | null = null;
	private schemaSent = false;

	constructor(
		private readonly sink: ImportSink,
		private readonly options: ImportOptions,
		readonly warnings: WarningLog
	) {}

	async schema(columns: SchemaColumn[], format: FormatInfo): Promise<void> {
		if (this.schemaSent) return;
		this.schemaSent = true;
		this.columns = columns;
		const target = typeof this.options.target === 'function' ? this.options.target(columns) : this.options.target;
		if (this.options.profile !== false) this.profiler = (this.options.profiler ?? localProfile)(columns, { target, seed: this.options.seed });
		await this.sink.onSchema(columns, format);
	}

	async drain(builder: ChunkBuilder): Promise<void> {
		while (builder.ready.length > 0) {
			const chunk = builder.ready.shift()!;
			if (chunk.index === 0 && this.totalBytes && this.bytesRead > 0 && this.bytesRead < this.totalBytes) {
				// Size the big hash tables once from the rows per byte so far, instead of doubling them.
				const expected = Math.ceil((builder.rowCount / this.bytesRead) * this.totalBytes * 1.05);
				builder.reserve(expected);
				this.profiler?.reserve(expected);
			}
			await this.profiler?.addChunk(chunk.arrays, chunk.rowCount);
			this.rowCount += chunk.rowCount;
			await this.sink.onChunk({
				index: chunk.index,
				rowCount: chunk.rowCount,
				columns: chunk.arrays.map((a) => a.buffer as ArrayBuffer),
				dictionarySizes: chunk.dictionarySizes
			});
			if (this.options.reuseChunkBuffers) builder.recycle(chunk.arrays);
		}
	}

	/** Rows so far = rows in emitted chunks plus those of the chunk being filled. */
	progress(pendingRows = 0): void {
		this.options.onProgress?.({ bytesRead: this.bytesRead, totalBytes: this.totalBytes, rows: this.rowCount + pendingRows });
	}

	async end(builder: ChunkBuilder, reader: TextReader, format: FormatInfo, unit = 'line'): Promise<ImportEnd> {
		builder.finishChunk();
		await this.drain(builder);
		// Seal the profile first and drop each byte dictionary once decoded, so the strings are
		// never in memory beside the profile's running state and all the byte arrays.
		await this.profiler?.seal();
		// One dictionary at a time, its hash table dropped first: an ID column's (8 MB) and arena
		// are let go before the next is decoded.
		const packAt = this.options.packDictionariesAt ?? Infinity;
		const packed: (PackedStrings | null)[] = [];
		const dictionaries = builder.dictionaries.map((d, c) => {
			packed[c] = null;
			if (!d) return null;
			d.endLookups();
			packed[c] = d.size >= packAt ? d.packed(reader) : null;
			const values = packed[c] ? null : d.values(reader);
			builder.dictionaries[c] = null;
			return values;
		});
		const warnings: ImportWarning[] = this.warnings.finish(unit);
		const profile = this.profiler ? await this.profiler.finish(dictionaries.map((d, c) => packed[c] ?? d), warnings) : null;
		const end: ImportEnd = { rowCount: this.rowCount, columns: this.columns, dictionaries, profile, warnings, format };
		if (packed.some((p) => p)) end.packed = packed;
		await this.sink.onEnd(end);
		return end;
	}
}
