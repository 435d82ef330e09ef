import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { KilnError } from '$shared/errors';
import type { Task } from '$workers/protocol';
import { oneHotTensor } from '$workers/lib/losses';

/** Element-wise activations whose derivative the written-out backward below knows. */
const DERIVATIVES: Record<string, (z: tf.Tensor2D, h: tf.Tensor2D) => tf.Tensor2D> = {
	relu: (z) => tf.step(z),
	tanh: (_, h) => tf.sub(1, tf.square(h)),
	sigmoid: (_, h) => tf.mul(h, tf.sub(1, h)),
	elu: (z, h) => tf.where(tf.greater(z, 0), tf.onesLike(z), tf.add(h, 1)),
	// d/dz z·Φ(z) = Φ(z) + z·φ(z).
	gelu: (z) => tf.add(tf.mul(0.5, tf.add(1, tf.erf(tf.div(z, Math.SQRT2)))), tf.mul(z, tf.mul(1 / Math.sqrt(2 * Math.PI), tf.exp(tf.mul(-0.5, tf.square(z))))))
};
const APPLY: Record<string, (z: tf.Tensor2D) => tf.Tensor2D> = {
	relu: (z) => tf.relu(z),
	tanh: (z) => tf.tanh(z),
	sigmoid: (z) => tf.sigmoid(z),
	elu: (z) => tf.elu(z),
	gelu: (z) => tf.mul(z, tf.mul(0.5, tf.add(1, tf.erf(tf.div(z, Math.SQRT2)))))
};

export interface DpDenseLayer {
	kernel: tf.Variable;
	bias: tf.Variable;
	/** True for any hidden activation (false: linear); `activation` names it. */
	relu: boolean;
	activation: string;
}

/**
 * The Dense layers of a model as buildModel makes it (Dense stack; relu, tanh, sigmoid or elu
 * hidden; linear logits).
 * Anything else is refused: per-example norms below are derived for exactly this architecture,
 * and a layer that mixes examples (BatchNorm) would break the per-example privacy argument.
 */
export function dpDenseLayers(model: tfl.LayersModel): DpDenseLayer[] {
	const refuse = (why: string): never => {
		throw new KilnError('TrainingError', `DP-SGD trains Kiln's linear and MLP models only: ${why}.`);
	};
	if (model.inputs.length !== 1 || model.inputs[0].shape.length !== 2) refuse('the model must take one feature matrix');
	const layers: DpDenseLayer[] = [];
	for (const layer of model.layers) {
		if (layer.getClassName() === 'InputLayer') continue;
		const config = layer.getConfig();
		if (layer.getClassName() !== 'Dense') refuse(`layer "${layer.name}" is a ${layer.getClassName()}`);
		if (!config.useBias || layer.trainableWeights.length !== 2) refuse(`layer "${layer.name}" has no bias`);
		const activation = String(config.activation);
		if (activation !== 'linear' && !(activation in APPLY)) refuse(`layer "${layer.name}" uses ${activation}`);
		const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
		layers.push({ kernel, bias, relu: activation !== 'linear', activation });
	}
	if (layers.length === 0) refuse('it has no Dense layer');
	if (layers.at(-1)!.relu) refuse('the output layer must be linear (logits)');
	return layers;
}

export type ClippedBatch = {
	/** Σᵢ cᵢ·∇Lᵢ per variable, in [kernel₁, bias₁, kernel₂, …] order. */
	grads: tf.Tensor[];
	/** Per-example gradient norms before clipping, [n]. */
	norms: tf.Tensor1D;
	/** Clip factors cᵢ = min(1, C/(‖∇Lᵢ‖+1e-6)), [n]. */
	factors: tf.Tensor1D;
	/** Sum of per-example losses (unclipped), a scalar. */
	lossSum: tf.Scalar;
};

/**
 * Per-example clipping for a Dense stack without materialising per-example gradients.
 *
 * The forward pass keeps each layer's input aᵢ and the backward pass gives each layer's output
 * gradient gᵢ = ∂Lᵢ/∂zᵢ (what RECIPES §1's zero probes on the pre-activations return; here the
 * backward of this one architecture is written out, so no tape and no transposed matMul runs,
 * which tfjs-wasm executes in a scalar loop). Ghost norms (Goodfellow 2015; Opacus
 * compute_linear_norm_sample): ‖∇W‖² = ‖aᵢ‖²·‖gᵢ‖², ‖∇b‖² = ‖gᵢ‖². With cᵢ = min(1, C/(‖∇Lᵢ‖+1e-6))
 * (Opacus' clip factor), the clipped sum Σᵢ cᵢ∇Lᵢ is the gradient of Σᵢ cᵢLᵢ with c held constant,
 * i.e. the reweighted second pass; for Dense layers that gradient is aᵀ·(c⊙g), so it is formed
 * from the saved a and g instead of running the network again ("book-keeping", Bu et al. 2023).
 *
 * Per-example losses: softmax cross-entropy on logits; squared error (z − y)² for regression,
 * the per-row term of Kiln's mean squared error.
 */
export function clippedGradients(layers: DpDenseLayer[], x: tf.Tensor2D, y: ArrayLike<number>, task: Task, classes: number, clipNorm: number): ClippedBatch {
	return tf.tidy(() => {
		const inputs: tf.Tensor2D[] = [];
		const preActivations: tf.Tensor2D[] = [];
		const activations: tf.Tensor2D[] = [];
		let h = x;
		for (const layer of layers) {
			inputs.push(h);
			const z = tf.add(tf.matMul(h, layer.kernel), layer.bias) as tf.Tensor2D;
			preActivations.push(z);
			h = layer.relu ? APPLY[layer.activation](z) : z;
			activations.push(h);
		}
		const out = h;
		let g: tf.Tensor2D;
		let lossSum: tf.Scalar;
		if (task === 'classification') {
			const labels = oneHotTensor(y, classes);
			const logSoftmax = tf.sub(out, tf.logSumExp(out, 1, true));
			lossSum = tf.neg(tf.sum(tf.mul(logSoftmax, labels)));
			g = tf.sub(tf.exp(logSoftmax), labels);
		} else {
			const diff = tf.sub(out, tf.tensor2d(Float32Array.from(y), [y.length, 1]));
			lossSum = tf.sum(tf.square(diff));
			g = tf.mul(diff, 2);
		}
		const outputGrads: tf.Tensor2D[] = [];
		for (let l = layers.length - 1; l >= 0; l--) {
			outputGrads[l] = g;
			if (l > 0) {
				const back = tf.matMul(g, tf.transpose(layers[l].kernel)) as tf.Tensor2D;
				const below = layers[l - 1];
				g = below.relu ? (tf.mul(back, DERIVATIVES[below.activation](preActivations[l - 1], activations[l - 1])) as tf.Tensor2D) : back;
			}
		}
		let squared: tf.Tensor = tf.zeros([x.shape[0]]);
		layers.forEach((_, l) => {
			const gSq = tf.sum(tf.square(outputGrads[l]), 1);
			const aSq = tf.sum(tf.square(inputs[l]), 1);
			squared = tf.add(squared, tf.mul(gSq, tf.add(aSq, 1)));
		});
		const norms = tf.sqrt(squared) as tf.Tensor1D;
		const factors = tf.minimum(1, tf.div(clipNorm, tf.add(norms, 1e-6))) as tf.Tensor1D;
		const column = tf.reshape(factors, [-1, 1]);
		const grads: tf.Tensor[] = [];
		layers.forEach((_, l) => {
			const weighted = tf.mul(outputGrads[l], column);
			grads.push(tf.matMul(tf.transpose(inputs[l]), weighted), tf.sum(weighted, 0));
		});
		return { grads, norms, factors, lossSum };
	});
}
