import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '$workers/lib/kernels/batch-norm';
import { RELU_POOL_GRAD } from '$workers/lib/kernels/relu-pool-grad';

type Pool = { filterSize: [number, number]; strides: [number, number]; pad: 'same' | 'valid' };
type Step = (x: tf.Tensor, training: boolean) => tf.Tensor;

const pair = (v: number | number[]): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v, v]);

/**
 * conv + bias + relu (+ an immediately following max-pool) as one differentiable op. Under a
 * gradient tape tfjs-core refuses to fuse the relu into the conv and differentiates the conv, the
 * bias add, the relu and the pool one by one: eight passes over the activations. Here the forward
 * is one FusedConv2D kernel (XNNPACK applies bias and relu as it writes) and the backward one
 * host pass (KilnReluPoolGrad) before the two conv gradients.
 */
function convBlock(layer: tfl.layers.Layer, pool: Pool | null, needsInputGrad: boolean): Step {
	const config = layer.getConfig();
	const strides = pair(config.strides as number | number[]);
	const pad = config.padding as 'same' | 'valid';
	const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
	const poolAttrs = pool ?? { filterSize: [0, 0], strides: [1, 1], pad: 'valid' };
	const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
		const [x, w, b, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.GradSaveFunc];
		const z = tf.engine().runKernel('FusedConv2D', { x, filter: w, bias: b }, { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], activation: 'relu' }) as tf.Tensor4D;
		const y = pool ? tf.maxPool(z, pool.filterSize, pool.strides, pool.pad) : z;
		save([x, w, z]);
		return {
			value: y,
			gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
				const [xs, ws, zs] = saved as tf.Tensor4D[];
				const [dz, db] = tf.engine().runKernel(RELU_POOL_GRAD, { dy, z: zs }, poolAttrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
				const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x: xs, dy: dz }, { strides, pad, dataFormat: 'NHWC', filterShape: ws.shape }) as tf.Tensor;
				// The network's input needs no gradient; its conv gradient would be the costliest of all.
				const dx = needsInputGrad ? (tf.engine().runKernel('Conv2DBackpropInput', { dy: dz, filter: ws }, { inputShape: xs.shape, strides, pad, dataFormat: 'NHWC' }) as tf.Tensor) : tf.zerosLike(xs);
				return [dx, dw, db];
			}
		};
	});
	return (x) => op(x, kernel, bias);
}

/**
 * Batch-norm in training mode (+ a relu Activation layer right after it) as one op: one forward
 * and one backward kernel of two host passes each, in place of tfjs's moments, normalisation,
 * relu and their dozen gradient ops. The moving mean and variance are updated as tfjs-layers
 * does (value − (value − batch)·(1 − momentum)).
 */
function batchNormBlock(layer: tfl.layers.Layer, relu: boolean): Step {
	const config = layer.getConfig();
	const epsilon = config.epsilon as number;
	const momentum = config.momentum as number;
	const [gamma, beta] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
	const [movingMean, movingVariance] = layer.nonTrainableWeights;
	const attrs = { epsilon, relu } as unknown as tf.NamedAttrMap;
	const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
		const [x, g, b, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
		const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x, gamma: g, beta: b }, attrs) as tf.Tensor[];
		for (const [stat, batch] of [[movingMean, mean], [movingVariance, variance]] as const) {
			const old = stat.read();
			stat.write(tf.sub(old, tf.mul(tf.sub(old, batch), 1 - momentum)));
		}
		save([x, y, g, mean, variance]);
		return {
			value: y,
			gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
				const [xs, ys, gs, ms, vs] = saved;
				return tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy, x: xs, y: ys, gamma: gs, mean: ms, variance: vs }, attrs) as tf.Tensor[];
			}
		};
	});
	return (x, training) => (training ? op(x, gamma, beta) : (layer.apply(x, { training }) as tf.Tensor));
}

function batchNormFusable(layer: tfl.layers.Layer): boolean {
	const c = layer.getConfig();
	const rank = (layer.inputSpec?.[0]?.ndim ?? 4) as number;
	return layer.getClassName() === 'BatchNormalization' && (c.axis === -1 || c.axis === rank - 1) && c.center === true && c.scale === true && layer.trainableWeights.length === 2 && layer.nonTrainableWeights.length === 2;
}

function fusable(layer: tfl.layers.Layer): boolean {
	const c = layer.getConfig();
	return (
		layer.getClassName() === 'Conv2D' &&
		c.activation === 'relu' &&
		c.useBias === true &&
		c.dataFormat === 'channelsLast' &&
		pair(c.dilationRate as number | number[]).every((d) => d === 1) &&
		(c.padding === 'same' || c.padding === 'valid') &&
		layer.trainableWeights.length === 2
	);
}

/**
 * The model's forward pass for training with Kiln's fused conv blocks, or null where they do not
 * apply: the blocks' backward kernel exists only on wasm (registerWasmKernels), and other
 * backends train faster with tfjs's own gradients (WebGL/WebGPU fuse in their shaders). Relu
 * conv blocks and batch-norm (+ relu) run fused; other layers (dense, dropout, depthwise …) run
 * as themselves.
 */
export function fastCnnForward(model: tfl.LayersModel): ((x: tf.Tensor, training: boolean) => tf.Tensor) | null {
	if (tf.getBackend() !== 'wasm' || !tf.getKernel(RELU_POOL_GRAD, 'wasm') || !tf.getKernel(BATCH_NORM_TRAIN, 'wasm')) return null;
	const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
	const steps: Step[] = [];
	let fused = 0;
	for (let i = 0; i < layers.length; i++) {
		const layer = layers[i];
		if (fusable(layer)) {
			const next = layers[i + 1];
			const nextConfig = next?.getConfig();
			const pool: Pool | null =
				next?.getClassName() === 'MaxPooling2D' && (nextConfig?.padding === 'same' || nextConfig?.padding === 'valid')
					? { filterSize: pair(nextConfig.poolSize as number | number[]), strides: pair((nextConfig.strides ?? nextConfig.poolSize) as number | number[]), pad: nextConfig.padding as 'same' | 'valid' }
					: null;
			steps.push(convBlock(layer, pool, i > 0));
			fused++;
			if (pool) i++;
		} else if (batchNormFusable(layer)) {
			const next = layers[i + 1];
			const relu = next?.getClassName() === 'Activation' && next.getConfig().activation === 'relu';
			steps.push(batchNormBlock(layer, relu));
			fused++;
			if (relu) i++;
		} else {
			steps.push((x, training) => layer.apply(x, { training }) as tf.Tensor);
		}
	}
	if (fused === 0) return null;
	return (x, training) => steps.reduce((h, step) => step(h, training), x);
}
