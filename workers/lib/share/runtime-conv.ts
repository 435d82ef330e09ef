import type { ConvActivation, ConvPadding, ImageFront, ImageLayer } from './media-types';
import type { WeightTensor } from './types';

/**
 * The image front of the share runtime: uint8 NHWC pixels → pixel / 255 → conv, depthwise,
 * pooling, batch-norm, activations → flatten or global average pooling → the feature vector the
 * dense head reads. Like kilnRuntime, one factory with no outside references: the standalone
 * page embeds `kilnConvRuntime.toString()`. Plain ES2020, no imports at run time.
 */
export function kilnConvRuntime() {
	function fail(kind: string, message: string): never {
		const error = new Error(message);
		error.name = kind;
		throw error;
	}

	function weights(t: WeightTensor, units: number): Float32Array {
		if (t.dtype !== 'int8') return t.values;
		const out = new Float32Array(t.values.length);
		for (let i = 0; i < out.length; i++) out[i] = t.values[i] * t.scales[i % units];
		return out;
	}

	/** Output side and the padding before it, as TensorFlow computes 'same' and 'valid'. */
	function side(input: number, k: number, s: number, padding: ConvPadding): { out: number; before: number } {
		if (padding === 'valid') return { out: Math.floor((input - k) / s) + 1, before: 0 };
		const out = Math.ceil(input / s);
		return { out, before: Math.floor(Math.max((out - 1) * s + k - input, 0) / 2) };
	}

	function activate(v: Float32Array, kind: ConvActivation): void {
		if (kind === 'linear') return;
		for (let i = 0; i < v.length; i++) {
			const x = v[i];
			if (kind === 'relu') v[i] = x > 0 ? x : 0;
			else if (kind === 'relu6') v[i] = x > 0 ? (x < 6 ? x : 6) : 0;
			else if (kind === 'elu') v[i] = x > 0 ? x : Math.exp(x) - 1;
			else if (kind === 'tanh') v[i] = Math.tanh(x);
			else if (kind === 'sigmoid') v[i] = 1 / (1 + Math.exp(-x));
		}
	}

	interface Map3 {
		data: Float32Array;
		h: number;
		w: number;
		c: number;
	}

	type Step = (m: Map3) => Map3;

	type Window = Pick<Extract<ImageLayer, { type: 'conv' }>, 'kh' | 'kw' | 'sh' | 'sw' | 'padding' | 'activation'>;

	/**
	 * The sliding window both convolutions share: for each output pixel, start from the bias and
	 * let `add` fold in each kernel tap that lands inside the image (`pixel` indexes the input pixel,
	 * `tap` the kernel position).
	 */
	function slide(
		l: Window,
		cout: number,
		bias: Float32Array | undefined,
		add: (acc: Float64Array, data: Float32Array, pixel: number, tap: number) => void,
	): Step {
		const { kh, kw, sh, sw } = l;
		return (m) => {
			const y = side(m.h, kh, sh, l.padding);
			const x = side(m.w, kw, sw, l.padding);
			const out = new Float32Array(y.out * x.out * cout);
			const acc = new Float64Array(cout);
			for (let oy = 0; oy < y.out; oy++) {
				for (let ox = 0; ox < x.out; ox++) {
					if (bias) for (let o = 0; o < cout; o++) acc[o] = bias[o];
					else acc.fill(0);
					for (let ky = 0; ky < kh; ky++) {
						const iy = oy * sh - y.before + ky;
						if (iy < 0 || iy >= m.h) continue;
						for (let kx = 0; kx < kw; kx++) {
							const ix = ox * sw - x.before + kx;
							if (ix < 0 || ix >= m.w) continue;
							add(acc, m.data, iy * m.w + ix, ky * kw + kx);
						}
					}
					out.set(acc, (oy * x.out + ox) * cout);
				}
			}
			activate(out, l.activation);
			return { data: out, h: y.out, w: x.out, c: cout };
		};
	}

	function convStep(l: Extract<ImageLayer, { type: 'conv' }>, cin: number): Step {
		const k = weights(l.kernel, l.filters);
		const filters = l.filters;
		return slide(l, filters, l.bias, (acc, data, pixel, tap) => {
			const at = pixel * cin;
			const row = tap * cin;
			for (let ci = 0; ci < cin; ci++) {
				const v = data[at + ci];
				if (v === 0) continue;
				const base = (row + ci) * filters;
				for (let f = 0; f < filters; f++) acc[f] += v * k[base + f];
			}
		});
	}

	function depthwiseStep(l: Extract<ImageLayer, { type: 'depthwise' }>, cin: number): Step {
		const cout = cin * l.multiplier;
		const k = weights(l.kernel, cout);
		const multiplier = l.multiplier;
		return slide(l, cout, l.bias, (acc, data, pixel, tap) => {
			const at = pixel * cin;
			const base = tap * cout;
			for (let c = 0; c < cin; c++) {
				const v = data[at + c];
				for (let j = 0; j < multiplier; j++) acc[c * multiplier + j] += v * k[base + c * multiplier + j];
			}
		});
	}

	/** Max ignores the padding; average divides by the pixels inside the image (TensorFlow's 'same'). */
	function poolStep(l: Extract<ImageLayer, { type: 'maxPool' | 'avgPool' }>): Step {
		const max = l.type === 'maxPool';
		return (m) => {
			const y = side(m.h, l.ph, l.sh, l.padding);
			const x = side(m.w, l.pw, l.sw, l.padding);
			const out = new Float32Array(y.out * x.out * m.c);
			for (let oy = 0; oy < y.out; oy++) {
				for (let ox = 0; ox < x.out; ox++) {
					for (let c = 0; c < m.c; c++) {
						let best = -Infinity;
						let sum = 0;
						let count = 0;
						for (let py = 0; py < l.ph; py++) {
							const iy = oy * l.sh - y.before + py;
							if (iy < 0 || iy >= m.h) continue;
							for (let px = 0; px < l.pw; px++) {
								const ix = ox * l.sw - x.before + px;
								if (ix < 0 || ix >= m.w) continue;
								const v = m.data[(iy * m.w + ix) * m.c + c];
								if (v > best) best = v;
								sum += v;
								count++;
							}
						}
						out[(oy * x.out + ox) * m.c + c] = max ? best : sum / count;
					}
				}
			}
			return { data: out, h: y.out, w: x.out, c: m.c };
		};
	}

	function normStep(l: Extract<ImageLayer, { type: 'batchnorm' }>): Step {
		return (m) => {
			const out = new Float32Array(m.data.length);
			const scale = new Float32Array(m.c);
			const shift = new Float32Array(m.c);
			for (let c = 0; c < m.c; c++) {
				scale[c] = (l.gamma ? l.gamma[c] : 1) / Math.sqrt(l.variance[c] + l.epsilon);
				shift[c] = (l.beta ? l.beta[c] : 0) - l.mean[c] * scale[c];
			}
			for (let i = 0; i < out.length; i++) out[i] = m.data[i] * scale[i % m.c] + shift[i % m.c];
			return { ...m, data: out };
		};
	}

	/** A function from one image's uint8 pixels to its feature vector; weights are dequantised once here. */
	function createImageFeatures(front: ImageFront): (pixels: Uint8Array) => Float32Array {
		let channels = front.channels;
		const steps: Step[] = front.layers.map((l): Step => {
			if (l.type === 'conv') {
				const step = convStep(l, channels);
				channels = l.filters;
				return step;
			}
			if (l.type === 'depthwise') {
				const step = depthwiseStep(l, channels);
				channels *= l.multiplier;
				return step;
			}
			if (l.type === 'maxPool' || l.type === 'avgPool') return poolStep(l);
			if (l.type === 'batchnorm') return normStep(l);
			if (l.type === 'activation') {
				return (m) => {
					const data = Float32Array.from(m.data);
					activate(data, l.activation);
					return { ...m, data };
				};
			}
			if (l.type === 'flatten') return (m) => ({ data: m.data, h: 1, w: 1, c: m.data.length });
			return (m) => {
				const out = new Float32Array(m.c);
				const n = m.h * m.w;
				for (let i = 0; i < m.data.length; i++) out[i % m.c] += m.data[i];
				for (let c = 0; c < m.c; c++) out[c] /= n;
				return { data: out, h: 1, w: 1, c: m.c };
			};
		});
		const size = front.height * front.width * front.channels;
		return (pixels) => {
			if (pixels.length !== size) fail('ValidationError', `The model takes ${front.width}×${front.height} ${front.channels === 1 ? 'grayscale' : 'RGB'} images (${size} values), got ${pixels.length}.`);
			const data = new Float32Array(size);
			for (let i = 0; i < size; i++) data[i] = pixels[i] / 255;
			let m: Map3 = { data, h: front.height, w: front.width, c: front.channels };
			for (const step of steps) m = step(m);
			return m.data;
		};
	}

	/**
	 * RGBA canvas pixels of a size×size drawing → the model's bytes: luma (0.299 R + 0.587 G +
	 * 0.114 B, rounded) or RGB, as Kiln's image import stores them (workers/data/decode-image.ts).
	 */
	function pixelsFromRgba(rgba: ArrayLike<number>, count: number, channels: number): Uint8Array {
		const out = new Uint8Array(count * channels);
		for (let i = 0; i < count; i++) {
			if (channels === 1) out[i] = Math.round(0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]);
			else for (let c = 0; c < 3; c++) out[3 * i + c] = rgba[4 * i + c];
		}
		return out;
	}

	return { createImageFeatures, pixelsFromRgba, outputSide: side };
}

export type KilnConvRuntime = ReturnType<typeof kilnConvRuntime>;
export const convRuntime: KilnConvRuntime = kilnConvRuntime();
