import type { Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { compileExpression } from '../expression';
import type { TableStepDefinition } from '../step-definition';
import { takeRows } from '../table-ops';
import type { TableStep } from '../types';
import { onlyKeys, text, texts } from '../validate';
import { assertColumns } from './columns';

type Filter = Extract<TableStep, { kind: 'filter' }>;
type Dedupe = Extract<TableStep, { kind: 'dedupe' }>;

const schemaOf = (table: Table) => table.columns.map((c) => ({ name: c.name, kind: c.kind }));

function compileFilter(step: Filter, table: Table) {
	const compiled = compileExpression(step.expression, schemaOf(table));
	if (compiled.type !== 'bool') {
		throw new KilnError('ExpressionError', `a filter needs a condition that is true or false, such as  age >= 18; this expression gives ${compiled.type === 'number' ? 'numbers' : 'text'}.`);
	}
	return compiled;
}

export const filter: TableStepDefinition<Filter> = {
	keys: ['expression'],
	validate: (raw, at) => (onlyKeys(raw, at, ['kind', 'expression']), { kind: 'filter', expression: text(raw, 'expression', at) }),
	describe: (s) => `Keep rows where ${s.expression}`,
	removesRows: true,
	fit: (step, table) => ({ columns: compileFilter(step, table).columns }),
	transform: (step, _params, table) => {
		const result = compileFilter(step, table).evaluate(table);
		const keep: number[] = [];
		// Missing counts as not true, as in SQL's WHERE.
		if (result.type === 'bool') for (let r = 0; r < table.rowCount; r++) if (result.values[r] === 1) keep.push(r);
		const sourceRows = Int32Array.from(keep);
		const removed = table.rowCount - keep.length;
		return {
			table: takeRows(table, sourceRows),
			sourceRows,
			warnings: removed > 0 ? [{ message: `${removed} row${removed === 1 ? '' : 's'} removed by the filter.`, count: removed, examples: [] }] : []
		};
	},
	effects: (step, params) => [{ reads: (params.columns as string[] | undefined) ?? [], writes: [], removes: [] }]
};

/**
 * A row's cells as one exact key: numbers by their shortest exact text, text cells through one
 * index per distinct text (so equal texts under different codes still match).
 */
export function rowKeys(table: Table, names: readonly string[]): string[] {
	const columns = names.map((name) => table.columns.find((c) => c.name === name)!);
	const canonical = columns.map((c) => {
		if (c.kind === 'numeric') return null;
		const first = new Map<string, number>();
		return c.categories.map((text, code) => {
			if (!first.has(text)) first.set(text, code);
			return first.get(text)!;
		});
	});
	const keys = new Array<string>(table.rowCount);
	for (let r = 0; r < table.rowCount; r++) {
		let key = '';
		for (let k = 0; k < columns.length; k++) {
			const c = columns[k];
			if (c.kind === 'numeric') key += Number.isNaN(c.values[r]) ? 'm,' : `${c.values[r]},`;
			else key += c.codes[r] < 0 ? 'm,' : `${canonical[k]![c.codes[r]]},`;
		}
		keys[r] = key;
	}
	return keys;
}

export const dedupe: TableStepDefinition<Dedupe> = {
	keys: ['columns'],
	validate: (raw, at) => (onlyKeys(raw, at, ['kind', 'columns']), { kind: 'dedupe', columns: texts(raw, 'columns', at) }),
	describe: (s) => (s.columns.length === 0 ? 'Drop duplicate rows' : `Drop rows that repeat ${s.columns.map((c) => `"${c}"`).join(', ')}`),
	removesRows: true,
	// "Every column" is fixed at fit time, so extra columns in a later file change nothing.
	fit: (step, table) => {
		assertColumns(table, step.columns);
		return { columns: step.columns.length > 0 ? step.columns : table.columns.map((c) => c.name) };
	},
	transform: (_step, params, table) => {
		const names = params.columns as string[];
		assertColumns(table, names);
		const seen = new Set<string>();
		const keep: number[] = [];
		rowKeys(table, names).forEach((key, r) => {
			if (seen.has(key)) return;
			seen.add(key);
			keep.push(r);
		});
		const sourceRows = Int32Array.from(keep);
		const removed = table.rowCount - keep.length;
		return {
			table: takeRows(table, sourceRows),
			sourceRows,
			warnings: removed > 0 ? [{ message: `${removed} duplicate row${removed === 1 ? '' : 's'} removed (the first of each kept).`, count: removed, examples: [] }] : []
		};
	},
	effects: (_step, params) => [{ reads: params.columns as string[], writes: [], removes: [] }]
};
