import { KilnError } from '$shared/errors';
import type { FileFormat } from './types';

/** Well-known binary signatures, to say what a wrongly named file really is. */
const SIGNATURES: [number[], string][] = [
	[[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
	[[0xff, 0xd8, 0xff], 'a JPEG image'],
	[[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
	[[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
	[[0xd0, 0xcf, 0x11, 0xe0], 'an old Excel/Office document (.xls)'],
	[[0x7f, 0x45, 0x4c, 0x46], 'a program (ELF binary)'],
	[[0x42, 0x5a, 0x68], 'a bzip2 archive'],
	[[0xfd, 0x37, 0x7a, 0x58, 0x5a], 'an xz archive'],
	[[0x37, 0x7a, 0xbc, 0xaf], 'a 7-Zip archive'],
	[[0x28, 0xb5, 0x2f, 0xfd], 'a zstd archive'],
	[[0x52, 0x49, 0x46, 0x46], 'a RIFF media file'],
	[[0x41, 0x52, 0x52, 0x4f, 0x57, 0x31], 'an Arrow IPC file']
];

function startsWith(b: Uint8Array, sig: number[]): boolean {
	return sig.every((x, i) => b[i] === x);
}

export function isGzip(b: Uint8Array): boolean {
	return b[0] === 0x1f && b[1] === 0x8b;
}

export function isZip(b: Uint8Array): boolean {
	return b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6);
}

export function isParquet(b: Uint8Array): boolean {
	return b[0] === 0x50 && b[1] === 0x41 && b[2] === 0x52 && b[3] === 0x31;
}

/** Refuses bytes that are not text, naming the kind of file when it is a known one. */
export function assertText(head: Uint8Array, fileName: string): void {
	for (const [sig, what] of SIGNATURES) {
		if (startsWith(head, sig)) {
			throw new KilnError('ImportError', `${fileName} is ${what}, not a data table. Kiln imports CSV, TSV, JSON, JSON Lines and Parquet files (optionally .gz or .zip).`);
		}
	}
	const n = Math.min(head.length, 8192);
	let control = 0;
	for (let i = 0; i < n; i++) {
		const b = head[i];
		if (b === 0) {
			throw new KilnError('ImportError', `${fileName} is not a text file (it has a zero byte at byte ${i + 1}). Export the data as CSV, JSON or Parquet and try again.`);
		}
		if (b < 9 || (b > 13 && b < 32) || b === 127) control++;
	}
	if (n > 0 && control / n > 0.05) {
		throw new KilnError('ImportError', `${fileName} looks like a binary file, not text. Export the data as CSV, JSON or Parquet and try again.`);
	}
}

function extension(name: string): string {
	const dot = name.lastIndexOf('.');
	return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** Strips .gz / .zip: "data.csv.gz" → "data.csv". */
export function innerName(name: string): string {
	return name.replace(/\.(gz|gzip|zip)$/i, '');
}

/** CSV unless the extension or the first character says JSON. */
export function sniffFormat(head: Uint8Array, name: string): FileFormat {
	const ext = extension(name);
	if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
	if (ext === 'csv' || ext === 'tsv' || ext === 'tab' || ext === 'psv' || ext === 'txt') return 'csv';
	let i = 0;
	while (i < head.length && (head[i] === 32 || head[i] === 9 || head[i] === 10 || head[i] === 13)) i++;
	if (head[i] === 0x5b) return 'json';
	if (head[i] === 0x7b) return 'jsonl';
	return 'csv';
}

const CANDIDATES = [0x2c, 0x09, 0x3b, 0x7c];
const NAMES: Record<number, string> = { 0x2c: ',', 0x09: '\t', 0x3b: ';', 0x7c: '|' };

/**
 * The delimiter among , tab ; | that splits the first rows (up to 50, quotes respected) into the
 * same number of fields; the one giving most fields wins, ties in the order , tab ; |. When
 * none is consistent, the one with the most consistent rows; none at all → ',' (one column).
 */
export function sniffDelimiter(head: Uint8Array, name: string, wholeFile: boolean): string {
	const ext = extension(name);
	const order = ext === 'tsv' || ext === 'tab' ? [0x09, 0x2c, 0x3b, 0x7c] : ext === 'psv' ? [0x7c, 0x2c, 0x09, 0x3b] : CANDIDATES;
	const counts: number[][] = order.map(() => []);
	const current = order.map(() => 0);
	let quoted = false;
	let rowHasContent = false;
	let complete = false;
	for (let i = 0; i < head.length; i++) {
		const b = head[i];
		if (b === 0x22) quoted = !quoted;
		if (quoted) continue;
		if (b === 10 || b === 13) {
			if (rowHasContent) {
				order.forEach((_, k) => counts[k].push(current[k]));
				if (counts[0].length >= 50) {
					complete = true;
					break;
				}
			}
			current.fill(0);
			rowHasContent = false;
			continue;
		}
		rowHasContent = true;
		const k = order.indexOf(b);
		if (k >= 0) current[k]++;
	}
	if (!complete && rowHasContent && (wholeFile || counts[0].length === 0)) order.forEach((_, k) => counts[k].push(current[k]));
	let best = -1;
	let bestScore = 0;
	order.forEach((d, k) => {
		const rows = counts[k];
		if (rows.length === 0 || rows[0] === 0) return;
		const same = rows.filter((x) => x === rows[0]).length;
		const score = same === rows.length ? 1e6 + rows[0] : same / rows.length;
		if (score > bestScore) [best, bestScore] = [d, score];
	});
	return best < 0 ? ',' : NAMES[best];
}
