import type { Preprocessing, Table, TargetTransform, TrainConfig } from '../protocol';
import { KilnError } from '$shared/errors';
import { isMissingAt } from '$shared/table';
import { defaultPipeline, encodeRows, encodeTargetRows, fitPipeline, fromLegacyPreprocessing, transformTable, type FittedPipeline, type Pipeline } from './data/pipeline';
import { encodeFeatures, encodeTarget, fitPreprocessing } from './preprocess';

/** One part of a split, encoded for the model. */
export interface EncodedPart {
	/** Rows of the table the part came from (before any table step). */
	rows: Int32Array;
	x: Float32Array;
	/** Class indices, or standardised values for regression. */
	y: Int32Array | Float32Array;
	/** Per-row loss weights (class weights), when balancing by weight. */
	weights?: Float32Array;
}

export interface Parts<T> {
	train: T;
	validation: T;
	holdout: T;
}

export interface EncodedParts extends Parts<EncodedPart> {
	fitted: FittedPipeline;
	/** The built-in encoding as `Preprocessing` when the run used it (share links and exports read it). */
	prep: Preprocessing | null;
	target: TargetTransform;
	notes: string[];
}

/** The fitted pipeline as the built-in `Preprocessing`, when it is one: no table steps, standard scaling, plain one-hot. */
export function asPreprocessing(fitted: FittedPipeline): Preprocessing | null {
	if (fitted.steps.length > 0 || !fitted.target) return null;
	const features: Preprocessing['features'] = [];
	for (const { step, params } of fitted.features) {
		if (step.kind === 'scale' && step.method === 'standard' && params.fill === params.center) {
			features.push({ name: step.column, kind: 'numeric', mean: params.center as number, std: params.scale as number });
		} else if (step.kind === 'one-hot' && !step.other) {
			features.push({ name: step.column, kind: 'categorical', categories: params.categories as string[], fill: params.fill as number });
		} else return null;
	}
	return { features, target: fitted.target, inputSize: fitted.inputSize };
}

/** Whether a pipeline is exactly the built-in encoding of these features (then it trains as runs always did). */
export function isDefaultPipeline(pipeline: Pipeline, features: readonly string[], table: Table): boolean {
	if (pipeline.steps.length > 0) return false;
	try {
		return JSON.stringify(pipeline.features) === JSON.stringify(defaultPipeline(features, table).features);
	} catch {
		return false;
	}
}

function rowMap(sourceRows: Int32Array, before: number): Int32Array {
	const after = new Int32Array(before).fill(-1);
	for (let j = 0; j < sourceRows.length; j++) after[sourceRows[j]] = j;
	return after;
}

/**
 * Fit the encoding on the training rows only (a resumed run passes the one it started with) and
 * encode every part with it. Without a pipeline, or with one equal to the built-in encoding, this
 * is exactly Kiln's fixed preprocessing (fitPreprocessing / encodeFeatures), so such runs give the
 * results they always gave. A pipeline's table steps run over the whole table with the training
 * parameters; rows a filter or de-duplication removes leave every part.
 */
export function encodeParts(table: Table, config: TrainConfig, rows: Parts<Int32Array>, resume?: Preprocessing | FittedPipeline, pipeline?: Pipeline): EncodedParts {
	const custom = resume && 'format' in resume ? resume : pipeline && !isDefaultPipeline(pipeline, config.features, table) ? pipeline : null;
	if (!custom) {
		const prep = (resume as Preprocessing | undefined) ?? fitPreprocessing(table, config.features, config.target, config.task, rows.train);
		const encode = (r: Int32Array): EncodedPart => ({ rows: r, x: encodeFeatures(table, prep, r).x, y: encodeTarget(table, prep, r) });
		return { fitted: fromLegacyPreprocessing(prep), prep, target: prep.target, train: encode(rows.train), validation: encode(rows.validation), holdout: encode(rows.holdout), notes: [] };
	}
	let fitted: FittedPipeline;
	let out: Table;
	let sourceRows: Int32Array;
	if ('format' in custom && custom.format === 'kiln-fitted-pipeline') {
		fitted = custom;
		({ table: out, sourceRows } = transformTable(fitted, table, { mode: 'replay' }));
	} else {
		const result = fitPipeline(custom as Pipeline, table, rows.train, { target: { name: config.target, task: config.task } });
		({ fitted, table: out, sourceRows } = result);
	}
	const target = fitted.target;
	if (!target) throw new KilnError('PipelineError', 'The pipeline was fitted without a target.');
	const after = rowMap(sourceRows, table.rowCount);
	const targetColumn = out.columns.find((c) => c.name === target.name);
	if (!targetColumn) throw new KilnError('PipelineError', `The target column "${target.name}" is gone after the pipeline's steps.`);
	const notes: string[] = [];
	const encode = (part: Int32Array, name: string): EncodedPart => {
		const kept: number[] = [];
		const original: number[] = [];
		let unlabelled = 0;
		for (const r of part) {
			if (after[r] < 0) continue;
			if (isMissingAt(targetColumn, after[r])) {
				unlabelled++;
				continue;
			}
			kept.push(after[r]);
			original.push(r);
		}
		const removed = part.length - kept.length - unlabelled;
		if (removed > 0) notes.push(`The pipeline's row steps removed ${removed} of the ${part.length} ${name} rows.`);
		if (unlabelled > 0) notes.push(`${unlabelled} ${name} rows have no "${target.name}" after the pipeline and were left out.`);
		const at = Int32Array.from(kept);
		return { rows: Int32Array.from(original), x: encodeRows(fitted, out, at).x, y: encodeTargetRows(target, out, at) };
	};
	return { fitted, prep: asPreprocessing(fitted), target, train: encode(rows.train, 'training'), validation: encode(rows.validation, 'validation'), holdout: encode(rows.holdout, 'holdout'), notes };
}
