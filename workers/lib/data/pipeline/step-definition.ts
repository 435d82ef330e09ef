import type { ColumnKind, Table } from '$workers/protocol';
import type { FeatureStep, Params, StepOutput, TableStep } from './types';
import type { Raw } from './validate';

/** 'fit' is the first run on the training data; 'replay' re-applies everything; 'predict' runs on a new file without target or row steps. */
export type Mode = 'fit' | 'replay' | 'predict';

/** What a step does to columns, for working out which columns a prediction file needs and what depends on the target. */
export interface Effect {
	reads: string[];
	writes: string[];
	removes: string[];
}

/**
 * One kind of table step. New kinds (e.g. text → TF-IDF) add a member to `TableStep` in
 * types.ts and a definition to `TABLE_STEPS` in registry.ts; fitting, replay, preview,
 * serialisation and describeStep then work without further changes.
 */
export interface TableStepDefinition<S extends TableStep = TableStep> {
	/** Fields besides `kind`, for validation and the UI's editors. */
	keys: readonly string[];
	validate(raw: Raw, at: string): S;
	describe(step: S): string;
	/** Filters and de-duplication: training-only, since prediction must answer every row it is given. */
	removesRows: boolean;
	/** Learns from the training rows only; returns plain JSON. */
	fit(step: S, table: Table, rows: Int32Array): Params;
	transform(step: S, params: Params, table: Table, mode: Mode): StepOutput;
	effects(step: S, params: Params): Effect[];
}

/**
 * One kind of model-matrix encoding for a single column. A TF-IDF encoder would be a
 * FeatureStep kind here too (a text column in, a block of weights out).
 */
export interface FeatureDefinition<S extends FeatureStep = FeatureStep> {
	keys: readonly string[];
	validate(raw: Raw, at: string): S;
	describe(step: S): string;
	/** The column kind it encodes. */
	accepts: ColumnKind;
	block: 'continuous' | 'categorical';
	fit(step: S, column: import('$workers/protocol').Column, rows: Int32Array): Params;
	names(step: S, params: Params): string[];
	/**
	 * Writes rows `rows` of `column` into `out` (row-major, `stride` wide) starting at `offset`;
	 * `out` is zero-filled. Returns the count of cells whose category had no input of its own.
	 */
	encode(step: S, params: Params, column: import('$workers/protocol').Column, rows: ArrayLike<number>, out: Float32Array, stride: number, offset: number): number;
}

export const noWarnings = (table: Table): StepOutput => ({ table, warnings: [] });
