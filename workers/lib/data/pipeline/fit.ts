import type { Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { columnNames } from './table-ops';
import { didYouMean } from './expression/suggest';
import { Lineage } from './lineage';
import { describeStep, featureDefinition, tableStepDefinition } from './registry';
import { composeRows, identityRows, inStep, remapRows } from './run-step';
import { validatePipeline } from './serialise';
import { fitTarget } from './target';
import { FITTED_FORMAT, FITTED_VERSION, type FittedFeature, type FittedPipeline, type FittedTableStep, type Pipeline, type StepWarning, type TargetSpec } from './types';

export interface FitOptions {
	/** The column to learn, named as in the input table; it is followed through renames. */
	target?: TargetSpec;
}

export interface FitResult {
	fitted: FittedPipeline;
	/** The whole input table after the table steps (holdout rows included, transformed with training params). */
	table: Table;
	/** Input row of each row of `table`. */
	sourceRows: Int32Array;
	/** The training rows renumbered into `table` (rows a filter removed are gone). */
	trainRows: Int32Array;
	warnings: StepWarning[];
}

export const stepLabel = (index: number, text: string) => `Step ${index + 1} (${text})`;

/**
 * Fits every step on the training rows only (each step sees the table as the steps before it
 * left it) and returns the fitted pipeline with the transformed table. Holdout rows are
 * transformed too, with the training parameters, so they can be scored honestly.
 */
export function fitPipeline(pipeline: Pipeline, table: Table, trainRows: ArrayLike<number>, options: FitOptions = {}): FitResult {
	const checked = validatePipeline(pipeline);
	if (trainRows.length === 0) throw new KilnError('PipelineError', 'There are no training rows to fit the pipeline on.');
	for (let i = 0; i < trainRows.length; i++) {
		const r = trainRows[i];
		if (!(Number.isInteger(r) && r >= 0 && r < table.rowCount)) throw new KilnError('PipelineError', `Training row ${r} is not a row of this table (it has ${table.rowCount} rows).`);
	}
	const lineage = new Lineage(table, options.target?.name ?? null);
	let current = table;
	let rows: Int32Array = Int32Array.from(trainRows);
	let sourceRows: Int32Array = identityRows(table.rowCount);
	const warnings: StepWarning[] = [];
	const steps: FittedTableStep[] = checked.steps.map((step, index) => {
		const label = stepLabel(index, describeStep(step));
		const definition = tableStepDefinition(step);
		return inStep(label, () => {
			const params = definition.fit(step, current, rows);
			const output = definition.transform(step, params, current, 'fit');
			const trainingOnly = lineage.step(definition.effects(step, params), definition.removesRows);
			if (output.sourceRows) {
				rows = remapRows(rows, output.sourceRows, current.rowCount);
				sourceRows = composeRows(sourceRows, output.sourceRows);
				if (rows.length === 0) throw new KilnError('PipelineError', 'no training rows are left after this step.');
			}
			current = output.table;
			warnings.push(...output.warnings.map((w) => ({ ...w, step: index })));
			return { step, params, trainingOnly };
		});
	});

	const features: FittedFeature[] = checked.features.map((step) => {
		const definition = featureDefinition(step);
		return inStep(`Input "${step.column}"`, () => {
			lineage.feature(step.column);
			const column = current.columns.find((c) => c.name === step.column);
			if (!column) throw new KilnError('PipelineError', `there is no column "${step.column}" after the table steps.${didYouMean(step.column, columnNames(current))}`);
			if (column.kind !== definition.accepts) {
				const wants = definition.accepts === 'numeric' ? 'numbers' : 'text';
				throw new KilnError('PipelineError', `column "${step.column}" holds ${column.kind === 'numeric' ? 'numbers' : 'text'}, but the ${step.kind} encoding needs ${wants}. Cast the column or choose another encoding.`);
			}
			const params = definition.fit(step, column, rows);
			return { step, params, names: definition.names(step, params), block: definition.block };
		});
	});

	const target = options.target ? inStep(`Target "${options.target.name}"`, () => {
		const name = lineage.target!;
		const column = current.columns.find((c) => c.name === name);
		if (!column) throw new KilnError('PipelineError', `the target column "${name}" is gone after the table steps.`);
		return fitTarget(column, options.target!.task, rows);
	}) : null;

	const fitted: FittedPipeline = {
		format: FITTED_FORMAT,
		version: FITTED_VERSION,
		pipeline: checked,
		steps,
		features,
		inputSize: features.reduce((n, f) => n + f.names.length, 0),
		inputs: lineage.inputs(),
		target
	};
	return { fitted, table: current, sourceRows, trainRows: rows, warnings };
}
