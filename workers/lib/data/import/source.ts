import { KilnError } from '$shared/errors';
import type { ImportSource } from './types';

export const SLICE_BYTES = 1 << 20;

/** A File or Blob read in slices (1 MB by default), with random access for Parquet. */
export function fromBlob(blob: Blob, name: string, sliceBytes = SLICE_BYTES): ImportSource {
	return {
		name,
		size: blob.size,
		async *read() {
			// One slice read ahead: the browser fetches the next while this one is parsed.
			const slice = (start: number) => blob.slice(start, Math.min(blob.size, start + sliceBytes)).arrayBuffer();
			let next = blob.size > 0 ? slice(0) : null;
			for (let start = 0; next; start += sliceBytes) {
				const current = await next;
				next = start + sliceBytes < blob.size ? slice(start + sliceBytes) : null;
				next?.catch(() => {});
				yield new Uint8Array(current);
			}
		},
		random: { byteLength: blob.size, slice: (start, end) => blob.slice(start, end).arrayBuffer() }
	};
}

/** Fills `buffer` from a BYOB reader (fewer bytes only at the end); null when nothing was left. */
async function fill(reader: ReadableStreamBYOBReader, buffer: ArrayBuffer): Promise<Uint8Array | null> {
	let at = 0;
	for (;;) {
		const { done, value } = await reader.read(new Uint8Array(buffer, at, buffer.byteLength - at));
		if (!value) return null;
		buffer = value.buffer as ArrayBuffer;
		at += value.byteLength;
		if (done || at === buffer.byteLength) return at > 0 ? new Uint8Array(buffer, 0, at) : null;
	}
}

/**
 * A File or Blob streamed into two buffers used in turn (one filled while the other is parsed),
 * so each slice is valid only until the next is asked for (`reusesSlices`). In Chromium a new
 * 1 MB ArrayBuffer per slice cost more than reading it: the 120 MB bench file took 0.8–1.4 s of
 * the worker's time in `blob.slice().arrayBuffer()` reads and 0.05–0.07 s this way. Where the
 * browser has no byte stream for a Blob, it reads like `fromBlob`.
 */
export function streamBlob(blob: Blob, name: string, sliceBytes = SLICE_BYTES): ImportSource {
	const plain = fromBlob(blob, name, sliceBytes);
	return {
		...plain,
		reusesSlices: true,
		async *read() {
			let reader: ReadableStreamBYOBReader;
			try {
				reader = blob.stream().getReader({ mode: 'byob' });
			} catch {
				yield* plain.read();
				return;
			}
			try {
				let spare = new ArrayBuffer(sliceBytes);
				let next = fill(reader, new ArrayBuffer(sliceBytes));
				for (;;) {
					const current = await next;
					if (!current) return;
					// The caller asked for this slice, so it is done with the one before: `spare` is free to refill.
					next = current.byteLength < sliceBytes ? Promise.resolve(null) : fill(reader, spare);
					next.catch(() => {});
					yield current;
					spare = current.buffer as ArrayBuffer;
				}
			} finally {
				reader.cancel().catch(() => {});
			}
		}
	};
}

/** Each slice copied, for consumers that may keep bytes after asking for the next slice. */
export async function* ownSlices(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
	for await (const slice of input) yield slice.slice();
}

/** Bytes already in memory (tests, small files), cut into slices of `sliceBytes` or at `cuts`. */
export function fromBytes(bytes: Uint8Array, name: string, sliceBytes = SLICE_BYTES, cuts?: readonly number[]): ImportSource {
	return {
		name,
		size: bytes.length,
		async *read() {
			if (cuts) {
				let at = 0;
				for (const cut of [...cuts].sort((a, b) => a - b)) {
					if (cut <= at || cut >= bytes.length) continue;
					yield bytes.subarray(at, cut);
					at = cut;
				}
				if (at < bytes.length) yield bytes.subarray(at);
				return;
			}
			for (let start = 0; start < bytes.length; start += sliceBytes) yield bytes.subarray(start, start + sliceBytes);
		},
		random: {
			byteLength: bytes.length,
			slice: (start, end) => bytes.slice(start, end ?? bytes.length).buffer as ArrayBuffer
		}
	};
}

/**
 * Lets the importer look at the first bytes (magic numbers, encoding, delimiter) and then read
 * the stream from its start, without holding more than the look-ahead.
 */
export class SliceReader {
	private readonly pending: Uint8Array[] = [];
	private buffered = 0;
	private done = false;
	private readonly iterator: AsyncIterator<Uint8Array>;

	/** `copyHeld`: the input refills its buffers (ImportSource.reusesSlices), so slices kept for `peek` are copied. */
	constructor(
		input: AsyncIterable<Uint8Array>,
		private readonly copyHeld = false
	) {
		this.iterator = input[Symbol.asyncIterator]();
	}

	/** The first `n` bytes (fewer at the end of input); `complete` when that is all there is. */
	async peek(n: number): Promise<{ head: Uint8Array; complete: boolean }> {
		while (this.buffered < n && !this.done) {
			const next = await this.iterator.next();
			if (next.done) this.done = true;
			else if (next.value.length > 0) {
				this.pending.push(this.copyHeld ? next.value.slice() : next.value);
				this.buffered += next.value.length;
			}
		}
		const length = Math.min(n, this.buffered);
		const head = new Uint8Array(length);
		let at = 0;
		for (const p of this.pending) {
			if (at >= length) break;
			const take = Math.min(p.length, length - at);
			head.set(p.subarray(0, take), at);
			at += take;
		}
		return { head, complete: this.done && this.buffered <= n };
	}

	async *slices(): AsyncGenerator<Uint8Array> {
		while (this.pending.length > 0) {
			const p = this.pending.shift() as Uint8Array;
			this.buffered -= p.length;
			yield p;
		}
		if (this.done) return;
		for (;;) {
			const next = await this.iterator.next();
			if (next.done) return;
			yield next.value;
		}
	}
}

/** Counts bytes for progress and stops between slices when the signal fires. */
export async function* tracked(
	input: AsyncIterable<Uint8Array>,
	signal: AbortSignal | undefined,
	onBytes: (bytes: number) => void
): AsyncGenerator<Uint8Array> {
	for await (const slice of input) {
		throwIfAborted(signal);
		onBytes(slice.length);
		yield slice;
	}
	throwIfAborted(signal);
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
	if (signal?.aborted) throw new KilnError('AbortError', 'The import was cancelled; nothing from it was kept.');
}

/** The whole stream in one buffer, refused past `max` bytes (Parquet without random access). */
export async function readAll(input: AsyncIterable<Uint8Array>, max: number, what: string): Promise<Uint8Array> {
	const parts: Uint8Array[] = [];
	let total = 0;
	for await (const p of input) {
		total += p.length;
		if (total > max) {
			throw new KilnError('ImportError', `${what} is larger than ${Math.round(max / 1048576)} MB once unpacked, too large to hold in memory. Unpack it and import the file itself.`);
		}
		parts.push(p);
	}
	const out = new Uint8Array(total);
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}
