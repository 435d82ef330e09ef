import Papa from 'papaparse';
import type { PredictResult, Table, TargetTransform } from '../protocol';
import { displayCell, type CellMeaning } from '$shared/cell-format';

/** Rows of a prediction file shown on the page; the rest is in the downloadable CSV. */
export const PREVIEW_ROWS = 20;

/**
 * The person's file with the predictions (and class probabilities) beside it, in the file's
 * own column order, so results can be joined back on any column, an ID included.
 */
export function predictionTable(table: Table, fileOrder: string[], target: TargetTransform, result: PredictResult, meanings: readonly (CellMeaning & { name: string })[] = []): { header: string[]; rows: string[][] } {
	const byName = new Map(table.columns.map((c) => [c.name, c]));
	const columns = fileOrder.map((name) => byName.get(name)!).filter(Boolean);
	const meaning = new Map(meanings.map((m) => [m.name, m]));
	const classes = target.task === 'classification' ? target.classes : [];
	const header = [...columns.map((c) => c.name), `predicted_${target.name}`, ...classes.map((c) => `p_${c}`)];
	const rows = result.predictions.map((p, r) => [...columns.map((c) => displayCell(c, r, meaning.get(c.name))), p, ...(result.probabilities?.[r] ?? []).map((v) => v.toFixed(6))]);
	return { header, rows };
}

/**
 * Cells a spreadsheet would run as a formula: starting with = + - @ tab or CR (OWASP's CSV
 * injection list) — except plain numbers, so "-2.5" stays a number.
 */
const FORMULA = /^(?![-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$)[=+\-@\t\r]/;

/** CSV text for download, formula-leading cells prefixed with a quote so they stay text. */
export function toCsv(header: string[], rows: string[][]): string {
	return Papa.unparse([header, ...rows], { escapeFormulae: FORMULA });
}
