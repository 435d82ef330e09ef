import type { Column } from '$workers/protocol';
import type { SemanticType } from '$workers/lib/data/import/types';
import { cellText } from './table';

/** What a cell needs besides its stored value to be shown as the file had it. */
export interface CellMeaning {
	semantic?: SemanticType;
	booleanLabels?: [string, string];
}

/** An epoch-milliseconds date as ISO text, without a midnight time. */
export function formatDate(ms: number): string {
	const iso = new Date(ms).toISOString();
	return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

/**
 * A cell as a person reads it: dates as dates and booleans in the file's own spelling (both are
 * stored as numbers), empty for a missing value.
 */
export function displayCell(column: Column, row: number, meaning?: CellMeaning): string {
	if (column.kind === 'numeric' && meaning?.semantic) {
		const v = column.values[row];
		if (Number.isNaN(v)) return '';
		if (meaning.semantic === 'datetime') return formatDate(v);
		if (meaning.semantic === 'boolean') return meaning.booleanLabels?.[v === 1 ? 1 : 0] ?? (v === 1 ? 'true' : 'false');
	}
	return cellText(column, row);
}
