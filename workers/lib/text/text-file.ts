import type { Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { cellText } from '$shared/table';

/** The text column of a file to predict, by the name the model was trained on, as strings. */
export function fileTexts(table: Table, column: string, fileName: string): (string | null)[] {
	const found = table.columns.find((c) => c.name === column);
	if (!found) throw new KilnError('SchemaMismatchError', `${fileName} has no column “${column}”, the text column this model reads; its columns are ${table.columns.map((c) => `“${c.name}”`).join(', ') || 'none'}.`);
	return Array.from({ length: table.rowCount }, (_, r) => {
		const text = cellText(found, r);
		return text === '' ? null : text;
	});
}

/**
 * The file's own columns (as written), then the predicted class and one probability per class,
 * so the result joins back to the person's rows. A column named like an added one gets a suffix.
 */
export function textPredictionTable(table: Table, probabilities: Float32Array, classes: readonly string[]): { header: string[]; rows: string[][] } {
	const k = classes.length;
	if (probabilities.length !== table.rowCount * k) throw new KilnError('ValidationError', `Expected ${table.rowCount} rows × ${k} probabilities but got ${probabilities.length}.`);
	const taken = new Set(table.columns.map((c) => c.name));
	const fresh = (name: string) => {
		let out = name;
		while (taken.has(out)) out = `${out}_`;
		taken.add(out);
		return out;
	};
	const header = [...table.columns.map((c) => c.name), fresh('predicted'), ...classes.map((c) => fresh(`p(${c})`))];
	const rows = Array.from({ length: table.rowCount }, (_, r) => {
		let best = 0;
		for (let j = 1; j < k; j++) if (probabilities[r * k + j] > probabilities[r * k + best]) best = j;
		return [...table.columns.map((c) => cellText(c, r)), classes[best], ...Array.from({ length: k }, (_, j) => probabilities[r * k + j].toFixed(4))];
	});
	return { header, rows };
}
