import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { roundToFloat16 } from './half';
import type { Activation, LayerSpec, ModelDescription, WeightTensor } from './types';

/** How a link stores kernels: float32, float16 (half the bytes; a float16 variant's own values) or int8 per output channel. */
export type WeightFormat = 'float32' | 'float16' | 'int8';

/** A kernel [… × units] (units = its output channels, last) in the asked format. */
export function weightTensor(values: Float32Array, units: number, format: WeightFormat): WeightTensor {
	if (format === 'int8') return { dtype: 'int8', ...quantizeInt8(values, units) };
	return format === 'float16' ? { dtype: 'float16', values: roundToFloat16(values) } : { dtype: 'float32', values };
}

const ACTIVATIONS: Record<string, Activation> = { linear: 'linear', relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax', elu: 'elu', gelu: 'gelu' };
/** Layers that do nothing at inference time on a [batch × features] input. */
const IDENTITY = new Set(['Dropout', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'SpatialDropout1D', 'Flatten']);

const fail = (message: string): never => {
	throw new KilnError('ModelFormatError', message);
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function layerList(topology: object): Json[] {
	let model = topology as Json;
	if (isObject(model.model_config)) model = model.model_config;
	if (model.class_name !== 'Sequential') fail(`The compact runtime reads Sequential tfjs models; this one is "${String(model.class_name)}". Use the ONNX export for it.`);
	const config = model.config;
	const layers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
	if (!Array.isArray(layers) || layers.length === 0) fail('The model topology lists no layers.');
	return (layers as unknown[]).map((l, i) => (isObject(l) && isObject(l.config) ? l : fail(`Layer ${i + 1} of the model topology is not a layer description.`)));
}

function weightTable(artifacts: ModelArtifacts): Map<string, { shape: number[]; values: Float32Array }> {
	const table = new Map<string, { shape: number[]; values: Float32Array }>();
	const data = artifacts.weightData;
	let offset = 0;
	for (const spec of artifacts.weightSpecs) {
		if (spec.dtype !== 'float32') fail(`Weight "${spec.name}" is ${spec.dtype}; only float32 weights can be converted.`);
		const size = spec.shape.reduce((a, b) => a * b, 1);
		if (offset + size * 4 > data.byteLength) fail(`The weight data ends before weight "${spec.name}" (needs ${offset + size * 4} bytes, has ${data.byteLength}).`);
		table.set(spec.name, { shape: spec.shape, values: new Float32Array(data.slice(offset, offset + size * 4)) });
		offset += size * 4;
	}
	return table;
}

function activationOf(name: unknown, layer: string): Activation {
	const known = typeof name === 'string' ? ACTIVATIONS[name] : undefined;
	return known ?? fail(`Layer "${layer}" uses the activation "${String(name)}", which the compact runtime does not implement (it has ${Object.keys(ACTIVATIONS).join(', ')}, leakyRelu).`);
}

/**
 * Kiln's tfjs artifacts (Sequential stacks of Dense, BatchNormalization, activation and dropout
 * layers) → the runtime's model description, optionally with int8 per-channel kernels.
 */
export function describeModel(artifacts: ModelArtifacts, weights: WeightFormat = 'float32'): ModelDescription {
	const specs = layerList(artifacts.modelTopology);
	const table = weightTable(artifacts);
	const take = (name: string, size: number): Float32Array => {
		const w = table.get(name) ?? fail(`The weights have no "${name}".`);
		if (w.values.length !== size) fail(`Weight "${name}" has ${w.values.length} values; its layer needs ${size}.`);
		return w.values;
	};
	const first = specs[0].config as Json;
	const inputShape = (first.batch_input_shape ?? first.batchInputShape) as unknown;
	if (!Array.isArray(inputShape) || inputShape.length !== 2 || !Number.isInteger(inputShape[1])) fail('The model must take a flat vector of features (input shape [batch, features]).');
	const inputSize = (inputShape as number[])[1];
	let width = inputSize;
	const layers: LayerSpec[] = [];
	for (const spec of specs) {
		const kind = String(spec.class_name);
		const c = spec.config as Json;
		const name = String(c.name);
		if (kind === 'InputLayer' || IDENTITY.has(kind)) continue;
		if (kind === 'Dense') {
			const units = Number(c.units);
			const kernel = take(`${name}/kernel`, width * units);
			const bias = c.use_bias === false ? undefined : take(`${name}/bias`, units);
			const kernelTensor = weightTensor(kernel, units, weights);
			layers.push({ type: 'dense', inputs: width, units, kernel: kernelTensor, ...(bias ? { bias } : {}), activation: activationOf(c.activation, name) });
			width = units;
		} else if (kind === 'BatchNormalization') {
			if (c.axis !== -1 && c.axis !== 1 && !(Array.isArray(c.axis) && c.axis.length === 1 && (c.axis[0] === -1 || c.axis[0] === 1))) fail(`Batch normalisation "${name}" normalises axis ${JSON.stringify(c.axis)}; only the feature axis is supported.`);
			layers.push({
				type: 'batchnorm',
				units: width,
				...(c.scale === false ? {} : { gamma: take(`${name}/gamma`, width) }),
				...(c.center === false ? {} : { beta: take(`${name}/beta`, width) }),
				mean: take(`${name}/moving_mean`, width),
				variance: take(`${name}/moving_variance`, width),
				epsilon: typeof c.epsilon === 'number' ? c.epsilon : 1e-3
			});
		} else if (kind === 'Activation') {
			layers.push({ type: 'activation', units: width, activation: activationOf(c.activation, name) });
		} else if (kind === 'LeakyReLU') {
			layers.push({ type: 'activation', units: width, activation: 'leakyRelu', alpha: typeof c.alpha === 'number' ? c.alpha : 0.3 });
		} else if (kind === 'ELU') {
			layers.push({ type: 'activation', units: width, activation: 'elu', alpha: typeof c.alpha === 'number' ? c.alpha : 1 });
		} else if (kind === 'ReLU' && (c.max_value === null || c.max_value === undefined)) {
			layers.push({ type: 'activation', units: width, activation: 'relu' });
		} else if (kind === 'Softmax' && (c.axis === undefined || c.axis === -1 || c.axis === 1)) {
			layers.push({ type: 'activation', units: width, activation: 'softmax' });
		} else {
			fail(`The model has a "${kind}" layer ("${name}"); the compact runtime runs dense models only (Dense, BatchNormalization, activations, Dropout). Use the ONNX export for this model.`);
		}
	}
	if (layers.length === 0) fail('The model has no Dense layer to run.');
	return { inputSize, outputSize: width, layers };
}

/**
 * Symmetric int8 per output channel: scale = max|w| / 127 over the channel, q = round(w / scale),
 * so zero (a pruned weight) stays exactly zero. `values` is [inputs × units] row-major.
 */
export function quantizeInt8(values: Float32Array, units: number): { values: Int8Array; scales: Float32Array } {
	const scales = new Float32Array(units);
	for (let i = 0; i < values.length; i++) scales[i % units] = Math.max(scales[i % units], Math.abs(values[i]));
	for (let j = 0; j < units; j++) scales[j] = scales[j] / 127;
	const q = new Int8Array(values.length);
	for (let i = 0; i < values.length; i++) {
		const s = scales[i % units];
		q[i] = s > 0 ? Math.max(-127, Math.min(127, Math.round(values[i] / s))) : 0;
	}
	return { values: q, scales };
}

/** The same model with every float Dense kernel in int8. */
export function quantizeModel(model: ModelDescription): ModelDescription {
	return {
		...model,
		layers: model.layers.map((l) => (l.type === 'dense' && l.kernel.dtype === 'float32' ? { ...l, kernel: { dtype: 'int8', ...quantizeInt8(l.kernel.values, l.units) } } : l))
	};
}

/** Number of weights (kernels, biases, normalisation parameters). */
export function parameterCount(model: ModelDescription): number {
	return model.layers.reduce((n, l) => n + (l.type === 'dense' ? l.kernel.values.length + (l.bias?.length ?? 0) : l.type === 'batchnorm' ? 4 * l.units : 0), 0);
}
