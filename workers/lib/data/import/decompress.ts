import { Gunzip, Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { KilnError } from '$shared/errors';
import type { ImportLimits, ImportWarning } from './types';

/**
 * Streaming .gz and .zip. Compressed input is pushed in 16 KB pieces, so one push inflates to at
 * most ~16.5 MB (deflate's ratio tops out near 1032:1), and after every piece the zip-bomb guards
 * are checked: total inflated bytes and the inflated/compressed ratio.
 */
const PIECE = 16 * 1024;

type InflateLimits = Pick<ImportLimits, 'maxInflatedBytes' | 'maxInflateRatio' | 'ratioCheckAfter'>;

class BombGuard {
	inflated = 0;
	compressed = 0;
	constructor(
		private readonly limits: InflateLimits,
		private readonly name: string
	) {}

	check(): void {
		const { maxInflatedBytes, maxInflateRatio, ratioCheckAfter } = this.limits;
		if (this.inflated > maxInflatedBytes) {
			throw new KilnError('ImportError', `${this.name} unpacks to more than ${formatBytes(maxInflatedBytes)}; the import stopped there. Is it a zip bomb? If the data really is that large, unpack it yourself and import the file.`);
		}
		if (this.inflated > ratioCheckAfter && this.inflated / Math.max(1, this.compressed) > maxInflateRatio) {
			throw new KilnError('ImportError', `${this.name} unpacks more than ${maxInflateRatio} times its packed size (${formatBytes(this.compressed)} → ${formatBytes(this.inflated)} so far), which real data does not; the import stopped. Is it a zip bomb?`);
		}
	}
}

function formatBytes(n: number): string {
	return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GB` : `${Math.round(n / 1048576)} MB`;
}

function corrupt(name: string, kind: string, error: unknown): KilnError {
	const why = error instanceof Error ? error.message : String(error);
	return new KilnError('ImportError', `${name} is not a valid ${kind} file (${why}). The download may be incomplete; try exporting it again.`);
}

export async function* gunzip(input: AsyncIterable<Uint8Array>, limits: InflateLimits, name: string): AsyncGenerator<Uint8Array> {
	const out: Uint8Array[] = [];
	const guard = new BombGuard(limits, name);
	const stream = new Gunzip((chunk) => {
		guard.inflated += chunk.length;
		out.push(chunk);
	});
	const push = (piece: Uint8Array, final: boolean) => {
		try {
			stream.push(piece, final);
		} catch (e) {
			throw corrupt(name, 'gzip', e);
		}
	};
	for await (const slice of input) {
		for (let i = 0; i < slice.length; i += PIECE) {
			const piece = slice.subarray(i, i + PIECE);
			guard.compressed += piece.length;
			push(piece, false);
			guard.check();
			while (out.length > 0) yield out.shift() as Uint8Array;
		}
	}
	push(new Uint8Array(0), true);
	guard.check();
	while (out.length > 0) yield out.shift() as Uint8Array;
}

const DATA_EXTENSIONS = /\.(csv|tsv|tab|psv|txt|json|jsonl|ndjson|parquet)$/i;

function isNoise(path: string): boolean {
	const base = path.split('/').pop() ?? '';
	return path.endsWith('/') || path.startsWith('__MACOSX/') || base.startsWith('.');
}

/**
 * The one data file inside a zip (by extension: csv, tsv, txt, json, jsonl, parquet …), streamed.
 * Other entries are skipped with a warning; two data files are refused. `found.name` is set as
 * soon as the entry is seen, before its first bytes are yielded.
 */
export async function* unzipOne(
	input: AsyncIterable<Uint8Array>,
	limits: InflateLimits,
	name: string,
	found: { name?: string },
	warn: (w: ImportWarning) => void
): AsyncGenerator<Uint8Array> {
	const out: Uint8Array[] = [];
	const guard = new BombGuard(limits, name);
	const skipped: string[] = [];
	let failure: KilnError | null = null;
	let workbook = false;
	const unzip = new Unzip((file: UnzipFile) => {
		if (file.name.startsWith('xl/') || file.name === '[Content_Types].xml') workbook = true;
		if (isNoise(file.name)) return;
		if (!DATA_EXTENSIONS.test(file.name)) {
			skipped.push(file.name);
			return;
		}
		if (found.name !== undefined) {
			failure ??= new KilnError('ImportError', `${name} holds more than one data file (${found.name}, ${file.name}). Put one file in the zip, or unpack it and import the file you want.`);
			return;
		}
		found.name = file.name;
		if (file.originalSize !== undefined && file.originalSize > limits.maxInflatedBytes) {
			failure = new KilnError('ImportError', `${file.name} in ${name} says it unpacks to ${formatBytes(file.originalSize)}, more than the ${formatBytes(limits.maxInflatedBytes)} Kiln accepts. Is it a zip bomb?`);
			return;
		}
		file.ondata = (error, data) => {
			if (error) failure ??= corrupt(name, 'zip', error);
			else {
				guard.inflated += data.length;
				out.push(data);
			}
		};
		try {
			file.start();
		} catch (e) {
			failure = new KilnError('ImportError', `${file.name} in ${name} uses a compression method Kiln cannot unpack (${e instanceof Error ? e.message : String(e)}). Re-create the zip with ordinary (deflate) compression.`);
		}
	});
	unzip.register(UnzipInflate);
	const push = (piece: Uint8Array, final: boolean) => {
		try {
			unzip.push(piece, final);
		} catch (e) {
			throw corrupt(name, 'zip', e);
		}
		if (failure) throw failure;
		guard.check();
	};
	for await (const slice of input) {
		for (let i = 0; i < slice.length; i += PIECE) {
			const piece = slice.subarray(i, i + PIECE);
			guard.compressed += piece.length;
			push(piece, false);
			while (out.length > 0) yield out.shift() as Uint8Array;
		}
	}
	push(new Uint8Array(0), true);
	while (out.length > 0) yield out.shift() as Uint8Array;
	if (found.name === undefined) {
		if (workbook) throw new KilnError('ImportError', `${name} is an Excel workbook (.xlsx). Save the sheet as CSV and import that.`);
		const list = skipped.length > 0 ? ` (it holds ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', …' : ''})` : '';
		throw new KilnError('ImportError', `${name} holds no CSV, TSV, JSON or Parquet file${list}.`);
	}
	if (skipped.length > 0) {
		warn({ kind: 'ignored-entry', count: skipped.length, message: `${name}: imported ${found.name}; ignored ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', …' : ''}.` });
	}
}
