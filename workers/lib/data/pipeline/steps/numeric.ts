import type { NumericColumn, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import type { TableStepDefinition } from '../step-definition';
import { moments, quantile, sortedValues } from '../stats';
import { categoricalFromLabels, formatNumber, getNumeric, insertAfter, setColumn } from '../table-ops';
import type { ClipBounds, LogGuard, StepOutput, TableStep } from '../types';
import { invalid, nullableNumber, number, object, oneOf, onlyKeys, text, texts } from '../validate';
import { mapToFloat64 } from '../typed';

type Clip = Extract<TableStep, { kind: 'clip' }>;
type Log = Extract<TableStep, { kind: 'log' }>;
type Bin = Extract<TableStep, { kind: 'bin' }>;

const list = (names: string[]) => names.map((c) => `"${c}"`).join(', ');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Applies `fn` to each listed numeric column, collecting one warning per column that reports a count. */
function perColumn(table: Table, names: string[], why: string, fn: (column: NumericColumn, i: number) => { values: Float64Array; note?: { count: number; message: string } }): StepOutput {
	let out = table;
	const warnings: StepOutput['warnings'] = [];
	names.forEach((name, i) => {
		const column = getNumeric(out, name, why);
		const { values, note } = fn(column, i);
		out = setColumn(out, { ...column, values });
		if (note && note.count > 0) warnings.push({ message: note.message, count: note.count, examples: [] });
	});
	return { table: out, warnings };
}

function validateBounds(value: unknown, at: string): ClipBounds {
	const raw = object(value, at);
	const type = oneOf(raw, 'type', at, ['fixed', 'quantile'] as const);
	if (type === 'fixed') {
		onlyKeys(raw, at, ['type', 'min', 'max']);
		const min = nullableNumber(raw, 'min', at);
		const max = nullableNumber(raw, 'max', at);
		if (min === null && max === null) invalid(at, 'give a lower bound, an upper bound or both.');
		if (min !== null && max !== null && min > max) invalid(at, `the lower bound ${min} is above the upper bound ${max}.`);
		return { type, min, max };
	}
	onlyKeys(raw, at, ['type', 'lower', 'upper']);
	const lower = number(raw, 'lower', at, { min: 0, max: 1 });
	const upper = number(raw, 'upper', at, { min: 0, max: 1 });
	if (lower >= upper) invalid(at, `the lower quantile ${lower} must be below the upper quantile ${upper}.`);
	return { type, lower, upper };
}

export const clip: TableStepDefinition<Clip> = {
	keys: ['columns', 'bounds'],
	validate: (raw, at) => (onlyKeys(raw, at, ['kind', 'columns', 'bounds']), { kind: 'clip', columns: texts(raw, 'columns', at, { min: 1 }), bounds: validateBounds(raw.bounds, `${at}.bounds`) }),
	describe: (s) => {
		const b = s.bounds;
		const range = b.type === 'quantile' ? `the training percentiles ${b.lower * 100}–${b.upper * 100}` : `[${b.min ?? '−∞'}, ${b.max ?? '∞'}]`;
		return `Clip ${list(s.columns)} to ${range}`;
	},
	removesRows: false,
	fit: (step, table, rows) => ({
		bounds: step.columns.map((name) => {
			const b = step.bounds;
			if (b.type === 'fixed') return [b.min, b.max];
			const sorted = sortedValues(getNumeric(table, name, 'clipping').values, rows);
			if (sorted.length === 0) throw new KilnError('PipelineError', `column "${name}" has no values in the training rows to take percentiles from.`);
			return [quantile(sorted, b.lower), quantile(sorted, b.upper)];
		})
	}),
	transform: (step, params, table) => {
		const bounds = params.bounds as [number | null, number | null][];
		return perColumn(table, step.columns, 'clipping', (column, i) => {
			const lo = bounds[i][0] ?? -Infinity;
			const hi = bounds[i][1] ?? Infinity;
			let clipped = 0;
			const values = mapToFloat64(column.values, (v) => (v < lo ? (clipped++, lo) : v > hi ? (clipped++, hi) : v));
			return { values, note: { count: clipped, message: `${plural(clipped, 'value')} of "${column.name}" clipped to [${formatNumber(lo)}, ${formatNumber(hi)}].` } };
		});
	},
	effects: (step) => step.columns.map((c) => ({ reads: [c], writes: [c], removes: [] }))
};

export const log: TableStepDefinition<Log> = {
	keys: ['columns', 'guard'],
	validate: (raw, at) => (onlyKeys(raw, at, ['kind', 'columns', 'guard']), { kind: 'log', columns: texts(raw, 'columns', at, { min: 1 }), guard: oneOf<LogGuard>(raw, 'guard', at, ['signed', 'shift', 'missing']) }),
	describe: (s) => {
		const guard = s.guard === 'signed' ? 'sign(x)·log(1 + |x|)' : s.guard === 'shift' ? 'log(1 + x + shift), shifted so the training minimum is 0' : 'log(1 + x), missing for x ≤ −1';
		return `Log-transform ${list(s.columns)}: ${guard}`;
	},
	removesRows: false,
	fit: (step, table, rows) => ({
		shifts: step.columns.map((name) => {
			const column = getNumeric(table, name, 'a log transform');
			if (step.guard !== 'shift') return 0;
			const m = moments(column.values, rows);
			return m.n > 0 && m.min < 0 ? -m.min : 0;
		})
	}),
	transform: (step, params, table) => {
		const shifts = params.shifts as number[];
		return perColumn(table, step.columns, 'a log transform', (column, i) => {
			let guarded = 0;
			const values = mapToFloat64(column.values, (v) => {
				if (Number.isNaN(v)) return v;
				if (step.guard === 'signed') return Math.sign(v) * Math.log1p(Math.abs(v));
				if (step.guard === 'missing') return v <= -1 ? (guarded++, NaN) : Math.log1p(v);
				const shifted = v + shifts[i];
				// Below the training minimum (only possible on new data): held at log1p(0) = 0.
				return shifted < 0 ? (guarded++, 0) : Math.log1p(shifted);
			});
			const message =
				step.guard === 'missing'
					? `${plural(guarded, 'value')} of "${column.name}" were ≤ −1, where log(1 + x) is undefined, and became missing.`
					: `${plural(guarded, 'value')} of "${column.name}" were below the training minimum and were held at 0.`;
			return { values, note: { count: guarded, message } };
		});
	},
	effects: (step) => step.columns.map((c) => ({ reads: [c], writes: [c], removes: [] }))
};

/** Bin labels for sorted inner edges: "< a", "[a, b)", …, "≥ z"; values outside the training range fall into the end bins. */
export function binLabels(edges: number[]): string[] {
	if (edges.length === 0) return ['all values'];
	let f = edges.map(formatNumber);
	// Edges closer than 6 digits would share a label; exact text keeps every label distinct.
	if (new Set(f).size < f.length) f = edges.map(String);
	return [`< ${f[0]}`, ...f.slice(1).map((e, i) => `[${f[i]}, ${e})`), `≥ ${f[f.length - 1]}`];
}

/** Index of the bin holding v: the number of edges ≤ v (binary search). */
export function binOf(edges: ArrayLike<number>, v: number): number {
	let lo = 0;
	let hi = edges.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (edges[mid] <= v) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

export const bin: TableStepDefinition<Bin> = {
	keys: ['column', 'method', 'bins', 'output'],
	validate: (raw, at) => {
		onlyKeys(raw, at, ['kind', 'column', 'method', 'bins', 'output']);
		const output = raw.output === null ? null : text(raw, 'output', at);
		return { kind: 'bin', column: text(raw, 'column', at), method: oneOf(raw, 'method', at, ['equal-width', 'quantile'] as const), bins: number(raw, 'bins', at, { min: 2, max: 1000, integer: true }), output };
	},
	describe: (s) => `Bin "${s.column}" into ${s.bins} ${s.method === 'quantile' ? 'equal-count (quantile)' : 'equal-width'} bins${s.output ? ` as "${s.output}"` : ''}`,
	removesRows: false,
	fit: (step, table, rows) => {
		const column = getNumeric(table, step.column, 'binning');
		const m = moments(column.values, rows);
		if (m.n === 0) throw new KilnError('PipelineError', `column "${step.column}" has no values in the training rows to place bins by.`);
		const inner = Array.from({ length: step.bins - 1 }, (_, i) => (i + 1) / step.bins);
		const sorted = step.method === 'quantile' ? sortedValues(column.values, rows) : null;
		const raw = inner.map((q) => (sorted ? quantile(sorted, q) : m.min + q * (m.max - m.min)));
		// Repeated values make equal quantile edges; a constant column gets a single bin.
		const edges = [...new Set(raw)].filter((e) => e > m.min).sort((a, b) => a - b);
		return { edges };
	},
	transform: (step, params, table) => {
		const column = getNumeric(table, step.column, 'binning');
		const edges = params.edges as number[];
		const binned = categoricalFromLabels(step.output ?? step.column, column.values, binLabels(edges), (v) => binOf(edges, v));
		return { table: step.output ? insertAfter(table, step.column, binned) : setColumn(table, binned), warnings: [] };
	},
	effects: (step) => [{ reads: [step.column], writes: [step.output ?? step.column], removes: [] }]
};
