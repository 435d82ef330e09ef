import type { FeatureTransform, Preprocessing, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { MAX_ONE_HOT } from '$workers/lib/preprocess';
import { getColumn } from './table-ops';
import { FITTED_FORMAT, FITTED_VERSION, PIPELINE_FORMAT, PIPELINE_VERSION, type FeatureStep, type FittedFeature, type FittedPipeline, type Pipeline } from './types';

/** Today's fixed preprocessing as encodings: numbers standardised, text one-hot (≤ 64 most frequent, missing → the most frequent). */
function legacyStep(name: string, kind: 'numeric' | 'categorical'): FeatureStep {
	return kind === 'numeric' ? { kind: 'scale', column: name, method: 'standard' } : { kind: 'one-hot', column: name, maxCategories: MAX_ONE_HOT, other: false, missing: 'mode' };
}

/**
 * The pipeline a new dataset starts with: no table steps and the encodings Kiln has always used,
 * so fitting it gives exactly `encodeFeatures(fitPreprocessing(…))` (tested on the demo sets).
 */
export function defaultPipeline(features: readonly string[], table: Table): Pipeline {
	return {
		format: PIPELINE_FORMAT,
		version: PIPELINE_VERSION,
		steps: [],
		features: features.map((name) => legacyStep(name, getColumn(table, name).kind))
	};
}

function legacyFeature(t: FeatureTransform): FittedFeature {
	if (t.kind === 'numeric') {
		// Missing cells encoded as 0 = the mean standardised, hence fill = mean.
		return { step: legacyStep(t.name, 'numeric'), params: { center: t.mean, scale: t.std, fill: t.mean }, names: [t.name], block: 'continuous' };
	}
	return { step: legacyStep(t.name, 'categorical'), params: { categories: t.categories, fill: t.fill }, names: t.categories.map((c) => `${t.name}=${c}`), block: 'categorical' };
}

export function isLegacyPreprocessing(value: unknown): value is Preprocessing {
	if (typeof value !== 'object' || value === null) return false;
	const v = value as Record<string, unknown>;
	return Array.isArray(v.features) && typeof v.inputSize === 'number' && typeof v.target === 'object' && !('format' in v);
}

/**
 * A model trained before pipelines existed keeps predicting identically: its stored
 * preprocessing becomes the equivalent fitted pipeline, params copied, nothing refitted.
 */
export function fromLegacyPreprocessing(prep: Preprocessing): FittedPipeline {
	const features = prep.features.map(legacyFeature);
	const inputSize = features.reduce((n, f) => n + f.names.length, 0);
	if (inputSize !== prep.inputSize) {
		throw new KilnError('ModelFormatError', `The stored preprocessing describes ${inputSize} inputs but says ${prep.inputSize}; the model record is damaged.`);
	}
	return {
		format: FITTED_FORMAT,
		version: FITTED_VERSION,
		pipeline: { format: PIPELINE_FORMAT, version: PIPELINE_VERSION, steps: [], features: features.map((f) => f.step) },
		steps: [],
		features,
		inputSize,
		inputs: prep.features.map((t) => ({ name: t.name, kind: t.kind })),
		target: prep.target
	};
}
