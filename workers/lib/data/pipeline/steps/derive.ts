import type { Column, Table } from '$workers/protocol';
import { compileExpression } from '../expression';
import type { TableStepDefinition } from '../step-definition';
import { setColumn } from '../table-ops';
import type { TableStep } from '../types';
import { onlyKeys, text } from '../validate';
import { mapToFloat64 } from '../typed';

type Derive = Extract<TableStep, { kind: 'derive' }>;

const compile = (step: Derive, table: Table) => compileExpression(step.expression, table.columns.map((c) => ({ name: c.name, kind: c.kind })));

export const derive: TableStepDefinition<Derive> = {
	keys: ['name', 'expression'],
	validate: (raw, at) => (onlyKeys(raw, at, ['kind', 'name', 'expression']), { kind: 'derive', name: text(raw, 'name', at, { max: 500 }), expression: text(raw, 'expression', at) }),
	describe: (s) => `New column "${s.name}" = ${s.expression}`,
	removesRows: false,
	fit: (step, table) => ({ columns: compile(step, table).columns }),
	transform: (step, _params, table) => {
		const result = compile(step, table).evaluate(table);
		let column: Column;
		if (result.type === 'number') column = { name: step.name, kind: 'numeric', values: Float64Array.from(result.values) };
		// Conditions become 1/0 numbers, ready for a model; unknown stays missing.
		else if (result.type === 'bool') column = { name: step.name, kind: 'numeric', values: mapToFloat64(result.values, (v) => (v < 0 ? NaN : v)) };
		else column = { name: step.name, kind: 'categorical', categories: result.dict.slice(), codes: Int32Array.from(result.codes) };
		// An existing column of that name is replaced where it stands; a new one goes last.
		return { table: setColumn(table, column), warnings: [] };
	},
	effects: (step, params) => [{ reads: params.columns as string[], writes: [step.name], removes: [] }]
};
