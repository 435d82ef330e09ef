import type { MissingTokens } from './cells';
import type { TextReader } from './encoding';
import { PackedStrings } from './packed';

/**
 * A dictionary of byte strings → codes (0, 1, … in order of first appearance). Cells are looked
 * up by their bytes in place, so a categorical cell costs a hash and a compare, not a string;
 * strings are made once per distinct value, when the dictionary is read at the end.
 */
const utf8 = new TextEncoder();

export class ByteDictionary {
	private arena = new Uint8Array(1 << 12);
	private used = 0;
	/** Entry `code` is arena[starts[code], starts[code + 1]): entries are appended in order. */
	private starts = new Int32Array(257);
	/**
	 * Open addressing over slots of four words: [code + 1 (0 = empty), the value's hash, its bytes
	 * 0–3, its bytes 4–6 and length] for values of up to 7 bytes (SHORT_MAX), the last word LONG for
	 * longer ones. A probe reads one slot: a short value is found without reading `starts` or the
	 * arena, a longer one reads its bytes only when the hash matches. A big dictionary's lookups
	 * are cache misses: with slot pairs [code + 1, hash], each found value cost three dependent ones
	 * (slot, `starts`, arena), and the bench file's ZIP column (100,000 values of 5 bytes) took a
	 * third of the import's dictionary time (Node CPU profile, bench/import-bench.mjs).
	 */
	private table = new Int32Array(0);
	private mask = -1;
	/**
	 * While every value has come in strictly increasing byte order (sorted IDs, keys), each one is
	 * new: it is appended without any hash table. The table is built on the first value that breaks
	 * the order; an ID column of a million sorted values never needs one (≈ 16 MB and a cache miss per row).
	 */
	private sorted = true;
	/** Entries `reserve` announced, so the table is built at its final size. */
	private expected = 0;
	private scratch = new Uint8Array(256);
	size = 0;

	/**
	 * The code of bytes [s, e) of `b`, adding them when new; -1 for a cell `missing` counts as
	 * missing. Hot: one call per categorical cell. A missing token is never an entry, so a cell
	 * found is a value: the tokens are compared only for cells not found (few, after the first rows).
	 */
	code(b: Uint8Array, s: number, e: number, missing?: MissingTokens): number {
		if (this.mask < 0) {
			if (this.sorted && (this.size === 0 || this.after(b, s, e))) return missing?.isMissingAt(b, s, e) ? -1 : this.append(b, s, e);
			if (missing?.isMissingAt(b, s, e)) return -1;
			this.sorted = false;
			this.buildTable(Math.max(this.expected, this.size + 1));
		}
		const length = e - s;
		const table = this.table;
		const mask = this.mask;
		const hash = hashBytes(b, s, e);
		const k0 = keyLow(b, s, e);
		const k1 = keyHigh(b, s, e);
		let slot = hash & mask;
		for (;;) {
			const at = slot << 2;
			const entry = table[at];
			if (entry === 0) break;
			if (table[at + 1] === hash && table[at + 2] === k0 && table[at + 3] === k1) {
				// Short: the slot holds every byte and the length.
				if (k1 !== LONG) return entry - 1;
				const start = this.starts[entry - 1];
				if (this.starts[entry] - start === length) {
					const arena = this.arena;
					let i = 0;
					while (i < length && arena[start + i] === b[s + i]) i++;
					if (i === length) return entry - 1;
				}
			}
			slot = (slot + 1) & mask;
		}
		if (missing?.isMissingAt(b, s, e)) return -1;
		const code = this.append(b, s, e);
		const at = slot << 2;
		table[at] = code + 1;
		table[at + 1] = hash;
		table[at + 2] = k0;
		table[at + 3] = k1;
		if (this.size * 4 > this.mask * 3) this.rehash((this.mask + 1) * 2);
		return code;
	}

	/** The code of a string value (JSON, Parquet). */
	codeOf(text: string): number {
		if (this.scratch.length < text.length * 3) this.scratch = new Uint8Array(text.length * 3 + 16);
		const { written } = utf8.encodeInto(text, this.scratch);
		return this.code(this.scratch, 0, written);
	}

	/** Whether bytes [s, e) sort strictly after the last entry (bytewise, a prefix first). */
	private after(b: Uint8Array, s: number, e: number): boolean {
		const arena = this.arena;
		const from = this.starts[this.size - 1];
		const to = this.used;
		const n = Math.min(e - s, to - from);
		for (let i = 0; i < n; i++) {
			const x = b[s + i];
			const y = arena[from + i];
			if (x !== y) return x > y;
		}
		return e - s > to - from;
	}

	/** Adds the bytes as the next entry (the caller has checked they are new). */
	private append(b: Uint8Array, s: number, e: number): number {
		const length = e - s;
		const code = this.size;
		if (code + 2 > this.starts.length) this.starts = grow(this.starts, this.starts.length * 2);
		if (this.used + length > this.arena.length) {
			const bigger = new Uint8Array(Math.max(this.arena.length * 2, this.used + length));
			bigger.set(this.arena.subarray(0, this.used));
			this.arena = bigger;
		}
		// A byte loop: a subarray per insert would make a million short-lived objects for an ID column.
		const arena = this.arena;
		for (let i = s, j = this.used; i < e; i++, j++) arena[j] = b[i];
		this.used += length;
		this.starts[code + 1] = this.used;
		this.size++;
		return code;
	}

	/** Make room for `entries` values of about `bytesEach` bytes (one allocation, not doublings). */
	reserve(entries: number, bytesEach: number): void {
		if (entries + 2 > this.starts.length) this.starts = grow(this.starts, entries + 2);
		const bytes = Math.ceil(entries * bytesEach);
		if (bytes > this.arena.length) {
			const bigger = new Uint8Array(bytes);
			bigger.set(this.arena.subarray(0, this.used));
			this.arena = bigger;
		}
		this.expected = Math.max(this.expected, entries);
		if (this.mask >= 0 && capacityFor(entries) > this.mask + 1) this.rehash(capacityFor(entries));
	}

	get averageBytes(): number {
		return this.size > 0 ? this.used / this.size : 0;
	}

	/** The hash table over every entry so far, room for `entries`. */
	private buildTable(entries: number): void {
		const capacity = capacityFor(entries);
		const table = new Int32Array(capacity * SLOT);
		const mask = capacity - 1;
		const arena = this.arena;
		for (let code = 0; code < this.size; code++) {
			const s = this.starts[code];
			const e = this.starts[code + 1];
			const hash = hashBytes(arena, s, e);
			let slot = hash & mask;
			while (table[slot << 2] !== 0) slot = (slot + 1) & mask;
			const at = slot << 2;
			table[at] = code + 1;
			table[at + 1] = hash;
			table[at + 2] = keyLow(arena, s, e);
			table[at + 3] = keyHigh(arena, s, e);
		}
		this.table = table;
		this.mask = mask;
	}

	private rehash(capacity: number): void {
		const table = new Int32Array(capacity * SLOT);
		const mask = capacity - 1;
		const old = this.table;
		// Every entry's hash and key words are in the old table: no value is read or hashed again.
		for (let i = 0; i < old.length; i += SLOT) {
			if (old[i] === 0) continue;
			let slot = old[i + 1] & mask;
			while (table[slot << 2] !== 0) slot = (slot + 1) & mask;
			const at = slot << 2;
			table[at] = old[i];
			table[at + 1] = old[i + 1];
			table[at + 2] = old[i + 2];
			table[at + 3] = old[i + 3];
		}
		this.table = table;
		this.mask = mask;
	}

	/** Frees the hash table once the import ended, before the values are decoded (a later `code` builds it again). */
	endLookups(): void {
		this.table = new Int32Array(0);
		this.mask = -1;
		this.sorted = false;
	}

	bytes(code: number): Uint8Array {
		return this.arena.subarray(this.starts[code], this.starts[code + 1]);
	}

	/** Bytes held, for memory accounting. */
	get byteSize(): number {
		return this.arena.length + this.table.length * 4 + this.starts.length * 4;
	}

	/**
	 * Every value as a string, by code: the arena is decoded in one call and sliced (V8 keeps
	 * longer slices as views of the one string); values are decoded one by one only when the
	 * arena is not valid in the encoding as a whole or is too large for one string.
	 */
	values(reader: TextReader): string[] {
		const out = new Array<string>(this.size);
		const starts = this.starts;
		const whole = this.used <= MAX_WHOLE ? reader.all(this.arena.subarray(0, this.used)) : null;
		if (whole === null) {
			for (let code = 0; code < this.size; code++) out[code] = reader.text(this.bytes(code));
		} else if (whole.length === this.used) {
			for (let code = 0; code < this.size; code++) out[code] = whole.slice(starts[code], starts[code + 1]);
		} else {
			// UTF-8 with multi-byte characters: count UTF-16 units up to each entry's start.
			const a = this.arena;
			let unit = 0;
			let byte = 0;
			let from = 0;
			for (let code = 0; code < this.size; code++) {
				const end = starts[code + 1];
				for (; byte < end; byte++) {
					const c = a[byte];
					if ((c & 0xc0) !== 0x80) unit += c >= 0xf0 ? 2 : 1;
				}
				out[code] = whole.slice(from, unit);
				from = unit;
			}
		}
		return out;
	}

	/**
	 * Every value in one NUL-joined string (see packed.ts), decoded from the arena in one call:
	 * no string per value. Null when a value holds a NUL byte, or the arena is not valid in the
	 * encoding as a whole or too large for one string (then `values` decodes value by value).
	 */
	packed(reader: TextReader): PackedStrings | null {
		const length = this.used + Math.max(0, this.size - 1);
		if (length > MAX_WHOLE) return null;
		const arena = this.arena;
		for (let i = 0; i < this.used; i++) if (arena[i] === 0) return null;
		const joined = new Uint8Array(length);
		const starts = this.starts;
		let at = 0;
		for (let code = 0; code < this.size; code++) {
			if (code > 0) joined[at++] = 0;
			// A byte loop, not a subarray per value (a million short-lived objects for an ID column).
			for (let i = starts[code], e = starts[code + 1]; i < e; i++) joined[at++] = arena[i];
		}
		const text = reader.all(joined);
		return text === null ? null : new PackedStrings(text, this.size);
	}
}

/** Arenas larger than this are decoded value by value (V8 strings stop near 512 M characters). */
const MAX_WHOLE = 256 * 1024 * 1024;

/** FNV-1a over two bytes per step, then murmur3's finaliser so the low bits (the slot) mix well. */
function hashBytes(b: Uint8Array, s: number, e: number): number {
	let h = 0x811c9dc5 ^ (e - s);
	let i = s;
	for (; i + 1 < e; i += 2) h = Math.imul(h ^ (b[i] | (b[i + 1] << 8)), 0x01000193);
	if (i < e) h = Math.imul(h ^ b[i], 0x01000193);
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	return h ^ (h >>> 16);
}

/** Words per hash-table slot (ByteDictionary.table). */
const SLOT = 4;
/** The longest value a slot holds whole: 4 + 3 bytes, the length in the last word's top byte. */
const SHORT_MAX = 7;
/** The last word of a longer value's slot: no short value's (its top byte is a length ≤ 7). */
const LONG = 255 << 24;

/** A slot's third word for bytes [s, e): bytes 0–3 of a short value, 0 for a longer one. */
function keyLow(b: Uint8Array, s: number, e: number): number {
	return e - s <= SHORT_MAX ? packBytes(b, s, Math.min(e, s + 4)) : 0;
}

/** A slot's fourth word: bytes 4–6 of a short value with its length in the top byte, LONG for a longer one. */
function keyHigh(b: Uint8Array, s: number, e: number): number {
	return e - s <= SHORT_MAX ? packBytes(b, s + 4, e) | ((e - s) << 24) : LONG;
}

/** Bytes [s, e) (at most 4) little-endian in one int32; 0 for none. */
function packBytes(b: Uint8Array, s: number, e: number): number {
	let word = 0;
	for (let i = s, shift = 0; i < e; i++, shift += 8) word |= b[i] << shift;
	return word;
}

/** Slots (a power of two, at least 512) that keep `entries` under three quarters full. */
function capacityFor(entries: number): number {
	let capacity = 512;
	while (entries * 4 > (capacity - 1) * 3) capacity *= 2;
	return capacity;
}

function grow(a: Int32Array, length: number): Int32Array<ArrayBuffer> {
	const b = new Int32Array(length);
	b.set(a);
	return b;
}
