import { KilnError } from '$shared/errors';
import { ChunkBuilder } from './builder';
import { trimEnd, trimStart, unquoteInto } from './cells';
import { CsvScanner, RAW, type CsvRow } from './csv-scanner';
import type { ImportContext } from './context';
import type { ColumnGuess } from './infer';
import { planKey, TextHash } from './plan';
import { detectHeader, normalizeNames, planColumns } from './sample';
import { SampleRows } from './sample-rows';
import { sniffDelimiter } from './sniff';
import type { CsvPlan, FormatInfo, ImportEnd } from './types';

/** Cells read for inference at most, so a 10,000-column file samples 200 rows, not 10,000. */
const SAMPLE_CELLS = 2_000_000;

interface SampleRow {
	text: string[];
	blank: boolean;
}

function isBlank(row: CsvRow): boolean {
	if (row.count !== 1 || row.flags[0] !== 0) return false;
	return trimStart(row.buf, row.starts[0], row.ends[0]) === trimEnd(row.buf, row.starts[0], row.ends[0]);
}

/**
 * Imports CSV bytes (already UTF-8 or windows-1252; see encoding.ts). `given`: a preview's plan
 * whose text matched this input's start (import.ts); taken when the choices match too.
 */
export async function importCsv(input: AsyncIterable<Uint8Array>, head: Uint8Array, complete: boolean, ctx: ImportContext, given: CsvPlan | null = null): Promise<ImportEnd> {
	const { options, fileName, emitter, decode } = ctx;
	const delimiter = options.delimiter ?? (options.format === 'tsv' ? '\t' : sniffDelimiter(head, fileName, complete));
	if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 127 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
		throw new KilnError('ValidationError', `The delimiter must be one ASCII character other than a quote or newline (got ${JSON.stringify(delimiter)}).`);
	}
	const format: FormatInfo = { ...ctx.format, format: 'csv', delimiter, header: true, sampleRows: 0 };
	const sample: SampleRow[] = [];
	const sampled = new SampleRows();
	let sampleLimit = options.sampleRows ?? 10_000;
	let builder: ChunkBuilder | null = null;
	let columns = 0;
	let headerLine = 1;
	let pendingBlank = 0;
	let schemaPending = false;
	let scratch = new Uint8Array(256);
	const key = given || options.makePlan ? planKey(options, ctx.sampleOptions, delimiter, ctx.format.encoding) : '';
	const reuse = given && given.key === key ? given : null;
	const hash = options.makePlan ? new TextHash() : null;
	let made: Omit<CsvPlan, 'key' | 'textBytes' | 'textHash'> | null = null;

	const fieldText = (row: CsvRow, f: number): string => {
		let b = row.buf;
		let s = row.starts[f];
		let e = row.ends[f];
		if (row.flags[f] === RAW) {
			if (scratch.length < e - s) scratch = new Uint8Array((e - s) * 2);
			e = unquoteInto(b, s, e, scratch);
			s = 0;
			b = scratch;
		}
		return decode(b.subarray(s, e));
	};

	const addRow = (row: CsvRow) => {
		const b = builder as ChunkBuilder;
		if (isBlank(row)) {
			if (columns === 1) pendingBlank++;
			return;
		}
		if (row.count !== columns) {
			const what = format.header ? `the header (line ${headerLine}) has` : `the first row (line ${headerLine}) has`;
			throw new KilnError(
				'CsvParseError',
				`${fileName}: line ${row.line} has ${row.count} field${row.count === 1 ? '' : 's'}, but ${what} ${columns} column${columns === 1 ? '' : 's'}. Check that line for a missing or extra ${JSON.stringify(delimiter)} or an unclosed quote.`
			);
		}
		for (; pendingBlank > 0; pendingBlank--) b.addMissingRow();
		b.addCsvRow(row);
	};

	const plan = (atEnd: boolean) => {
		const rows = sample.map((s) => s.text);
		const guesses: ColumnGuess[] = [];
		const hasHeader = options.header ?? detectHeader(rows.filter((_, i) => i === 0 || !sample[i].blank), ctx.sampleOptions, guesses);
		format.header = hasHeader;
		columns = sample.length > 0 ? sampled.row(0).count : 0;
		headerLine = sample.length > 0 ? sampled.row(0).line : 1;
		const first = hasHeader ? 1 : 0;
		const dataRows = sample.slice(first);
		if (dataRows.every((s) => s.blank)) {
			throw new KilnError('ImportError', hasHeader ? `${fileName} has a header row but no data rows.` : `${fileName} has no data rows.`);
		}
		const { names, warnings } = normalizeNames(hasHeader ? rows[0] : null, columns);
		warnings.forEach((w) => ctx.warnings.add(w));
		// The guesses made for header detection came from the same rows when there is a header.
		const planned = planColumns(names, dataRows.filter((s) => !s.blank).map((s) => s.text), ctx.sampleOptions, hasHeader && guesses.length === columns ? guesses : undefined);
		planned.warnings.forEach((w) => ctx.warnings.add(w));
		ctx.columns = planned.columns;
		format.sampleRows = dataRows.length;
		if (hash) {
			const missingLike = planned.missingLike.map((m) => (m ? [...m] : null));
			made = { atEnd, header: hasHeader, sampleRows: dataRows.length, columns: planned.columns.map((c) => ({ ...c })), missingLike, warnings: ctx.warnings.snapshot() };
		}
		builder = new ChunkBuilder(planned.columns, ctx.missing, planned.missingLike, ctx.warnings, decode, options.numberFormat);
		schemaPending = true;
		for (let i = first; i < sample.length; i++) addRow(sampled.row(i));
		sample.length = 0;
		sampled.clear();
	};

	/** The preview's plan, at this input's first row: the same state `plan` leaves, without the sample. */
	const adopt = (first: CsvRow, given: CsvPlan) => {
		format.header = given.header;
		columns = first.count;
		headerLine = first.line;
		ctx.warnings.restore(given.warnings);
		ctx.columns = given.columns.map((c) => ({ ...c }));
		format.sampleRows = given.sampleRows;
		builder = new ChunkBuilder(ctx.columns, ctx.missing, given.missingLike.map((m) => (m ? new Set(m) : null)), ctx.warnings, decode, options.numberFormat);
		schemaPending = true;
		if (!given.header) addRow(first);
	};

	const onRow = (row: CsvRow) => {
		if (builder) return addRow(row);
		if (sample.length === 0) {
			if (isBlank(row)) return;
			if (reuse) return adopt(row, reuse);
			sampleLimit = Math.min(sampleLimit, Math.max(100, Math.floor(SAMPLE_CELLS / row.count)));
			// A file shorter than the sample cannot fill it: size its copies by its length.
			const rowBytes = row.count > 0 ? row.ends[row.count - 1] - row.starts[0] + 1 : 1;
			sampled.reserve(complete ? Math.min(sampleLimit + 1, Math.ceil((2 * head.length) / rowBytes) + 2) : sampleLimit + 1, row);
		}
		const text = new Array<string>(row.count);
		for (let f = 0; f < row.count; f++) text[f] = fieldText(row, f);
		sample.push({ text, blank: isBlank(row) });
		sampled.add(row);
		if (sample.length > sampleLimit) plan(false);
	};

	const scanner = new CsvScanner(delimiter.charCodeAt(0), onRow, fileName, ctx.limits);
	const flush = async () => {
		if (schemaPending) {
			schemaPending = false;
			await emitter.schema(ctx.columns, format);
		}
		if (builder) await emitter.drain(builder);
	};
	for await (const slice of input) {
		hash?.add(slice);
		scanner.push(slice);
		await flush();
		emitter.progress();
	}
	scanner.finish();
	if (!builder) {
		if (sample.length === 0) throw new KilnError('ImportError', `${fileName} holds no rows, only blank lines.`);
		plan(true);
	}
	await flush();
	const end = await emitter.end(builder as unknown as ChunkBuilder, ctx.reader, format);
	if (hash && made) end.plan = { key, textBytes: hash.bytes, textHash: hash.digest, ...(made as Omit<CsvPlan, 'key' | 'textBytes' | 'textHash'>) };
	return end;
}
