import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKind } from '$shared/errors';
import { classPage, planImageEdit, rewriteChunks, undoEdit, type ChunkStore, type ImageEdit } from './image-edit';

const SIZE = 3;

/** A dataset in chunks held in a Map (a read after a write sees the write, as in one IndexedDB transaction). */
function memoryStore(labels: number[], chunkRows: number) {
	const chunks = new Map<number, { pixels: Uint8Array; labels: Int32Array }>();
	for (let start = 0, i = 0; start < labels.length; start += chunkRows, i++) {
		const part = labels.slice(start, start + chunkRows);
		// Pixel bytes say which original row an image is: row r holds [r, r, label].
		const pixels = new Uint8Array(part.length * SIZE);
		part.forEach((l, k) => pixels.set([(start + k) % 251, Math.floor((start + k) / 251), l], k * SIZE));
		chunks.set(i, { pixels, labels: Int32Array.from(part) });
	}
	const store: ChunkStore & { writes: number } = {
		writes: 0,
		async read(i) {
			const c = chunks.get(i);
			if (!c) throw new Error(`no chunk ${i}`);
			return { pixels: c.pixels.slice(), labels: c.labels.slice() };
		},
		async write(i, pixels, l) {
			store.writes++;
			chunks.set(i, { pixels: pixels.slice(), labels: l.slice() });
		},
		async remove(i) {
			chunks.delete(i);
		}
	};
	const all = () => {
		const rows: { id: number; label: number }[] = [];
		for (let i = 0; i < chunks.size; i++) {
			const c = chunks.get(i)!;
			c.labels.forEach((l, k) => rows.push({ id: c.pixels[k * SIZE] + 251 * c.pixels[k * SIZE + 1], label: l }));
		}
		return rows;
	};
	return { store, all, chunks };
}

async function apply(labels: number[], chunkRows: number, edit: ImageEdit, classes = 3, testStart?: number) {
	const { store, all, chunks } = memoryStore(labels, chunkRows);
	const counts = Array.from({ length: classes }, (_, c) => labels.filter((l) => l === c).length);
	const plan = planImageEdit(edit, { rowCount: labels.length, classes: Array.from({ length: classes }, (_, c) => `c${c}`), counts, testStart, size: SIZE }, (r) => labels[r]);
	const removed = new Map<number, { pixels: Uint8Array; label: number }>();
	const chunkCount = await rewriteChunks(plan, { rowCount: labels.length, chunkRows, size: SIZE }, store, (row, pixels, label) => removed.set(row, { pixels, label }));
	return { plan, rows: all(), chunkCount, chunks, removed, writes: store.writes };
}

describe('per-image edits of chunked image datasets', () => {
	const labels = Array.from({ length: 23 }, (_, i) => i % 3);

	it('removes rows and moves others, rewriting from the first changed chunk only', async () => {
		const { plan, rows, chunkCount, writes } = await apply(labels, 5, { remove: [12, 20], relabel: [{ row: 14, label: 0 }] }, 3, 18);
		expect(rows.map((r) => r.id)).toEqual(labels.map((_, i) => i).filter((i) => i !== 12 && i !== 20));
		expect(rows.find((r) => r.id === 14)?.label).toBe(0);
		expect(plan.counts).toEqual([8, 8, 5]);
		expect(plan.counts.reduce((a, b) => a + b)).toBe(rows.length);
		expect(chunkCount).toBe(5);
		// Chunks 0 and 1 (rows 0–9) are untouched.
		expect(writes).toBe(3);
		// Row 12 was before the test split at 18, row 20 after it.
		expect(plan.testStart).toBe(17);
	});

	it('moves alone rewrite only the chunks they touch', async () => {
		const { rows, writes } = await apply(labels, 5, { remove: [], relabel: [{ row: 2, label: 1 }, { row: 3, label: 1 }, { row: 21, label: 1 }] });
		expect(rows.map((r) => r.label)).toEqual(labels.map((l, i) => ([2, 3, 21].includes(i) ? 1 : l)));
		expect(writes).toBe(2);
	});

	it('drops chunks left empty and undo puts every image back where it was', async () => {
		const remove = [0, 1, 2, 3, 4, 5, 6, 21, 22];
		const edited = await apply(labels, 5, { remove, relabel: [{ row: 10, label: 2 }] }, 3, 20);
		expect(edited.chunkCount).toBe(3);
		expect(edited.chunks.size).toBe(3);
		const undo = undoEdit(edited.plan, new Map([[10, labels[10]]]), edited.removed, 20);
		const now = edited.rows.map((r) => r.label);
		const { store, all } = memoryStore(now, 5);
		// The memory store names rows by position; rebuild it from the edited rows to keep their ids.
		const back = planImageEdit(undo, { rowCount: now.length, classes: ['a', 'b', 'c'], counts: edited.plan.counts, testStart: edited.plan.testStart, size: SIZE }, (r) => now[r]);
		await rewriteChunks(back, { rowCount: now.length, chunkRows: 5, size: SIZE }, store);
		expect(all().map((r) => r.label)).toEqual(labels);
		expect(back.testStart).toBe(20);
		expect(back.counts).toEqual([8, 8, 7]);
		// The put-back images are the removed ones, byte for byte.
		expect(undo.insert?.map((i) => i.pixels[0])).toEqual(remove);
	});

	it('refuses unknown rows, duplicates, a row removed and moved, and an emptied class', async () => {
		const fail = (edit: ImageEdit, pattern: RegExp) => expect(apply(labels, 5, edit)).rejects.toSatisfy((e) => isKind(e, 'ValidationError') && pattern.test((e as Error).message));
		await fail({ remove: [23], relabel: [] }, /no image 23/);
		await fail({ remove: [1, 1], relabel: [] }, /listed twice/);
		await fail({ remove: [1], relabel: [{ row: 1, label: 0 }] }, /both removed and moved/);
		await fail({ remove: [], relabel: [{ row: 1, label: 7 }] }, /no class 7/);
		const twoOfClass0 = [0, 1, 2, 0, 1, 2];
		await expect(apply(twoOfClass0, 4, { remove: [0], relabel: [{ row: 3, label: 1 }] })).rejects.toSatisfy((e) => /no image of "c0"/.test((e as Error).message));
	});

	it('matches a plain array edit for any edit and chunk size, and undo restores it (property)', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 8, maxLength: 60 }),
				fc.integer({ min: 1, max: 9 }),
				fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 })), { maxLength: 12 }),
				async (raw, chunkRows, picks) => {
					const data = [...raw, 0, 0, 1, 1, 2, 2];
					const remove = new Set<number>();
					const relabel = new Map<number, number>();
					for (const [r, what] of picks) {
						const row = r % data.length;
						if (remove.has(row) || relabel.has(row)) continue;
						if (what === 3) remove.add(row);
						else relabel.set(row, what);
					}
					const edit: ImageEdit = { remove: [...remove], relabel: [...relabel].map(([row, label]) => ({ row, label })) };
					const after = data.map((l, i) => ({ id: i, label: relabel.get(i) ?? l })).filter((r) => !remove.has(r.id));
					if (new Set(after.map((r) => r.label)).size < 3) return expect(apply(data, chunkRows, edit)).rejects.toThrow(/no image of/);
					const edited = await apply(data, chunkRows, edit);
					expect(edited.rows).toEqual(after);
					expect(edited.chunkCount).toBe(Math.ceil(after.length / chunkRows));
					const undo = undoEdit(edited.plan, new Map([...relabel.keys()].map((r) => [r, data[r]])), edited.removed, undefined);
					const now = edited.rows.map((r) => r.label);
					const { store, all } = memoryStore(now, chunkRows);
					await rewriteChunks(planImageEdit(undo, { rowCount: now.length, classes: ['a', 'b', 'c'], counts: edited.plan.counts, size: SIZE }, (r) => now[r]), { rowCount: now.length, chunkRows, size: SIZE }, store);
					expect(all().map((r) => r.label)).toEqual(data);
				}
			),
			{ numRuns: 150, seed: 7 }
		);
	});

	it('pages through one class in row order', () => {
		const l = Int32Array.from(labels);
		expect(classPage(l, 1, 0, 3)).toEqual({ rows: [1, 4, 7], total: 8 });
		expect(classPage(l, 1, 6, 3)).toEqual({ rows: [19, 22], total: 8 });
	});
});
