import type { FeatureTransform, Preprocessing, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { cellText } from '$shared/table';
import type { FittedPipeline } from '$workers/lib/data/pipeline';
import { binLabels } from '$workers/lib/data/pipeline/steps/numeric';
import type { SharePipeline, SharePipelineFeature, SharePipelineStep } from './kinds';
import { LIMITS } from './validate-preprocessing';
import { shareStepMore, shareTfidf } from './from-pipeline-more';
import { tableStepDefinition } from '$workers/lib/data/pipeline/registry';

const refuse = (what: string): never => {
	throw new KilnError('ExportError', `Share links and demo pages replay drop, rename, cast, impute, clip, log, bin, date-parts, derive, anonymise (not the keyed hash) and mask-PII steps and scale, one-hot, ordinal, hashing and TF-IDF encodings; this run's pipeline has ${what}, which the link runtime does not run yet. Export the ONNX file (it carries pipeline.json) or the project bundle instead.`);
};

/**
 * A run's fitted Prepare pipeline as the link runtime replays it: the prediction-time table steps
 * (steps that only shape training — filters, de-duplication, steps on the target — are left out,
 * as prediction leaves them out) with their fitted numbers, and the feature encodings.
 */
export function sharePipeline(fitted: FittedPipeline): SharePipeline {
	// Columns a prediction row has before each step: a drop of a column no prediction row holds
	// (it was never read, so it is not an input) is left out, as the link's checks would refuse it.
	const available = new Set(fitted.inputs.map((i) => i.name));
	const steps = fitted.steps
		.flatMap((s, index) => {
			if (s.trainingOnly) return [];
			const before = new Set(available);
			for (const e of tableStepDefinition(s.step).effects(s.step, s.params)) {
				e.removes.forEach((c) => available.delete(c));
				e.writes.forEach((c) => available.add(c));
			}
			if (s.step.kind === 'drop') {
				const columns = s.step.columns.filter((c) => before.has(c));
				return columns.length === 0 ? [] : [{ ...s, step: { ...s.step, columns } }];
			}
			if (s.step.kind === 'anonymise' && s.step.method.type === 'drop' && !before.has(s.step.column)) return [];
			const more = shareStepMore(fitted, index);
			return more === 'skip' ? [] : [more ?? s];
		})
		.map((s): SharePipelineStep => {
			if (!('step' in s)) return s;
			const { step, params } = s;
			switch (step.kind) {
				case 'drop':
					return { kind: 'drop', columns: [...step.columns] };
				case 'rename':
					return { kind: 'rename', from: step.from, to: step.to };
				case 'cast':
					return { kind: 'cast', column: step.column, to: step.to };
				case 'impute':
					return { kind: 'impute', columns: [...step.columns], fills: [...(params.fills as (number | string)[])], indicator: step.indicator };
				case 'clip':
					return { kind: 'clip', columns: [...step.columns], bounds: (params.bounds as [number | null, number | null][]).map(([lo, hi]) => [lo, hi]) };
				case 'log':
					return { kind: 'log', columns: [...step.columns], guard: step.guard, shifts: [...(params.shifts as number[])] };
				case 'bin': {
					const edges = [...(params.edges as number[])];
					return { kind: 'bin', column: step.column, edges, labels: binLabels(edges), output: step.output };
				}
				default:
					return refuse(`a "${step.kind}" step`);
			}
		});
	const features = fitted.features.map(({ step, params }, index): SharePipelineFeature => {
		switch (step.kind) {
			case 'scale':
				return { kind: 'scale', column: step.column, center: params.center as number, scale: params.scale as number, fill: params.fill as number };
			case 'one-hot':
				return { kind: 'one-hot', column: step.column, categories: [...(params.categories as string[])], fill: params.fill as number, other: step.other };
			case 'ordinal':
				return { kind: 'ordinal', column: step.column, categories: [...(params.categories as string[])], fill: params.fill as number };
			case 'hashing':
				return { kind: 'hashing', column: step.column, buckets: step.buckets };
			case 'tfidf':
				return shareTfidf(fitted.features[index]);
			default:
				return refuse(`a "${(step as { kind: string }).kind}" encoding`);
		}
	});
	// Inputs read as dates (epoch ms) first: the form also takes them as ISO dates.
	const dates = new Set(steps.flatMap((s) => (s.kind === 'date-parts' || (s.kind === 'anonymise' && s.method.type === 'month') ? [s.column] : [])));
	return { inputs: fitted.inputs.map((i) => ({ name: i.name, kind: i.kind, ...(i.kind === 'numeric' && dates.has(i.name) ? { date: true as const } : {}) })), steps, features, inputSize: fitted.inputSize };
}

/**
 * The link's `preprocessing` for a pipeline run: the target, and the raw fields the demo form
 * asks for (a number, or one of the values the pipeline knows for that column or a sample shows).
 * It does not encode: the pipeline does.
 */
export function pipelineForm(fitted: FittedPipeline, pipeline: SharePipeline, sample?: Table): Preprocessing {
	if (!fitted.target) throw new KilnError('ExportError', "This run's pipeline has no target, so a link could not say what it predicts.");
	// Free-text inputs get an empty list: the form offers a text box for them, not a menu.
	const freeText = new Set([...pipeline.steps.flatMap((s) => (s.kind === 'mask-pii' ? [s.column] : [])), ...pipeline.features.flatMap((f) => (f.kind === 'tfidf' ? [f.column] : []))]);
	const features = pipeline.inputs.map((input): FeatureTransform => {
		if (input.kind === 'categorical' && freeText.has(input.name)) return { name: input.name, kind: 'categorical', categories: [], fill: -1 };
		const encoding = pipeline.features.find((f) => f.column === input.name);
		if (input.kind === 'numeric') {
			const impute = pipeline.steps.find((s) => s.kind === 'impute' && s.columns.includes(input.name));
			const typical = encoding?.kind === 'scale' ? encoding.fill : impute?.kind === 'impute' ? Number(impute.fills[impute.columns.indexOf(input.name)]) : 0;
			return { name: input.name, kind: 'numeric', mean: Number.isFinite(typical) ? typical : 0, std: 1 };
		}
		const known = new Set<string>(encoding && 'categories' in encoding ? encoding.categories : []);
		const column = sample?.columns.find((c) => c.name === input.name);
		if (column) for (let r = 0; r < sample!.rowCount && known.size < 50; r++) if (cellText(column, r).trim() !== '') known.add(cellText(column, r).trim());
		return { name: input.name, kind: 'categorical', categories: [...known].filter((c) => c.length <= LIMITS.labelChars && !/[\u0000-\u001f\u007f]/.test(c)).slice(0, LIMITS.categoriesPerFeature), fill: -1 };
	});
	return { features, target: fitted.target, inputSize: features.reduce((n, f) => n + (f.kind === 'numeric' ? 1 : f.categories.length), 0) };
}
