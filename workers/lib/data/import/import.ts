import { KilnError } from '$shared/errors';
import { MissingTokens } from './cells';
import type { ImportContext } from './context';
import { importCsv } from './csv-import';
import { gunzip, unzipOne } from './decompress';
import { Emitter } from './emit';
import { ENCODING_SAMPLE, TextReader, detectEncoding, normalizeEncoding } from './encoding';
import { importJson } from './json-import';
import { importParquet } from './parquet-import';
import { textMatches } from './plan';
import { assertText, innerName, isGzip, isParquet, isZip, sniffFormat } from './sniff';
import { SliceReader, ownSlices, readAll, tracked } from './source';
import { DEFAULT_LIMITS, DEFAULT_MISSING, type FormatInfo, type ImportEnd, type ImportOptions, type ImportSink, type ImportSource } from './types';
import { WarningLog } from './warnings';

const HEAD = ENCODING_SAMPLE;

function isWhitespace(b: Uint8Array): boolean {
	for (let i = 0; i < b.length; i++) {
		const c = b[i];
		if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
	}
	return true;
}

/**
 * Streams a file into columnar chunks: decompress (.gz/.zip) → detect the encoding → detect the
 * format (CSV/TSV/…, JSON, JSON Lines, Parquet) → infer column types on a sample → convert every
 * later row straight into typed chunks, profiling them on the way. Nothing holds the whole file.
 * Every problem with the input is a KilnError naming the file (and line/column where there is one).
 */
export async function importTable(source: ImportSource, sink: ImportSink, options: ImportOptions = {}): Promise<ImportEnd> {
	const limits = { ...DEFAULT_LIMITS, ...options.limits };
	let ctxColumns: ImportContext['columns'] = [];
	const warnings = new WarningLog(
		() => ctxColumns.map((c) => c.name),
		() => ctxColumns.map((c) => c.semantic)
	);
	const emitter = new Emitter(sink, options, warnings);
	emitter.totalBytes = source.size;
	const raw = tracked(source.read(), options.signal, (n) => {
		emitter.bytesRead += n;
	});
	// A source that refills its buffers is read in place only by the CSV parser (which copies each
	// slice into its row buffer at once); decompressors, Parquet and JSON get copies.
	const reuses = source.reusesSlices === true;
	const owned = (slices: AsyncIterable<Uint8Array>) => (reuses ? ownSlices(slices) : slices);
	let reader = new SliceReader(raw, reuses);
	let name = source.name;
	let compression: FormatInfo['compression'] = 'none';
	const found: { name?: string } = {};
	let { head, complete } = await reader.peek(HEAD);
	if (head.length === 0) throw new KilnError('ImportError', `${name} is empty. A data file needs a header row and at least one data row.`);

	if (options.format !== 'parquet' && isGzip(head)) {
		compression = 'gzip';
		reader = new SliceReader(gunzip(owned(reader.slices()), limits, name));
		name = innerName(name);
	} else if (options.format !== 'parquet' && isZip(head)) {
		compression = 'zip';
		reader = new SliceReader(unzipOne(owned(reader.slices()), limits, name, found, (w) => warnings.add(w)));
	}
	if (compression !== 'none') {
		({ head, complete } = await reader.peek(HEAD));
		if (compression === 'zip') name = found.name ?? innerName(name);
		if (head.length === 0) throw new KilnError('ImportError', `${name} is empty once unpacked.`);
	}

	const missing = new MissingTokens(options.missing ?? DEFAULT_MISSING);
	const ctx: ImportContext = {
		fileName: name,
		options,
		limits,
		missing,
		warnings,
		emitter,
		reader: new TextReader('utf-8', () => {}),
		decode: (b) => new TextDecoder().decode(b),
		format: { format: 'csv', compression, encoding: 'utf-8', sampleRows: 0, ...(compression !== 'none' ? { innerName: name } : {}) },
		sampleOptions: { missing, numberFormat: options.numberFormat, dateOrder: options.dateOrder, types: options.types, inferTypes: options.inferTypes !== false },
		get columns() {
			return ctxColumns;
		},
		set columns(value) {
			ctxColumns = value;
		}
	};

	if (options.format === 'parquet' || isParquet(head)) {
		const random = compression === 'none' && source.random ? source.random : null;
		const bytes = random ? null : await readAll(owned(reader.slices()), limits.maxBufferedBytes, name);
		const file = random ?? { byteLength: bytes!.length, slice: (s: number, e?: number) => bytes!.slice(s, e).buffer as ArrayBuffer };
		return importParquet(file, ctx, (n) => {
			if (random) emitter.bytesRead += n;
		});
	}

	const detected = detectEncoding(head, complete, options.encoding);
	if (!detected.encoding.startsWith('utf-16')) assertText(head, name);
	const text = new SliceReader(normalizeEncoding(reader.slices(), detected), reuses);
	({ head, complete } = await text.peek(HEAD));
	if (detected.encoding.startsWith('utf-16')) assertText(head, name);
	if (head.length === 0 || (complete && isWhitespace(head))) {
		throw new KilnError('ImportError', `${name} holds only blank space. A data file needs a header row and at least one data row.`);
	}
	const encoding = detected.encoding === 'windows-1252' ? 'windows-1252' : 'utf-8';
	ctx.format.encoding = detected.encoding;
	ctx.reader = new TextReader(encoding, () =>
		warnings.once('encoding', {
			kind: 'invalid-encoding',
			message: `${name} is mostly UTF-8 but has bytes further on that are not; those values were read as windows-1252. Check accented letters in the data.`
		})
	);
	ctx.decode = ctx.reader.text;
	const format = options.format === 'tsv' ? 'csv' : (options.format ?? sniffFormat(head, name));
	if (format === 'json' || format === 'jsonl') {
		// JSON strings reach the dictionaries as JS strings, stored as UTF-8 whatever the file's encoding.
		ctx.reader = new TextReader('utf-8', () => {});
		return importJson(owned(text.slices()), format, ctx);
	}
	const plan = options.plan && (await textMatches(text, options.plan)) ? options.plan : null;
	return importCsv(text.slices(), head, complete, ctx, plan);
}
