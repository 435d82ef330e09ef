/**
 * Output shapes and parameter counts of a CnnSpec by plain arithmetic, without tfjs, so the page
 * can show them live while a person edits layers, with errors they can act on.
 */
import type { Activation, CnnSpec, CnnSummary, KernelSize, LayerSpec, LayerSummary, Padding } from './types';

const ACTIVATIONS: readonly Activation[] = ['relu', 'relu6', 'elu', 'tanh', 'sigmoid', 'linear'];
export const MAX_IMAGE_SIDE = 512;

export function kernelDims(kernel: KernelSize): [number, number] {
	return typeof kernel === 'number' ? [kernel, kernel] : [kernel[0], kernel[1]];
}

/** Output side of a conv or pool, as tfjs computes it; 0 or less when the window does not fit. */
export function outputSide(size: number, window: number, stride: number, padding: Padding): number {
	return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - window) / stride) + 1;
}

const isInt = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

function describe(layer: LayerSpec): string {
	const k = (kernel: KernelSize) => kernelDims(kernel).join('×');
	const act = (a?: Activation) => (a && a !== 'linear' ? ` ${a}` : '');
	const stride = (s?: number) => (s && s > 1 ? ` /${s}` : '');
	switch (layer.type) {
		case 'conv2d':
			return `conv2d ${layer.filters} ${k(layer.kernel)}${stride(layer.stride)}${act(layer.activation)}`;
		case 'depthwiseConv2d':
			return `depthwise ${k(layer.kernel)}${stride(layer.stride)}${act(layer.activation)}`;
		case 'separableConv2d':
			return `separable ${layer.filters} ${k(layer.kernel)}${stride(layer.stride)}${act(layer.activation)}`;
		case 'maxPool':
		case 'avgPool':
			return `${layer.type} ${layer.size}×${layer.size}${stride(layer.stride ?? layer.size)}`;
		case 'dense':
			return `dense ${layer.units}${act(layer.activation)}`;
		case 'dropout':
			return `dropout ${layer.rate}`;
		case 'activation':
			return layer.activation;
		default:
			return layer.type;
	}
}

/** A problem with one layer's own settings (before shapes are considered), or null. */
function settingsProblem(layer: LayerSpec): string | null {
	const l = layer as Record<string, unknown>;
	if (l.activation !== undefined && !ACTIVATIONS.includes(l.activation as Activation)) return `unknown activation "${String(l.activation)}"; use one of ${ACTIVATIONS.join(', ')}`;
	if (l.padding !== undefined && l.padding !== 'same' && l.padding !== 'valid') return `padding must be "same" or "valid", not "${String(l.padding)}"`;
	if (l.stride !== undefined && !isInt(l.stride, 1, 8)) return 'the stride must be a whole number from 1 to 8';
	if ('kernel' in l) {
		const dims = typeof l.kernel === 'number' ? [l.kernel] : Array.isArray(l.kernel) && l.kernel.length === 2 ? l.kernel : null;
		if (!dims || !dims.every((d) => isInt(d, 1, 31))) return 'the kernel must be a whole number from 1 to 31, or [height, width]';
	}
	if ('filters' in l && !isInt(l.filters, 1, 4096)) return 'filters must be a whole number from 1 to 4096';
	if (l.depthMultiplier !== undefined && !isInt(l.depthMultiplier, 1, 16)) return 'the depth multiplier must be a whole number from 1 to 16';
	switch (layer.type) {
		case 'maxPool':
		case 'avgPool':
			return isInt(layer.size, 1, 31) ? null : 'the pool size must be a whole number from 1 to 31';
		case 'dropout':
			return typeof layer.rate === 'number' && layer.rate >= 0 && layer.rate < 1 ? null : 'the dropout rate must be at least 0 and below 1';
		case 'dense':
			return isInt(layer.units, 1, 16384) ? null : 'units must be a whole number from 1 to 16384';
		case 'batchNorm':
			return layer.momentum === undefined || (layer.momentum > 0 && layer.momentum < 1) ? null : 'the momentum must be between 0 and 1';
		case 'activation':
			return ACTIVATIONS.includes(layer.activation) ? null : `unknown activation "${String(layer.activation)}"`;
		case 'conv2d':
		case 'depthwiseConv2d':
		case 'separableConv2d':
		case 'globalAvgPool':
		case 'flatten':
			return null;
		default:
			return `unknown layer type "${String((layer as { type: unknown }).type)}"`;
	}
}

/** Summary of every layer, stopping at the first problem (later shapes would be meaningless). */
export function summarizeCnn(spec: CnnSpec): CnnSummary {
	const layers: LayerSummary[] = [];
	const errors: CnnSummary['errors'] = [];
	const { height, width, channels } = spec.input ?? ({} as CnnSpec['input']);
	if (!isInt(height, 1, MAX_IMAGE_SIDE) || !isInt(width, 1, MAX_IMAGE_SIDE) || !isInt(channels, 1, 4)) {
		errors.push({ index: -1, message: `The input must be an image of 1 to ${MAX_IMAGE_SIDE} pixels per side with 1 (grayscale) or 3 (RGB) channels.` });
		return { layers, params: 0, trainableParams: 0, errors };
	}
	let shape: number[] = [height, width, channels];
	let from = `the ${height}×${width} input`;
	const add = (index: number, type: LayerSummary['type'], label: string, outputShape: number[], params: number, trainable = params) => {
		layers.push({ index, type, label, outputShape, params, trainableParams: trainable });
		shape = outputShape;
		from = `layer ${index + 1} (${label})`;
	};
	const layerList = Array.isArray(spec.layers) ? spec.layers : [];
	for (let index = 0; index < layerList.length; index++) {
		const layer = layerList[index];
		const fail = (message: string) => errors.push({ index, message: `Layer ${index + 1} (${layer && typeof layer === 'object' ? describe(layer) : 'missing'}): ${message}.` });
		const problem = layer && typeof layer === 'object' ? settingsProblem(layer) : 'it is not a layer';
		if (problem) {
			fail(problem);
			break;
		}
		const label = describe(layer);
		const isImage = shape.length === 3;
		const spatial = ['conv2d', 'depthwiseConv2d', 'separableConv2d', 'maxPool', 'avgPool', 'globalAvgPool', 'flatten'];
		if (spatial.includes(layer.type) && !isImage) {
			fail(`it needs an image, but ${from} already outputs a vector of ${shape[0]}; move it before any flatten, global pooling or dense layer`);
			break;
		}
		if (layer.type === 'dense' && isImage) {
			fail(`it needs a vector, but ${from} outputs a ${shape.join('×')} image; add flatten or globalAvgPool before it`);
			break;
		}
		const [h, w, c] = shape;
		if (layer.type === 'conv2d' || layer.type === 'depthwiseConv2d' || layer.type === 'separableConv2d' || layer.type === 'maxPool' || layer.type === 'avgPool') {
			const pool = layer.type === 'maxPool' || layer.type === 'avgPool';
			const [kh, kw] = pool ? [layer.size, layer.size] : kernelDims(layer.kernel);
			const stride = layer.stride ?? (pool ? layer.size : 1);
			const padding = layer.padding ?? (pool ? 'valid' : 'same');
			const oh = outputSide(h, kh, stride, padding);
			const ow = outputSide(w, kw, stride, padding);
			if (oh < 1 || ow < 1) {
				fail(`the image is ${h}×${w} after ${from}: too small for a ${kh}×${kw} ${pool ? 'pool' : 'kernel'} with "valid" padding; use "same" padding, a smaller ${pool ? 'pool' : 'kernel'}, or fewer pooling layers before it`);
				break;
			}
			if (pool) add(index, layer.type, label, [oh, ow, c], 0);
			else if (layer.type === 'conv2d') add(index, layer.type, label, [oh, ow, layer.filters], kh * kw * c * layer.filters + layer.filters);
			else {
				const m = layer.depthMultiplier ?? 1;
				if (layer.type === 'depthwiseConv2d') add(index, layer.type, label, [oh, ow, c * m], kh * kw * c * m + c * m);
				else add(index, layer.type, label, [oh, ow, layer.filters], kh * kw * c * m + c * m * layer.filters + layer.filters);
			}
		} else if (layer.type === 'globalAvgPool') add(index, layer.type, label, [c], 0);
		else if (layer.type === 'flatten') add(index, layer.type, label, [h * w * c], 0);
		else if (layer.type === 'dense') add(index, layer.type, label, [layer.units], shape[0] * layer.units + layer.units);
		else if (layer.type === 'batchNorm') {
			const features = shape[shape.length - 1];
			// Gamma and beta train; the moving mean and variance are updated, not trained.
			add(index, layer.type, label, shape, 4 * features, 2 * features);
		} else add(index, layer.type, label, shape, 0);
	}
	if (errors.length === 0) {
		if (!isInt(spec.classes, 2, 1000)) errors.push({ index: layerList.length, message: 'A classifier needs from 2 to 1000 classes.' });
		else if (shape.length === 3) {
			errors.push({ index: layerList.length, message: `The last layer still outputs a ${shape.join('×')} image; end with flatten or globalAvgPool so the classifier gets a vector.` });
		} else add(layerList.length, 'classifier', `classifier ${spec.classes}`, [spec.classes], shape[0] * spec.classes + spec.classes);
	}
	return {
		layers,
		params: layers.reduce((s, l) => s + l.params, 0),
		trainableParams: layers.reduce((s, l) => s + l.trainableParams, 0),
		errors
	};
}
