/** uint8 images (1 or 3 channels, NHWC) drawn side by side into a canvas, at their own size. */
export function drawStrip(canvas: HTMLCanvasElement, pixels: Uint8Array, count: number, height: number, width: number, channels: number): void {
	canvas.width = Math.max(1, count * width);
	canvas.height = height;
	const ctx = canvas.getContext('2d');
	if (!ctx || count === 0) return;
	const size = height * width * channels;
	for (let k = 0; k < count; k++) {
		const image = ctx.createImageData(width, height);
		for (let i = 0; i < height * width; i++) {
			const at = k * size + i * channels;
			image.data[4 * i] = pixels[at];
			image.data[4 * i + 1] = pixels[at + (channels === 3 ? 1 : 0)];
			image.data[4 * i + 2] = pixels[at + (channels === 3 ? 2 : 0)];
			image.data[4 * i + 3] = 255;
		}
		ctx.putImageData(image, k * width, 0);
	}
}

/** A heat map (values 0–1) over an image: the image, then the map in the accent colour by its value (an empty map: the image alone). */
export function drawOverlay(canvas: HTMLCanvasElement, pixels: Uint8Array, map: Float32Array, height: number, width: number, channels: number, colour: [number, number, number]): void {
	canvas.width = width;
	canvas.height = height;
	const ctx = canvas.getContext('2d');
	if (!ctx) return;
	const image = ctx.createImageData(width, height);
	for (let i = 0; i < height * width; i++) {
		const a = map.length === 0 ? 0 : Math.min(1, Math.max(0, map[i])) * 0.7;
		for (let c = 0; c < 3; c++) {
			const base = pixels[i * channels + (channels === 3 ? c : 0)];
			image.data[4 * i + c] = Math.round(base * (1 - a) + colour[c] * a);
		}
		image.data[4 * i + 3] = 255;
	}
	ctx.putImageData(image, 0, 0);
}

/** A CSS colour (as computed, "rgb(r, g, b)") as numbers; falls back to orange. */
export function cssColour(value: string): [number, number, number] {
	const m = value.match(/\d+(\.\d+)?/g);
	return m && m.length >= 3 ? [Number(m[0]), Number(m[1]), Number(m[2])] : [240, 138, 75];
}
