import type { ImageDatasetMeta } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { atomically, newId, openKilnDb, write } from './open';
import type { ChunkRecord, DatasetRecord } from './schema';

/** About 1 MB of pixels per chunk: a training batch touches few chunks, a cache holds many. */
const CHUNK_BYTES = 1 << 20;

export function imageChunkRows(meta: Pick<ImageDatasetMeta, 'height' | 'width' | 'channels'>): number {
	return Math.max(16, Math.min(4096, Math.floor(CHUNK_BYTES / (meta.height * meta.width * meta.channels))));
}

export interface NewImageDataset {
	projectId: string;
	name: string;
	fileName: string;
	source: DatasetRecord['source'];
	meta: ImageDatasetMeta;
	/** count·h·w·c bytes, NHWC. */
	pixels: Uint8Array;
	labels: Int32Array;
}

/**
 * Store an image dataset (chunks of [pixels, labels]) and make it the project's current one, in
 * one transaction: a full disk leaves the project as it was. Its columns stay empty, so tabular
 * code sees no features; `images` says what it is.
 */
export async function saveImageDataset(input: NewImageDataset): Promise<DatasetRecord> {
	const id = newId('dataset');
	const size = input.meta.height * input.meta.width * input.meta.channels;
	const count = input.labels.length;
	if (input.pixels.length !== count * size) throw new KilnError('ImportError', `The images hold ${input.pixels.length} bytes, not ${count} × ${size}.`);
	const chunkRows = imageChunkRows(input.meta);
	const chunks: ChunkRecord[] = [];
	for (let start = 0, index = 0; start < count; start += chunkRows, index++) {
		const end = Math.min(count, start + chunkRows);
		chunks.push({ datasetId: id, index, rowCount: end - start, columns: [input.pixels.slice(start * size, end * size).buffer, input.labels.slice(start, end).buffer] });
	}
	const record: DatasetRecord = {
		id,
		projectId: input.projectId,
		name: input.name,
		fileName: input.fileName,
		source: input.source,
		rowCount: count,
		columns: [],
		profile: [],
		chunkRows,
		chunkCount: chunks.length,
		bytes: input.pixels.length + input.labels.byteLength,
		createdAt: Date.now(),
		images: input.meta
	};
	const db = await openKilnDb();
	return write(`the images "${input.fileName}"`, () =>
		atomically(db.transaction(['datasets', 'chunks', 'projects'], 'readwrite'), async (tx) => {
			const project = await tx.objectStore('projects').get(input.projectId);
			if (!project) throw new KilnError('NotFoundError', 'This project does not exist (it may have been deleted).');
			await tx.objectStore('datasets').put(record);
			for (const chunk of chunks) await tx.objectStore('chunks').put(chunk);
			await tx.objectStore('projects').put({ ...project, datasetId: id, target: 'label', task: 'classification', updatedAt: Date.now() });
			return record;
		})
	);
}

export function imageMeta(record: DatasetRecord): ImageDatasetMeta {
	if (!record.images) throw new KilnError('ValidationError', `"${record.fileName}" is a table, not an image dataset.`);
	return record.images;
}

/** One chunk's pixels and labels. */
export async function readImageChunk(record: DatasetRecord, index: number): Promise<{ pixels: Uint8Array; labels: Int32Array }> {
	const chunk = await (await openKilnDb()).get('chunks', [record.id, index]);
	if (!chunk) throw new KilnError('NotFoundError', `The stored images of "${record.fileName}" are incomplete (chunk ${index + 1} of ${record.chunkCount} is missing). Import them again.`);
	return { pixels: new Uint8Array(chunk.columns[0]), labels: new Int32Array(chunk.columns[1]) };
}

/** Every image's label, in row order (small: 4 bytes an image). */
export async function readImageLabels(record: DatasetRecord): Promise<Int32Array> {
	const labels = new Int32Array(record.rowCount);
	for (let i = 0; i < record.chunkCount; i++) labels.set((await readImageChunk(record, i)).labels, i * record.chunkRows);
	return labels;
}

/** The given rows' pixels (in order) and labels, reading each chunk they touch once. */
export async function readImageRows(record: DatasetRecord, rows: ArrayLike<number>): Promise<{ pixels: Uint8Array; labels: Int32Array }> {
	const meta = imageMeta(record);
	const size = meta.height * meta.width * meta.channels;
	const pixels = new Uint8Array(rows.length * size);
	const labels = new Int32Array(rows.length);
	const chunks = new Map<number, { pixels: Uint8Array; labels: Int32Array }>();
	for (let i = 0; i < rows.length; i++) {
		const row = rows[i];
		if (!(row >= 0 && row < record.rowCount)) throw new KilnError('ValidationError', `There is no image ${row} in "${record.fileName}".`);
		const index = Math.floor(row / record.chunkRows);
		let chunk = chunks.get(index);
		if (!chunk) chunks.set(index, (chunk = await readImageChunk(record, index)));
		const at = row - index * record.chunkRows;
		pixels.set(chunk.pixels.subarray(at * size, (at + 1) * size), i * size);
		labels[i] = chunk.labels[at];
	}
	return { pixels, labels };
}
