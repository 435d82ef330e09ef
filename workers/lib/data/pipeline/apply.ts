import type { Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { didYouMean } from './expression/suggest';
import { columnNames } from './table-ops';
import { describeStep, featureDefinition, tableStepDefinition } from './registry';
import { composeRows, identityRows, inStep } from './run-step';
import { stepLabel } from './fit';
import type { Mode } from './step-definition';
import { compileExpression } from './expression';
import type { EncodedMatrix, FittedPipeline, StepWarning } from './types';

export interface ApplyOptions {
	/**
	 * 'predict' (default): a new file without the target; row filters and target steps are
	 * skipped so every row gets an answer. 'replay': every step, as at fit time (a new labelled
	 * batch, an export check).
	 */
	mode?: 'predict' | 'replay';
}

export interface TransformResult {
	table: Table;
	/** Input row of each output row (the identity in predict mode). */
	sourceRows: Int32Array;
	warnings: StepWarning[];
}

export interface ApplyResult extends TransformResult, EncodedMatrix {}

const list = (names: string[]) => names.map((n) => `"${n}"`).join(', ');

/** Refuses a prediction file that lacks a needed column or holds it as another kind, naming all of them. */
export function checkInputs(fitted: FittedPipeline, table: Table): void {
	const problems: string[] = [];
	const missing = fitted.inputs.filter((c) => !table.columns.some((t) => t.name === c.name)).map((c) => c.name);
	if (missing.length > 0) {
		const hints = missing.map((m) => didYouMean(m, columnNames(table))).filter(Boolean);
		problems.push(`The file has no column ${list(missing)}, which the model needs.${hints.join('')}`);
	}
	for (const expected of fitted.inputs) {
		const column = table.columns.find((c) => c.name === expected.name);
		if (column && column.kind !== expected.kind) {
			problems.push(`Column "${expected.name}" holds ${column.kind === 'numeric' ? 'numbers' : 'text'} in this file, but the model was trained on ${expected.kind === 'numeric' ? 'numbers' : 'text'} there.`);
		}
	}
	if (problems.length > 0) throw new KilnError('SchemaMismatchError', `${problems.join(' ')} Columns may come in any order, and extra columns are ignored.`);
}

/** How many rows a training filter would have removed; 0 when it cannot be evaluated here (it needs the target). */
function rowsOutsideFilter(expression: string, table: Table): number {
	try {
		const result = compileExpression(expression, table.columns.map((c) => ({ name: c.name, kind: c.kind }))).evaluate(table);
		if (result.type !== 'bool') return 0;
		let outside = 0;
		for (let r = 0; r < table.rowCount; r++) if (result.values[r] !== 1) outside++;
		return outside;
	} catch {
		return 0;
	}
}

/** The table steps only, replayed with the fitted params. */
export function transformTable(fitted: FittedPipeline, table: Table, options: ApplyOptions = {}): TransformResult {
	const mode: Mode = options.mode ?? 'predict';
	if (mode === 'predict') checkInputs(fitted, table);
	let current = table;
	let sourceRows: Int32Array = identityRows(table.rowCount);
	const warnings: StepWarning[] = [];
	fitted.steps.forEach(({ step, params, trainingOnly }, index) => {
		const definition = tableStepDefinition(step);
		if (mode === 'predict' && trainingOnly) {
			if (step.kind === 'filter') {
				const outside = rowsOutsideFilter(step.expression, current);
				if (outside > 0) {
					warnings.push({ step: index, count: outside, examples: [], message: `${outside} row${outside === 1 ? '' : 's'} would have been left out of training by "${step.expression}"; the model never saw such rows, so treat their predictions with care.` });
				}
			}
			return;
		}
		const output = inStep(stepLabel(index, describeStep(step)), () => definition.transform(step, params, current, mode));
		if (output.sourceRows) sourceRows = composeRows(sourceRows, output.sourceRows);
		current = output.table;
		warnings.push(...output.warnings.map((w) => ({ ...w, step: index })));
	});
	return { table: current, sourceRows, warnings };
}

/** Rows of a table that already went through the table steps → the model matrix. */
export function encodeRows(fitted: FittedPipeline, table: Table, rows: ArrayLike<number>): EncodedMatrix {
	const width = fitted.inputSize;
	const x = new Float32Array(rows.length * width);
	let offset = 0;
	let unknownCategories = 0;
	for (const { step, params, names } of fitted.features) {
		const column = table.columns.find((c) => c.name === step.column);
		if (!column) throw new KilnError('SchemaMismatchError', `There is no column "${step.column}", which the model needs.${didYouMean(step.column, columnNames(table))}`);
		unknownCategories += featureDefinition(step).encode(step, params, column, rows, x, width, offset);
		offset += names.length;
	}
	return { x, width, unknownCategories };
}

/** Raw table → model matrix, exactly as at fit time. */
export function applyPipeline(fitted: FittedPipeline, table: Table, options: ApplyOptions = {}): ApplyResult {
	const transformed = transformTable(fitted, table, options);
	const encoded = encodeRows(fitted, transformed.table, identityRows(transformed.table.rowCount));
	const warnings = [...transformed.warnings];
	if (encoded.unknownCategories > 0) {
		const n = encoded.unknownCategories;
		warnings.push({ step: -1, count: n, examples: [], message: `${n} cell${n === 1 ? '' : 's'} held a category the model has no input for (never seen in training, or too rare); they count as "other" or as none of the known categories.` });
	}
	return { ...transformed, ...encoded, warnings };
}
