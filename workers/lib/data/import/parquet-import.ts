import { gunzipSync } from 'fflate';
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type Compressors, type FileMetaData } from 'hyparquet';
import { KilnError } from '$shared/errors';
import type { ImportContext } from './context';
import { throwIfAborted } from './source';
import type { ImportEnd } from './types';
import { ValueImporter } from './value-import';

/** hyparquet reads Snappy itself; GZIP pages are inflated with fflate. ZSTD/Brotli/LZ4 are not available. */
const compressors: Compressors = {
	GZIP: (input, outputLength) => gunzipSync(input, { out: new Uint8Array(outputLength) })
};

function unreadable(fileName: string, error: unknown): KilnError {
	const why = error instanceof Error ? error.message : String(error);
	if (/compression codec/i.test(why)) {
		return new KilnError('ImportError', `${fileName} uses a Parquet compression Kiln cannot read in the browser (${why.replace(/^.*codec:\s*/i, '')}). Save it with Snappy, gzip or no compression.`);
	}
	return new KilnError('ImportError', `${fileName} is not a readable Parquet file (${why}). The file may be damaged or incomplete.`);
}

/**
 * Parquet through hyparquet, one row group at a time, so memory holds one group's rows, never
 * the file. Nested columns (lists, structs) arrive as JSON text.
 */
export async function importParquet(file: AsyncBuffer, ctx: ImportContext, onBytes: (bytes: number) => void): Promise<ImportEnd> {
	let metadata: FileMetaData;
	let names: string[];
	try {
		metadata = await parquetMetadataAsync(file);
		names = parquetSchema(metadata).children.map((c) => c.element.name);
	} catch (e) {
		throw unreadable(ctx.fileName, e);
	}
	const importer = new ValueImporter(ctx, { ...ctx.format, format: 'parquet', encoding: 'binary' }, 'row', names);
	let rowStart = 0;
	for (const group of metadata.row_groups) {
		throwIfAborted(ctx.options.signal);
		const rowEnd = rowStart + Number(group.num_rows);
		let rows: unknown[][] = [];
		try {
			await parquetRead({ file, metadata, rowStart, rowEnd, compressors, rowFormat: 'array', onComplete: (r) => (rows = r) });
		} catch (e) {
			throw unreadable(ctx.fileName, e);
		}
		for (let i = 0; i < rows.length; i++) importer.addArray(rows[i], rowStart + i + 1);
		rows = [];
		rowStart = rowEnd;
		onBytes(Number(group.total_compressed_size ?? group.total_byte_size));
		await importer.flush();
		ctx.emitter.progress(importer.rowsPending);
	}
	return importer.end();
}
