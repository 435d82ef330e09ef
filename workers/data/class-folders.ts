import { unzipSync } from 'fflate';
import { KilnError } from '$shared/errors';
import type { ImageFileEntry, SkippedFile } from '../protocol';

/**
 * Folders whose sub-folders are the class names, as files from a folder picker, a dropped folder
 * or a .zip: shared by the image and the text import, which differ only in what a sample file is.
 */

/** Operating-system clutter in folders and zips, ignored silently. */
const CLUTTER = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)/i;

export interface ExpandOptions {
	/** Zip members larger than this (declared size) are not inflated but listed in `skipped`. */
	maxBytes?: number;
	skipped?: SkippedFile[];
	/** Why a member was too large, for the skipped list. */
	tooLarge?: (bytes: number) => string;
}

/** The files, with every .zip among them replaced by its members (paths inside the zip). */
export async function expandZips(files: ImageFileEntry[], options: ExpandOptions = {}): Promise<ImageFileEntry[]> {
	const out: ImageFileEntry[] = [];
	for (const entry of files) {
		if (/\.zip$/i.test(entry.path)) out.push(...expandZipBytes(entry.path, new Uint8Array(await entry.file.arrayBuffer()), options));
		else out.push(entry);
	}
	return out;
}

export function expandZipBytes(name: string, bytes: Uint8Array, options: ExpandOptions = {}): ImageFileEntry[] {
	const { maxBytes = Infinity, skipped, tooLarge } = options;
	let members: Record<string, Uint8Array>;
	try {
		// The filter sees each member's declared size before inflating, so one huge member is never unpacked.
		members = unzipSync(bytes, {
			filter: (file) => {
				if (file.originalSize <= maxBytes || file.name.endsWith('/') || CLUTTER.test(file.name)) return true;
				skipped?.push({ file: file.name, reason: tooLarge?.(file.originalSize) ?? `larger than ${maxBytes} bytes.` });
				return false;
			}
		});
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

/** What a sample file of one import looks like. */
export interface SampleKind {
	/** Tested on the file name. */
	accept: RegExp;
	/** "an image", "a text": used in the skip reasons. */
	noun: string;
	/** Said after "not <noun> file (.ext);", e.g. "Kiln reads .txt files." */
	reads: string;
}

/**
 * Each sample's class is the folder it sits in (`…/cat/1.png` → "cat"). Files outside a class
 * folder, or not of the kind, are listed as skipped with the reason; clutter is ignored.
 */
export function labelClassFiles(files: ImageFileEntry[], skipped: SkippedFile[], kind: SampleKind): LabelledFile[] {
	const out: LabelledFile[] = [];
	for (const entry of files) {
		const path = entry.path.replace(/\\/g, '/');
		if (CLUTTER.test(path)) continue;
		const parts = path.split('/').filter(Boolean);
		const name = parts.at(-1) ?? path;
		if (name.startsWith('.')) continue;
		if (!kind.accept.test(name)) skipped.push({ file: path, reason: `not ${kind.noun} file (${name.includes('.') ? name.slice(name.lastIndexOf('.')) : 'no extension'}); ${kind.reads}` });
		else if (parts.length < 2) skipped.push({ file: path, reason: `not inside a class folder: put each file in a folder named after its class.` });
		else out.push({ entry, className: parts[parts.length - 2] });
	}
	return out;
}

/** Classes in name order, and each sample's class index; refuses fewer than two classes. */
export function indexClasses(names: readonly string[], what: string, skipped: readonly SkippedFile[]): { classes: string[]; labels: Int32Array; counts: number[] } {
	const classes = [...new Set(names)].sort((a, b) => a.localeCompare(b));
	if (classes.length < 2) {
		const why = skipped.length ? ` ${skipped.length} file(s) were skipped, e.g. ${skipped[0].file}: ${skipped[0].reason}` : '';
		throw new KilnError('ImportError', `Found ${names.length} ${what}(s) in ${classes.length} class folder(s); a classifier needs at least two class folders with ${what}s.${why}`);
	}
	const index = new Map(classes.map((c, i) => [c, i]));
	const labels = Int32Array.from(names, (n) => index.get(n)!);
	const counts = classes.map(() => 0);
	for (const l of labels) counts[l]++;
	return { classes, labels, counts };
}
