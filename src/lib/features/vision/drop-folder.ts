import type { ImageFileEntry } from '$workers/protocol';

/**
 * Files dropped onto the image import, folders walked: each file keeps its path below what was
 * dropped ("pets/cat/1.png"), so sub-folders become class names as with the folder picker.
 * Uses DataTransferItem.webkitGetAsEntry (Chromium, Firefox, Safari); the item list must be read
 * during the drop event, the walk may finish later.
 */

/** The parts of FileSystemEntry this uses (so a test can hand in a plain tree). */
export interface DroppedEntry {
	name: string;
	isFile: boolean;
	isDirectory: boolean;
	file?(success: (file: File) => void, failure?: (error: unknown) => void): void;
	createReader?(): { readEntries(success: (entries: DroppedEntry[]) => void, failure?: (error: unknown) => void): void };
}

/** A person can drop a whole disk by mistake; past this many files the walk stops. */
export const MAX_DROPPED_FILES = 200_000;

function fileOf(entry: DroppedEntry): Promise<File> {
	return new Promise((resolve, reject) => entry.file!(resolve, reject));
}

/** Every entry of a folder: readEntries returns them in batches (100 in Chromium) until an empty one. */
async function children(entry: DroppedEntry): Promise<DroppedEntry[]> {
	const reader = entry.createReader!();
	const all: DroppedEntry[] = [];
	for (;;) {
		const batch = await new Promise<DroppedEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
		if (batch.length === 0) return all;
		all.push(...batch);
	}
}

export async function walkEntries(roots: DroppedEntry[], limit = MAX_DROPPED_FILES): Promise<{ files: ImageFileEntry[]; truncated: boolean }> {
	const files: ImageFileEntry[] = [];
	const stack: { entry: DroppedEntry; path: string }[] = roots.map((entry) => ({ entry, path: entry.name })).reverse();
	while (stack.length > 0) {
		const { entry, path } = stack.pop()!;
		// Hidden files (.DS_Store) and folders (.git) are never images a person meant.
		if (entry.name.startsWith('.')) continue;
		if (entry.isFile && entry.file) {
			if (files.length >= limit) return { files, truncated: true };
			files.push({ path, file: await fileOf(entry) });
		} else if (entry.isDirectory && entry.createReader) {
			const inside = (await children(entry)).sort((a, b) => a.name.localeCompare(b.name));
			for (let i = inside.length - 1; i >= 0; i--) stack.push({ entry: inside[i], path: `${path}/${inside[i].name}` });
		}
	}
	return { files, truncated: false };
}

/** The drop's entries, read synchronously inside the drop handler (the list is emptied afterwards). */
export function droppedEntries(transfer: DataTransfer | null): DroppedEntry[] {
	if (!transfer) return [];
	const entries: DroppedEntry[] = [];
	for (const item of Array.from(transfer.items)) {
		if (item.kind !== 'file') continue;
		const entry = item.webkitGetAsEntry?.() as DroppedEntry | null;
		if (entry) entries.push(entry);
	}
	return entries;
}

/**
 * A drop's files with their paths: dropped folders walked, loose files by name. Reads the drop's
 * lists before it returns, so call it inside the drop handler, before any await.
 */
export function droppedFiles(transfer: DataTransfer | null): Promise<{ files: ImageFileEntry[]; truncated: boolean }> {
	const roots = droppedEntries(transfer);
	const loose = [...(transfer?.files ?? [])];
	return roots.length > 0 ? walkEntries(roots) : Promise.resolve({ files: loose.map((f) => ({ path: f.name, file: f })), truncated: false });
}

export const tooManyDropped = (count: number) => `The dropped folders hold more than ${count.toLocaleString('en-US')} files; drop fewer at a time.`;
