import { KilnError } from '$shared/errors';

/**
 * Per-image edits of a stored image dataset: remove rows, give rows another class, or (to undo a
 * removal) put rows back. Storage keeps images in fixed-size chunks (row r in chunk r / chunkRows),
 * so a removal shifts every later row: only the chunks from the first changed row on are
 * rewritten, streamed a chunk at a time, and a relabel alone rewrites just the chunks it touches.
 */
export interface ImageEdit {
	/** Rows (in the dataset as it is) to drop. */
	remove: number[];
	/** Rows (as it is) that get another class. */
	relabel: { row: number; label: number }[];
	/** Rows to put in, at their position in the edited dataset (undo of a removal). */
	insert?: ImageInsert[];
	/** Set the set's own test split start to this (undo); otherwise it shifts with removals. */
	testStart?: number | null;
}

export interface ImageInsert {
	row: number;
	label: number;
	pixels: Uint8Array;
}

export interface EditPlan {
	remove: Int32Array;
	relabel: Map<number, number>;
	insert: ImageInsert[];
	counts: number[];
	rowCount: number;
	/** The first row (same in old and new numbering) whose image or label changes. */
	firstChanged: number;
	/** Only labels change: rows keep their place. */
	labelsOnly: boolean;
	testStart: number | undefined;
}

const sortedUnique = (rows: number[], what: string, rowCount: number): Int32Array => {
	const out = Int32Array.from(rows).sort();
	for (let i = 0; i < out.length; i++) {
		if (!(Number.isInteger(out[i]) && out[i] >= 0 && out[i] < rowCount)) throw new KilnError('ValidationError', `There is no image ${out[i]} to ${what} (the dataset has ${rowCount}).`);
		if (i > 0 && out[i] === out[i - 1]) throw new KilnError('ValidationError', `Image ${out[i]} is listed twice to ${what}.`);
	}
	return out;
};

/**
 * Check an edit against the dataset and work out its result. `labelOf(row)` gives the current
 * label of the removed and relabelled rows (the caller has read their chunks). Refuses an edit
 * that would leave a class with no image (removing a class is the class editor's job).
 */
export function planImageEdit(edit: ImageEdit, dataset: { rowCount: number; classes: string[]; counts: number[]; testStart?: number; size: number }, labelOf: (row: number) => number): EditPlan {
	const { rowCount, classes } = dataset;
	const remove = sortedUnique(edit.remove, 'remove', rowCount);
	sortedUnique(edit.relabel.map((r) => r.row), 'move', rowCount);
	const removed = new Set(remove);
	const counts = [...dataset.counts];
	const relabel = new Map<number, number>();
	for (const r of remove) counts[labelOf(r)]--;
	for (const { row, label } of edit.relabel) {
		if (removed.has(row)) throw new KilnError('ValidationError', `Image ${row} cannot be both removed and moved.`);
		if (!(Number.isInteger(label) && label >= 0 && label < classes.length)) throw new KilnError('ValidationError', `There is no class ${label} to move image ${row} to.`);
		const from = labelOf(row);
		if (from === label) continue;
		counts[from]--;
		counts[label]++;
		relabel.set(row, label);
	}
	const insert = [...(edit.insert ?? [])].sort((a, b) => a.row - b.row);
	const newCount = rowCount - remove.length + insert.length;
	insert.forEach((ins, i) => {
		if (!(Number.isInteger(ins.row) && ins.row >= 0 && ins.row < newCount) || (i > 0 && ins.row === insert[i - 1].row)) throw new KilnError('ValidationError', `An image cannot be put back at row ${ins.row}.`);
		if (!(Number.isInteger(ins.label) && ins.label >= 0 && ins.label < classes.length)) throw new KilnError('ValidationError', `There is no class ${ins.label} to put an image back into.`);
		if (ins.pixels.length !== dataset.size) throw new KilnError('ValidationError', `An image put back holds ${ins.pixels.length} bytes, not ${dataset.size}.`);
		counts[ins.label]++;
	});
	const emptied = counts.findIndex((c) => c <= 0);
	if (emptied >= 0) throw new KilnError('ValidationError', `This would leave no image of "${classes[emptied]}". To drop that class, use Rename, merge or remove classes.`);
	const firsts = [remove[0], insert[0]?.row, ...relabel.keys()].filter((r): r is number => r !== undefined);
	let testStart = dataset.testStart;
	if (edit.testStart !== undefined) testStart = edit.testStart ?? undefined;
	else if (testStart !== undefined) {
		testStart -= remove.filter((r) => r < dataset.testStart!).length;
		// Every image of the set's own test split removed: hold out a seeded share instead.
		if (testStart >= newCount) testStart = undefined;
	}
	return { remove, relabel, insert, counts, rowCount: newCount, firstChanged: firsts.length ? Math.min(...firsts) : rowCount, labelsOnly: remove.length === 0 && insert.length === 0, testStart };
}

export interface ChunkStore {
	read(index: number): Promise<{ pixels: Uint8Array; labels: Int32Array }>;
	write(index: number, pixels: Uint8Array, labels: Int32Array): Promise<void>;
	remove(index: number): Promise<void>;
}

/**
 * Rewrite the chunks an edit changes. Old chunk i is always read before chunk i is written (the
 * store may be one transaction, where a read after a write sees the new chunk). Calls `onRemoved`
 * with each removed row's pixels and label (for an undo). Returns the new chunk count.
 */
export async function rewriteChunks(plan: EditPlan, layout: { rowCount: number; chunkRows: number; size: number }, store: ChunkStore, onRemoved?: (row: number, pixels: Uint8Array, label: number) => void): Promise<number> {
	const { chunkRows, size } = layout;
	const oldChunks = Math.ceil(layout.rowCount / chunkRows);
	const newChunks = Math.ceil(plan.rowCount / chunkRows);
	if (plan.labelsOnly) {
		const touched = [...new Set([...plan.relabel.keys()].map((r) => Math.floor(r / chunkRows)))].sort((a, b) => a - b);
		for (const index of touched) {
			const chunk = await store.read(index);
			const labels = chunk.labels.slice();
			for (let k = 0; k < labels.length; k++) labels[k] = plan.relabel.get(index * chunkRows + k) ?? labels[k];
			await store.write(index, chunk.pixels, labels);
		}
		return oldChunks;
	}
	const start = Math.floor(plan.firstChanged / chunkRows);
	const removed = new Set(plan.remove);
	// Rows waiting to be written, in new order, as views into the chunks read so far.
	const pending: { pixels: Uint8Array; label: number }[] = [];
	let nextInsert = 0;
	let outRow = start * chunkRows;
	let nextRead = start;
	let nextWrite = start;
	const emit = (pixels: Uint8Array, label: number) => {
		while (nextInsert < plan.insert.length && plan.insert[nextInsert].row === outRow) {
			const ins = plan.insert[nextInsert++];
			pending.push({ pixels: ins.pixels, label: ins.label });
			outRow++;
		}
		pending.push({ pixels, label });
		outRow++;
	};
	const readNext = async () => {
		const chunk = await store.read(nextRead);
		const base = nextRead * chunkRows;
		for (let k = 0; k < chunk.labels.length; k++) {
			const row = base + k;
			const pixels = chunk.pixels.subarray(k * size, (k + 1) * size);
			if (removed.has(row)) onRemoved?.(row, pixels.slice(), chunk.labels[k]);
			else emit(pixels, plan.relabel.get(row) ?? chunk.labels[k]);
		}
		nextRead++;
	};
	const flush = async (rows: number) => {
		const pixels = new Uint8Array(rows * size);
		const labels = new Int32Array(rows);
		for (let k = 0; k < rows; k++) {
			const row = pending[k];
			pixels.set(row.pixels, k * size);
			labels[k] = row.label;
		}
		pending.splice(0, rows);
		await store.write(nextWrite++, pixels, labels);
	};
	while (nextRead < oldChunks) {
		await readNext();
		// Write full chunks, but never chunk i before old chunk i has been read.
		while (pending.length >= chunkRows && nextWrite < nextRead) await flush(chunkRows);
	}
	// Inserts at the very end.
	while (nextInsert < plan.insert.length) {
		const ins = plan.insert[nextInsert++];
		if (ins.row !== outRow) throw new KilnError('ValidationError', `An image cannot be put back at row ${ins.row}.`);
		pending.push({ pixels: ins.pixels, label: ins.label });
		outRow++;
	}
	while (pending.length > 0) await flush(Math.min(chunkRows, pending.length));
	if (outRow !== plan.rowCount) throw new KilnError('ValidationError', `The edit left ${outRow} images where ${plan.rowCount} were expected.`);
	for (let index = newChunks; index < oldChunks; index++) await store.remove(index);
	return newChunks;
}

/**
 * The edit that takes the edited dataset back to what it was: the removed rows put back where
 * they were, moved rows moved back (the caller collected the removed rows' pixels and labels).
 */
export function undoEdit(plan: EditPlan, oldLabels: Map<number, number>, removedRows: Map<number, { pixels: Uint8Array; label: number }>, testStart: number | undefined): ImageEdit {
	if (plan.insert.length) throw new KilnError('ValidationError', 'An undo cannot itself be undone.');
	const shiftOf = (row: number) => {
		// Rows removed before `row` (plan.remove is sorted).
		let lo = 0;
		let hi = plan.remove.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (plan.remove[mid] < row) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	};
	return {
		remove: [],
		relabel: [...plan.relabel.keys()].map((row) => ({ row: row - shiftOf(row), label: oldLabels.get(row)! })),
		insert: [...removedRows].map(([row, r]) => ({ row, label: r.label, pixels: r.pixels })),
		testStart: testStart ?? null
	};
}

/** One page of a class's rows, in row order. */
export function classPage(labels: Int32Array, label: number, start: number, count: number): { rows: number[]; total: number } {
	const rows: number[] = [];
	let total = 0;
	for (let i = 0; i < labels.length; i++) {
		if (labels[i] !== label) continue;
		if (total >= start && rows.length < count) rows.push(i);
		total++;
	}
	return { rows, total };
}
