import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { serializeModel } from '$workers/lib/model';
import { runtime } from './runtime';
import type { ModelDescription } from './types';

/**
 * A compact model (e.g. from a share link, int8 kernels dequantised) → tfjs artifacts, so
 * "Import into my studio" gives a model the rest of Kiln (predict, evaluate, export) can use.
 */
export type FrontBuilder = (seq: tfl.Sequential, weights: [tfl.layers.Layer, tf.Tensor[]][]) => void;

/** `front` (image links) adds the layers before the dense head; the head then follows them. */
export async function artifactsFromDescription(model: ModelDescription, front?: FrontBuilder): Promise<ModelArtifacts> {
	const seq = tfl.sequential();
	let width = model.inputSize;
	const place = () => (seq.layers.length === 0 ? { inputShape: [width] } : {});
	const weights: [tfl.layers.Layer, tf.Tensor[]][] = [];
	try {
		front?.(seq, weights);
		for (const l of model.layers) {
			if (l.type === 'dense') {
				if (l.activation === 'elu' && l.alpha !== undefined && l.alpha !== 1) throw new KilnError('ModelFormatError', 'tfjs runs ELU only with alpha 1; this model cannot become a tfjs model.');
				const activation = l.activation;
				const leaky = activation === 'leakyRelu';
				const dense = tfl.layers.dense({ units: l.units, activation: activation === 'leakyRelu' ? 'linear' : activation, useBias: !!l.bias, ...place() });
				seq.add(dense);
				weights.push([dense, [tf.tensor2d(runtime.dequantize(l.kernel, l.units), [l.inputs, l.units]), ...(l.bias ? [tf.tensor1d(l.bias)] : [])]]);
				if (leaky) seq.add(tfl.layers.leakyReLU({ alpha: l.alpha ?? 0.3 }));
				width = l.units;
			} else if (l.type === 'batchnorm') {
				const bn = tfl.layers.batchNormalization({ epsilon: l.epsilon, center: !!l.beta, scale: !!l.gamma, ...place() });
				seq.add(bn);
				weights.push([bn, [...(l.gamma ? [l.gamma] : []), ...(l.beta ? [l.beta] : []), l.mean, l.variance].map((t) => tf.tensor1d(t))]);
			} else if (l.activation === 'leakyRelu') {
				seq.add(tfl.layers.leakyReLU({ alpha: l.alpha ?? 0.3, ...place() }));
			} else {
				if (l.activation === 'elu' && l.alpha !== undefined && l.alpha !== 1) throw new KilnError('ModelFormatError', 'tfjs runs ELU only with alpha 1; this model cannot become a tfjs model.');
				const activation = l.activation;
				seq.add(tfl.layers.activation({ activation, ...place() }));
			}
		}
		for (const [layer, values] of weights) layer.setWeights(values);
		return await serializeModel(seq);
	} finally {
		weights.forEach(([, values]) => values.forEach((t) => t.dispose()));
		seq.dispose();
	}
}
