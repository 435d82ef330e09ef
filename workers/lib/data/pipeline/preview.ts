import type { Table } from '$workers/protocol';
import { errorMessage, KilnError } from '$shared/errors';
import { encodeRows } from './apply';
import { featureDefinition, tableStepDefinition, validateFeatureStep, validateTableStep, describeStep } from './registry';
import { composeRows, identityRows } from './run-step';
import { takeRows } from './table-ops';
import type { FittedFeature, FittedPipeline, Pipeline, StepWarning } from './types';
import { FITTED_FORMAT, FITTED_VERSION } from './types';

export interface PreviewError {
	kind: string;
	message: string;
}

export interface PreviewStage {
	/** Index into `pipeline.steps`. */
	step: number;
	description: string;
	status: 'ok' | 'error';
	/** Rows and columns after this step (unchanged from before when it failed). */
	rows: number;
	columns: number;
	error: PreviewError | null;
	warnings: StepWarning[];
}

export interface PreviewFeature {
	column: string;
	description: string;
	status: 'ok' | 'error';
	names: string[];
	error: PreviewError | null;
}

export interface PipelinePreview {
	/** The sample after every step that worked. */
	table: Table;
	/** Table row of each sample row that survived. */
	sourceRows: Int32Array;
	stages: PreviewStage[];
	features: PreviewFeature[];
	/** The sample's model matrix from the encodings that worked. */
	matrix: { x: Float32Array; width: number; names: string[] };
}

const asError = (error: unknown): PreviewError => ({ kind: error instanceof Error ? error.name : 'Error', message: errorMessage(error) });

/**
 * Runs a pipeline being edited on a sample, fitting each step on the sample itself. A failing
 * step is reported and skipped (later steps see the table as it was before it), so the editor
 * can mark every broken step at once instead of stopping at the first.
 */
export function previewPipeline(pipeline: Pipeline, table: Table, sampleRows: ArrayLike<number>): PipelinePreview {
	let current = takeRows(table, sampleRows);
	let sourceRows: Int32Array = Int32Array.from(sampleRows);
	const stages: PreviewStage[] = (Array.isArray(pipeline.steps) ? pipeline.steps : []).map((raw, index) => {
		let description = `Step ${index + 1}`;
		try {
			const step = validateTableStep(raw, `steps[${index}]`);
			description = describeStep(step);
			const definition = tableStepDefinition(step);
			const params = definition.fit(step, current, identityRows(current.rowCount));
			const output = definition.transform(step, params, current, 'fit');
			if (output.sourceRows) sourceRows = composeRows(sourceRows, output.sourceRows);
			current = output.table;
			const warnings = output.warnings.map((w) => ({ ...w, step: index }));
			return { step: index, description, status: 'ok', rows: current.rowCount, columns: current.columns.length, error: null, warnings };
		} catch (error) {
			return { step: index, description, status: 'error', rows: current.rowCount, columns: current.columns.length, error: asError(error), warnings: [] };
		}
	});

	const all = identityRows(current.rowCount);
	const fitted: FittedFeature[] = [];
	const features: PreviewFeature[] = (Array.isArray(pipeline.features) ? pipeline.features : []).map((raw, index) => {
		const column = typeof (raw as { column?: unknown })?.column === 'string' ? (raw as { column: string }).column : `input ${index + 1}`;
		try {
			const step = validateFeatureStep(raw, `features[${index}]`);
			const definition = featureDefinition(step);
			const source = current.columns.find((c) => c.name === step.column);
			if (!source) throw new KilnError('PipelineError', `There is no column "${step.column}" after the table steps.`);
			if (source.kind !== definition.accepts) throw new KilnError('PipelineError', `Column "${step.column}" holds ${source.kind === 'numeric' ? 'numbers' : 'text'}; the ${step.kind} encoding needs ${definition.accepts === 'numeric' ? 'numbers' : 'text'}.`);
			const params = definition.fit(step, source, all);
			const names = definition.names(step, params);
			fitted.push({ step, params, names, block: definition.block });
			return { column, description: describeStep(step), status: 'ok', names, error: null };
		} catch (error) {
			return { column, description: column, status: 'error', names: [], error: asError(error) };
		}
	});
	const width = fitted.reduce((n, f) => n + f.names.length, 0);
	const partial: FittedPipeline = { format: FITTED_FORMAT, version: FITTED_VERSION, pipeline, steps: [], features: fitted, inputSize: width, inputs: [], target: null };
	const { x } = encodeRows(partial, current, all);
	return { table: current, sourceRows, stages, features, matrix: { x, width, names: fitted.flatMap((f) => f.names) } };
}
