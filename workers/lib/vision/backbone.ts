import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { KilnError } from '$shared/errors';
import type { ModelArtifacts } from '$workers/protocol';
import { layerName } from './cnn';
import { mobilenetLayers } from './presets';
import type { CnnSpec, LayerSpec } from './types';

/**
 * The shipped backbone (static/models/fashion-backbone/): MobileNet-style depthwise-separable
 * blocks at half width (16→128 channels), relu on every conv, no batch-norm, global average
 * pooling to 128 features. Trained by scripts/models/train-backbone.ts on Fashion-MNIST classes
 * 0–4 (T-shirt/top, Trouser, Pullover, Dress, Coat). Batch-norm is left out because on the
 * wasm backend it more than doubled the cost of a training step (its gradient is a dozen
 * full passes), and with Adam this shallow net trains well without it.
 */
export const BACKBONE_SPEC: CnnSpec = {
	input: { height: 28, width: 28, channels: 1 },
	classes: 5,
	layers: mobilenetLayers({ height: 28, width: 28, channels: 1 }, 0.5)
		.filter((l) => l.type !== 'batchNorm' && l.type !== 'activation')
		.map((l): LayerSpec => (l.type === 'conv2d' || l.type === 'depthwiseConv2d' ? { ...l, activation: 'relu' } : l))
};

/** Index in BACKBONE_SPEC.layers of the global pooling whose output is the feature vector. */
export const FEATURE_LAYER = BACKBONE_SPEC.layers.findIndex((l) => l.type === 'globalAvgPool');

/** Index of the first layer of the last depthwise-separable block (what fine-tuning unfreezes). */
export const LAST_BLOCK = BACKBONE_SPEC.layers.map((l) => l.type).lastIndexOf('depthwiseConv2d');

export interface BackboneInfo {
	/** Classes the backbone was trained on. */
	classes: string[];
	/** Name of the layer whose output is the feature vector. */
	featureLayer: string;
	inputShape: [number, number, number];
	/** Free text: data and training. */
	trainedOn: string;
}

/**
 * Load a backbone from its files' contents (model.json parsed, and weights.bin), as the worker
 * fetches them from static/models/. Float16 weights are widened to float32 by tfjs.
 */
export async function loadBackbone(modelJson: { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[]; userDefinedMetadata?: Record<string, unknown> }, weights: ArrayBuffer): Promise<{ model: tfl.LayersModel; info: BackboneInfo }> {
	const specs = modelJson.weightsManifest?.flatMap((g) => g.weights);
	if (!modelJson.modelTopology || !specs?.length) throw new KilnError('ModelFormatError', 'The backbone model.json has no topology or weights manifest.');
	const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: specs, weightData: weights }));
	const meta = (modelJson.userDefinedMetadata ?? {}) as Partial<BackboneInfo>;
	const info: BackboneInfo = {
		classes: meta.classes ?? [],
		featureLayer: meta.featureLayer ?? layerName(FEATURE_LAYER, 'globalAvgPool'),
		inputShape: (model.inputs[0].shape.slice(1) as [number, number, number]) ?? [28, 28, 1],
		trainedOn: meta.trainedOn ?? ''
	};
	try {
		model.getLayer(info.featureLayer);
	} catch {
		model.dispose();
		throw new KilnError('ModelFormatError', `The backbone has no layer "${info.featureLayer}" to take features from.`);
	}
	return { model, info };
}

/** Load from artifacts as Kiln stores models (topology + specs + one buffer). */
export function loadBackboneArtifacts(artifacts: ModelArtifacts, userDefinedMetadata?: Record<string, unknown>) {
	return loadBackbone({ modelTopology: artifacts.modelTopology, weightsManifest: [{ weights: artifacts.weightSpecs as tf.io.WeightsManifestEntry[] }], userDefinedMetadata }, artifacts.weightData);
}
