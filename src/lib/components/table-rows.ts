import { escapeHtml } from '$workers/lib/share/html';

/** Characters that fit a table column; a longer cell becomes a button that shows all of it. */
export const LONG_CELL = 17;

/** A column as the virtual table shows it. */
export interface VirtualColumn {
	name: string;
	numeric: boolean;
	/** One short line under the name: type, range, missing count. */
	note?: string;
	warn?: string;
}

/** A column drawn in a row, with its position in the whole table. */
export type RowColumn = VirtualColumn & { index: number };

/**
 * One body row's cells as markup, for a virtual table that redraws its rows as they scroll by.
 * A row drawn as Svelte elements cost six reactive effects a cell (the if-block, classes, the
 * text); twenty rows of ten cells made the table's first frame a 40–50 ms main-thread task at the
 * end of a big import. Cells sit in source order from the first column shown (the row is padded
 * on the left by the caller), so they need no inline style, which the studio's CSP forbids.
 * `text` gives a cell's text, '' for a missing value and null while its rows are being read.
 */
export function rowMarkup(row: number, columns: readonly RowColumn[], text: (row: number, column: number) => string | null): string {
	let html = '';
	for (const c of columns) {
		const value = text(row, c.index);
		const classes = `cell${c.numeric ? ' num' : ''}${value === '' ? ' missing' : ''}`;
		let body: string;
		if (value === null) body = '…';
		else if (value === '') body = '—';
		else if (value.length > LONG_CELL) {
			const label = escapeHtml(`Show all of ${c.name}, row ${row + 1}`);
			body = `<button type="button" class="more" data-column="${c.index}" aria-label="${label}">${escapeHtml(value.slice(0, LONG_CELL))}…</button>`;
		} else body = escapeHtml(value);
		html += `<div role="cell" aria-colindex="${c.index + 1}" class="${classes}">${body}</div>`;
	}
	return html;
}

/** A preview row's cells (text as it will be stored, '' for missing) as `<td>` markup, for the same reason. */
export function previewRowMarkup(cells: readonly string[]): string {
	let html = '';
	for (const cell of cells) html += cell === '' ? '<td class="missing">—</td>' : `<td>${escapeHtml(cell)}</td>`;
	return html;
}

/** The header cells of the same columns (name, note, warning), as markup for the same reason. */
export function headMarkup(columns: readonly RowColumn[]): string {
	let html = '';
	for (const c of columns) {
		const name = escapeHtml(c.name);
		const note = c.note ? `<span class="note">${escapeHtml(c.note)}</span>` : '';
		const warn = c.warn ? `<span class="warn">${escapeHtml(c.warn)}</span>` : '';
		html += `<div role="columnheader" aria-colindex="${c.index + 1}" class="cell headcell${c.numeric ? ' num' : ''}" title="${name}"><span class="name">${name}</span>${note}${warn}</div>`;
	}
	return html;
}
