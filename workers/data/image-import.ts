import { KilnError } from '$shared/errors';
import type { ImageFileEntry, SkippedFile } from '../protocol';
import { indexClasses, labelClassFiles, type LabelledFile } from './class-folders';

export { expandZipBytes, expandZips, type LabelledFile } from './class-folders';

/** What Kiln tries to decode; anything else is listed as skipped without trying. */
const IMAGE_KIND = { accept: /\.(png|jpe?g|gif|bmp|webp|avif)$/i, noun: 'an image', reads: 'Kiln reads PNG, JPEG, GIF, BMP, WebP and AVIF.' };
export const MAX_IMAGES = 100_000;

/**
 * Each image's class is the folder it sits in (`…/cat/1.png` → "cat"). Files outside a class
 * folder, or not images, are listed as skipped with the reason; clutter is ignored.
 */
export function labelFiles(files: ImageFileEntry[], skipped: SkippedFile[]): LabelledFile[] {
	return labelClassFiles(files, skipped, IMAGE_KIND);
}

/**
 * Decode every labelled file with `decode` (one image's uint8 pixels of `size` bytes), keeping
 * those that decode; a file that fails is skipped with its reason and nothing else is lost.
 */
export async function decodeAll(
	files: LabelledFile[],
	size: number,
	decode: (file: Blob) => Promise<Uint8Array>,
	skipped: SkippedFile[],
	onProgress?: (done: number, total: number) => void
): Promise<{ pixels: Uint8Array; labels: Int32Array; classes: string[]; counts: number[] }> {
	if (files.length > MAX_IMAGES) throw new KilnError('ImportError', `There are ${files.length.toLocaleString('en-US')} images; Kiln imports up to ${MAX_IMAGES.toLocaleString('en-US')} at once.`);
	const decoded: { className: string; pixels: Uint8Array }[] = [];
	for (let i = 0; i < files.length; i++) {
		const { entry, className } = files[i];
		try {
			const pixels = await decode(entry.file);
			if (pixels.length !== size) throw new Error(`decoded to ${pixels.length} bytes, expected ${size}`);
			decoded.push({ className, pixels });
		} catch (e) {
			skipped.push({ file: entry.path, reason: `could not be decoded as an image (${e instanceof Error && e.message ? e.message : 'damaged or unsupported'}).` });
		}
		if (onProgress && (i % 25 === 24 || i === files.length - 1)) onProgress(i + 1, files.length);
	}
	const { classes, labels, counts } = indexClasses(decoded.map((d) => d.className), 'image', skipped);
	const pixels = new Uint8Array(decoded.length * size);
	decoded.forEach((d, i) => pixels.set(d.pixels, i * size));
	return { pixels, labels, classes, counts };
}

export function countClasses(labels: ArrayLike<number>, classes: number): number[] {
	const counts = new Array<number>(classes).fill(0);
	for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
	return counts;
}
