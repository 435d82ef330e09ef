import type { DriftCheck } from '$lib/db';
import type { ColumnDrift, DriftLevel, DriftReport } from '$workers/protocol';

export const LEVEL_TEXT: Record<DriftLevel, string> = { stable: 'stable', moderate: 'some shift', major: 'major shift' };

export { largestPsi } from '$workers/lib/drift/report';

function names(columns: ColumnDrift[]): string {
	const shown = columns.slice(0, 3).map((c) => c.name);
	return columns.length > 3 ? `${shown.join(', ')} and ${columns.length - 3} more` : shown.join(', ');
}

/** One sentence a person reads first: how many columns (or, for texts, measures) moved, and which. */
export function driftHeadline(report: DriftReport, rows: 'rows' | 'texts' = 'rows'): string {
	const major = report.columns.filter((c) => c.level === 'major');
	const moderate = report.columns.filter((c) => c.level === 'moderate');
	const what = rows === 'texts' ? 'measure' : 'input column';
	const of = `of ${report.columns.length} ${what}${report.columns.length === 1 ? '' : 's'}`;
	const training = `${report.referenceRows.toLocaleString('en-US')} training ${rows}`;
	if (major.length === 0 && moderate.length === 0) return `No ${what} has shifted: all ${report.columns.length} are distributed as in the ${training}.`;
	const parts: string[] = [];
	if (major.length > 0) parts.push(`${major.length} ${of} shifted a lot (${names(major)})`);
	if (moderate.length > 0) parts.push(`${moderate.length}${major.length > 0 ? '' : ` ${of}`} shifted somewhat (${names(moderate)})`);
	return `${parts.join('; ')}, against the ${training}.`;
}

/** A share as a percentage that never reads 0 % for a non-empty bin. */
export function percent(share: number): string {
	if (share === 0) return '0 %';
	const p = share * 100;
	return p < 0.1 ? '< 0.1 %' : `${p < 10 ? p.toFixed(1) : p.toFixed(0)} %`;
}

/** The KS test in words, where a column has one. */
export function ksText(column: ColumnDrift): string | null {
	if (!column.ks) return null;
	const p = column.ks.pValue;
	return `KS ${column.ks.statistic.toFixed(2)}, p ${p < 0.001 ? '< 0.001' : p.toFixed(3)}`;
}

/** A cell a spreadsheet would run as a formula (a column named "=sum…") stays text; commas and quotes are quoted. */
function csvCell(value: string): string {
	const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
	return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One check as a CSV table, a row per input column and one for the predictions. */
export function driftCsv(check: DriftCheck): string {
	const header = ['column', 'kind', 'psi', 'level', 'ks_statistic', 'ks_p_value', 'missing_training', 'missing_new', 'training', 'new_rows'];
	const columns = check.report.predictions ? [...check.report.columns, check.report.predictions] : check.report.columns;
	const rows = columns.map((c) => [c.name, c.kind, c.psi.toFixed(4), c.level, c.ks ? c.ks.statistic.toFixed(4) : '', c.ks ? c.ks.pValue.toPrecision(3) : '', c.missing.reference.toFixed(4), c.missing.current.toFixed(4), c.summary.reference, c.summary.current]);
	return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

/** The line under a column's bar: its KS test or new categories, and what chance gives at a small file's size. */
export function columnNote(column: ColumnDrift): string | undefined {
	const kinds = column.unseenKinds ?? column.unseen?.length ?? 0;
	const parts = [column.kind === 'numeric' ? ksText(column) : kinds > 0 ? `${kinds} new categor${kinds === 1 ? 'y' : 'ies'}` : null, column.chance ? `chance alone: up to ${column.chance.toFixed(2)}` : null].filter((p): p is string => p !== null);
	return parts.length > 0 ? parts.join(' · ') : undefined;
}
