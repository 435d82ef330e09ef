import type { TableStepDefinition } from '../step-definition';
import { datePartColumns } from '../dates';
import { getNumeric, insertAfter, removeColumns } from '../table-ops';
import type { DatePart, TableStep } from '../types';
import { boolean, invalid, onlyKeys, text } from '../validate';

type DateParts = Extract<TableStep, { kind: 'date-parts' }>;

export const DATE_PARTS: readonly DatePart[] = ['year', 'month', 'day', 'weekday', 'hour'];
export const partName = (column: string, part: DatePart) => `${column}_${part}`;

export const dateParts: TableStepDefinition<DateParts> = {
	keys: ['column', 'parts', 'keepSource'],
	validate: (raw, at) => {
		onlyKeys(raw, at, ['kind', 'column', 'parts', 'keepSource']);
		const parts = raw.parts;
		if (!Array.isArray(parts) || parts.length === 0 || parts.some((p) => !DATE_PARTS.includes(p as DatePart)) || new Set(parts).size !== parts.length) {
			invalid(`${at}.parts`, `expected a list of distinct parts from ${DATE_PARTS.join(', ')}.`);
		}
		return { kind: 'date-parts', column: text(raw, 'column', at), parts: parts as DatePart[], keepSource: boolean(raw, 'keepSource', at) };
	},
	describe: (s) => `Split the date "${s.column}" into ${s.parts.join(', ')} (UTC)${s.keepSource ? '' : ' and drop it'}`,
	removesRows: false,
	fit: (step, table) => (getNumeric(table, step.column, 'date parts (dates as epoch milliseconds)'), {}),
	transform: (step, _params, table) => {
		const source = getNumeric(table, step.column, 'date parts (dates as epoch milliseconds)');
		let out = table;
		let after = step.column;
		const columns = datePartColumns(source.values, step.parts);
		step.parts.forEach((part, i) => {
			const name = partName(step.column, part);
			out = insertAfter(out, after, { name, kind: 'numeric', values: columns[i] });
			after = name;
		});
		return { table: step.keepSource ? out : removeColumns(out, [step.column]), warnings: [] };
	},
	effects: (step) => [{ reads: [step.column], writes: step.parts.map((p) => partName(step.column, p)), removes: step.keepSource ? [] : [step.column] }]
};
