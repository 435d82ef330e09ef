import Papa from 'papaparse';
import type { InputColumn, Preprocessing, Table } from '../protocol';
import { KilnError } from '$shared/errors';
import { isMissingAt } from '$shared/table';
import { DEFAULT_MISSING, fromBytes, importToTable, type ImportEnd, type ImportOptions, type ImportSource, type SemanticType } from './data/import';
import { fromLegacyPreprocessing, type FittedPipeline } from './data/pipeline';
import type { ModelEncoding } from './predict';

/** What a stored model carries to read new rows (a ModelRecord, as plain data). */
export interface StoredModelInput {
	preprocessing?: Preprocessing;
	pipeline?: FittedPipeline;
	inputs?: InputColumn[];
	missing?: string[];
}

/** The encoding prediction replays: the fitted pipeline, or an older model's preprocessing. */
export function modelEncoding(model: StoredModelInput): ModelEncoding {
	if (model.pipeline && (model.pipeline.steps.length > 0 || !model.preprocessing)) return model.pipeline;
	if (model.preprocessing) return model.preprocessing;
	throw new KilnError('ModelFormatError', 'This model record has neither a pipeline nor a preprocessing; it cannot predict. Train it again.');
}

/** The columns a prediction file must hold, with the types they were imported as when known. */
export function modelInputColumns(model: StoredModelInput): InputColumn[] {
	if (model.inputs) return model.inputs;
	const fitted = model.pipeline ?? (model.preprocessing ? fromLegacyPreprocessing(model.preprocessing) : null);
	return fitted ? fitted.inputs.map((c) => ({ name: c.name, kind: c.kind })) : [];
}

/** Import options that read each input as it was read for training (other columns are inferred). */
export function inputOptions(inputs: readonly InputColumn[], missing?: readonly string[]): ImportOptions {
	const types: Record<string, SemanticType> = {};
	for (const input of inputs) {
		const semantic = input.semantic === 'integer' ? 'numeric' : input.semantic;
		types[input.name] = semantic ?? (input.kind === 'numeric' ? 'numeric' : 'categorical');
	}
	const dateOrder = inputs.find((i) => i.semantic === 'datetime' && i.dateOrder)?.dateOrder;
	return { types, missing, profile: false, ...(dateOrder ? { dateOrder } : {}) };
}

function checkColumns(fileName: string, inputs: readonly InputColumn[], end: ImportEnd): void {
	const found = end.columns.map((c) => c.name);
	const absent = inputs.filter((i) => !found.includes(i.name)).map((i) => `"${i.name}"`);
	if (absent.length > 0) {
		throw new KilnError('SchemaMismatchError', `${fileName}: there is no column ${absent.join(', ')}, which the model was trained on. Columns found: ${found.join(', ')}. Columns may come in any order, and extra columns are ignored.`);
	}
}

/**
 * A prediction file read by the same importer as datasets (any format, encoding and delimiter),
 * the model's columns read with the types they had in training. A cell that does not fit is
 * read as missing and named in a warning, as on import.
 */
export async function readPredictionFile(source: ImportSource, inputs: readonly InputColumn[], missing?: readonly string[], extra: ImportOptions = {}): Promise<{ table: Table; end: ImportEnd; warnings: string[] }> {
	const { table, end } = await importToTable(source, { ...inputOptions(inputs, missing), ...extra });
	checkColumns(source.name, inputs, end);
	return { table, end, warnings: end.warnings.map((w) => w.message) };
}

/**
 * Rows typed into a form, read exactly as a file with those values would be (the same parser,
 * missing tokens and types), except that a value that does not fit its field is refused with
 * the field and value named, since a person is there to fix it.
 */
export async function readFormRows(inputs: readonly InputColumn[], rows: Record<string, string>[], missing?: readonly string[]): Promise<Table> {
	if (rows.length === 0) throw new KilnError('SchemaMismatchError', 'There are no rows to predict.');
	const names = inputs.map((i) => i.name);
	const text = Papa.unparse({ fields: names, data: rows.map((row) => names.map((n) => (row[n] ?? '').trim())) }, { quotes: true });
	const { table } = await readPredictionFile(fromBytes(new TextEncoder().encode(text), 'form.csv'), inputs, missing, { header: true, delimiter: ',', format: 'csv' });
	const tokens = missing ?? DEFAULT_MISSING;
	if (table.rowCount !== rows.length) throw new KilnError('SchemaMismatchError', 'The form rows could not be read; leave a field empty if its value is unknown.');
	for (const input of inputs) {
		const column = table.columns.find((c) => c.name === input.name)!;
		rows.forEach((row, r) => {
			const typed = (row[input.name] ?? '').trim();
			if (typed !== '' && isMissingAt(column, r) && !tokens.includes(typed)) {
				const wanted = input.semantic === 'datetime' ? 'a date such as 2024-03-05' : input.semantic === 'boolean' ? 'yes or no (true or false)' : 'a number such as 3.5 or -2e3';
				throw new KilnError('SchemaMismatchError', `“${input.name}”${rows.length > 1 ? ` in row ${r + 1}` : ''} must be ${wanted} (or empty if unknown), not “${typed}”.`);
			}
		});
	}
	return table;
}
