import type { ImportWarning, SchemaColumn } from '../import/types';
import { PackedStrings, lengthAt, valueAt, type Dictionary } from '../import/packed';
import { detectPii } from './pii';
import type { RowReservoir } from './reservoir';
import type { DistinctNumbers } from './sketches';
import { numericSummary, type Moments } from './summary';
import type { CategorySummary, ColumnSummary, DatasetProfile, PiiKind, ProfileWarning, TopValue } from './types';

/** Running state of one column while chunks stream by. */
export interface ColumnState {
	column: SchemaColumn;
	rows: number;
	missing: number;
	moments: Moments | null;
	distinct: DistinctNumbers | null;
	/** Categorical: rows per code. */
	counts: Int32Array | null;
	/** Numeric: every present value larger than the one before it (row numbers, ids). */
	monotone: boolean;
	last: number;
}

const TOP = 10;
const HIGH_MISSING = 0.5;
const ID_MIN_ROWS = 20;

const PII_WORDS: Record<PiiKind, string> = {
	email: 'e-mail addresses',
	phone: 'phone numbers',
	iban: 'IBANs (bank account numbers)',
	card: 'payment card numbers',
	ip: 'IP addresses',
	name: "people's names"
};

function topValues(counts: Int32Array, dictionary: Dictionary): { top: TopValue[]; total: number; length: number } {
	const top: number[] = [];
	let total = 0;
	let length = 0;
	for (let code = 0; code < dictionary.length; code++) {
		const n = counts[code] ?? 0;
		if (n === 0) continue;
		total += n;
		length += n * lengthAt(dictionary, code);
		if (top.length < TOP || n > counts[top[top.length - 1]]) {
			let at = top.length < TOP ? top.length : TOP - 1;
			top[at] = code;
			while (at > 0 && counts[top[at - 1]] < n) {
				[top[at - 1], top[at]] = [top[at], top[at - 1]];
				at--;
			}
		}
	}
	return { top: top.map((code) => ({ value: valueAt(dictionary, code), count: counts[code] })), total, length };
}

/** The parts of a column's summary that need the row sample and running sketches. */
export function numericPart(s: ColumnState, reservoir: RowReservoir, c: number, sortedOf: (c: number) => Float64Array): ColumnSummary {
	const { column } = s;
	const summary: ColumnSummary = { name: column.name, semantic: column.semantic, physical: column.physical, rows: s.rows, missing: s.missing, distinct: 0, distinctApproximate: false, warnings: [] };
	if (s.moments && s.distinct) {
		summary.distinct = s.distinct.count;
		summary.distinctApproximate = s.distinct.approximate;
		const integer = column.semantic === 'integer' || column.semantic === 'boolean';
		summary.numeric = numericSummary(s.moments, sortedOf(c), reservoir.exact, integer);
	}
	return summary;
}

/** Adds what needs the dictionary's strings (top values, PII) and the column's warnings. */
export function completeSummary(s: ColumnState, summary: ColumnSummary, dictionary: Dictionary | null, importWarnings: readonly ImportWarning[]): ColumnSummary {
	const { column } = s;
	const name = column.name;
	const warnings = summary.warnings;
	const present = s.rows - s.missing;
	if (s.moments && column.semantic === 'boolean') {
		const trues = Math.round(s.moments.mean * s.moments.n);
		const [f, t] = column.booleanLabels ?? ['false', 'true'];
		const top = [{ value: t, count: trues }, { value: f, count: present - trues }].filter((x) => x.count > 0).sort((a, b) => b.count - a.count);
		summary.categories = { top, otherCount: 0, meanLength: 0 };
	} else if (s.counts && dictionary) {
		const counts = s.counts;
		const { top, total, length } = topValues(counts, dictionary);
		let distinct = 0;
		for (let code = 0; code < dictionary.length; code++) if (counts[code] > 0) distinct++;
		summary.distinct = distinct;
		const categories: CategorySummary = { top, otherCount: total - top.reduce((n, t) => n + t.count, 0), meanLength: total > 0 ? length / total : 0 };
		summary.categories = categories;
		const pii = detectPii(!(dictionary instanceof PackedStrings) ? dictionary : Array.from({ length: Math.min(1000, dictionary.length) }, (_, code) => valueAt(dictionary, code)));
		if (pii) warnings.push({ kind: 'pii', column: name, pii, message: `Column "${name}" looks like it holds ${PII_WORDS[pii]}. Drop, hash or mask it unless the model truly needs it.` });
	}
	const distinct = summary.distinct;
	if (present === 0) warnings.push({ kind: 'constant', column: name, message: `Column "${name}" has no values at all.` });
	else if (distinct === 1) warnings.push({ kind: 'constant', column: name, message: `Column "${name}" holds one value only; it cannot help a model.` });
	if (s.rows > 0 && s.missing / s.rows > HIGH_MISSING) {
		warnings.push({ kind: 'high-missing', column: name, message: `Column "${name}" is missing in ${Math.round((100 * s.missing) / s.rows)} % of rows.` });
	}
	const allDistinct = present >= ID_MIN_ROWS && distinct === present && !summary.distinctApproximate;
	const idLike = column.semantic === 'identifier' || (allDistinct && (column.semantic === 'categorical' || (column.semantic === 'integer' && s.monotone)));
	if (idLike && present >= ID_MIN_ROWS) {
		warnings.push({ kind: 'id-like', column: name, message: `Column "${name}" looks like an identifier (a different value in every row); a model learns nothing general from it.` });
	}
	for (const w of importWarnings) {
		if (w.column === name && w.kind === 'type-mismatch') warnings.push({ kind: 'type-mismatch', column: name, message: w.message });
	}
	return summary;
}

export function datasetWarnings(profile: DatasetProfile, leaks: { column: string; score: number }[], duplicatesComplete: boolean): ProfileWarning[] {
	const out: ProfileWarning[] = profile.columns.flatMap((c) => c.warnings);
	for (const leak of leaks) {
		const what = profile.target?.task === 'regression' ? `R² ${leak.score.toFixed(3)}` : `accuracy ${leak.score.toFixed(3)}`;
		out.push({
			kind: 'leakage',
			column: leak.column,
			score: leak.score,
			message: `Column "${leak.column}" alone predicts "${profile.target?.column}" almost perfectly (${what}). It may leak the answer (recorded after the outcome, or derived from it); check before training on it.`
		});
	}
	if (profile.duplicateRows > 0) {
		const note = duplicatesComplete ? '' : ' (counted over the first 8.4 million rows)';
		out.push({ kind: 'duplicates', message: `${profile.duplicateRows.toLocaleString('en')} rows repeat an earlier row exactly${note}.` });
	}
	const t = profile.target;
	if (t?.task === 'classification' && t.imbalanceRatio !== undefined && t.imbalanceRatio >= 10) {
		out.push({ kind: 'imbalance', column: t.column, message: `The classes of "${t.column}" are imbalanced: the largest has ${Math.round(t.imbalanceRatio)} times the rows of the smallest.` });
	}
	return out;
}
