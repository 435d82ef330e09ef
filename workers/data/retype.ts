import { getDataset, openKilnDb, type StoredColumn } from '$lib/db';
import { atomically } from '$lib/db/open';
import { packColumns } from '$lib/db/dictionaries';
import { readColumn } from '$lib/db/column-packing';
import { KilnError } from '$shared/errors';
import { formatDate } from '$shared/cell-format';
import { parseNumber } from '$shared/number';
import { physicalOf, type SemanticType } from '$workers/lib/data/import';
import { detectDateOrder, parseDate, type DateOrder } from '$workers/lib/data/import/dates';

const TRUE = new Set(['true', 'yes', 'y', 't', '1']);
const FALSE = new Set(['false', 'no', 'n', 'f', '0']);

/** A dictionary entry read as the new type; NaN when it does not fit. */
function textToNumber(semantic: SemanticType, order: DateOrder): (text: string) => number {
	if (semantic === 'boolean') {
		return (text) => {
			const t = text.trim().toLowerCase();
			return TRUE.has(t) ? 1 : FALSE.has(t) ? 0 : NaN;
		};
	}
	if (semantic === 'datetime') return (text) => parseDate(text.trim(), order);
	return (text) => parseNumber(text) ?? NaN;
}

/** A stored number as text for a text column, as the person saw it. */
function numberToText(column: StoredColumn): (v: number) => string {
	if (column.semantic === 'datetime') return formatDate;
	if (column.semantic === 'boolean') return (v) => column.booleanLabels?.[v === 1 ? 1 : 0] ?? (v === 1 ? 'true' : 'false');
	return (v) => String(v);
}

export interface RetypeResult {
	/** Cells that held a value but do not fit the new type: now missing. */
	lost: number;
}

/**
 * Change a stored column's type in place: the chunks are rewritten and the record updated in one
 * transaction (all or nothing). Text → numbers, dates or yes/no parses each distinct value once;
 * values that do not fit become missing and are counted. Numbers → text keeps them as shown.
 * Between types stored alike (text, category, identifier; number, whole number) only the label
 * changes. Refused while a run that may resume trains on the dataset.
 */
export async function retypeColumn(datasetId: string, name: string, semantic: SemanticType): Promise<RetypeResult> {
	const record = await getDataset(datasetId);
	const index = record.columns.findIndex((c) => c.name === name);
	if (index < 0) throw new KilnError('NotFoundError', `There is no column "${name}" in "${record.fileName}".`);
	const from = record.columns[index];
	const to = physicalOf(semantic);
	const next: StoredColumn = { name, kind: to, semantic };
	let convert: ((buffer: ArrayBuffer) => ArrayBuffer) | null = null;
	let lost = 0;
	const dictionary = new Map<string, number>();

	if (from.kind === 'categorical' && to === 'categorical') next.categories = from.categories;
	else if (from.kind === 'categorical') {
		const categories = from.categories ?? [];
		const order = semantic === 'datetime' ? (detectDateOrder(categories.slice(0, 1000).filter((c) => c.trim() !== ''))?.order ?? 'ymd') : 'ymd';
		const read = textToNumber(semantic, order);
		const values = Float64Array.from(categories, (c) => read(c));
		if (semantic === 'datetime') next.dateOrder = order;
		if (semantic === 'boolean') next.booleanLabels = ['false', 'true'];
		convert = (buffer) => {
			const codes = new Int32Array(buffer);
			const out = new Float64Array(codes.length);
			for (let i = 0; i < codes.length; i++) {
				out[i] = codes[i] < 0 ? NaN : values[codes[i]];
				if (codes[i] >= 0 && Number.isNaN(out[i])) lost++;
			}
			return out.buffer;
		};
	} else if (to === 'categorical') {
		const text = numberToText(from);
		convert = (buffer) => {
			const values = new Float64Array(buffer);
			const out = new Int32Array(values.length);
			for (let i = 0; i < values.length; i++) {
				const v = values[i];
				if (Number.isNaN(v)) {
					out[i] = -1;
					continue;
				}
				const t = text(v);
				let code = dictionary.get(t);
				if (code === undefined) dictionary.set(t, (code = dictionary.size));
				out[i] = code;
			}
			return out.buffer;
		};
	} else if (semantic === 'boolean' && from.semantic !== 'boolean') {
		next.booleanLabels = ['false', 'true'];
		convert = (buffer) => {
			const values = new Float64Array(buffer);
			const out = new Float64Array(values.length);
			for (let i = 0; i < values.length; i++) {
				const v = values[i];
				out[i] = v === 0 || v === 1 || Number.isNaN(v) ? v : NaN;
				if (!Number.isNaN(v) && Number.isNaN(out[i])) lost++;
			}
			return out.buffer;
		};
	} else if (semantic === 'boolean') next.booleanLabels = from.booleanLabels;

	const db = await openKilnDb();
	await atomically(db.transaction(['runs', 'datasets', 'chunks'], 'readwrite'), async (tx) => {
		const runs = await tx.objectStore('runs').index('byProject').getAll(record.projectId);
		if (runs.some((r) => r.datasetId === datasetId && (r.status === 'running' || r.status === 'interrupted'))) {
			throw new KilnError('ValidationError', `"${record.fileName}" is used by a run that is training or can still resume; finish or delete that run before changing a column's type.`);
		}
		let grown = 0;
		if (convert) {
			let cursor = await tx.objectStore('chunks').openCursor(IDBKeyRange.bound([datasetId, 0], [datasetId, Infinity]));
			while (cursor) {
				const chunk = cursor.value;
				const columns = [...chunk.columns];
				// Converted from its widened values and stored wide (a packed column is unpacked here).
				columns[index] = convert(readColumn(chunk, index, from.kind).buffer as ArrayBuffer);
				grown += columns[index].byteLength - chunk.columns[index].byteLength;
				const packing = chunk.packing ? chunk.packing.map((p, c) => (c === index ? null : p)) : undefined;
				await cursor.update({ ...chunk, columns, ...(packing ? { packing } : {}) });
				cursor = await cursor.continue();
			}
		}
		if (from.kind === 'numeric' && to === 'categorical') next.categories = [...dictionary.keys()];
		const current = await tx.objectStore('datasets').get(datasetId);
		if (!current) throw new KilnError('NotFoundError', 'This dataset is no longer stored.');
		const columns = current.columns.map((c, i) => (i === index ? next : c));
		const bytes = current.bytes + grown;
		await tx.objectStore('datasets').put({ ...current, columns: packColumns(columns), bytes });
	});
	return { lost };
}
