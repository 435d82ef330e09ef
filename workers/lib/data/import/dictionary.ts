/**
 * A dictionary of byte strings → codes (0, 1, … in order of first appearance). Cells are looked
 * up by their bytes in place, so a categorical cell costs a hash and a compare, not a string;
 * strings are made once per distinct value, when the dictionary is read at the end.
 */
const utf8 = new TextEncoder();

export class ByteDictionary {
	private arena = new Uint8Array(1 << 12);
	private used = 0;
	private starts = new Int32Array(256);
	private lengths = new Int32Array(256);
	private hashes = new Int32Array(256);
	/** Open addressing: code + 1, 0 for an empty slot. */
	private table = new Int32Array(512);
	private mask = 511;
	private scratch = new Uint8Array(256);
	size = 0;

	/** The code of bytes [s, e) of `b`, adding them when new. */
	code(b: Uint8Array, s: number, e: number): number {
		let h = 0x811c9dc5 | 0;
		for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
		h ^= h >>> 15;
		const length = e - s;
		const table = this.table;
		const mask = this.mask;
		let slot = h & mask;
		for (;;) {
			const entry = table[slot];
			if (entry === 0) break;
			const code = entry - 1;
			if (this.hashes[code] === h && this.lengths[code] === length && this.equals(code, b, s, length)) return code;
			slot = (slot + 1) & mask;
		}
		return this.insert(b, s, e, h, slot);
	}

	/** The code of a string value (JSON, Parquet). */
	codeOf(text: string): number {
		if (this.scratch.length < text.length * 3) this.scratch = new Uint8Array(text.length * 3 + 16);
		const { written } = utf8.encodeInto(text, this.scratch);
		return this.code(this.scratch, 0, written);
	}

	private equals(code: number, b: Uint8Array, s: number, length: number): boolean {
		const a = this.arena;
		const start = this.starts[code];
		for (let i = 0; i < length; i++) if (a[start + i] !== b[s + i]) return false;
		return true;
	}

	private insert(b: Uint8Array, s: number, e: number, h: number, slot: number): number {
		const length = e - s;
		const code = this.size;
		if (code === this.starts.length) {
			this.starts = grow(this.starts, code * 2);
			this.lengths = grow(this.lengths, code * 2);
			this.hashes = grow(this.hashes, code * 2);
		}
		if (this.used + length > this.arena.length) {
			const bigger = new Uint8Array(Math.max(this.arena.length * 2, this.used + length));
			bigger.set(this.arena.subarray(0, this.used));
			this.arena = bigger;
		}
		this.arena.set(b.subarray(s, e), this.used);
		this.starts[code] = this.used;
		this.lengths[code] = length;
		this.hashes[code] = h;
		this.used += length;
		this.table[slot] = code + 1;
		this.size++;
		if (this.size * 2 > this.mask) this.rehash();
		return code;
	}

	private rehash(): void {
		const capacity = (this.mask + 1) * 2;
		const table = new Int32Array(capacity);
		const mask = capacity - 1;
		for (let code = 0; code < this.size; code++) {
			let slot = this.hashes[code] & mask;
			while (table[slot] !== 0) slot = (slot + 1) & mask;
			table[slot] = code + 1;
		}
		this.table = table;
		this.mask = mask;
	}

	bytes(code: number): Uint8Array {
		return this.arena.subarray(this.starts[code], this.starts[code] + this.lengths[code]);
	}

	/** Bytes held, for memory accounting. */
	get byteSize(): number {
		return this.arena.length + this.table.length * 4 + this.starts.length * 12;
	}

	/**
	 * Every value as a string, by code. `decode` turns bytes into text in the file's encoding;
	 * it reports bytes that are not valid in that encoding (see TextDecoderChain).
	 */
	values(decode: (bytes: Uint8Array) => string): string[] {
		const out = new Array<string>(this.size);
		for (let code = 0; code < this.size; code++) out[code] = decode(this.bytes(code));
		return out;
	}
}

function grow(a: Int32Array, length: number): Int32Array<ArrayBuffer> {
	const b = new Int32Array(length);
	b.set(a);
	return b;
}
