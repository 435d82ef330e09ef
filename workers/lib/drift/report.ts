import type { ColumnDrift, DriftReport, InputColumn, Table } from '../../protocol';
import { categoricalDrift, countLabels, countsAt, isoDate, numericDrift, plainNumber, valuesAt } from './column';

/** Below this many new rows a check says that chance alone moves the index a lot (see chanceIndex). */
export const FEW_ROWS = 100;

export interface DriftInput {
	/** The table the model was trained from, its target read as training read it. */
	reference: Table;
	/** The model's training rows in `reference`. */
	referenceRows: Int32Array;
	/** The new rows, their input columns read with the training types. */
	current: Table;
	inputs: readonly InputColumn[];
	/** The target and the model's predictions for the new rows, for the prediction shift. */
	target?: { name: string; task: 'classification' | 'regression' };
	predictions?: readonly string[];
}

/** The largest index over the input columns (0 for a report with none). */
export const largestPsi = (report: DriftReport): number => report.columns.reduce((m, c) => Math.max(m, c.psi), 0);

/** The input columns a check found shifted (moderate or major). */
export const shiftedColumns = (report: DriftReport): ColumnDrift[] => report.columns.filter((c) => c.level !== 'stable');

const yesNoCounts = (values: Float64Array) => countLabels(Array.from(values, (v) => (Number.isNaN(v) ? '' : v === 1 ? 'yes' : 'no')));

/** Under FEW_ROWS new rows, a word that the index is noisy. */
export function fewRowsNote(rows: number): string | null {
	return rows < FEW_ROWS ? `Only ${rows} new row${rows === 1 ? '' : 's'}: at this size chance alone moves the index a lot, so a column is called shifted only beyond what 95 % of samples of ${rows} training row${rows === 1 ? '' : 's'} would give; compare a larger batch before acting on it.` : null;
}

/** Drift of each input column, and of the predictions against the training labels, most shifted first. */
export function driftReport(input: DriftInput): DriftReport {
	const { reference, referenceRows: rows, current } = input;
	const notes: string[] = [];
	const columns: ColumnDrift[] = [];
	for (const column of input.inputs) {
		const ref = reference.columns.find((c) => c.name === column.name);
		const cur = current.columns.find((c) => c.name === column.name);
		if (!ref || !cur) {
			notes.push(`“${column.name}” is not in the ${ref ? 'new rows' : 'training data as stored now'}; it is left out of the comparison.`);
			continue;
		}
		if (ref.kind === 'numeric' && cur.kind === 'numeric' && column.semantic === 'boolean') {
			// Yes/no columns are stored as 1/0: compared as the two answers, not binned as numbers.
			columns.push(categoricalDrift(column.name, yesNoCounts(valuesAt(ref, rows)), yesNoCounts(valuesAt(cur))));
		} else if (ref.kind === 'numeric' && cur.kind === 'numeric') {
			columns.push(numericDrift(column.name, valuesAt(ref, rows), valuesAt(cur), column.semantic === 'datetime' ? isoDate : plainNumber));
		} else if (ref.kind === 'categorical' && cur.kind === 'categorical') {
			columns.push(categoricalDrift(column.name, countsAt(ref, rows), countsAt(cur)));
		} else {
			notes.push(`“${column.name}” reads as ${ref.kind === 'numeric' ? 'numbers' : 'categories'} in the training data but as ${cur.kind === 'numeric' ? 'numbers' : 'categories'} in the new rows; it is left out of the comparison.`);
		}
	}
	columns.sort((a, b) => b.psi - a.psi || (a.name < b.name ? -1 : 1));
	const few = fewRowsNote(current.rowCount);
	if (few) notes.push(few);
	return { referenceRows: rows.length, currentRows: current.rowCount, columns, predictions: predictionDrift(input), notes };
}

function predictionDrift({ reference, referenceRows: rows, target, predictions }: DriftInput): ColumnDrift | null {
	if (!target || !predictions) return null;
	const labels = reference.columns.find((c) => c.name === target.name);
	if (!labels) return null;
	const name = `predicted ${target.name}`;
	if (target.task === 'regression') {
		if (labels.kind !== 'numeric') return null;
		// Training rows with no target were never trained on; the file's predictions are all present.
		return numericDrift(name, valuesAt(labels, rows), Float64Array.from(predictions, (p) => (p === '' ? NaN : Number(p))));
	}
	const trained = labels.kind === 'categorical' ? countsAt(labels, rows) : countLabels(Array.from(valuesAt(labels, rows), (v) => (Number.isNaN(v) ? '' : String(v))));
	return categoricalDrift(name, { counts: trained.counts, missing: 0 }, countLabels(predictions));
}
