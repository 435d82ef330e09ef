import { KilnError } from '$shared/errors';
import { classPage, planImageEdit, rewriteChunks, undoEdit, type ImageEdit } from '$workers/lib/vision/image-edit';
import { imageMeta, readImageLabels, readImageRows } from './images';
import { atomically, openKilnDb, write } from './open';
import type { DatasetEdit, DatasetRecord } from './schema';

/** A dataset's version: 1 as imported, one more per in-place edit (class or image edits). */
export function datasetVersion(record: Pick<DatasetRecord, 'edits'>): number {
	return 1 + (Array.isArray(record.edits) ? record.edits.length : 0);
}

/** The edit record appended to a dataset edited in place. */
export function editEntry(what: string, rowsBefore: number, rowsAfter: number): DatasetEdit {
	return { at: Date.now(), what, rowsBefore, rowsAfter };
}

const plural = (n: number, one: string) => `${n.toLocaleString('en-US')} ${one}${n === 1 ? '' : 's'}`;

function describe(edit: ImageEdit, moved: number, classes: string[]): string {
	if (edit.testStart !== undefined) return `undo: ${plural(edit.insert?.length ?? 0, 'image')} put back, ${plural(moved, 'image')} moved back`;
	const to = [...new Set(edit.relabel.map((r) => classes[r.label]))];
	return [edit.remove.length ? `${plural(edit.remove.length, 'image')} removed` : '', moved ? `${plural(moved, 'image')} moved to ${to.map((c) => `“${c}”`).join(', ')}` : ''].filter(Boolean).join(', ');
}

/**
 * Remove, move (relabel) or put back single images of a stored image dataset, in one transaction
 * with its record: only the chunks from the first changed row on are rewritten (a move alone
 * rewrites just its chunks), so a 60,000-image set is never held in memory. `version` is the one
 * the person's view showed (rows are numbered in it); a changed dataset is refused. Returns the
 * edit that undoes this one (null for an undo), and the record as stored.
 */
export async function editImages(datasetId: string, edit: ImageEdit, version: number): Promise<{ record: DatasetRecord; undo: ImageEdit | null }> {
	if (!edit.remove.length && !edit.relabel.length && !edit.insert?.length) throw new KilnError('ValidationError', 'Select one or more images first.');
	const db = await openKilnDb();
	return write('the edited images', () =>
		atomically(db.transaction(['datasets', 'chunks', 'runs'], 'readwrite'), async (tx) => {
			const record = await tx.objectStore('datasets').get(datasetId);
			if (!record) throw new KilnError('NotFoundError', 'This dataset is no longer stored.');
			const meta = imageMeta(record);
			if (datasetVersion(record) !== version) throw new KilnError('ValidationError', `"${record.fileName}" changed since these images were shown (another tab or edit); look at them again and repeat the edit.`);
			const runs = await tx.objectStore('runs').index('byProject').getAll(record.projectId);
			if (runs.some((r) => r.datasetId === record.id && (r.status === 'running' || r.status === 'interrupted'))) {
				throw new KilnError('ValidationError', `"${record.fileName}" is used by a run that is training or can still resume; finish or delete that run first.`);
			}
			const chunks = tx.objectStore('chunks');
			// Old chunks read for the plan are reused by the rewrite (each is read before it is written).
			const read = new Map<number, { pixels: Uint8Array; labels: Int32Array }>();
			const readChunk = async (index: number) => {
				const hit = read.get(index);
				if (hit) return hit;
				const chunk = await chunks.get([record.id, index]);
				if (!chunk) throw new KilnError('NotFoundError', `The stored images of "${record.fileName}" are incomplete (chunk ${index + 1} of ${record.chunkCount} is missing). Import them again.`);
				const out = { pixels: new Uint8Array(chunk.columns[0]), labels: new Int32Array(chunk.columns[1]) };
				read.set(index, out);
				return out;
			};
			const oldLabels = new Map<number, number>();
			for (const row of [...edit.remove, ...edit.relabel.map((r) => r.row)]) {
				if (!(Number.isInteger(row) && row >= 0 && row < record.rowCount)) continue; // the plan names it
				oldLabels.set(row, (await readChunk(Math.floor(row / record.chunkRows))).labels[row % record.chunkRows]);
			}
			const size = meta.height * meta.width * meta.channels;
			const plan = planImageEdit(edit, { rowCount: record.rowCount, classes: meta.classes, counts: meta.counts, testStart: meta.testStart, size }, (row) => oldLabels.get(row)!);
			if (!plan.remove.length && !plan.relabel.size && !plan.insert.length) throw new KilnError('ValidationError', 'The selected images are already in that class.');
			const removed = new Map<number, { pixels: Uint8Array; label: number }>();
			const chunkCount = await rewriteChunks(
				plan,
				{ rowCount: record.rowCount, chunkRows: record.chunkRows, size },
				{
					read: async (index) => {
						const chunk = await readChunk(index);
						read.delete(index);
						return chunk;
					},
					write: async (index, pixels, labels) => {
						await chunks.put({ datasetId: record.id, index, rowCount: labels.length, columns: [pixels.buffer as ArrayBuffer, labels.buffer as ArrayBuffer] });
					},
					remove: (index) => chunks.delete([record.id, index])
				},
				(row, pixels, label) => removed.set(row, { pixels, label })
			);
			const next: DatasetRecord = {
				...record,
				rowCount: plan.rowCount,
				chunkCount,
				bytes: plan.rowCount * (size + 4),
				images: { ...meta, counts: plan.counts, testStart: plan.testStart },
				edits: [...(record.edits ?? []), editEntry(describe(edit, plan.relabel.size, meta.classes), record.rowCount, plan.rowCount)]
			};
			await tx.objectStore('datasets').put(next);
			return { record: next, undo: edit.testStart !== undefined ? null : undoEdit(plan, oldLabels, removed, meta.testStart) };
		})
	);
}

// The labels of the dataset last paged through: a page flip then reads only its own images.
let labelCache: { key: string; labels: Int32Array } | null = null;

/** One page of a class's images (row numbers, pixels) and how many the class has, at the dataset's version. */
export async function readImageClassPage(record: DatasetRecord, label: number, start: number, count: number): Promise<{ rows: number[]; total: number; pixels: Uint8Array; version: number }> {
	const version = datasetVersion(record);
	const key = `${record.id}@${version}`;
	if (labelCache?.key !== key) labelCache = { key, labels: await readImageLabels(record) };
	const { rows, total } = classPage(labelCache.labels, label, Math.max(0, start), Math.max(0, Math.min(count, 500)));
	return { rows, total, pixels: (await readImageRows(record, rows)).pixels, version };
}

/**
 * Finished image runs replay their holdout from the seed over today's rows; after an edit those
 * are other images (some it trained on, labels renumbered by a class edit), so refuse instead.
 */
export function assertNotEditedSince(record: DatasetRecord, runCreatedAt: number, purpose: string): void {
	const later = (Array.isArray(record.edits) ? record.edits : []).filter((e) => e.at > runCreatedAt);
	if (later.length === 0) return;
	throw new KilnError('ValidationError', `"${record.fileName}" was edited after this run trained (${later.at(-1)!.what}), so its held-out images are no longer the ones it was scored on and ${purpose} would mislead. Train a new run on the edited images.`);
}
