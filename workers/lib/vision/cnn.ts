import * as tfl from '@tensorflow/tfjs-layers';
import { KilnError } from '$shared/errors';
import { kernelDims, summarizeCnn } from './cnn-shape';
import type { Activation, CnnSpec, LayerSpec } from './types';

export { summarizeCnn } from './cnn-shape';

/** Throws a ValidationError naming the first problem, so a bad spec never reaches tfjs. */
export function validateCnnSpec(spec: CnnSpec): void {
	const { errors } = summarizeCnn(spec);
	if (errors.length > 0) throw new KilnError('ValidationError', errors[0].message);
}

/**
 * Layer names carry the spec index ("l3_conv2d"), so Grad-CAM and fine-tuning can find a layer
 * by its place in the spec, and the names are the same in every session (tfjs's own names count
 * up per session). The classifier is "classifier".
 */
export function layerName(index: number, type: string): string {
	return `l${index}_${type}`;
}

/** He initialisation suits relu-family layers; Glorot the rest. Each layer gets its own seed. */
function initializer(activation: Activation | undefined, seed: number) {
	return activation === 'relu' || activation === 'relu6' || activation === 'elu' ? tfl.initializers.heNormal({ seed }) : tfl.initializers.glorotUniform({ seed });
}

/**
 * A depthwise filter's output sums only kh·kw inputs, but tfjs's He/Glorot initialisers count
 * kh·kw·channels (they read the fan from the kernel shape), which shrinks the signal by √channels
 * at every depthwise layer: without batch-norm a MobileNet-style stack then starts dead.
 */
function depthwiseInitializer(kernel: [number, number], activation: Activation | undefined, seed: number) {
	const gain = activation === 'relu' || activation === 'relu6' || activation === 'elu' ? 2 : 1;
	return tfl.initializers.randomNormal({ mean: 0, stddev: Math.sqrt(gain / (kernel[0] * kernel[1])), seed });
}

function makeLayer(layer: LayerSpec, index: number, seed: number, inputShape?: number[]): tfl.layers.Layer {
	const base = { name: layerName(index, layer.type), ...(inputShape ? { inputShape } : {}) };
	const layerSeed = seed * 1009 + index * 17;
	switch (layer.type) {
		case 'conv2d':
			return tfl.layers.conv2d({ ...base, filters: layer.filters, kernelSize: kernelDims(layer.kernel), strides: layer.stride ?? 1, padding: layer.padding ?? 'same', activation: layer.activation ?? 'linear', kernelInitializer: initializer(layer.activation, layerSeed) });
		case 'depthwiseConv2d':
			return tfl.layers.depthwiseConv2d({ ...base, kernelSize: kernelDims(layer.kernel), strides: layer.stride ?? 1, padding: layer.padding ?? 'same', depthMultiplier: layer.depthMultiplier ?? 1, activation: layer.activation ?? 'linear', depthwiseInitializer: depthwiseInitializer(kernelDims(layer.kernel), layer.activation, layerSeed) });
		case 'separableConv2d':
			return tfl.layers.separableConv2d({
				...base,
				filters: layer.filters,
				kernelSize: kernelDims(layer.kernel),
				strides: layer.stride ?? 1,
				padding: layer.padding ?? 'same',
				depthMultiplier: layer.depthMultiplier ?? 1,
				activation: layer.activation ?? 'linear',
				// No activation between the depthwise and pointwise parts: a linear gain.
				depthwiseInitializer: depthwiseInitializer(kernelDims(layer.kernel), 'linear', layerSeed),
				pointwiseInitializer: initializer(layer.activation, layerSeed + 1)
			});
		case 'maxPool':
			return tfl.layers.maxPooling2d({ ...base, poolSize: layer.size, strides: layer.stride ?? layer.size, padding: layer.padding ?? 'valid' });
		case 'avgPool':
			return tfl.layers.averagePooling2d({ ...base, poolSize: layer.size, strides: layer.stride ?? layer.size, padding: layer.padding ?? 'valid' });
		case 'globalAvgPool':
			return tfl.layers.globalAveragePooling2d(base);
		case 'batchNorm':
			return tfl.layers.batchNormalization({ ...base, momentum: layer.momentum ?? 0.99 });
		case 'activation':
			return tfl.layers.activation({ ...base, activation: layer.activation });
		case 'dropout':
			// The trainer reseeds dropout before every step (see train-cnn.ts): a fixed seed here
			// would draw the same mask for every batch.
			return tfl.layers.dropout({ ...base, rate: layer.rate });
		case 'flatten':
			return tfl.layers.flatten(base);
		case 'dense':
			return tfl.layers.dense({ ...base, units: layer.units, activation: layer.activation ?? 'linear', kernelInitializer: initializer(layer.activation, layerSeed) });
	}
}

/**
 * A tfl.Sequential for the spec: its layers in order, then a Dense classifier emitting logits
 * (softmax is applied when predicting, so the loss can use the stable logits form). Inputs are
 * float images scaled to [0, 1] in NHWC order. Same spec and seed, same starting weights.
 */
export function buildCnn(spec: CnnSpec, seed: number): tfl.Sequential {
	validateCnnSpec(spec);
	const model = tfl.sequential();
	const inputShape = [spec.input.height, spec.input.width, spec.input.channels];
	spec.layers.forEach((layer, i) => model.add(makeLayer(layer, i, seed, i === 0 ? inputShape : undefined)));
	model.add(
		tfl.layers.dense({
			name: 'classifier',
			units: spec.classes,
			kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 1009 + spec.layers.length * 17 }),
			...(spec.layers.length === 0 ? { inputShape } : {})
		})
	);
	return model;
}
