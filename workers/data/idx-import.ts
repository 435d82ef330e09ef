import { KilnError } from '$shared/errors';
import { idxImages, readIdx } from '../lib/vision/idx';
import type { ImageFileEntry, ImageShapeInfo } from '../protocol';
import { countClasses } from './image-import';

const IDX = /(^|\/)([^/]*?)[-_.]?(images|labels)[-_.]idx[13]-ubyte(\.gz)?$/i;

export const isIdx = (path: string) => IDX.test(path);

/**
 * MNIST-style IDX files (images + labels, gz or not), e.g. Fashion-MNIST's four files: each
 * "train" / "t10k" pair becomes rows, the training pair first; with both, the t10k rows are the
 * set's own test split. Images keep their stored size; classes are the label numbers.
 */
export async function readIdxPairs(files: ImageFileEntry[]): Promise<{ shape: ImageShapeInfo; pixels: Uint8Array; labels: Int32Array; classes: string[]; counts: number[]; testStart?: number }> {
	const pairs = new Map<string, { images?: ImageFileEntry; labels?: ImageFileEntry }>();
	for (const f of files) {
		const m = f.path.match(IDX)!;
		const key = m[2].toLowerCase();
		const pair = pairs.get(key) ?? pairs.set(key, {}).get(key)!;
		pair[m[3].toLowerCase() as 'images' | 'labels'] = f;
	}
	const parts: { key: string; pixels: Uint8Array; labels: Int32Array; shape: ImageShapeInfo }[] = [];
	for (const [key, pair] of pairs) {
		if (!pair.images || !pair.labels) throw new KilnError('ImportError', `${(pair.images ?? pair.labels)!.path}: its ${pair.images ? 'labels' : 'images'} file (…-${pair.images ? 'labels-idx1' : 'images-idx3'}-ubyte) is missing; add both files of the pair.`);
		const { batch, labels } = idxImages(readIdx(await pair.images.file.arrayBuffer(), pair.images.path), readIdx(await pair.labels.file.arrayBuffer(), pair.labels.path));
		parts.push({ key, pixels: batch.data, labels: labels!, shape: batch.shape });
	}
	// Training files first, so "t10k"/"test" rows form the test split at the end.
	parts.sort((a, b) => Number(/t10k|test/.test(a.key)) - Number(/t10k|test/.test(b.key)));
	const shape = parts[0].shape;
	if (parts.some((p) => p.shape.height !== shape.height || p.shape.width !== shape.width || p.shape.channels !== shape.channels)) throw new KilnError('ImportError', 'The IDX image files have different image sizes; import them separately.');
	const count = parts.reduce((n, p) => n + p.labels.length, 0);
	const pixels = new Uint8Array(count * shape.height * shape.width * shape.channels);
	const labels = new Int32Array(count);
	let at = 0;
	for (const p of parts) {
		pixels.set(p.pixels, at * shape.height * shape.width * shape.channels);
		labels.set(p.labels, at);
		at += p.labels.length;
	}
	let classCount = 0;
	for (const l of labels) classCount = Math.max(classCount, l + 1);
	const testStart = parts.length > 1 && /t10k|test/.test(parts.at(-1)!.key) ? count - parts.at(-1)!.labels.length : undefined;
	return { shape, pixels, labels, classes: Array.from({ length: classCount }, (_, i) => String(i)), counts: countClasses(labels, classCount), testStart };
}
