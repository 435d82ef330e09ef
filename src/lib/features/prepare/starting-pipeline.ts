import type { DatasetRecord } from '$lib/db';
import type { ColumnKind } from '$workers/protocol';
import { emptyPipeline, type FeatureStep, type Pipeline } from '$workers/lib/data/pipeline';
import { MAX_ONE_HOT } from '$workers/lib/preprocess';
import { leftOutColumns } from '../projects/left-out';

/** The encoding a column gets by default: Kiln's built-in one (standardised numbers, one-hot categories). */
export function defaultEncoding(column: string, kind: ColumnKind): FeatureStep {
	return kind === 'numeric' ? { kind: 'scale', column, method: 'standard' } : { kind: 'one-hot', column, maxCategories: MAX_ONE_HOT, other: false, missing: 'mode' };
}

/**
 * A new pipeline for a dataset: no steps, every column but the target encoded as the built-in
 * preprocessing does — except those the profile flags (identifiers, personal data, constants),
 * which a first model leaves out everywhere (projects/left-out.ts) and are "Not used" here too.
 */
export function startingPipeline(dataset: Pick<DatasetRecord, 'columns' | 'details'>, target: string | undefined): Pipeline {
	const columns = dataset.columns.filter((c) => c.name !== target);
	const leftOut = new Set(leftOutColumns(dataset.details?.warnings, columns.map((c) => c.name)).map((l) => l.column));
	return { ...emptyPipeline(), features: columns.filter((c) => !leftOut.has(c.name)).map((c) => defaultEncoding(c.name, c.kind)) };
}
