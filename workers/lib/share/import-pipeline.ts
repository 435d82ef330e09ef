import type { TargetTransform } from '$workers/protocol';
import { FEATURE_STEPS, FITTED_FORMAT, FITTED_VERSION, PIPELINE_FORMAT, PIPELINE_VERSION, type FeatureStep, type FittedFeature, type FittedPipeline, type FittedTableStep, type Params } from '$workers/lib/data/pipeline';
import type { SharePipeline } from './kinds';
import { fittedStepMore, fittedTfidf } from './import-pipeline-more';

/**
 * A link's fitted pipeline back as Kiln's own FittedPipeline, so an imported run predicts (and
 * shares again) through the workbench's replay code. The link holds the prediction-time steps
 * with their fitted numbers; the settings that only choose those numbers at fit time (impute
 * strategy, clip percentiles, bin method, scale method, category limits) are not in a link, so the
 * rebuilt steps state the fitted numbers themselves: constant fills, fixed bounds (one clip step
 * per column), the edges' bin count, and so on. Replaying them gives the same matrix.
 */
export function fittedFromShare(share: SharePipeline, target: TargetTransform): FittedPipeline {
	const steps: FittedTableStep[] = share.steps.flatMap((s): FittedTableStep[] => {
		const keep = (step: FittedTableStep['step'], params: Params = {}): FittedTableStep => ({ step, params, trainingOnly: false });
		switch (s.kind) {
			case 'drop':
				return [keep({ kind: 'drop', columns: [...s.columns] })];
			case 'rename':
				return [keep({ kind: 'rename', from: s.from, to: s.to })];
			case 'cast':
				return [keep({ kind: 'cast', column: s.column, to: s.to })];
			case 'impute':
				// One step per column: a constant fill is one value for all its columns.
				return s.columns.map((column, i) => keep({ kind: 'impute', columns: [column], strategy: 'constant', value: s.fills[i], indicator: s.indicator }, { fills: [s.fills[i]] }));
			case 'clip':
				return s.columns.map((column, i) => keep({ kind: 'clip', columns: [column], bounds: { type: 'fixed', min: s.bounds[i][0], max: s.bounds[i][1] } }, { bounds: [[s.bounds[i][0], s.bounds[i][1]]] }));
			case 'log':
				return [keep({ kind: 'log', columns: [...s.columns], guard: s.guard }, { shifts: [...s.shifts] })];
			case 'bin':
				return [keep({ kind: 'bin', column: s.column, method: 'equal-width', bins: s.edges.length + 1, output: s.output }, { edges: [...s.edges] })];
			default:
				return [fittedStepMore(s)];
		}
	});
	const features: FittedFeature[] = share.features.map((f) => {
		let step: FeatureStep;
		let params: Params;
		switch (f.kind) {
			case 'scale':
				step = { kind: 'scale', column: f.column, method: 'standard' };
				params = { center: f.center, scale: f.scale, fill: f.fill };
				break;
			case 'one-hot':
				step = { kind: 'one-hot', column: f.column, maxCategories: Math.max(1, f.categories.length), other: f.other, missing: f.fill >= 0 ? 'mode' : 'zeros' };
				params = { categories: [...f.categories], fill: f.fill };
				break;
			case 'ordinal':
				step = { kind: 'ordinal', column: f.column, order: [...f.categories] };
				params = { categories: [...f.categories], fill: f.fill };
				break;
			case 'hashing':
				step = { kind: 'hashing', column: f.column, buckets: f.buckets };
				params = {};
				break;
			case 'tfidf':
				({ step, params } = fittedTfidf(f));
				break;
		}
		const definition = FEATURE_STEPS[step.kind] as { names: (s: FeatureStep, p: Params) => string[]; block: FittedFeature['block'] };
		return { step, params, names: definition.names(step, params), block: definition.block };
	});
	return {
		format: FITTED_FORMAT,
		version: FITTED_VERSION,
		pipeline: { format: PIPELINE_FORMAT, version: PIPELINE_VERSION, steps: steps.map((s) => s.step), features: features.map((f) => f.step) },
		steps,
		features,
		inputSize: features.reduce((n, f) => n + f.names.length, 0),
		inputs: share.inputs.map((i) => ({ name: i.name, kind: i.kind })),
		target: structuredClone(target)
	};
}
