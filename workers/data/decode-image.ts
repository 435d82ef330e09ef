import type { ImageShapeInfo } from '../protocol';

/**
 * Decode one image file in the worker: centre square crop, resized to size×size on an
 * OffscreenCanvas over white (transparent PNGs), to grayscale (luma) or RGB bytes.
 */
export async function decodeImage(file: Blob, shape: ImageShapeInfo): Promise<Uint8Array> {
	const bitmap = await createImageBitmap(file);
	try {
		const side = Math.min(bitmap.width, bitmap.height);
		if (side < 1) throw new Error('the image is empty');
		const canvas = new OffscreenCanvas(shape.width, shape.height);
		const ctx = canvas.getContext('2d', { willReadFrequently: true });
		if (!ctx) throw new Error('this browser cannot draw images in a worker');
		ctx.fillStyle = '#fff';
		ctx.fillRect(0, 0, shape.width, shape.height);
		ctx.imageSmoothingQuality = 'high';
		ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, shape.width, shape.height);
		const rgba = ctx.getImageData(0, 0, shape.width, shape.height).data;
		const n = shape.width * shape.height;
		const out = new Uint8Array(n * shape.channels);
		for (let i = 0; i < n; i++) {
			if (shape.channels === 1) out[i] = Math.round(0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]);
			else for (let c = 0; c < 3; c++) out[3 * i + c] = rgba[4 * i + c];
		}
		return out;
	} finally {
		bitmap.close();
	}
}
