import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { KilnError } from '$shared/errors';
import { buildModel, type ModelShape } from '$workers/lib/model';

/**
 * The model to store for an MLP trained with dropout or batch-norm: a plain stack of Dense
 * layers with the same outputs at inference. Dropout is the identity there, and batch-norm is an
 * affine map per unit, folded into the Dense layer before it:
 *   W' = W · γ/√(σ²+ε) (per output column),  b' = (b − μ) · γ/√(σ²+ε) + β.
 * So every consumer of stored models (prediction, the share link's runtime, ONNX export,
 * pruning, quantisation) sees only Dense layers with a standard activation. Returns the model
 * itself when there is nothing to fold; otherwise a new model the caller disposes.
 */
export function foldForStorage(model: tfl.LayersModel, shape: ModelShape): tfl.LayersModel {
	const kinds = model.layers.map((l) => l.getClassName());
	if (!kinds.some((k) => k === 'BatchNormalization' || k === 'Dropout')) return model;
	const weights: tf.Tensor[] = [];
	const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
	tf.tidy(() => {
		layers.forEach((layer, i) => {
			if (layer.getClassName() !== 'Dense') return;
			const [kernel, bias] = layer.getWeights() as [tf.Tensor2D, tf.Tensor1D];
			const next = layers[i + 1];
			if (next?.getClassName() === 'BatchNormalization') {
				const [gamma, beta, mean, variance] = next.getWeights() as tf.Tensor1D[];
				const scale = tf.div(gamma, tf.sqrt(tf.add(variance, Number(next.getConfig().epsilon))));
				weights.push(tf.keep(tf.mul(kernel, scale)), tf.keep(tf.add(tf.mul(tf.sub(bias, mean), scale), beta)));
			} else {
				weights.push(tf.keep(kernel.clone()), tf.keep(bias.clone()));
			}
		});
	});
	const plain = buildModel({ ...shape, mlp: { activation: shape.mlp?.activation } });
	try {
		if (plain.weights.length !== weights.length) throw new KilnError('ModelFormatError', 'The trained MLP does not match its plain form; it cannot be stored.');
		plain.setWeights(weights);
	} catch (error) {
		plain.dispose();
		throw error;
	} finally {
		tf.dispose(weights);
	}
	return plain;
}
