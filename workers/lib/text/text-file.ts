import type { Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { cellText } from '$shared/table';
import { argmax } from '../evaluate/classification';

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
export function textPredictionTable(table: Table, probabilities: Float32Array, classes: readonly string[]): { header: string[]; rows: string[][]; predicted: string[] } {
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
	const predicted = Array.from(argmax(probabilities, k), (c) => classes[c]);
	const rows = Array.from({ length: table.rowCount }, (_, r) => [...table.columns.map((c) => cellText(c, r)), predicted[r], ...Array.from({ length: k }, (_, j) => probabilities[r * k + j].toFixed(4))]);
	return { header, rows, predicted };
}
