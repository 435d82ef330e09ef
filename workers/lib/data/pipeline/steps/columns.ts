import type { Column, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import type { TableStepDefinition } from '../step-definition';
import { noWarnings } from '../step-definition';
import { categoricalFromLabels, columnNames, getColumn, removeColumns } from '../table-ops';
import { sortedValues } from '../stats';
import { range } from '../typed';
import { binOf } from './numeric';
import type { TableStep } from '../types';
import { oneOf, onlyKeys, text, texts } from '../validate';
import { didYouMean } from '../expression/suggest';

type Drop = Extract<TableStep, { kind: 'drop' }>;
type Rename = Extract<TableStep, { kind: 'rename' }>;
type Cast = Extract<TableStep, { kind: 'cast' }>;

const quoted = (names: string[]) => names.map((n) => `"${n}"`).join(', ');

export const drop: TableStepDefinition<Drop> = {
	keys: ['columns'],
	validate: (raw, at) => (onlyKeys(raw, at, ['kind', 'columns']), { kind: 'drop', columns: texts(raw, 'columns', at, { min: 1 }) }),
	describe: (s) => `Drop ${quoted(s.columns)}`,
	removesRows: false,
	fit: (step, table) => {
		// A typo here would otherwise keep a column silently; at prediction an absent column is fine.
		step.columns.forEach((name) => getColumn(table, name));
		return {};
	},
	transform: (step, _params, table) => noWarnings(removeColumns(table, step.columns)),
	effects: (step) => [{ reads: [], writes: [], removes: step.columns }]
};

export const rename: TableStepDefinition<Rename> = {
	keys: ['from', 'to'],
	validate: (raw, at) => (onlyKeys(raw, at, ['kind', 'from', 'to']), { kind: 'rename', from: text(raw, 'from', at), to: text(raw, 'to', at) }),
	describe: (s) => `Rename "${s.from}" to "${s.to}"`,
	removesRows: false,
	fit: () => ({}),
	transform: (step, _params, table) => {
		const column = getColumn(table, step.from);
		if (step.to !== step.from && table.columns.some((c) => c.name === step.to)) {
			throw new KilnError('PipelineError', `there is already a column "${step.to}"; drop or rename it first.`);
		}
		return noWarnings({ rowCount: table.rowCount, columns: table.columns.map((c) => (c === column ? { ...c, name: step.to } : c)) });
	},
	effects: (step) => [{ reads: [step.from], writes: [step.to], removes: step.from === step.to ? [] : [step.from] }]
};

/** Plain decimal numbers only, as the CSV reader accepts them; "0x1A", "1,5" and "NaN" are not numbers. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export function parseNumber(cell: string): number {
	const trimmed = cell.trim();
	return NUMBER.test(trimmed) ? Number(trimmed) : NaN;
}

function castColumn(column: Column, to: Column['kind']): { column: Column; failed: number; examples: string[] } {
	if (column.kind === to) return { column, failed: 0, examples: [] };
	if (column.kind === 'numeric') {
		// Categories in numeric order, so an ordinal encoding of the result follows the numbers.
		// Typed sort and binary search instead of a Map: a million distinct values took 14 s that way.
		const sorted = sortedValues(column.values, range(column.values.length));
		let distinct = 0;
		for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[distinct++] = sorted[i];
		const unique = sorted.subarray(0, distinct);
		// String(v) is the shortest text that reads back as exactly v, so casting back is lossless.
		const labels = new Array<string>(unique.length);
		for (let i = 0; i < unique.length; i++) labels[i] = String(unique[i]);
		return { column: categoricalFromLabels(column.name, column.values, labels, (v) => binOf(unique, v) - 1), failed: 0, examples: [] };
	}
	const parsed = column.categories.map(parseNumber);
	const values = new Float64Array(column.codes.length);
	const failedCodes = new Set<number>();
	let failed = 0;
	for (let r = 0; r < values.length; r++) {
		const code = column.codes[r];
		values[r] = code < 0 ? NaN : parsed[code];
		if (code >= 0 && Number.isNaN(parsed[code])) {
			failed++;
			failedCodes.add(code);
		}
	}
	const examples = [...failedCodes].slice(0, 5).map((c) => column.categories[c]);
	return { column: { name: column.name, kind: 'numeric', values }, failed, examples };
}

export const cast: TableStepDefinition<Cast> = {
	keys: ['column', 'to'],
	validate: (raw, at) => (onlyKeys(raw, at, ['kind', 'column', 'to']), { kind: 'cast', column: text(raw, 'column', at), to: oneOf(raw, 'to', at, ['numeric', 'categorical'] as const) }),
	describe: (s) => `Cast "${s.column}" to ${s.to === 'numeric' ? 'numbers' : 'text'}`,
	removesRows: false,
	fit: () => ({}),
	transform: (step, _params, table: Table) => {
		const source = getColumn(table, step.column);
		const { column, failed, examples } = castColumn(source, step.to);
		const columns = table.columns.map((c) => (c === source ? column : c));
		const warnings =
			failed > 0
				? [{ message: `${failed} cell${failed === 1 ? '' : 's'} of "${step.column}" are not numbers and became missing (e.g. ${examples.map((e) => `"${e}"`).join(', ')}).`, count: failed, examples }]
				: [];
		return { table: { rowCount: table.rowCount, columns }, warnings };
	},
	effects: (step) => [{ reads: [step.column], writes: [step.column], removes: [] }]
};

export function assertColumns(table: Table, names: readonly string[]): void {
	const missing = names.filter((n) => !table.columns.some((c) => c.name === n));
	if (missing.length > 0) {
		throw new KilnError('PipelineError', `there is no column ${quoted(missing)} at this point.${didYouMean(missing[0], columnNames(table))}`);
	}
}
