import type { ExpectedColumn, ModelArtifacts, Preprocessing, TextTrainSettings } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import type { FittedPipeline } from '$workers/lib/data/pipeline';
import { classicToArtifacts } from '$workers/lib/model-lab/artifacts';
import { defaultParams } from '$workers/lib/models/params';
import type { ClassicSpec } from '$workers/lib/models/types';
import { imageArtifactsFromShare } from './import-image';
import { fittedFromShare } from './import-pipeline';
import { textRunFromShare } from './import-text';
import { classicFromLazy, classicFromTrees } from './import-trees';
import { isLayers, isLazy } from './kinds-lazy';
import { artifactsFromDescription } from './to-artifacts';
import type { ModelDescription, SharePayload } from './types';

/** The text column an imported text run reads (a link's examples are `{ text }`). */
export const SHARED_TEXT_COLUMN = 'text';

/**
 * What "Import into my studio" stores for a link: a ModelRecord's model and encoding, and the
 * run settings that route it through the right Predict / Ship path.
 * - network: tfjs Sequential (MLP, linear layer, a solver-fitted linear model's folded layer);
 * - classic: a tree / forest / boosting ClassicModel (config.classic);
 * - image: a tfjs Sequential CNN with `preprocessing.image` (config.vision);
 * - text: a stored text run, TF-IDF + linear or a word-tokeniser network (config.text).
 * `pipeline` is set (and `preprocessing` left out) when the link replays a Prepare pipeline.
 */
export interface ImportedModel {
	kind: 'network' | 'classic' | 'image' | 'text';
	artifacts: ModelArtifacts;
	preprocessing?: Preprocessing;
	pipeline?: FittedPipeline;
	/** Raw columns a prediction file must hold (pipeline links). */
	inputs?: ExpectedColumn[];
	classic?: ClassicSpec;
	text?: TextTrainSettings;
	/** Network links: the hidden widths of the dense stack (the run's settings show them). */
	hidden: number[];
}

/** Needs tfjs (networks and image CNNs are rebuilt as tfjs models): call it in the ML worker. */
export async function importedModel(payload: SharePayload): Promise<ImportedModel> {
	const prep = payload.preprocessing;
	const media = payload.media;
	if (media) {
		if (!isLayers(payload.model)) throw new KilnError('ImportError', 'An image or text link must carry a network after its front.');
		if (prep.target.task !== 'classification') throw new KilnError('ImportError', 'Image and text links classify; this one has no classes.');
		if (media.kind === 'image') return { kind: 'image', artifacts: await imageArtifactsFromShare(media, payload.model), preprocessing: prep, hidden: [] };
		const column = prep.target.name === SHARED_TEXT_COLUMN ? `${SHARED_TEXT_COLUMN}_input` : SHARED_TEXT_COLUMN;
		const { artifacts, settings } = textRunFromShare(media, payload.model, prep.target.classes, column);
		// A tagger comes back as one (its Predict tags each token); the imported rows are its example sentences.
		return { kind: 'text', artifacts, preprocessing: prep, text: { column, model: settings, ...(media.kind !== 'tfidf' && media.task === 'token' ? { tagging: { sentence: 'sentence' } } : {}) }, hidden: [] };
	}
	const pipeline = payload.pipeline ? fittedFromShare(payload.pipeline, prep.target) : undefined;
	const encoding = pipeline ? { pipeline, inputs: pipeline.inputs } : { preprocessing: prep };
	if (isLazy(payload.model)) {
		const model = classicFromLazy(payload.model);
		const classic = { family: model.family, params: { ...defaultParams(model.family, model.task), ...(model.family === 'knn' ? { k: model.k, weights: model.weights } : {}) } } as ClassicSpec;
		return { kind: 'classic', artifacts: classicToArtifacts(model), ...encoding, classic, hidden: [] };
	}
	if (payload.model.kind === 'trees') {
		const model = classicFromTrees(payload.model);
		const family = model.family as 'tree' | 'forest' | 'boosting';
		// The link carries the fitted model, not how it was fitted: the family's defaults stand in (the run says it came from a link).
		const params = { ...defaultParams(family, model.task), ...(model.family === 'forest' ? { nTrees: model.trees.length } : model.family === 'boosting' ? { maxIter: model.iterations } : {}) };
		const classic = { family, params } as ClassicSpec;
		return { kind: 'classic', artifacts: classicToArtifacts(model), ...encoding, classic, hidden: [] };
	}
	const dense = payload.model.layers.filter((l) => l.type === 'dense');
	return { kind: 'network', artifacts: await artifactsFromDescription(logitsOut(payload.model)), ...encoding, hidden: dense.slice(0, -1).map((l) => l.units) };
}

/**
 * Kiln's networks end in logits and prediction applies the softmax; a solver-fitted linear
 * classifier travels as a layer that ends in softmax itself. Its pre-softmax values are logits
 * with the same softmax, so the last softmax is dropped rather than applied twice.
 */
function logitsOut(model: ModelDescription): ModelDescription {
	const last = model.layers[model.layers.length - 1];
	if (!last || last.type === 'batchnorm' || last.activation !== 'softmax') return model;
	return { ...model, layers: [...model.layers.slice(0, -1), { ...last, activation: 'linear' }] };
}
