import { KilnError } from '$shared/errors';
import { shapeText } from './signature';
import type { TensorSpec } from './types';

/** RGBA pixels as ImageData holds them (the worker decodes the picture; this stays DOM-free). */
export interface Pixels {
	width: number;
	height: number;
	data: Uint8ClampedArray | Uint8Array;
}

export interface ImageLayout {
	order: 'NHWC' | 'NCHW' | 'flat';
	height: number;
	width: number;
	channels: 1 | 3 | 4;
	/** The spec had a batch axis (rank 4, or rank 2 for flat). */
	batched: boolean;
}

const CHANNELS = new Set([1, 3, 4]);
/** A free height/width takes the picture's own size, at most this. */
const MAX_SIDE = 1024;

const size = (d: number | string | undefined, own: number): number => (typeof d === 'number' ? d : Math.min(own, MAX_SIDE));

/**
 * How a picture maps onto an input, read from its shape: channels last ([N, H, W, C]) or first
 * ([N, C, H, W]) with C of 1, 3 or 4, the batch axis optional; a square flattened grey picture
 * ([N, 64] for 8×8, [N, 784] for 28×28) too. Free sizes take the picture's own.
 */
export function imageLayout(spec: TensorSpec, picture: { width: number; height: number }): ImageLayout {
	const dims = spec.dims;
	const rank = dims.length;
	const channel = (d: number | string | undefined): d is 1 | 3 | 4 => typeof d === 'number' && CHANNELS.has(d);
	if (rank === 4 || rank === 3) {
		const batched = rank === 4;
		const [a, b, c] = batched ? dims.slice(1) : dims;
		if (channel(c)) return { order: 'NHWC', height: size(a, picture.height), width: size(b, picture.width), channels: c, batched };
		if (channel(a)) return { order: 'NCHW', height: size(b, picture.height), width: size(c, picture.width), channels: a, batched };
	}
	if (rank === 2 || rank === 1) {
		const width = dims[rank - 1];
		const side = typeof width === 'number' ? Math.round(Math.sqrt(width)) : 0;
		if (side > 1 && side * side === width) return { order: 'flat', height: side, width: side, channels: 1, batched: rank === 2 };
	}
	throw new KilnError('ValidationError', `Input "${spec.name}" has shape ${shapeText(dims)}, which does not look like a picture. A picture input is [N, H, W, C] or [N, C, H, W] with C of 1, 3 or 4 (or a flattened square grey picture such as [N, 784]).`);
}

/** Sample (x, y) of channel k by area averaging when shrinking, bilinear when growing. */
function resizeChannelPlane(src: Pixels, k: number, outW: number, outH: number): Float32Array {
	const out = new Float32Array(outW * outH);
	const sx = src.width / outW;
	const sy = src.height / outH;
	const at = (x: number, y: number) => src.data[(y * src.width + x) * 4 + k];
	for (let oy = 0; oy < outH; oy++) {
		for (let ox = 0; ox < outW; ox++) {
			let v: number;
			if (sx >= 1 && sy >= 1) {
				const x0 = Math.floor(ox * sx), x1 = Math.max(x0 + 1, Math.floor((ox + 1) * sx));
				const y0 = Math.floor(oy * sy), y1 = Math.max(y0 + 1, Math.floor((oy + 1) * sy));
				let sum = 0;
				for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += at(x, y);
				v = sum / ((x1 - x0) * (y1 - y0));
			} else {
				const fx = Math.min(Math.max((ox + 0.5) * sx - 0.5, 0), src.width - 1);
				const fy = Math.min(Math.max((oy + 0.5) * sy - 0.5, 0), src.height - 1);
				const x0 = Math.floor(fx), y0 = Math.floor(fy);
				const x1 = Math.min(x0 + 1, src.width - 1), y1 = Math.min(y0 + 1, src.height - 1);
				const tx = fx - x0, ty = fy - y0;
				v = (at(x0, y0) * (1 - tx) + at(x1, y0) * tx) * (1 - ty) + (at(x0, y1) * (1 - tx) + at(x1, y1) * tx) * ty;
			}
			out[oy * outW + ox] = v;
		}
	}
	return out;
}

/**
 * A picture as one batch item for `layout`: resized, reduced to its channel count (grey is the
 * ITU-R BT.601 luma), laid out channels-last or -first, and divided by 255 when `scale`.
 */
export function imageTensor(pixels: Pixels, layout: ImageLayout, scale: boolean): { values: Float32Array; dims: number[] } {
	if (pixels.width < 1 || pixels.height < 1 || pixels.data.length !== pixels.width * pixels.height * 4) {
		throw new KilnError('ImageDecodeError', 'The picture has no pixels.');
	}
	const { height: h, width: w, channels: c } = layout;
	const planes = [0, 1, 2, 3].map((k) => resizeChannelPlane(pixels, k, w, h));
	const source = c === 1 ? [planes[0].map((r, i) => 0.299 * r + 0.587 * planes[1][i] + 0.114 * planes[2][i])] : planes.slice(0, c);
	const factor = scale ? 1 / 255 : 1;
	const values = new Float32Array(h * w * c);
	for (let k = 0; k < c; k++) {
		for (let i = 0; i < h * w; i++) {
			const v = source[k][i] * factor;
			if (layout.order === 'NCHW') values[k * h * w + i] = v;
			else values[i * c + k] = v;
		}
	}
	const item = layout.order === 'flat' ? [h * w] : layout.order === 'NCHW' ? [c, h, w] : [h, w, c];
	return { values, dims: layout.batched ? [1, ...item] : item };
}

/** A picture as a feed's values for `spec`: whole-number inputs (uint8 pixels) get unscaled, rounded values. */
export function imageValues(pixels: Pixels, spec: TensorSpec, scale: boolean): { values: Float32Array; dims: number[]; layout: ImageLayout } {
	const layout = imageLayout(spec, pixels);
	const whole = spec.type !== 'float32' && spec.type !== 'float64';
	const { values, dims } = imageTensor(pixels, layout, scale && !whole);
	if (whole) for (let i = 0; i < values.length; i++) values[i] = Math.round(values[i]);
	return { values, dims, layout };
}
