/**
 * Seeded image augmentation on uint8 NHWC batches, in the worker before images become tensors.
 * Geometry (flip, rotation, shift) is one inverse affine map per image, sampled bilinearly with
 * edges repeated (Keras's 'nearest' fill); a pure flip or whole-pixel shift copies pixels exactly.
 * Brightness, contrast and noise follow. Same images, options and seed: same bytes.
 */
import { KilnError } from '$shared/errors';
import { createRng } from '$workers/lib/random';
import type { AugmentOptions, ImageBatch, ImageShape } from './types';

const LIMITS: Record<keyof AugmentOptions, [number, number]> = {
	flip: [0, 1],
	rotate: [0, 180],
	shift: [0, 0.5],
	brightness: [0, 1],
	contrast: [0, 1],
	noise: [0, 128]
};

export function validateAugment(options: AugmentOptions): void {
	for (const [key, value] of Object.entries(options) as [keyof AugmentOptions, number | undefined][]) {
		const limit = LIMITS[key];
		if (!limit) throw new KilnError('ValidationError', `Unknown augmentation "${key}"; use ${Object.keys(LIMITS).join(', ')}.`);
		if (value !== undefined && !(typeof value === 'number' && value >= limit[0] && value <= limit[1])) {
			throw new KilnError('ValidationError', `Augmentation "${key}" must be a number from ${limit[0]} to ${limit[1]} (got ${String(value)}).`);
		}
	}
}

export function isIdentity(options: AugmentOptions | undefined): boolean {
	return !options || Object.values(options).every((v) => !v);
}

/** One image's random draw; drawn in a fixed order whatever is switched on, so turning one option on does not change the others' draws. */
interface Draw {
	flip: boolean;
	angle: number;
	dx: number;
	dy: number;
	brightness: number;
	contrast: number;
}

function draw(rng: () => number, o: AugmentOptions, shape: ImageShape): Draw {
	const u = () => rng() * 2 - 1;
	const flip = rng() < (o.flip ?? 0);
	const angle = (u() * (o.rotate ?? 0) * Math.PI) / 180;
	const dx = Math.round(u() * (o.shift ?? 0) * shape.width);
	const dy = Math.round(u() * (o.shift ?? 0) * shape.height);
	const brightness = u() * (o.brightness ?? 0) * 255;
	const contrast = 1 + u() * (o.contrast ?? 0);
	return { flip, angle, dx, dy, brightness, contrast };
}

/** Mirror one image left–right in place of `out` (exact; twice gives the original). */
export function flipHorizontal(src: Uint8Array, shape: ImageShape, out = new Uint8Array(src.length)): Uint8Array {
	const { height: h, width: w, channels: c } = shape;
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const from = (y * w + x) * c;
			const to = (y * w + (w - 1 - x)) * c;
			for (let k = 0; k < c; k++) out[to + k] = src[from + k];
		}
	}
	return out;
}

/** Geometry into a float buffer: out(x, y) = src(inverse map of (x, y)), edges repeated. */
function warp(src: Uint8Array, shape: ImageShape, d: Draw, out: Float32Array): void {
	const { height: h, width: w, channels: c } = shape;
	const cx = (w - 1) / 2;
	const cy = (h - 1) / 2;
	const cos = Math.cos(d.angle);
	const sin = Math.sin(d.angle);
	const clampX = (v: number) => (v < 0 ? 0 : v > w - 1 ? w - 1 : v);
	const clampY = (v: number) => (v < 0 ? 0 : v > h - 1 ? h - 1 : v);
	const exact = d.angle === 0;
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			// Undo the shift, then the rotation about the centre, then the flip.
			const ux = x - d.dx - cx;
			const uy = y - d.dy - cy;
			let sx = cos * ux + sin * uy + cx;
			const sy = -sin * ux + cos * uy + cy;
			if (d.flip) sx = w - 1 - sx;
			const to = (y * w + x) * c;
			if (exact) {
				const from = (clampY(Math.round(sy)) * w + clampX(Math.round(sx))) * c;
				for (let k = 0; k < c; k++) out[to + k] = src[from + k];
				continue;
			}
			const px = clampX(sx);
			const py = clampY(sy);
			const x0 = Math.floor(px);
			const y0 = Math.floor(py);
			const x1 = Math.min(w - 1, x0 + 1);
			const y1 = Math.min(h - 1, y0 + 1);
			const fx = px - x0;
			const fy = py - y0;
			for (let k = 0; k < c; k++) {
				const top = src[(y0 * w + x0) * c + k] * (1 - fx) + src[(y0 * w + x1) * c + k] * fx;
				const bottom = src[(y1 * w + x0) * c + k] * (1 - fx) + src[(y1 * w + x1) * c + k] * fx;
				out[to + k] = top * (1 - fy) + bottom * fy;
			}
		}
	}
}

/** A standard normal from two uniforms (Box–Muller). */
function gaussian(rng: () => number): number {
	return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/**
 * Augmented copies of `count` images (NHWC uint8, `count·h·w·c` bytes). Each image gets its own
 * draw from a stream seeded by `seed`; the trainer passes a seed per batch and epoch.
 */
export function augmentImages(images: Uint8Array, count: number, shape: ImageShape, options: AugmentOptions, seed: number): Uint8Array {
	validateAugment(options);
	const size = shape.height * shape.width * shape.channels;
	if (images.length < count * size) throw new KilnError('ValidationError', `Expected ${count} images of ${shape.height}×${shape.width}×${shape.channels} (${count * size} bytes), got ${images.length} bytes.`);
	const out = new Uint8Array(count * size);
	if (isIdentity(options)) {
		out.set(images.subarray(0, count * size));
		return out;
	}
	const rng = createRng(seed);
	const buffer = new Float32Array(size);
	const noise = options.noise ?? 0;
	for (let i = 0; i < count; i++) {
		const src = images.subarray(i * size, (i + 1) * size);
		const d = draw(rng, options, shape);
		warp(src, shape, d, buffer);
		let mean = 0;
		if (d.contrast !== 1) {
			for (let j = 0; j < size; j++) mean += buffer[j];
			mean /= size;
		}
		const target = out.subarray(i * size, (i + 1) * size);
		for (let j = 0; j < size; j++) {
			let v = (buffer[j] - mean) * d.contrast + mean + d.brightness;
			if (noise > 0) v += gaussian(rng) * noise;
			target[j] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
		}
	}
	return out;
}

/** `copies` augmented versions of each given image, image by image, for the preview grid. */
export function previewAugment(batch: ImageBatch, options: AugmentOptions, seed: number, copies = 8): ImageBatch {
	const size = batch.shape.height * batch.shape.width * batch.shape.channels;
	const repeated = new Uint8Array(batch.count * copies * size);
	for (let i = 0; i < batch.count; i++) {
		for (let k = 0; k < copies; k++) repeated.set(batch.data.subarray(i * size, (i + 1) * size), (i * copies + k) * size);
	}
	return { data: augmentImages(repeated, batch.count * copies, batch.shape, options, seed), count: batch.count * copies, shape: { ...batch.shape } };
}
