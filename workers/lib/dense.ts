import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Hidden activations only the fused step (mlp/fused-step.ts) differentiates by hand, when its caller asks. */
export const SMOOTH_ACTIVATIONS = ['tanh', 'elu', 'sigmoid', 'gelu'] as const;
export type SmoothActivation = (typeof SMOOTH_ACTIVATIONS)[number];

export interface DenseLayer {
	kernel: tf.Variable;
	bias: tf.Variable;
	relu: boolean;
	/** Set only when denseLayers was asked for smooth activations: the layer's own (relu is then false). */
	smooth?: SmoothActivation;
}

/**
 * Backends where denseForward pays: on wasm it makes a step 3–4× faster; on cpu it changes
 * nothing (same speed, bit-identical gradients), and keeping it there lets the unit tests train
 * through the path wasm users take. The GPU backends transpose inside their matMul shaders;
 * there the extra Transpose kernels were no faster on webgl and 30% slower on webgpu.
 */
const HAND_WRITTEN_BACKWARD = ['wasm', 'cpu'];

/** Whether the active backend is one where hand-written backward passes pay (see HAND_WRITTEN_BACKWARD). */
export function handWrittenBackward(): boolean {
	return HAND_WRITTEN_BACKWARD.includes(tf.getBackend());
}

/**
 * The model's Dense layers in order, or null when training should keep tfjs's own autodiff:
 * on a GPU backend, or when the model holds anything denseForward cannot differentiate by hand
 * (another layer type or activation, a layer without bias, input that is not a matrix). `of`: the
 * model's layers to read (the fused step passes them without their Dropout layers). `smooth`: also
 * take tanh, elu, sigmoid and gelu layers (only the fused step's backward handles them).
 */
export function denseLayers(model: tfl.LayersModel, of: readonly tfl.layers.Layer[] = model.layers, smooth = false): DenseLayer[] | null {
	if (!handWrittenBackward()) return null;
	if (model.inputs.length !== 1 || model.inputs[0].shape.length !== 2) return null;
	const layers: DenseLayer[] = [];
	for (const layer of of) {
		if (layer.getClassName() === 'InputLayer') continue;
		const config = layer.getConfig();
		const soft = smooth ? SMOOTH_ACTIVATIONS.find((a) => a === config.activation) : undefined;
		if (layer.getClassName() !== 'Dense' || !config.useBias || (config.activation !== 'relu' && config.activation !== 'linear' && !soft)) return null;
		if (layer.trainableWeights.length !== 2) return null;
		const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
		if (kernel.rank !== 2 || bias.rank !== 1) return null;
		layers.push({ kernel, bias, relu: config.activation === 'relu', ...(soft ? { smooth: soft } : {}) });
	}
	return layers.length > 0 && layers.length * 2 === model.trainableWeights.length ? layers : null;
}

/**
 * The forward pass of a Dense stack with its backward pass written out, for training.
 *
 * The forward runs the very kernels tfjs-layers' Dense runs under a gradient tape (matMul, add
 * and relu for hidden layers, a fused matMul with bias for the linear output), so the outputs are
 * bit-identical to `model.apply`. The backward differs from tfjs's autodiff only in how the
 * products hᵀ·dz and dz·Wᵀ are formed: tfjs-core asks for matMul with transposeA or transposeB
 * there, which tfjs-backend-wasm runs in a plain scalar loop (about 10 ms of a 12 ms step for a
 * 784-128-10 MLP at batch 128), while an untransposed matMul goes to XNNPACK. Transposing the
 * operand first keeps the maths; on wasm only the summation order (float rounding) changes, and
 * on the cpu backend the gradients are bit-identical.
 *
 * The custom op's inputs, and so its gradients, are [kernel₁, bias₁, kernel₂, …].
 */
export function denseForward(layers: DenseLayer[], xs: tf.Tensor2D): tf.Tensor2D {
	const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
		const save = args.pop() as tf.GradSaveFunc;
		const weights = args as tf.Tensor[];
		const hidden: tf.Tensor2D[] = [];
		// Pre-activations of the relu layers, which mask their gradient.
		const masks: tf.Tensor2D[] = [];
		let h = xs;
		layers.forEach((layer, i) => {
			const [kernel, bias] = [weights[2 * i] as tf.Tensor2D, weights[2 * i + 1] as tf.Tensor1D];
			if (i > 0) hidden.push(h);
			if (layer.relu) {
				const z = tf.add(tf.matMul(h, kernel), bias) as tf.Tensor2D;
				masks.push(z);
				h = tf.relu(z);
			} else {
				h = tf.fused.matMul({ a: h, b: kernel, bias }) as tf.Tensor2D;
			}
		});
		// The forward runs in a tidy: what the backward needs must be saved. xs outlives the step.
		save([...hidden, ...masks]);
		const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
			const inputs = [xs, ...saved.slice(0, layers.length - 1)] as tf.Tensor2D[];
			const zs = saved.slice(layers.length - 1) as tf.Tensor2D[];
			const grads: tf.Tensor[] = [];
			let dOut = dy as tf.Tensor2D;
			for (let i = layers.length - 1; i >= 0; i--) {
				const dz = layers[i].relu ? tf.mul(dOut, tf.step(zs.pop()!)) : dOut;
				grads[2 * i] = tf.matMul(tf.transpose(inputs[i]), dz);
				grads[2 * i + 1] = tf.sum(dz, 0);
				if (i > 0) dOut = tf.matMul(dz, tf.transpose(weights[2 * i] as tf.Tensor2D));
			}
			return grads;
		};
		return { value: h, gradFunc };
	});
	return op(...layers.flatMap((l) => [l.kernel, l.bias])) as tf.Tensor2D;
}
