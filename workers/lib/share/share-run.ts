import type { ModelArtifacts, Preprocessing, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import type { FittedPipeline } from '$workers/lib/data/pipeline';
import { classicFromArtifacts, isClassicArtifacts } from '$workers/lib/model-lab/artifacts';
import { describeModel, parameterCount, type WeightFormat } from './convert';
import { classicShareModel } from './from-classic';
import { pipelineForm, sharePipeline } from './from-pipeline';
import { SHARE_FORMAT_VERSION } from './share-link';
import type { DemoConfig, SharePayload } from './types';
import { isLayers } from './kinds-lazy';

/** What a stored run gives a share link: its model and how its rows were encoded (as a ModelRecord holds them). */
export interface ShareableRun {
	artifacts: ModelArtifacts;
	preprocessing?: Preprocessing;
	pipeline?: FittedPipeline;
}

/**
 * A share payload for any run the link runtime can run: a network (int8 or float32 kernels), a
 * solver-fitted linear model (float32), a tree, forest or boosting model; encoded by the
 * built-in preprocessing or by the run's fitted Prepare pipeline, chosen as prediction chooses
 * (the pipeline when it has table steps or there is no built-in encoding). `demo` gets the
 * form's fields (for example rows); `sample` offers text values for the form's lists.
 */
export function runSharePayload(run: ShareableRun, demo: (form: Preprocessing) => DemoConfig, weights: WeightFormat = 'int8', sample?: Table): SharePayload {
	const model: SharePayload['model'] = isClassicArtifacts(run.artifacts) ? classicShareModel(classicFromArtifacts(run.artifacts)) : describeModel(run.artifacts, weights);
	const piped = run.pipeline && (run.pipeline.steps.length > 0 || !run.preprocessing) ? run.pipeline : null;
	if (piped) {
		const pipeline = sharePipeline(piped);
		const form = pipelineForm(piped, pipeline, sample);
		return { formatVersion: SHARE_FORMAT_VERSION, model, preprocessing: form, demo: demo(form), pipeline };
	}
	if (!run.preprocessing) throw new KilnError('ExportError', 'This run has neither a built-in encoding nor a pipeline; it cannot be shared. Train it again.');
	return { formatVersion: SHARE_FORMAT_VERSION, model, preprocessing: run.preprocessing, demo: demo(run.preprocessing) };
}

/** Weights (networks) or nodes + leaf values (trees) a link carries. */
export function shareParameterCount(model: SharePayload['model']): number {
	if (isLayers(model)) return parameterCount(model);
	if (model.kind === 'knn') return model.x.length + model.y.length + 2 * model.inputSize;
	if (model.kind === 'gaussian-nb') return model.logPrior.length + model.mean.length + model.variance.length;
	if (model.kind === 'categorical-nb') return model.logProb.reduce((n, p, j) => n + p.length + model.edges[j].length, model.logPrior.length);
	return model.trees.reduce((n, t) => n + t.feature.length + t.leaves.length, model.baseline.length);
}

/** The model in a few words, e.g. "a 4 → 16 → 3 network" or "a forest of 100 trees (2,345 nodes)". */
export function shareModelShape(model: SharePayload['model']): string {
	if (model.kind === 'knn') return `k-nearest neighbours (k = ${model.k}, ${model.rows.toLocaleString('en-US')} stored rows)`;
	if (model.kind === 'gaussian-nb' || model.kind === 'categorical-nb') return `${model.kind === 'gaussian-nb' ? 'Gaussian' : 'categorical'} naive Bayes (${model.outputSize} classes)`;
	if (isLayers(model)) return `a ${[model.inputSize, ...model.layers.flatMap((l) => (l.type === 'dense' ? [l.units] : []))].join(' → ')} network`;
	const nodes = `${model.trees.reduce((n, t) => n + t.feature.length, 0).toLocaleString('en-US')} nodes`;
	if (model.combine === 'sum') return `${model.trees.length.toLocaleString('en-US')} boosted trees (${nodes})`;
	return model.trees.length === 1 ? `a decision tree (${nodes})` : `a forest of ${model.trees.length.toLocaleString('en-US')} trees (${nodes})`;
}
