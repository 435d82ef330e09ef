import { describe, expect, it } from 'vitest';
import { droppedFiles, walkEntries, type DroppedEntry } from './drop-folder';

/** A folder tree as FileSystemEntry-like objects; folders hand out entries `batch` at a time. */
function tree(name: string, content: Record<string, unknown> | string, batch = 2): DroppedEntry {
	if (typeof content === 'string') return { name, isFile: true, isDirectory: false, file: (ok) => ok(new File([content], name)) };
	const entries = Object.entries(content).map(([n, c]) => tree(n, c as Record<string, unknown> | string, batch));
	return {
		name,
		isFile: false,
		isDirectory: true,
		createReader: () => {
			let at = 0;
			return { readEntries: (ok) => setTimeout(() => ok(entries.slice(at, (at += batch)))) };
		}
	};
}

describe('dropped folders', () => {
	it('walks sub-folders in name order, reading every batch, keeping paths from the dropped folder', async () => {
		const pets = tree('pets', { dog: { '2.png': 'd2', '1.png': 'd1', '3.png': 'd3' }, cat: { '1.png': 'c1', '.DS_Store': 'x' }, '.git': { config: 'x' } });
		const { files, truncated } = await walkEntries([pets, tree('loose.png', 'l')]);
		expect(truncated).toBe(false);
		expect(files.map((f) => f.path)).toEqual(['pets/cat/1.png', 'pets/dog/1.png', 'pets/dog/2.png', 'pets/dog/3.png', 'loose.png']);
		expect(await files[1].file.text()).toBe('d1');
	});

	it('stops at the limit and says so', async () => {
		const { files, truncated } = await walkEntries([tree('many', { a: '1', b: '2', c: '3' })], 2);
		expect(files).toHaveLength(2);
		expect(truncated).toBe(true);
	});

	it('takes dropped folders through their entries and loose files by name, reading the lists at once', async () => {
		const pets = tree('pets', { dog: { '1.png': 'd1' } });
		const transfer = (items: DroppedEntry[], files: File[]) => {
			let read = false;
			const drop = {
				get items() {
					read = true;
					return items.map((entry) => ({ kind: 'file', webkitGetAsEntry: () => entry }));
				},
				files
			} as unknown as DataTransfer;
			return { drop, read: () => read };
		};
		const folder = transfer([pets], []);
		const pending = droppedFiles(folder.drop);
		expect(folder.read()).toBe(true);
		expect((await pending).files.map((f) => f.path)).toEqual(['pets/dog/1.png']);
		const loose = await droppedFiles(transfer([], [new File(['x'], 'a.png')]).drop);
		expect(loose).toMatchObject({ truncated: false, files: [{ path: 'a.png' }] });
		expect(await droppedFiles(null)).toEqual({ files: [], truncated: false });
	});
});
