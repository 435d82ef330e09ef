import type { FeatureTransform, Preprocessing } from '$workers/protocol';
import type { Activation, LayerSpec, ModelDescription, PortableModel, RowPrediction, WeightTensor } from './types';

/**
 * The minimal inference runtime: raw row → encoded inputs → dense forward pass → label.
 *
 * Everything lives inside this one factory and refers to nothing outside it, because the
 * standalone demo page embeds `kilnRuntime.toString()`: the page runs exactly this code, with no
 * second copy to drift. So: no imports at run time, no module-level helpers, plain ES2020.
 * Errors carry their kind in `name` like KilnError, which cannot be referenced from here.
 */
export function kilnRuntime() {
	// Same missing-cell words and number syntax as the CSV reader (workers/lib/csv.ts), so a typed
	// row encodes exactly like the same row read from a file.
	const MISSING = ['', 'na', 'n/a', 'null', 'nan', '?'];
	const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
	const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

	function fail(kind: string, message: string): never {
		const error = new Error(message);
		error.name = kind;
		throw error;
	}

	function encodeBase64(bytes: Uint8Array, url: boolean): string {
		const alphabet = url ? B64.slice(0, 62) + '-_' : B64;
		const parts: string[] = [];
		let chunk = '';
		for (let i = 0; i < bytes.length; i += 3) {
			const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
			const left = bytes.length - i;
			chunk += alphabet[(n >> 18) & 63] + alphabet[(n >> 12) & 63];
			chunk += left > 1 ? alphabet[(n >> 6) & 63] : url ? '' : '=';
			chunk += left > 2 ? alphabet[n & 63] : url ? '' : '=';
			if (chunk.length > 8192) {
				parts.push(chunk);
				chunk = '';
			}
		}
		parts.push(chunk);
		return parts.join('');
	}

	/** Standard or URL alphabet, padding optional. */
	function decodeBase64(text: string): Uint8Array {
		const clean = text.replace(/=+$/, '');
		if (clean.length % 4 === 1) fail('ValidationError', 'The base64 text has an impossible length.');
		const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
		let bits = 0;
		let value = 0;
		let o = 0;
		for (let i = 0; i < clean.length; i++) {
			const c = clean.charCodeAt(i);
			let v = -1;
			if (c >= 65 && c <= 90) v = c - 65;
			else if (c >= 97 && c <= 122) v = c - 71;
			else if (c >= 48 && c <= 57) v = c + 4;
			else if (c === 43 || c === 45) v = 62;
			else if (c === 47 || c === 95) v = 63;
			else fail('ValidationError', `The base64 text has an invalid character at position ${i + 1}.`);
			value = (value << 6) | v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				out[o++] = (value >> bits) & 255;
			}
		}
		return out;
	}

	function floatsFromBase64(text: string): Float32Array {
		const bytes = decodeBase64(text);
		const view = new DataView(bytes.buffer);
		const out = new Float32Array(bytes.length >> 2);
		for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
		return out;
	}

	/** The embedded (base64) form back to typed arrays; the page trusts it, Kiln checked it when writing. */
	function modelFromPortable(portable: PortableModel): ModelDescription {
		const layers = portable.layers.map((l): LayerSpec => {
			if (l.type === 'dense') {
				const k = l.kernel;
				const kernel: WeightTensor = k.dtype === 'int8' ? { dtype: 'int8', values: new Int8Array(decodeBase64(k.values).buffer), scales: floatsFromBase64(k.scales) } : { dtype: 'float32', values: floatsFromBase64(k.values) };
				return { ...l, kernel, bias: l.bias === undefined ? undefined : floatsFromBase64(l.bias) };
			}
			if (l.type === 'batchnorm') {
				const opt = (t: string | undefined) => (t === undefined ? undefined : floatsFromBase64(t));
				return { ...l, gamma: opt(l.gamma), beta: opt(l.beta), mean: floatsFromBase64(l.mean), variance: floatsFromBase64(l.variance) };
			}
			return l;
		});
		return { inputSize: portable.inputSize, outputSize: portable.outputSize, layers };
	}

	function dequantize(t: WeightTensor, units: number): Float32Array {
		if (t.dtype !== 'int8') return t.values;
		const out = new Float32Array(t.values.length);
		for (let i = 0; i < out.length; i++) out[i] = t.values[i] * t.scales[i % units];
		return out;
	}

	// erf by Numerical Recipes' Chebyshev fit of erfc (fractional error below 1.2e-7), for GELU.
	function erf(x: number): number {
		const z = Math.abs(x);
		const t = 1 / (1 + 0.5 * z);
		const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
		return x >= 0 ? 1 - r : r - 1;
	}

	function activate(v: Float64Array, kind: Activation, alpha: number | undefined): void {
		if (kind === 'softmax') {
			let max = -Infinity;
			for (let j = 0; j < v.length; j++) if (v[j] > max) max = v[j];
			let sum = 0;
			for (let j = 0; j < v.length; j++) sum += v[j] = Math.exp(v[j] - max);
			for (let j = 0; j < v.length; j++) v[j] /= sum;
			return;
		}
		for (let j = 0; j < v.length; j++) {
			const x = v[j];
			if (kind === 'relu') v[j] = x > 0 ? x : 0;
			else if (kind === 'sigmoid') v[j] = 1 / (1 + Math.exp(-x));
			else if (kind === 'tanh') v[j] = Math.tanh(x);
			else if (kind === 'elu') v[j] = x > 0 ? x : (alpha ?? 1) * (Math.exp(x) - 1);
			else if (kind === 'leakyRelu') v[j] = x > 0 ? x : (alpha ?? 0.3) * x;
			else if (kind === 'gelu') v[j] = 0.5 * x * (1 + erf(x / Math.SQRT2));
		}
	}

	type Step = (input: Float32Array) => Float32Array;

	function layerStep(layer: LayerSpec): Step {
		if (layer.type === 'dense') {
			const kernel = dequantize(layer.kernel, layer.units);
			const { inputs, units, bias, activation, alpha } = layer;
			return (x) => {
				const acc = new Float64Array(units);
				if (bias) acc.set(bias);
				for (let i = 0; i < inputs; i++) {
					const xi = x[i];
					if (xi === 0) continue;
					const row = i * units;
					for (let j = 0; j < units; j++) acc[j] += xi * kernel[row + j];
				}
				activate(acc, activation, alpha);
				return Float32Array.from(acc);
			};
		}
		if (layer.type === 'batchnorm') {
			const { units, gamma, beta, mean, variance, epsilon } = layer;
			return (x) => {
				const out = new Float32Array(units);
				for (let j = 0; j < units; j++) out[j] = ((x[j] - mean[j]) / Math.sqrt(variance[j] + epsilon)) * (gamma ? gamma[j] : 1) + (beta ? beta[j] : 0);
				return out;
			};
		}
		const { activation, alpha } = layer;
		return (x) => {
			const v = Float64Array.from(x);
			activate(v, activation, alpha);
			return Float32Array.from(v);
		};
	}

	function lastActivation(model: ModelDescription): Activation | undefined {
		const last = model.layers[model.layers.length - 1];
		return last && last.type !== 'batchnorm' ? last.activation : undefined;
	}

	/** Raw cells → model inputs, mirroring encodeFeatures in workers/lib/preprocess.ts. */
	function rowEncoder(prep: Preprocessing) {
		const slots = prep.features.map((t: FeatureTransform) => (t.kind === 'categorical' ? new Map(t.categories.map((c, i) => [c, i])) : null));
		return (row: Record<string, string>): { x: Float32Array; warnings: string[] } => {
			const x = new Float32Array(prep.inputSize);
			const warnings: string[] = [];
			let offset = 0;
			prep.features.forEach((t, f) => {
				const raw = Object.prototype.hasOwnProperty.call(row, t.name) ? row[t.name] : '';
				const text = String(raw ?? '').trim();
				const missing = MISSING.indexOf(text.toLowerCase()) >= 0;
				if (t.kind === 'numeric') {
					if (missing) warnings.push(`"${t.name}" is empty, so the model used the training average (${t.mean.toPrecision(4)}).`);
					else if (!NUMBER.test(text) || !isFinite(Number(text))) fail('ValidationError', `"${t.name}" must be a finite number, but it is "${text.slice(0, 40)}". Leave it empty if the value is unknown.`);
					else x[offset] = (Number(text) - t.mean) / t.std;
					offset += 1;
					return;
				}
				const slot = missing ? t.fill : (slots[f]!.get(text) ?? -1);
				if (slot >= 0) x[offset + slot] = 1;
				if (missing && t.fill >= 0) warnings.push(`"${t.name}" is empty, so the model used its most frequent value ("${t.categories[t.fill]}").`);
				else if (!missing && slot < 0) warnings.push(`"${t.name}" = "${text.slice(0, 40)}" was not seen in training (or was too rare); the model treats it as none of the known values.`);
				offset += t.categories.length;
			});
			return { x, warnings };
		};
	}

	/** A predictor for one model; weights are dequantised once here. */
	function createPredictor(model: ModelDescription, prep: Preprocessing) {
		const steps = model.layers.map(layerStep);
		const encode = rowEncoder(prep);
		const probabilitiesOut = lastActivation(model) === 'softmax';
		const target = prep.target;

		function outputs(x: Float32Array, rows: number): Float32Array {
			if (x.length !== rows * model.inputSize) fail('ValidationError', `Expected ${rows} rows of ${model.inputSize} inputs, got ${x.length} values.`);
			const out = new Float32Array(rows * model.outputSize);
			for (let r = 0; r < rows; r++) {
				let h = x.subarray(r * model.inputSize, (r + 1) * model.inputSize);
				for (const step of steps) h = step(h);
				out.set(h, r * model.outputSize);
			}
			return out;
		}

		function interpret(out: Float32Array, warnings: string[]): RowPrediction {
			if (target.task === 'regression') {
				const value = out[0] * target.std + target.mean;
				return { label: String(value), value, warnings };
			}
			const probs = probabilitiesOut ? Array.from(out) : softmax(out);
			let best = 0;
			for (let c = 1; c < probs.length; c++) if (probs[c] > probs[best]) best = c;
			return { label: target.classes[best], probabilities: probs, warnings };
		}

		function softmax(logits: Float32Array): number[] {
			const v = Float64Array.from(logits);
			activate(v, 'softmax', undefined);
			return Array.from(v);
		}

		return {
			encode,
			outputs,
			predict(row: Record<string, string>): RowPrediction {
				const { x, warnings } = encode(row);
				return interpret(outputs(x, 1), warnings);
			}
		};
	}

	return { encodeBase64, decodeBase64, modelFromPortable, dequantize, createPredictor, rowEncoder };
}

export type KilnRuntime = ReturnType<typeof kilnRuntime>;
export type Predictor = ReturnType<KilnRuntime['createPredictor']>;

/** The library's instance: the same code the standalone page embeds. */
export const runtime: KilnRuntime = kilnRuntime();

export function createPredictor(model: ModelDescription, prep: Preprocessing): Predictor {
	return runtime.createPredictor(model, prep);
}
