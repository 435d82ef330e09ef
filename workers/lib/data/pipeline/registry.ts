import type { FeatureDefinition, TableStepDefinition } from './step-definition';
import type { FeatureStep, FeatureStepKind, TableStep, TableStepKind } from './types';
import { object, oneOf } from './validate';
import { anonymise } from './steps/anonymise';
import { maskPiiStep } from './steps/mask-pii';
import { cast, drop, rename } from './steps/columns';
import { dateParts } from './steps/dates';
import { derive } from './steps/derive';
import { impute } from './steps/impute';
import { bin, clip, log } from './steps/numeric';
import { dedupe, filter } from './steps/rows';
import { scale } from './features/scale';
import { hashing, oneHot, ordinal } from './features/categorical';
import { tfidf } from './features/tfidf';

/**
 * Every step kind in one place. Extension point: a new kind (text → TF-IDF is next) is a
 * member of `TableStep` or `FeatureStep` in types.ts plus an entry here; the mapped types make
 * the compiler refuse a kind without a definition.
 */
export const TABLE_STEPS: { [K in TableStepKind]: TableStepDefinition<Extract<TableStep, { kind: K }>> } = {
	drop,
	rename,
	cast,
	filter,
	dedupe,
	impute,
	clip,
	log,
	bin,
	'date-parts': dateParts,
	derive,
	anonymise,
	'mask-pii': maskPiiStep
};

export const FEATURE_STEPS: { [K in FeatureStepKind]: FeatureDefinition<Extract<FeatureStep, { kind: K }>> } = {
	scale,
	'one-hot': oneHot,
	ordinal,
	hashing,
	tfidf
};

export const TABLE_STEP_KINDS = Object.keys(TABLE_STEPS) as TableStepKind[];
export const FEATURE_STEP_KINDS = Object.keys(FEATURE_STEPS) as FeatureStepKind[];

export function tableStepDefinition(step: TableStep): TableStepDefinition {
	return TABLE_STEPS[step.kind] as unknown as TableStepDefinition;
}

export function featureDefinition(step: FeatureStep): FeatureDefinition {
	return FEATURE_STEPS[step.kind] as unknown as FeatureDefinition;
}

export function isFeatureStep(step: TableStep | FeatureStep): step is FeatureStep {
	return step.kind in FEATURE_STEPS && !(step.kind in TABLE_STEPS);
}

/** One line a person can read in the pipeline editor, e.g. `Fill missing "age" with the training median`. */
export function describeStep(step: TableStep | FeatureStep): string {
	return isFeatureStep(step) ? featureDefinition(step).describe(step) : tableStepDefinition(step).describe(step);
}

export function validateTableStep(value: unknown, at: string): TableStep {
	const raw = object(value, at);
	const kind = oneOf(raw, 'kind', at, TABLE_STEP_KINDS);
	return (TABLE_STEPS[kind] as unknown as TableStepDefinition).validate(raw, at);
}

export function validateFeatureStep(value: unknown, at: string): FeatureStep {
	const raw = object(value, at);
	const kind = oneOf(raw, 'kind', at, FEATURE_STEP_KINDS);
	return (FEATURE_STEPS[kind] as unknown as FeatureDefinition).validate(raw, at);
}
