import type { Preprocessing } from '$workers/protocol';
import type { Activation, DemoConfig, LayerSpec, ModelDescription, WeightTensor } from './types';
import { fromFloat16, toFloat16 } from './half';
import { LIMITS, checkPreprocessing } from './validate-preprocessing';
import type { Checker } from './validate';

export const MODEL_LIMITS = { layers: 64, units: 4096 } as const;
export const DEMO_LIMITS = { titleChars: 200, descriptionChars: 2000, examples: 20, cellChars: 200 } as const;
const ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'leakyRelu', 'gelu'];

/**
 * The binary section holds the tensors back to back in layer order; the JSON says only which are
 * present and in what type, so no offset can point outside the bytes. Little-endian floats.
 */
export class TensorReader {
	private offset = 0;
	private readonly view: DataView;
	constructor(
		private readonly bytes: Uint8Array,
		private readonly c: Checker
	) {
		this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	}
	private claim(length: number, path: string): number {
		if (this.offset + length > this.bytes.length) this.c.fail(path, `needs ${length} bytes of weights, but only ${this.bytes.length - this.offset} remain`);
		const start = this.offset;
		this.offset += length;
		return start;
	}
	float32(count: number, path: string, min = -Infinity): Float32Array {
		const start = this.claim(count * 4, path);
		const out = new Float32Array(count);
		for (let i = 0; i < count; i++) out[i] = this.view.getFloat32(start + 4 * i, true);
		this.c.finite(out, path, min);
		return out;
	}
	float64(count: number, path: string, min = -Infinity): Float64Array {
		const start = this.claim(count * 8, path);
		const out = new Float64Array(count);
		for (let i = 0; i < count; i++) out[i] = this.view.getFloat64(start + 8 * i, true);
		this.c.finite(out, path, min);
		return out;
	}
	/** IEEE halves (little-endian) as float32 numbers; infinities and NaN are refused. */
	float16(count: number, path: string): Float32Array {
		const start = this.claim(count * 2, path);
		const out = new Float32Array(count);
		for (let i = 0; i < count; i++) out[i] = fromFloat16(this.view.getUint16(start + 2 * i, true));
		this.c.finite(out, path, -Infinity);
		return out;
	}
	int8(count: number, path: string): Int8Array {
		const start = this.claim(count, path);
		return new Int8Array(this.bytes.slice(start, start + count).buffer);
	}
	/** Whole numbers in [min, max] (tree node fields). */
	int32(count: number, path: string, min: number, max: number): Int32Array {
		const start = this.claim(count * 4, path);
		const out = new Int32Array(count);
		for (let i = 0; i < count; i++) {
			out[i] = this.view.getInt32(start + 4 * i, true);
			if (out[i] < min || out[i] > max) this.c.fail(`${path}[${i}]`, `must be between ${min} and ${max}`);
		}
		return out;
	}
	uint8(count: number, path: string, max: number): Uint8Array {
		const start = this.claim(count, path);
		const out = this.bytes.slice(start, start + count);
		for (let i = 0; i < count; i++) if (out[i] > max) this.c.fail(`${path}[${i}]`, `must be at most ${max}`);
		return out;
	}
	end(): void {
		if (this.offset !== this.bytes.length) this.c.fail('the weights', `have ${this.bytes.length - this.offset} bytes left over after the last layer`);
	}
}

export class TensorWriter {
	private parts: Uint8Array[] = [];
	float32(values: Float32Array): void {
		const out = new Uint8Array(values.length * 4);
		const view = new DataView(out.buffer);
		values.forEach((v, i) => view.setFloat32(4 * i, v, true));
		this.parts.push(out);
	}
	float64(values: Float64Array): void {
		const out = new Uint8Array(values.length * 8);
		const view = new DataView(out.buffer);
		values.forEach((v, i) => view.setFloat64(8 * i, v, true));
		this.parts.push(out);
	}
	/** Values that are float16 already (roundToFloat16): stored as their 2-byte halves. */
	float16(values: Float32Array): void {
		const out = new Uint8Array(values.length * 2);
		const view = new DataView(out.buffer);
		values.forEach((v, i) => view.setUint16(2 * i, toFloat16(v), true));
		this.parts.push(out);
	}
	int32(values: Int32Array): void {
		const out = new Uint8Array(values.length * 4);
		const view = new DataView(out.buffer);
		values.forEach((v, i) => view.setInt32(4 * i, v, true));
		this.parts.push(out);
	}
	uint8(values: Uint8Array): void {
		this.parts.push(values.slice());
	}
	int8(values: Int8Array): void {
		this.parts.push(new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)));
	}
	bytes(): Uint8Array {
		const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
		let offset = 0;
		for (const p of this.parts) {
			out.set(p, offset);
			offset += p.length;
		}
		return out;
	}
}

/** JSON shape of a layer; tensors are implied by its fields and read from the binary section. */
export function layerHeader(layer: LayerSpec): Record<string, unknown> {
	if (layer.type === 'dense') {
		return { type: 'dense', inputs: layer.inputs, units: layer.units, activation: layer.activation, ...(layer.alpha !== undefined ? { alpha: layer.alpha } : {}), kernel: layer.kernel.dtype, bias: !!layer.bias };
	}
	if (layer.type === 'batchnorm') return { type: 'batchnorm', units: layer.units, epsilon: layer.epsilon, gamma: !!layer.gamma, beta: !!layer.beta };
	return { type: 'activation', units: layer.units, activation: layer.activation, ...(layer.alpha !== undefined ? { alpha: layer.alpha } : {}) };
}

export function writeLayerTensors(layer: LayerSpec, w: TensorWriter): void {
	if (layer.type === 'dense') {
		if (layer.kernel.dtype === 'int8') {
			w.int8(layer.kernel.values);
			w.float32(layer.kernel.scales);
		} else if (layer.kernel.dtype === 'float16') w.float16(layer.kernel.values);
		else w.float32(layer.kernel.values);
		if (layer.bias) w.float32(layer.bias);
	} else if (layer.type === 'batchnorm') {
		for (const t of [layer.gamma, layer.beta, layer.mean, layer.variance]) if (t) w.float32(t);
	}
}

function layer(c: Checker, value: unknown, path: string, width: number, r: TensorReader): LayerSpec {
	const type = c.oneOf(c.object(value, path, ['type'], ['inputs', 'units', 'activation', 'alpha', 'kernel', 'bias', 'epsilon', 'gamma', 'beta']).type, `${path}.type`, ['dense', 'batchnorm', 'activation'] as const);
	if (type === 'dense') {
		const o = c.object(value, path, ['type', 'inputs', 'units', 'activation', 'kernel', 'bias'], ['alpha']);
		const inputs = c.integer(o.inputs, `${path}.inputs`, width, width);
		const units = c.integer(o.units, `${path}.units`, 1, MODEL_LIMITS.units);
		const activation = c.oneOf(o.activation, `${path}.activation`, ACTIVATIONS);
		const alpha = o.alpha === undefined ? undefined : c.number(o.alpha, `${path}.alpha`, { min: 0, max: 100 });
		const dtype = c.oneOf(o.kernel, `${path}.kernel`, ['int8', 'float32', 'float16'] as const);
		const kernel: WeightTensor =
			dtype === 'int8'
				? { dtype, values: r.int8(inputs * units, `${path}.kernel`), scales: r.float32(units, `${path}.scales`, 0) }
				: dtype === 'float16'
					? { dtype, values: r.float16(inputs * units, `${path}.kernel`) }
					: { dtype, values: r.float32(inputs * units, `${path}.kernel`) };
		const bias = c.boolean(o.bias, `${path}.bias`) ? r.float32(units, `${path}.bias`) : undefined;
		return { type, inputs, units, kernel, activation, ...(bias ? { bias } : {}), ...(alpha !== undefined ? { alpha } : {}) };
	}
	if (type === 'batchnorm') {
		const o = c.object(value, path, ['type', 'units', 'epsilon', 'gamma', 'beta']);
		const units = c.integer(o.units, `${path}.units`, width, width);
		const epsilon = c.number(o.epsilon, `${path}.epsilon`, { above: 0, max: 1 });
		const gamma = c.boolean(o.gamma, `${path}.gamma`) ? r.float32(units, `${path}.gamma`) : undefined;
		const beta = c.boolean(o.beta, `${path}.beta`) ? r.float32(units, `${path}.beta`) : undefined;
		const mean = r.float32(units, `${path}.mean`);
		const variance = r.float32(units, `${path}.variance`, 0);
		return { type, units, epsilon, mean, variance, ...(gamma ? { gamma } : {}), ...(beta ? { beta } : {}) };
	}
	const o = c.object(value, path, ['type', 'units', 'activation'], ['alpha']);
	const units = c.integer(o.units, `${path}.units`, width, width);
	const activation = c.oneOf(o.activation, `${path}.activation`, ACTIVATIONS);
	const alpha = o.alpha === undefined ? undefined : c.number(o.alpha, `${path}.alpha`, { min: 0, max: 100 });
	return { type, units, activation, ...(alpha !== undefined ? { alpha } : {}) };
}

/** The model from its JSON header and tensor bytes, checked to fit the preprocessing. */
export function checkModel(c: Checker, value: unknown, prep: Preprocessing, r: TensorReader, path = 'model'): ModelDescription {
	const o = c.object(value, path, ['inputSize', 'outputSize', 'layers']);
	const inputSize = c.integer(o.inputSize, `${path}.inputSize`, prep.inputSize, prep.inputSize);
	const want = prep.target.task === 'classification' ? prep.target.classes.length : 1;
	const outputSize = c.integer(o.outputSize, `${path}.outputSize`, want, want);
	let width = inputSize;
	const layers = c.array(o.layers, `${path}.layers`, MODEL_LIMITS.layers, 1).map((l, i) => {
		const spec = layer(c, l, `${path}.layers[${i}]`, width, r);
		width = spec.units;
		return spec;
	});
	if (width !== outputSize) c.fail(`${path}.layers`, `end with ${width} outputs, but the model declares ${outputSize}`);
	r.end();
	return { inputSize, outputSize, layers };
}

/** `inputs`: what example rows may name besides features (a text model's examples are { text }). */
export function checkDemo(c: Checker, value: unknown, prep: Preprocessing, path = 'demo', inputs: string[] = []): DemoConfig {
	const o = c.object(value, path, ['title', 'description', 'examples'], ['labelNames']);
	const names = new Set([...prep.features.map((f) => f.name), ...inputs]);
	const examples = c.array(o.examples, `${path}.examples`, DEMO_LIMITS.examples).map((e, i) => {
		if (typeof e !== 'object' || e === null || Array.isArray(e)) c.fail(`${path}.examples[${i}]`, 'must be an object');
		const row: Record<string, string> = {};
		for (const [key, cell] of Object.entries(e as object)) {
			if (!names.has(key)) c.fail(`${path}.examples[${i}]`, `names "${key.slice(0, 40)}", which is not a feature of the model`);
			// defineProperty, so a feature really named "__proto__" stays a plain cell.
			Object.defineProperty(row, key, { value: c.string(cell, `${path}.examples[${i}].${key.slice(0, 40)}`, DEMO_LIMITS.cellChars), enumerable: true, writable: true, configurable: true });
		}
		return row;
	});
	const demo: DemoConfig = {
		title: c.string(o.title, `${path}.title`, DEMO_LIMITS.titleChars),
		description: c.string(o.description, `${path}.description`, DEMO_LIMITS.descriptionChars, { multiline: true }),
		examples
	};
	if (o.labelNames !== undefined) {
		if (prep.target.task !== 'classification') c.fail(`${path}.labelNames`, 'only applies to classification models');
		const count = prep.target.task === 'classification' ? prep.target.classes.length : 0;
		const labels = c.array(o.labelNames, `${path}.labelNames`, count, count).map((v, i) => c.string(v, `${path}.labelNames[${i}]`, LIMITS.labelChars));
		demo.labelNames = labels;
	}
	return demo;
}

export { checkPreprocessing };
