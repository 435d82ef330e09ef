import type { Column, ColumnProfile, Table, Task } from '$workers/protocol';
import { KilnError } from './errors';

export function findColumn(table: Table, name: string): Column {
	const column = table.columns.find((c) => c.name === name);
	if (!column) throw new KilnError('SchemaMismatchError', `There is no column "${name}" in this dataset.`);
	return column;
}

export function isMissingAt(column: Column, row: number): boolean {
	return column.kind === 'numeric' ? Number.isNaN(column.values[row]) : column.codes[row] < 0;
}

/** The cell as a person would read it; empty for a missing value. */
export function cellText(column: Column, row: number): string {
	if (column.kind === 'numeric') {
		const v = column.values[row];
		return Number.isNaN(v) ? '' : String(v);
	}
	const code = column.codes[row];
	return code < 0 ? '' : column.categories[code];
}

export function profileColumn(column: Column): ColumnProfile {
	if (column.kind === 'numeric') {
		let missing = 0;
		let min = Infinity;
		let max = -Infinity;
		let sum = 0;
		const distinct = new Set<number>();
		for (const v of column.values) {
			if (Number.isNaN(v)) {
				missing++;
				continue;
			}
			if (v < min) min = v;
			if (v > max) max = v;
			sum += v;
			if (distinct.size <= 1000) distinct.add(v);
		}
		const present = column.values.length - missing;
		return {
			name: column.name,
			kind: 'numeric',
			missing,
			distinct: distinct.size,
			...(present > 0 ? { min, max, mean: sum / present } : {})
		};
	}
	const counts = new Array<number>(column.categories.length).fill(0);
	let missing = 0;
	for (const code of column.codes) {
		if (code < 0) missing++;
		else counts[code]++;
	}
	const top = counts
		.map((count, i) => ({ value: column.categories[i], count }))
		.filter((t) => t.count > 0)
		.sort((a, b) => b.count - a.count);
	return { name: column.name, kind: 'categorical', missing, distinct: top.length, top: top.slice(0, 5) };
}

export function profileTable(table: Table): ColumnProfile[] {
	return table.columns.map(profileColumn);
}

/** Integer-valued numeric targets with few distinct values (digit labels, ratings) are classes. */
const MAX_INTEGER_CLASSES = 20;

export function inferTask(column: Column): Task {
	if (column.kind === 'categorical') return 'classification';
	const distinct = new Set<number>();
	for (const v of column.values) {
		if (Number.isNaN(v)) continue;
		if (!Number.isInteger(v)) return 'regression';
		distinct.add(v);
		if (distinct.size > MAX_INTEGER_CLASSES) return 'regression';
	}
	return 'classification';
}

/** The default target: a column named like a label, else the last column. */
export function guessTarget(table: Table): string {
	return guessTargetName(table.columns.map((c) => c.name));
}

export function guessTargetName(names: readonly string[]): string {
	const labelLike = names.find((n) => /^(target|label|class|y|species|diagnosis|outcome|survived)$/i.test(n));
	return labelLike ?? names[names.length - 1];
}

/** The buffers to hand to `postMessage` as transferables so columns move instead of copy. */
export function tableBuffers(table: Table): ArrayBuffer[] {
	return table.columns.map((c) => (c.kind === 'numeric' ? c.values.buffer : c.codes.buffer) as ArrayBuffer);
}

/** Rows [start, end) as a new table sharing category dictionaries. */
export function sliceTable(table: Table, start: number, end: number): Table {
	return {
		rowCount: end - start,
		columns: table.columns.map((c) =>
			c.kind === 'numeric'
				? { ...c, values: c.values.slice(start, end) }
				: { ...c, codes: c.codes.slice(start, end) }
		)
	};
}
