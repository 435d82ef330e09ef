import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { describeModel, weightTensor, type WeightFormat } from './convert';
import type { ConvActivation, ConvPadding, ImageFront, ImageLayer } from './media-types';
import type { ModelDescription, WeightTensor } from './types';

const fail = (message: string): never => {
	throw new KilnError('ModelFormatError', message);
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const ACTIVATIONS: readonly ConvActivation[] = ['linear', 'relu', 'relu6', 'elu', 'tanh', 'sigmoid'];
/** Identity at inference time. */
const SKIP = new Set(['InputLayer', 'Dropout', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout']);

function layers(topology: object): Json[] {
	let model = topology as Json;
	if (isObject(model.model_config)) model = model.model_config;
	if (model.class_name !== 'Sequential') fail(`Share links read Sequential image models; this one is "${String(model.class_name)}".`);
	const config = model.config;
	const list = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
	if (!Array.isArray(list) || list.length === 0) fail('The model topology lists no layers.');
	return list as Json[];
}

function pair(value: unknown, name: string, what: string): [number, number] {
	const v = Array.isArray(value) ? value : [value, value];
	if (v.length !== 2 || !v.every((n) => Number.isInteger(n) && (n as number) > 0)) fail(`Layer "${name}" has an unreadable ${what} (${JSON.stringify(value)}).`);
	return [v[0] as number, v[1] as number];
}

function activation(value: unknown, name: string): ConvActivation {
	const a = value === undefined || value === null ? 'linear' : value;
	return (ACTIVATIONS as readonly unknown[]).includes(a) ? (a as ConvActivation) : fail(`Layer "${name}" uses the activation "${String(a)}", which the share runtime does not run (it has ${ACTIVATIONS.join(', ')}).`);
}

function padding(value: unknown, name: string): ConvPadding {
	return value === 'same' || value === 'valid' ? value : fail(`Layer "${name}" uses padding "${String(value)}"; share links run 'same' and 'valid'.`);
}

function plainConv(c: Json, name: string): void {
	const dilation = c.dilation_rate;
	if (dilation !== undefined && dilation !== null && !(dilation === 1 || (Array.isArray(dilation) && dilation.every((d) => d === 1)))) fail(`Layer "${name}" is dilated; share links run undilated convolutions.`);
	if (c.data_format !== undefined && c.data_format !== null && c.data_format !== 'channels_last') fail(`Layer "${name}" is channels-first; Kiln's image models are channels-last.`);
}

/**
 * Kiln's tfjs image model (Sequential: convs, depthwise / separable convs, pooling, batch-norm,
 * activations, dropout, then flatten or global average pooling, then dense layers) → the image
 * front and the dense head of a share link. Kernels int8 per output channel when asked, the
 * same symmetric scheme as the dense layers and the compression path.
 */
export function describeImageModel(artifacts: ModelArtifacts, weights: WeightFormat = 'int8'): { front: ImageFront; head: ModelDescription } {
	const specs = layers(artifacts.modelTopology);
	const table = new Map<string, Float32Array>();
	let offset = 0;
	for (const spec of artifacts.weightSpecs) {
		if (spec.dtype !== 'float32') fail(`Weight "${spec.name}" is ${spec.dtype}; only float32 weights can be converted.`);
		const size = spec.shape.reduce((a, b) => a * b, 1);
		if (offset + size * 4 > artifacts.weightData.byteLength) fail(`The weight data ends before weight "${spec.name}".`);
		table.set(spec.name, new Float32Array(artifacts.weightData.slice(offset, offset + size * 4)));
		offset += size * 4;
	}
	const take = (name: string, size: number): Float32Array => {
		const w = table.get(name) ?? fail(`The weights have no "${name}".`);
		return w.length === size ? w : fail(`Weight "${name}" has ${w.length} values; its layer needs ${size}.`);
	};
	const tensor = (values: Float32Array, units: number): WeightTensor => weightTensor(values, units, weights);

	const first = specs[0].config as Json;
	const shape = (first.batch_input_shape ?? first.batchInputShape) as unknown;
	if (!Array.isArray(shape) || shape.length !== 4) fail('An image model takes [batch, height, width, channels] images.');
	const [, height, width, channels] = shape as number[];
	if (channels !== 1 && channels !== 3) fail(`The model takes ${channels}-channel images; share links run grayscale (1) or RGB (3).`);
	const front: ImageLayer[] = [];
	let c = channels;
	let i = 0;
	for (; i < specs.length; i++) {
		const kind = String(specs[i].class_name);
		const cfg = specs[i].config as Json;
		const name = String(cfg.name);
		if (SKIP.has(kind)) continue;
		if (kind === 'Conv2D') {
			plainConv(cfg, name);
			const [kh, kw] = pair(cfg.kernel_size, name, 'kernel size');
			const [sh, sw] = pair(cfg.strides ?? 1, name, 'stride');
			const filters = Number(cfg.filters);
			const bias = cfg.use_bias === false ? undefined : take(`${name}/bias`, filters);
			front.push({ type: 'conv', kh, kw, sh, sw, filters, padding: padding(cfg.padding, name), activation: activation(cfg.activation, name), kernel: tensor(take(`${name}/kernel`, kh * kw * c * filters), filters), ...(bias ? { bias } : {}) });
			c = filters;
		} else if (kind === 'DepthwiseConv2D' || kind === 'SeparableConv2D') {
			plainConv(cfg, name);
			const [kh, kw] = pair(cfg.kernel_size, name, 'kernel size');
			const [sh, sw] = pair(cfg.strides ?? 1, name, 'stride');
			const multiplier = Number(cfg.depth_multiplier ?? 1);
			const pad = padding(cfg.padding, name);
			const cout = c * multiplier;
			if (kind === 'DepthwiseConv2D') {
				const bias = cfg.use_bias === false ? undefined : take(`${name}/bias`, cout);
				front.push({ type: 'depthwise', kh, kw, sh, sw, multiplier, padding: pad, activation: activation(cfg.activation, name), kernel: tensor(take(`${name}/depthwise_kernel`, kh * kw * cout), cout), ...(bias ? { bias } : {}) });
				c = cout;
			} else {
				// Separable = depthwise (no bias, linear) then a 1×1 conv with the bias and activation.
				const filters = Number(cfg.filters);
				front.push({ type: 'depthwise', kh, kw, sh, sw, multiplier, padding: pad, activation: 'linear', kernel: tensor(take(`${name}/depthwise_kernel`, kh * kw * cout), cout) });
				const bias = cfg.use_bias === false ? undefined : take(`${name}/bias`, filters);
				front.push({ type: 'conv', kh: 1, kw: 1, sh: 1, sw: 1, filters, padding: 'valid', activation: activation(cfg.activation, name), kernel: tensor(take(`${name}/pointwise_kernel`, cout * filters), filters), ...(bias ? { bias } : {}) });
				c = filters;
			}
		} else if (kind === 'MaxPooling2D' || kind === 'AveragePooling2D') {
			const [ph, pw] = pair(cfg.pool_size, name, 'pool size');
			const [sh, sw] = pair(cfg.strides ?? cfg.pool_size, name, 'stride');
			front.push({ type: kind === 'MaxPooling2D' ? 'maxPool' : 'avgPool', ph, pw, sh, sw, padding: padding(cfg.padding ?? 'valid', name) });
		} else if (kind === 'BatchNormalization') {
			const axis = Array.isArray(cfg.axis) ? cfg.axis[0] : cfg.axis;
			if (axis !== -1 && axis !== 3) fail(`Batch normalisation "${name}" normalises axis ${JSON.stringify(cfg.axis)}; only the channel axis is supported.`);
			front.push({
				type: 'batchnorm',
				epsilon: typeof cfg.epsilon === 'number' ? cfg.epsilon : 1e-3,
				...(cfg.scale === false ? {} : { gamma: take(`${name}/gamma`, c) }),
				...(cfg.center === false ? {} : { beta: take(`${name}/beta`, c) }),
				mean: take(`${name}/moving_mean`, c),
				variance: take(`${name}/moving_variance`, c)
			});
		} else if (kind === 'Activation') {
			front.push({ type: 'activation', activation: activation(cfg.activation, name) });
		} else if (kind === 'ReLU' && (cfg.max_value === null || cfg.max_value === undefined || cfg.max_value === 6)) {
			front.push({ type: 'activation', activation: cfg.max_value === 6 ? 'relu6' : 'relu' });
		} else if (kind === 'Flatten' || kind === 'GlobalAveragePooling2D') {
			front.push({ type: kind === 'Flatten' ? 'flatten' : 'globalAvgPool' });
			i++;
			break;
		} else {
			fail(`The model has a "${kind}" layer ("${name}") before its flatten / global pooling; share links run Conv2D, DepthwiseConv2D, SeparableConv2D, pooling, BatchNormalization, activations and Dropout there.`);
		}
	}
	if (front.length === 0 || (front[front.length - 1].type !== 'flatten' && front[front.length - 1].type !== 'globalAvgPool')) fail('The image model never flattens or globally pools its feature maps, so it has no vector for the dense layers.');
	const featureWidth = imageFeatureWidth({ kind: 'image', height, width, channels, layers: front });
	const headLayers = [{ class_name: 'InputLayer', config: { name: 'features', batch_input_shape: [null, featureWidth] } }, ...specs.slice(i)];
	const head = describeModel({ modelTopology: { class_name: 'Sequential', config: { name: 'head', layers: headLayers } }, weightSpecs: artifacts.weightSpecs, weightData: artifacts.weightData }, weights);
	return { front: { kind: 'image', height, width, channels, layers: front }, head };
}

/**
 * Shape of the feature maps through the front, or a message naming the first layer that cannot
 * run (kernel larger than its input, map too large); the vector width at the end.
 */
export function imageShapes(front: ImageFront): { shapes: [number, number, number][]; macs: number; error?: string } {
	let h = front.height;
	let w = front.width;
	let c = front.channels;
	let macs = 0;
	const shapes: [number, number, number][] = [];
	const out = (n: number, k: number, s: number, p: ConvPadding) => (p === 'valid' ? Math.floor((n - k) / s) + 1 : Math.ceil(n / s));
	for (let i = 0; i < front.layers.length; i++) {
		const l = front.layers[i];
		if (l.type === 'conv' || l.type === 'depthwise' || l.type === 'maxPool' || l.type === 'avgPool') {
			const [kh, kw] = l.type === 'conv' || l.type === 'depthwise' ? [l.kh, l.kw] : [l.ph, l.pw];
			const nh = out(h, kh, l.sh, l.padding);
			const nw = out(w, kw, l.sw, l.padding);
			if (nh < 1 || nw < 1) return { shapes, macs, error: `layer ${i + 1} has a ${kh}×${kw} window larger than its ${h}×${w} input` };
			const nc = l.type === 'conv' ? l.filters : l.type === 'depthwise' ? c * l.multiplier : c;
			macs += nh * nw * nc * kh * kw * (l.type === 'conv' ? c : 1);
			[h, w, c] = [nh, nw, nc];
		} else if (l.type === 'flatten') [h, w, c] = [1, 1, h * w * c];
		else if (l.type === 'globalAvgPool') [h, w] = [1, 1];
		shapes.push([h, w, c]);
	}
	return { shapes, macs };
}

export function imageFeatureWidth(front: ImageFront): number {
	const { shapes, error } = imageShapes(front);
	if (error) fail(`The image model cannot run: ${error}.`);
	const last = shapes[shapes.length - 1];
	return last[0] * last[1] * last[2];
}
