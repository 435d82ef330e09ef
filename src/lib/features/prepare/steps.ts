import type { ColumnKind } from '$workers/protocol';
import type { DatePart, TableStep, TableStepKind } from '$workers/lib/data/pipeline';

export interface ColumnChoice {
	name: string;
	kind: ColumnKind;
}

/** What each step kind does, as the "add a step" menu lists it. */
export const STEP_LABELS: Record<TableStepKind, string> = {
	drop: 'Drop columns',
	rename: 'Rename a column',
	cast: 'Change a column between numbers and text',
	filter: 'Keep rows where an expression is true',
	dedupe: 'Drop duplicate rows',
	impute: 'Fill missing values',
	clip: 'Clip extreme values',
	log: 'Log-transform numbers',
	bin: 'Bin a number into ranges',
	'date-parts': 'Split a date into parts',
	derive: 'New column from an expression',
	anonymise: 'Anonymise a column',
	'mask-pii': 'Mask e-mails and phone numbers in text'
};

export const DATE_PARTS: readonly DatePart[] = ['year', 'month', 'day', 'weekday', 'hour'];

/** A new step of a kind, filled with sensible choices for this table. */
export function newStep(kind: TableStepKind, columns: readonly ColumnChoice[]): TableStep {
	const first = columns[0]?.name ?? '';
	const numeric = columns.find((c) => c.kind === 'numeric')?.name ?? first;
	switch (kind) {
		case 'drop':
			return { kind, columns: [] };
		case 'rename':
			return { kind, from: first, to: '' };
		case 'cast':
			return { kind, column: first, to: 'categorical' };
		case 'filter':
			return { kind, expression: '' };
		case 'dedupe':
			return { kind, columns: [] };
		case 'impute':
			return { kind, columns: [], strategy: 'median', value: null, indicator: false };
		case 'clip':
			return { kind, columns: [], bounds: { type: 'quantile', lower: 0.01, upper: 0.99 } };
		case 'log':
			return { kind, columns: [], guard: 'signed' };
		case 'bin':
			return { kind, column: numeric, method: 'quantile', bins: 5, output: null };
		case 'date-parts':
			return { kind, column: numeric, parts: ['year', 'month'], keepSource: false };
		case 'derive':
			return { kind, name: 'new_column', expression: '' };
		case 'anonymise':
			return { kind, column: first, method: { type: 'mask', keepStart: 0, keepEnd: 2 } };
		case 'mask-pii':
			return { kind, column: columns.find((c) => c.kind === 'categorical')?.name ?? first, kinds: ['email', 'phone'] };
	}
}
