import type { Column, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import type { TableStepDefinition } from '../step-definition';
import { categoryCounts, codesByFrequency, moments, numericMode, quantile, sortedValues } from '../stats';
import { getColumn, insertAfter, setColumn } from '../table-ops';
import type { ImputeStrategy, TableStep } from '../types';
import { boolean, invalid, oneOf, onlyKeys, texts } from '../validate';
import { mapToFloat64, mapToInt32 } from '../typed';

type Impute = Extract<TableStep, { kind: 'impute' }>;

export const indicatorName = (column: string) => `${column}_missing`;

function fitFill(step: Impute, column: Column, rows: Int32Array): number | string {
	if (step.strategy === 'constant') {
		const value = step.value;
		if (column.kind === 'numeric' && typeof value !== 'number') throw new KilnError('PipelineError', `column "${column.name}" holds numbers, so the constant must be a number.`);
		if (column.kind === 'categorical' && typeof value !== 'string') throw new KilnError('PipelineError', `column "${column.name}" holds text, so the constant must be text.`);
		return value as number | string;
	}
	if (column.kind === 'categorical') {
		if (step.strategy !== 'mode') throw new KilnError('PipelineError', `column "${column.name}" holds text, which has no ${step.strategy}; use the most frequent value (mode) or a constant.`);
		const [top] = codesByFrequency(categoryCounts(column.codes, column.categories.length, rows));
		if (top === undefined) throw new KilnError('PipelineError', `column "${column.name}" has no values in the training rows to take the most frequent from; use a constant.`);
		return column.categories[top];
	}
	const mean = () => {
		const m = moments(column.values, rows);
		return m.n > 0 ? m.mean : NaN;
	};
	const fill = step.strategy === 'mean' ? mean() : step.strategy === 'median' ? quantile(sortedValues(column.values, rows), 0.5) : numericMode(column.values, rows);
	if (Number.isNaN(fill)) throw new KilnError('PipelineError', `column "${column.name}" has no values in the training rows to take the ${step.strategy} from; use a constant.`);
	return fill;
}

function fillColumn(column: Column, fill: number | string): { column: Column; filled: number } {
	let filled = 0;
	if (column.kind === 'numeric') {
		const values = mapToFloat64(column.values, (v) => (Number.isNaN(v) ? (filled++, fill as number) : v));
		return { column: { ...column, values }, filled };
	}
	let code = column.categories.indexOf(fill as string);
	// A prediction file may never have seen the training mode; it joins the dictionary.
	const categories = code < 0 ? [...column.categories, fill as string] : column.categories;
	if (code < 0) code = categories.length - 1;
	const codes = mapToInt32(column.codes, (c) => (c < 0 ? (filled++, code) : c));
	return { column: { ...column, categories, codes }, filled };
}

function indicator(column: Column, name: string): Column {
	const values = new Float64Array(column.kind === 'numeric' ? column.values.length : column.codes.length);
	for (let r = 0; r < values.length; r++) values[r] = (column.kind === 'numeric' ? Number.isNaN(column.values[r]) : column.codes[r] < 0) ? 1 : 0;
	return { name, kind: 'numeric', values };
}

export const impute: TableStepDefinition<Impute> = {
	keys: ['columns', 'strategy', 'value', 'indicator'],
	validate: (raw, at) => {
		onlyKeys(raw, at, ['kind', 'columns', 'strategy', 'value', 'indicator']);
		const strategy = oneOf<ImputeStrategy>(raw, 'strategy', at, ['mean', 'median', 'mode', 'constant']);
		const value = raw.value;
		if (strategy === 'constant' ? !(typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) : value !== null) {
			invalid(`${at}.value`, strategy === 'constant' ? 'expected the number or text to fill in.' : 'must be null unless the strategy is "constant".');
		}
		return { kind: 'impute', columns: texts(raw, 'columns', at, { min: 1 }), strategy, value: value as number | string | null, indicator: boolean(raw, 'indicator', at) };
	},
	describe: (s) => {
		const how = s.strategy === 'constant' ? `the constant ${JSON.stringify(s.value)}` : s.strategy === 'mode' ? 'the most frequent value' : `the training ${s.strategy}`;
		return `Fill missing ${s.columns.map((c) => `"${c}"`).join(', ')} with ${how}${s.indicator ? ', adding a missing-indicator column' : ''}`;
	},
	removesRows: false,
	fit: (step, table, rows) => ({ fills: step.columns.map((name) => fitFill(step, getColumn(table, name), rows)) }),
	transform: (step, params, table: Table) => {
		const fills = params.fills as (number | string)[];
		const warnings = [];
		let out = table;
		for (let i = 0; i < step.columns.length; i++) {
			const source = getColumn(out, step.columns[i]);
			if (source.kind === 'numeric' ? typeof fills[i] !== 'number' : typeof fills[i] !== 'string') {
				throw new KilnError('SchemaMismatchError', `column "${source.name}" holds ${source.kind === 'numeric' ? 'numbers' : 'text'} now, but it held ${source.kind === 'numeric' ? 'text' : 'numbers'} when the pipeline was fitted.`);
			}
			const { column, filled } = fillColumn(source, fills[i]);
			out = setColumn(out, column);
			if (step.indicator) out = insertAfter(out, source.name, indicator(source, indicatorName(source.name)));
			if (filled > 0) warnings.push({ message: `${filled} missing cell${filled === 1 ? '' : 's'} of "${source.name}" filled with ${JSON.stringify(fills[i])}.`, count: filled, examples: [] });
		}
		return { table: out, warnings };
	},
	effects: (step) => step.columns.map((c) => ({ reads: [c], writes: step.indicator ? [c, indicatorName(c)] : [c], removes: [] }))
};
