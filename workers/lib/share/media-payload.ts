import type { ModelArtifacts, Preprocessing } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { describeImageModel } from './convert-image';
import { describeTextModel } from './convert-text';
import { parameterCount, type WeightFormat } from './convert';
import type { MediaFront } from './media-types';
import { SHARE_FORMAT_VERSION } from './share-link';
import { isLayers } from './kinds-lazy';
import { transformerParameters } from './share-media-net';
import type { DemoConfig, ModelDescription, SharePayload } from './types';

/** An image run's share payload: conv front + dense head, int8 per-channel kernels by default. */
export function makeImageSharePayload(artifacts: ModelArtifacts, stored: Preprocessing, demo: DemoConfig, weights: WeightFormat = 'int8'): SharePayload {
	if (!stored.image || stored.target.task !== 'classification') throw new KilnError('ExportError', 'This run does not classify images, so it cannot be shared as an image demo.');
	const { front, head } = describeImageModel(artifacts, weights);
	if (front.height !== stored.image.height || front.width !== stored.image.width || front.channels !== stored.image.channels) throw new KilnError('ExportError', 'The model and its stored image size disagree; retrain the run to share it.');
	return { formatVersion: SHARE_FORMAT_VERSION, model: head, preprocessing: { features: [], target: stored.target, inputSize: head.inputSize, image: { ...stored.image } }, demo: { ...demo, examples: [] }, media: front };
}

/** A text run's share payload: its tokeniser rules and vocabulary (TF-IDF terms) + the dense head. */
export function makeTextSharePayload(artifacts: ModelArtifacts, stored: Preprocessing, demo: DemoConfig, weights: WeightFormat = 'int8'): SharePayload {
	if (stored.target.task !== 'classification') throw new KilnError('ExportError', 'Only text classifiers can be shared.');
	const { front, head } = describeTextModel(artifacts, weights);
	return { formatVersion: SHARE_FORMAT_VERSION, model: head, preprocessing: { features: [], target: stored.target, inputSize: head.inputSize }, demo, media: front };
}

/** Weights of the front (kernels, biases, normalisation, idf or embedding). */
export function frontParameters(front: MediaFront): number {
	if (front.kind === 'tfidf') return front.idf.length;
	if (front.kind === 'embedding-bag') return front.embedding.values.length;
	if (front.kind === 'transformer') return front.embedding.values.length + transformerParameters(front);
	if (front.kind === 'cnn') return front.convs.reduce((n, c) => n + c.kernel.values.length + c.bias.length, front.embedding.values.length);
	if (front.kind === 'rnn') return front.directions.reduce((n, d) => n + d.w.values.length + d.u.values.length + d.b.length + (d.bu?.length ?? 0), front.embedding.values.length);
	return front.layers.reduce((n, l) => n + (l.type === 'conv' || l.type === 'depthwise' ? l.kernel.values.length + (l.bias?.length ?? 0) : l.type === 'batchnorm' ? 4 * l.mean.length : 0), 0);
}

/** The dense head of an image or text payload (those never carry trees). */
export function headOf(payload: SharePayload): ModelDescription {
	if (!isLayers(payload.model)) throw new KilnError('ShareLinkError', 'An image or text link must carry a network after its front.');
	return payload.model;
}

export function payloadParameters(payload: SharePayload): number {
	return parameterCount(headOf(payload)) + (payload.media ? frontParameters(payload.media) : 0);
}
