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

/**
 * Rename, merge (two classes given one name) or remove (null) classes: `names[i]` is the new name
 * of class i. Chunks are rewritten in one transaction with the dataset record; refused while a
 * run that may still resume uses the dataset (its holdout replays from these rows).
 */
export async function editImageClasses(record: DatasetRecord, names: (string | null)[]): Promise<DatasetRecord> {
	const meta = imageMeta(record);
	if (names.length !== meta.classes.length) throw new KilnError('ValidationError', `Give a name (or removal) for each of the ${meta.classes.length} classes.`);
	const kept = [...new Set(names.filter((n): n is string => n !== null).map((n) => n.trim()))];
	if (kept.some((n) => !n)) throw new KilnError('ValidationError', 'A class name cannot be empty; remove the class instead.');
	if (kept.length < 2) throw new KilnError('ValidationError', 'A classifier needs at least two classes; keep two or more.');
	const classes = kept.sort((a, b) => a.localeCompare(b));
	const map = names.map((n) => (n === null ? -1 : classes.indexOf(n.trim())));
	const size = meta.height * meta.width * meta.channels;
	const pixels: Uint8Array[] = [];
	const labels: number[] = [];
	for (let i = 0; i < record.chunkCount; i++) {
		const chunk = await readImageChunk(record, i);
		chunk.labels.forEach((l, k) => {
			if (map[l] < 0) return;
			labels.push(map[l]);
			pixels.push(chunk.pixels.subarray(k * size, (k + 1) * size));
		});
	}
	const all = new Uint8Array(labels.length * size);
	pixels.forEach((p, i) => all.set(p, i * size));
	const label = Int32Array.from(labels);
	const counts = classes.map(() => 0);
	label.forEach((l) => counts[l]++);
	// Rows move when classes are removed, so the set's own test split no longer lines up: it becomes a seeded holdout.
	const testStart = names.includes(null) ? undefined : meta.testStart;
	const chunks: ChunkRecord[] = [];
	for (let start = 0, index = 0; start < label.length; start += record.chunkRows, index++) {
		const end = Math.min(label.length, start + record.chunkRows);
		chunks.push({ datasetId: record.id, index, rowCount: end - start, columns: [all.slice(start * size, end * size).buffer, label.slice(start, end).buffer] });
	}
	const what = `classes: ${names.map((n, i) => (n === null ? `“${meta.classes[i]}” removed` : n.trim() !== meta.classes[i] ? `“${meta.classes[i]}” → “${n.trim()}”` : '')).filter(Boolean).join(', ') || 'unchanged'}`;
	// Runs trained before this edit saw another version of the data (the run manifest says so).
	const edits = [...(record.edits ?? []), { at: Date.now(), what, rowsBefore: record.rowCount, rowsAfter: label.length }];
	const next: DatasetRecord = { ...record, rowCount: label.length, chunkCount: chunks.length, bytes: all.length + label.byteLength, images: { ...meta, classes, counts, testStart }, edits };
	const db = await openKilnDb();
	return write(`the images "${record.fileName}"`, () =>
		atomically(db.transaction(['datasets', 'chunks', 'runs'], 'readwrite'), async (tx) => {
			const runs = await tx.objectStore('runs').index('byProject').getAll(record.projectId);
			if (runs.some((r) => r.datasetId === record.id && (r.status === 'running' || r.status === 'interrupted'))) {
				throw new KilnError('ValidationError', `"${record.fileName}" is used by a run that is training or can still resume; finish or delete that run first.`);
			}
			await tx.objectStore('chunks').delete(IDBKeyRange.bound([record.id, 0], [record.id, Infinity]));
			for (const chunk of chunks) await tx.objectStore('chunks').put(chunk);
			await tx.objectStore('datasets').put(next);
			return next;
		})
	);
}
