import { KilnError } from '$shared/errors';
import { validateFeatureStep, validateTableStep } from './registry';
import { FITTED_FORMAT, FITTED_VERSION, PIPELINE_FORMAT, PIPELINE_VERSION, type FittedPipeline, type Pipeline } from './types';
import { invalid, number, object, onlyKeys, type Raw } from './validate';

/** Upgrades a stored pipeline from `version` to `version + 1`. Released entries are never edited. */
export type Migration = (raw: Raw) => Raw;

/** Keyed by the version they upgrade from. None yet: version 1 is the first format. */
export const PIPELINE_MIGRATIONS: Readonly<Record<number, Migration>> = {};

export const MAX_STEPS = 500;
export const MAX_FEATURES = 10_000;

function parseJson(input: unknown, what: string): unknown {
	if (typeof input !== 'string') return input;
	try {
		return JSON.parse(input);
	} catch {
		throw new KilnError('PipelineError', `This ${what} is not valid JSON; it may be damaged. Build the pipeline again.`);
	}
}

/** Brings an older stored pipeline up to the current format, one version at a time. */
export function migratePipeline(value: unknown, migrations: Readonly<Record<number, Migration>> = PIPELINE_MIGRATIONS, current = PIPELINE_VERSION): Raw {
	let raw = object(value, 'pipeline');
	if (raw.format !== PIPELINE_FORMAT) invalid('pipeline', `this is not a Kiln pipeline (format "${String(raw.format)}", expected "${PIPELINE_FORMAT}").`);
	let version = number(raw, 'version', 'pipeline', { min: 1, integer: true });
	if (version > current) {
		throw new KilnError('PipelineError', `This pipeline was saved by a newer Kiln (format version ${version}); this one reads up to version ${current}. Update Kiln to open it.`);
	}
	while (version < current) {
		const migrate = migrations[version];
		if (!migrate) throw new KilnError('PipelineError', `There is no upgrade from pipeline format version ${version}; the pipeline cannot be opened.`);
		raw = migrate(raw);
		version++;
		raw = { ...raw, version };
	}
	return raw;
}

/** Checks every field of a current-format pipeline; throws PipelineError naming the path. */
export function validatePipeline(value: unknown): Pipeline {
	const raw = object(value, 'pipeline');
	onlyKeys(raw, 'pipeline', ['format', 'version', 'steps', 'features']);
	if (raw.format !== PIPELINE_FORMAT || raw.version !== PIPELINE_VERSION) invalid('pipeline', `expected format "${PIPELINE_FORMAT}" version ${PIPELINE_VERSION}.`);
	if (!Array.isArray(raw.steps) || raw.steps.length > MAX_STEPS) invalid('pipeline.steps', `expected a list of at most ${MAX_STEPS} steps.`);
	if (!Array.isArray(raw.features) || raw.features.length > MAX_FEATURES) invalid('pipeline.features', `expected a list of at most ${MAX_FEATURES} feature encodings.`);
	const steps = (raw.steps as unknown[]).map((s, i) => validateTableStep(s, `steps[${i}]`));
	const features = (raw.features as unknown[]).map((f, i) => validateFeatureStep(f, `features[${i}]`));
	const seen = new Set<string>();
	features.forEach((f, i) => {
		if (seen.has(f.column)) invalid(`features[${i}]`, `column "${f.column}" is encoded twice; keep one encoding per column.`);
		seen.add(f.column);
	});
	return { format: PIPELINE_FORMAT, version: PIPELINE_VERSION, steps, features };
}

/** Stored text or object (any released version) → a checked current pipeline. */
export function parsePipeline(input: unknown): Pipeline {
	return validatePipeline(migratePipeline(parseJson(input, 'pipeline')));
}

export function serialisePipeline(pipeline: Pipeline): string {
	return JSON.stringify(validatePipeline(pipeline));
}

export function emptyPipeline(): Pipeline {
	return { format: PIPELINE_FORMAT, version: PIPELINE_VERSION, steps: [], features: [] };
}

// ---- fitted pipelines -------------------------------------------------------------------

export const FITTED_MIGRATIONS: Readonly<Record<number, Migration>> = {};

/**
 * Checks the envelope of a stored fitted pipeline: format, version, the pipeline it was fitted
 * from, and that its fitted parts line up with that pipeline's steps. Params are the fitting
 * code's own output and are trusted as stored.
 */
export function parseFittedPipeline(input: unknown): FittedPipeline {
	let raw = object(parseJson(input, 'fitted pipeline'), 'fitted');
	if (raw.format !== FITTED_FORMAT) invalid('fitted', `this is not a fitted Kiln pipeline (format "${String(raw.format)}").`);
	let version = number(raw, 'version', 'fitted', { min: 1, integer: true });
	if (version > FITTED_VERSION) throw new KilnError('PipelineError', `This model's pipeline was saved by a newer Kiln (version ${version}); update Kiln to use it.`);
	while (version < FITTED_VERSION) {
		const migrate = FITTED_MIGRATIONS[version];
		if (!migrate) throw new KilnError('PipelineError', `There is no upgrade from fitted pipeline version ${version}.`);
		raw = { ...migrate(raw), version: ++version };
	}
	const pipeline = validatePipeline(raw.pipeline);
	const steps = raw.steps;
	const features = raw.features;
	if (!Array.isArray(steps) || steps.length !== pipeline.steps.length) invalid('fitted.steps', 'does not match the pipeline it was fitted from.');
	if (!Array.isArray(features) || features.length !== pipeline.features.length) invalid('fitted.features', 'does not match the pipeline it was fitted from.');
	const inputSize = number(raw, 'inputSize', 'fitted', { min: 0, integer: true });
	const width = (features as Raw[]).reduce((n, f, i) => n + (Array.isArray(object(f, `fitted.features[${i}]`).names) ? (f.names as unknown[]).length : NaN), 0);
	if (width !== inputSize) invalid('fitted.inputSize', `is ${inputSize} but the feature encodings fill ${width} inputs.`);
	if (!Array.isArray(raw.inputs)) invalid('fitted.inputs', 'expected the list of input columns.');
	return { ...(raw as unknown as FittedPipeline), pipeline };
}

export function serialiseFittedPipeline(fitted: FittedPipeline): string {
	return JSON.stringify(fitted);
}
