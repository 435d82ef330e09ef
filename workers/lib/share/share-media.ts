import type { Preprocessing } from '$workers/protocol';
import { imageShapes } from './convert-image';
import type { ConvActivation, ImageFront, ImageLayer, MediaFront, NetworkOptions, TextFront, WordRules } from './media-types';
import { netHeader, readNetOptions, readTransformer, writeBpe, writeTransformer } from './share-media-net';
import { TensorReader, TensorWriter } from './share-schema';
import type { WeightTensor } from './types';
import { LIMITS, checkTarget } from './validate-preprocessing';
import type { Checker } from './validate';

/**
 * Share-link fronts for image and text models (format 2, `model.kind` 'image' / 'text'): the JSON
 * header says which tensors exist, the bytes come first in the tensor section, before the dense
 * head's. Every size is bounded so a hostile header cannot make the demo allocate or loop beyond
 * what a real Kiln model needs.
 */
export const MEDIA_LIMITS = {
	imageSide: 256,
	imageLayers: 64,
	kernel: 11,
	filters: 1024,
	multiplier: 8,
	stride: 4,
	pool: 8,
	/** Values in the largest feature map. */
	mapValues: 4_000_000,
	/** Multiply-adds per image: a 224 px MobileNet-style net is about 6e8. */
	macs: 2_000_000_000,
	vocabulary: 65_536,
	tokenChars: 200,
	maxLength: 4096,
	embeddingDim: 1024,
	maxChars: 100_000
} as const;

const ACTIVATIONS: readonly ConvActivation[] = ['linear', 'relu', 'relu6', 'elu', 'tanh', 'sigmoid'];

// ---- writing --------------------------------------------------------------------------------

function imageLayerHeader(l: ImageLayer): Record<string, unknown> {
	if (l.type === 'conv' || l.type === 'depthwise') {
		const { kernel, bias, ...rest } = l;
		return { ...rest, kernel: kernel.dtype, bias: !!bias };
	}
	if (l.type === 'batchnorm') return { type: l.type, epsilon: l.epsilon, gamma: !!l.gamma, beta: !!l.beta };
	return { ...l };
}

export function frontHeader(front: MediaFront): Record<string, unknown> {
	if (front.kind === 'image') return { kind: 'image', height: front.height, width: front.width, channels: front.channels, layers: front.layers.map(imageLayerHeader) };
	if (front.kind === 'tfidf') return { kind: 'tfidf', rules: front.rules, ngrams: front.ngrams, sublinear: front.sublinear, terms: front.terms };
	const common = { rules: front.rules, vocabulary: front.vocabulary, maxLength: front.maxLength, dim: front.dim, embedding: front.embedding.dtype, ...netHeader(front) };
	if (front.kind === 'transformer') return { kind: 'transformer', ...common };
	if (front.kind === 'cnn') return { kind: 'cnn', ...common, convs: front.convs.map((c) => ({ k: c.k, filters: c.filters, kernel: c.kernel.dtype })) };
	if (front.kind === 'rnn') return { kind: 'rnn', ...common, cell: front.cell, units: front.units, directions: front.directions.map((d) => ({ w: d.w.dtype, u: d.u.dtype })) };
	return { kind: 'embedding-bag', ...common };
}

function writeTensor(t: WeightTensor, w: TensorWriter): void {
	if (t.dtype === 'int8') {
		w.int8(t.values);
		w.float32(t.scales);
	} else if (t.dtype === 'float16') w.float16(t.values);
	else w.float32(t.values);
}

export function writeFrontTensors(front: MediaFront, w: TensorWriter): void {
	if (front.kind === 'image') {
		for (const l of front.layers) {
			if (l.type === 'conv' || l.type === 'depthwise') {
				writeTensor(l.kernel, w);
				if (l.bias) w.float32(l.bias);
			} else if (l.type === 'batchnorm') for (const t of [l.gamma, l.beta, l.mean, l.variance]) if (t) w.float32(t);
		}
	} else if (front.kind === 'tfidf') w.float32(front.idf);
	else {
		writeBpe(front, w);
		writeTensor(front.embedding, w);
		if (front.kind === 'transformer') writeTransformer(front, w, (t) => writeTensor(t, w));
		if (front.kind === 'cnn') {
			for (const c of front.convs) {
				writeTensor(c.kernel, w);
				w.float32(c.bias);
			}
		}
		if (front.kind === 'rnn') {
			for (const d of front.directions) {
				writeTensor(d.w, w);
				writeTensor(d.u, w);
				w.float32(d.b);
				if (d.bu) w.float32(d.bu);
			}
		}
	}
}

// ---- checking -------------------------------------------------------------------------------

function readTensor(c: Checker, dtype: unknown, path: string, count: number, units: number, r: TensorReader): WeightTensor {
	const kind = c.oneOf(dtype, path, ['int8', 'float32', 'float16'] as const);
	if (kind === 'int8') return { dtype: kind, values: r.int8(count, path), scales: r.float32(units, `${path}.scales`, 0) };
	return kind === 'float16' ? { dtype: kind, values: r.float16(count, path) } : { dtype: kind, values: r.float32(count, path) };
}

function imageLayer(c: Checker, value: unknown, path: string, channels: number, r: TensorReader): ImageLayer {
	const type = c.oneOf(c.object(value, path, ['type'], ['kh', 'kw', 'sh', 'sw', 'ph', 'pw', 'filters', 'multiplier', 'padding', 'activation', 'kernel', 'bias', 'epsilon', 'gamma', 'beta']).type, `${path}.type`, ['conv', 'depthwise', 'maxPool', 'avgPool', 'batchnorm', 'activation', 'flatten', 'globalAvgPool'] as const);
	const side = (o: Record<string, unknown>, key: string, max: number) => c.integer(o[key], `${path}.${key}`, 1, max);
	if (type === 'conv' || type === 'depthwise') {
		const o = c.object(value, path, ['type', 'kh', 'kw', 'sh', 'sw', 'padding', 'activation', 'kernel', 'bias', type === 'conv' ? 'filters' : 'multiplier']);
		const [kh, kw, sh, sw] = [side(o, 'kh', MEDIA_LIMITS.kernel), side(o, 'kw', MEDIA_LIMITS.kernel), side(o, 'sh', MEDIA_LIMITS.stride), side(o, 'sw', MEDIA_LIMITS.stride)];
		const padding = c.oneOf(o.padding, `${path}.padding`, ['same', 'valid'] as const);
		const activation = c.oneOf(o.activation, `${path}.activation`, ACTIVATIONS);
		if (type === 'conv') {
			const filters = side(o, 'filters', MEDIA_LIMITS.filters);
			const kernel = readTensor(c, o.kernel, `${path}.kernel`, kh * kw * channels * filters, filters, r);
			const bias = c.boolean(o.bias, `${path}.bias`) ? r.float32(filters, `${path}.bias`) : undefined;
			return { type, kh, kw, sh, sw, filters, padding, activation, kernel, ...(bias ? { bias } : {}) };
		}
		const multiplier = side(o, 'multiplier', MEDIA_LIMITS.multiplier);
		const out = channels * multiplier;
		if (out > MEDIA_LIMITS.filters) c.fail(path, `makes ${out} channels; share links allow ${MEDIA_LIMITS.filters}`);
		const kernel = readTensor(c, o.kernel, `${path}.kernel`, kh * kw * out, out, r);
		const bias = c.boolean(o.bias, `${path}.bias`) ? r.float32(out, `${path}.bias`) : undefined;
		return { type, kh, kw, sh, sw, multiplier, padding, activation, kernel, ...(bias ? { bias } : {}) };
	}
	if (type === 'maxPool' || type === 'avgPool') {
		const o = c.object(value, path, ['type', 'ph', 'pw', 'sh', 'sw', 'padding']);
		return { type, ph: side(o, 'ph', MEDIA_LIMITS.pool), pw: side(o, 'pw', MEDIA_LIMITS.pool), sh: side(o, 'sh', MEDIA_LIMITS.pool), sw: side(o, 'sw', MEDIA_LIMITS.pool), padding: c.oneOf(o.padding, `${path}.padding`, ['same', 'valid'] as const) };
	}
	if (type === 'batchnorm') {
		const o = c.object(value, path, ['type', 'epsilon', 'gamma', 'beta']);
		const epsilon = c.number(o.epsilon, `${path}.epsilon`, { above: 0, max: 1 });
		const gamma = c.boolean(o.gamma, `${path}.gamma`) ? r.float32(channels, `${path}.gamma`) : undefined;
		const beta = c.boolean(o.beta, `${path}.beta`) ? r.float32(channels, `${path}.beta`) : undefined;
		return { type, epsilon, mean: r.float32(channels, `${path}.mean`), variance: r.float32(channels, `${path}.variance`, 0), ...(gamma ? { gamma } : {}), ...(beta ? { beta } : {}) };
	}
	if (type === 'activation') {
		const o = c.object(value, path, ['type', 'activation']);
		return { type, activation: c.oneOf(o.activation, `${path}.activation`, ACTIVATIONS) };
	}
	c.object(value, path, ['type']);
	return { type };
}

function imageFront(c: Checker, o: Record<string, unknown>, path: string, r: TensorReader): ImageFront {
	const height = c.integer(o.height, `${path}.height`, 1, MEDIA_LIMITS.imageSide);
	const width = c.integer(o.width, `${path}.width`, 1, MEDIA_LIMITS.imageSide);
	const channels = c.oneOf(String(o.channels), `${path}.channels`, ['1', '3'] as const) === '1' ? 1 : 3;
	if (o.channels !== channels) c.fail(`${path}.channels`, 'must be the number 1 or 3');
	const list = c.array(o.layers, `${path}.layers`, MEDIA_LIMITS.imageLayers, 1);
	const layers: ImageLayer[] = [];
	let c0 = channels;
	for (let i = 0; i < list.length; i++) {
		const layer = imageLayer(c, list[i], `${path}.layers[${i}]`, c0, r);
		const last = i === list.length - 1;
		const vector = layer.type === 'flatten' || layer.type === 'globalAvgPool';
		if (vector !== last) c.fail(`${path}.layers[${i}]`, last ? 'must flatten or globally pool the feature maps' : 'flattens before the last front layer');
		layers.push(layer);
		// Shapes are checked as they grow, so a hostile stack is refused before its weights are read.
		const front: ImageFront = { kind: 'image', height, width, channels, layers };
		const { shapes, macs, error } = imageShapes(front);
		if (error) c.fail(`${path}.layers[${i}]`, error.replace(/^layer \d+ /, ''));
		const [h, w, ch] = shapes[shapes.length - 1];
		if (h * w * ch > MEDIA_LIMITS.mapValues) c.fail(`${path}.layers[${i}]`, `makes a ${h}×${w}×${ch} feature map; share links allow ${MEDIA_LIMITS.mapValues.toLocaleString('en-US')} values`);
		if (macs > MEDIA_LIMITS.macs) c.fail(`${path}.layers`, `need more than ${MEDIA_LIMITS.macs.toLocaleString('en-US')} multiply-adds per image`);
		c0 = ch;
	}
	return { kind: 'image', height, width, channels, layers };
}

function rules(c: Checker, value: unknown, path: string): WordRules {
	const o = c.object(value, path, ['form', 'lowercase', 'punctuation', 'numbers', 'maxChars']);
	return {
		form: c.oneOf(o.form, `${path}.form`, ['NFC', 'NFKC'] as const),
		lowercase: c.boolean(o.lowercase, `${path}.lowercase`),
		punctuation: c.oneOf(o.punctuation, `${path}.punctuation`, ['keep', 'drop'] as const),
		numbers: c.oneOf(o.numbers, `${path}.numbers`, ['keep', 'normalise'] as const),
		maxChars: c.integer(o.maxChars, `${path}.maxChars`, 1, MEDIA_LIMITS.maxChars)
	};
}

function tokens(c: Checker, value: unknown, path: string, min: number): string[] {
	const list = c.array(value, path, MEDIA_LIMITS.vocabulary, min).map((t, i) => {
		if (typeof t !== 'string' || t.length > MEDIA_LIMITS.tokenChars) c.fail(`${path}[${i}]`, `must be text of at most ${MEDIA_LIMITS.tokenChars} characters`);
		return t as string;
	});
	c.unique(list, path);
	return list;
}

function textFront(c: Checker, o: Record<string, unknown>, path: string, r: TensorReader): TextFront {
	if (o.kind === 'tfidf') {
		const terms = tokens(c, o.terms, `${path}.terms`, 1);
		return { kind: 'tfidf', rules: rules(c, o.rules, `${path}.rules`), ngrams: c.integer(o.ngrams, `${path}.ngrams`, 1, 3), sublinear: c.boolean(o.sublinear, `${path}.sublinear`), terms, idf: r.float32(terms.length, `${path}.idf`, 0) };
	}
	const vocabulary = tokens(c, o.vocabulary, `${path}.vocabulary`, 3);
	const dim = c.integer(o.dim, `${path}.dim`, 1, MEDIA_LIMITS.embeddingDim);
	const common = {
		rules: rules(c, o.rules, `${path}.rules`),
		vocabulary,
		maxLength: c.integer(o.maxLength, `${path}.maxLength`, 1, MEDIA_LIMITS.maxLength),
		dim,
		...readNetOptions(c, o, path, vocabulary, r)
	};
	if (o.kind === 'transformer') {
		const read = (dtype: unknown, at: string, count: number, units: number) => readTensor(c, dtype, at, count, units, r);
		if (common.maxLength * dim > MEDIA_LIMITS.mapValues) c.fail(`${path}.maxLength`, `makes a ${common.maxLength}×${dim} position table; share links allow ${MEDIA_LIMITS.mapValues.toLocaleString('en-US')} values`);
		const embedding = readTensor(c, o.embedding, `${path}.embedding`, vocabulary.length * dim, dim, r);
		return { kind: 'transformer', ...common, embedding, ...readTransformer(c, o, path, common, r, read) };
	}
	if (o.kind === 'embedding-bag') return { kind: 'embedding-bag', ...common, embedding: readTensor(c, o.embedding, `${path}.embedding`, vocabulary.length * dim, dim, r) };
	if (o.kind === 'rnn') return rnnFront(c, o, path, common, r);
	// Headers of every conv are checked (and their cost bounded) before any weight is read.
	const convs = c.array(o.convs, `${path}.convs`, 8, 1).map((v, i) => {
		const conv = c.object(v, `${path}.convs[${i}]`, ['k', 'filters', 'kernel']);
		return { k: c.integer(conv.k, `${path}.convs[${i}].k`, 1, 64), filters: c.integer(conv.filters, `${path}.convs[${i}].filters`, 1, MEDIA_LIMITS.filters), dtype: conv.kernel };
	});
	if (convs.reduce((n, v) => n + common.maxLength * v.k * dim * v.filters, 0) > MEDIA_LIMITS.macs) c.fail(`${path}.convs`, `need more than ${MEDIA_LIMITS.macs.toLocaleString('en-US')} multiply-adds per text`);
	const embedding = readTensor(c, o.embedding, `${path}.embedding`, vocabulary.length * dim, dim, r);
	return {
		kind: 'cnn',
		...common,
		embedding,
		convs: convs.map((v, i) => ({ k: v.k, filters: v.filters, kernel: readTensor(c, v.dtype, `${path}.convs[${i}].kernel`, v.k * dim * v.filters, v.filters, r), bias: r.float32(v.filters, `${path}.convs[${i}].bias`) }))
	};
}

function rnnFront(c: Checker, o: Record<string, unknown>, path: string, common: { rules: WordRules; vocabulary: string[]; maxLength: number; dim: number } & NetworkOptions, r: TensorReader): TextFront {
	const cell = c.oneOf(o.cell, `${path}.cell`, ['lstm', 'gru'] as const);
	const units = c.integer(o.units, `${path}.units`, 1, MEDIA_LIMITS.filters);
	// The header is checked (and the cost per text bounded) before any weight is read.
	const heads = c.array(o.directions, `${path}.directions`, 2, 1).map((v, i) => c.object(v, `${path}.directions[${i}]`, ['w', 'u']));
	const g = (cell === 'lstm' ? 4 : 3) * units;
	if (common.maxLength * (common.dim + units) * g * heads.length > MEDIA_LIMITS.macs) c.fail(`${path}.units`, `need more than ${MEDIA_LIMITS.macs.toLocaleString('en-US')} multiply-adds per text`);
	const embedding = readTensor(c, o.embedding, `${path}.embedding`, common.vocabulary.length * common.dim, common.dim, r);
	const directions = heads.map((h, i) => {
		const at = `${path}.directions[${i}]`;
		const w = readTensor(c, h.w, `${at}.w`, common.dim * g, g, r);
		const u = readTensor(c, h.u, `${at}.u`, units * g, g, r);
		const b = r.float32(g, `${at}.b`);
		return { w, u, b, ...(cell === 'gru' ? { bu: r.float32(g, `${at}.bu`) } : {}) };
	});
	return { kind: 'rnn', ...common, embedding, cell, units, directions };
}

/** The front of a format-2 model of `kind` 'image' or 'text', its tensors read first. */
export function checkFront(c: Checker, kind: 'image' | 'text', value: unknown, r: TensorReader, path = 'model.front'): MediaFront {
	if (kind === 'image') return imageFront(c, c.object(value, path, ['kind', 'height', 'width', 'channels', 'layers']), path, r);
	const k = c.oneOf(c.object(value, path, ['kind'], ['rules', 'ngrams', 'sublinear', 'terms', 'vocabulary', 'maxLength', 'dim', 'embedding', 'convs', 'cell', 'units', 'directions', 'bpe', 'task', 'heads', 'ffDim', 'position', 'blocks']).kind, `${path}.kind`, ['tfidf', 'embedding-bag', 'cnn', 'rnn', 'transformer'] as const);
	const own = k === 'cnn' ? ['convs'] : k === 'rnn' ? ['cell', 'units', 'directions'] : k === 'transformer' ? ['heads', 'ffDim', 'position', 'blocks'] : [];
	const o = k === 'tfidf' ? c.object(value, path, ['kind', 'rules', 'ngrams', 'sublinear', 'terms']) : c.object(value, path, ['kind', 'rules', 'vocabulary', 'maxLength', 'dim', 'embedding', ...own], ['bpe', 'task']);
	return textFront(c, o, path, r);
}

/** Width of the vector a front hands to the dense head. */
export function frontWidth(front: MediaFront): number {
	if (front.kind === 'tfidf') return front.terms.length;
	if (front.kind === 'embedding-bag' || front.kind === 'transformer') return front.dim;
	if (front.kind === 'cnn') return front.convs.reduce((n, v) => n + v.filters, 0);
	if (front.kind === 'rnn') return front.units * front.directions.length;
	const { shapes } = imageShapes(front);
	const [h, w, ch] = shapes[shapes.length - 1];
	return h * w * ch;
}

/**
 * An image or text model's preprocessing: no table features, a classification target, the input
 * width of the head (= the front's vector), and for images the pixel shape matching the front.
 */
export function checkMediaPreprocessing(c: Checker, value: unknown, front: MediaFront, path = 'preprocessing'): Preprocessing {
	const o = c.object(value, path, ['features', 'target', 'inputSize'], ['image']);
	c.array(o.features, `${path}.features`, 0, 0);
	const target = checkTarget(c, o.target, `${path}.target`);
	if (target.task !== 'classification') c.fail(`${path}.target.task`, 'must be "classification" for an image or text model');
	const inputSize = c.integer(o.inputSize, `${path}.inputSize`, 1, LIMITS.inputs);
	if (inputSize !== frontWidth(front)) c.fail(`${path}.inputSize`, `is ${inputSize}, but the ${front.kind} front makes ${frontWidth(front)} values`);
	if (front.kind !== 'image') {
		if (o.image !== undefined) c.fail(`${path}.image`, 'only applies to image models');
		return { features: [], target, inputSize };
	}
	const s = c.object(o.image, `${path}.image`, ['height', 'width', 'channels']);
	if (s.height !== front.height || s.width !== front.width || s.channels !== front.channels) c.fail(`${path}.image`, `must be ${front.height}×${front.width}×${front.channels}, as the model's front`);
	return { features: [], target, inputSize, image: { height: front.height, width: front.width, channels: front.channels } };
}
