import { unzipSync } from 'fflate';
import { KilnError } from '$shared/errors';
import type { ImageFileEntry, SkippedFile } from '../protocol';

/** What Kiln tries to decode; anything else is listed as skipped without trying. */
const IMAGE_TYPES = /\.(png|jpe?g|gif|bmp|webp|avif)$/i;
/** Operating-system clutter in folders and zips, ignored silently. */
const CLUTTER = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)/i;
export const MAX_IMAGES = 100_000;

/** The files, with every .zip among them replaced by its members (paths inside the zip). */
export async function expandZips(files: ImageFileEntry[]): Promise<ImageFileEntry[]> {
	const out: ImageFileEntry[] = [];
	for (const entry of files) {
		if (/\.zip$/i.test(entry.path)) out.push(...expandZipBytes(entry.path, new Uint8Array(await entry.file.arrayBuffer())));
		else out.push(entry);
	}
	return out;
}

export function expandZipBytes(name: string, bytes: Uint8Array): ImageFileEntry[] {
	let members: Record<string, Uint8Array>;
	try {
		members = unzipSync(bytes);
	} catch (e) {
		throw new KilnError('ImportError', `${name} is not a readable .zip file (${e instanceof Error ? e.message : 'damaged'}). Zip a folder whose sub-folders are the class names.`);
	}
	return Object.entries(members)
		.filter(([path]) => !path.endsWith('/'))
		.map(([path, data]) => ({ path, file: new Blob([data as Uint8Array<ArrayBuffer>]) }));
}

export interface LabelledFile {
	entry: ImageFileEntry;
	className: string;
}

/**
 * Each image's class is the folder it sits in (`…/cat/1.png` → "cat"). Files outside a class
 * folder, or not images, are listed as skipped with the reason; clutter is ignored.
 */
export function labelFiles(files: ImageFileEntry[], skipped: SkippedFile[]): LabelledFile[] {
	const out: LabelledFile[] = [];
	for (const entry of files) {
		const path = entry.path.replace(/\\/g, '/');
		if (CLUTTER.test(path)) continue;
		const parts = path.split('/').filter(Boolean);
		const name = parts.at(-1) ?? path;
		if (name.startsWith('.')) continue;
		if (!IMAGE_TYPES.test(name)) skipped.push({ file: path, reason: `not an image file (${name.includes('.') ? name.slice(name.lastIndexOf('.')) : 'no extension'}); Kiln reads PNG, JPEG, GIF, BMP, WebP and AVIF.` });
		else if (parts.length < 2) skipped.push({ file: path, reason: 'not inside a class folder: put each image in a folder named after its class.' });
		else out.push({ entry, className: parts[parts.length - 2] });
	}
	return out;
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
	const classes = [...new Set(decoded.map((d) => d.className))].sort((a, b) => a.localeCompare(b));
	if (classes.length < 2) {
		const why = skipped.length ? ` ${skipped.length} file(s) were skipped, e.g. ${skipped[0].file}: ${skipped[0].reason}` : '';
		throw new KilnError('ImportError', `Found ${decoded.length} image(s) in ${classes.length} class folder(s); a classifier needs at least two class folders with images.${why}`);
	}
	const index = new Map(classes.map((c, i) => [c, i]));
	const pixels = new Uint8Array(decoded.length * size);
	const labels = new Int32Array(decoded.length);
	const counts = classes.map(() => 0);
	decoded.forEach((d, i) => {
		pixels.set(d.pixels, i * size);
		labels[i] = index.get(d.className)!;
		counts[labels[i]]++;
	});
	return { pixels, labels, classes, counts };
}

export function countClasses(labels: ArrayLike<number>, classes: number): number[] {
	const counts = new Array<number>(classes).fill(0);
	for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
	return counts;
}
