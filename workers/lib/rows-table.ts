import type { FeatureTransform, Table } from '../protocol';
import { KilnError } from '$shared/errors';
import { parseNumber } from '$shared/number';
import { isMissing } from './csv';

/**
 * Rows typed into a form → a table with the model's columns. Text goes through the same
 * rules as a file: the missing-value tokens mean "unknown", numbers use the one shared parser
 * (so "0x1A" is refused here as it is in a file).
 */
export function rowsTable(features: FeatureTransform[], rows: Record<string, string>[]): Table {
	return {
		rowCount: rows.length,
		columns: features.map((f) => {
			const texts = rows.map((row) => (row[f.name] ?? '').trim());
			if (f.kind === 'numeric') {
				const values = Float64Array.from(texts, (text, r) => {
					if (isMissing(text)) return NaN;
					const value = parseNumber(text);
					if (value === undefined) throw new KilnError('SchemaMismatchError', `“${f.name}”${rows.length > 1 ? ` in row ${r + 1}` : ''} must be a number such as 3.5 or -2e3 (or empty if unknown), not “${text}”.`);
					return value;
				});
				return { name: f.name, kind: 'numeric', values };
			}
			const categories = [...new Set(texts.filter((t) => !isMissing(t)))];
			const index = new Map(categories.map((c, i) => [c, i]));
			return { name: f.name, kind: 'categorical', categories, codes: Int32Array.from(texts, (t) => index.get(t) ?? -1) };
		})
	};
}
